import t from 'tap'
import { apiError, build } from '../helper.js'

const ME = '/restapi/v1.0/account/~/extension/~'

t.test('GET /restapi/v1.0/account/~/extension/~ (readExtension)', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  const res = await h.api(ME, token, { headers: { host: 'mock.test:1234' } })
  t.equal(res.statusCode, 200)
  t.match(res.headers.rcrequestid, /^[0-9a-f-]{36}$/)
  const body = res.json()
  t.equal(body.uri, 'http://mock.test:1234/restapi/v1.0/account/100200300/extension/100200301', 'absolute, numeric ids')
  t.equal(body.id, 100200301)
  t.match(body, {
    extensionNumber: '101',
    name: 'Ada Admin',
    type: 'User',
    status: 'Enabled',
    contact: { firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' },
    permissions: { admin: { enabled: true } },
    account: { id: '100200300', uri: 'http://mock.test:1234/restapi/v1.0/account/100200300' }
  })
  t.ok(Array.isArray(body.serviceFeatures), 'serviceFeatures for the caller\'s own extension')
  const byId = await h.api('/restapi/v1.0/account/100200300/extension/100200301', token)
  t.equal(byId.json().id, 100200301)
  const other = await h.api('/restapi/v1.0/account/~/extension/100200302', token)
  t.equal(other.json().name, 'Ben Employee')
  t.notOk('serviceFeatures' in other.json(), 'not for another extension')
})

t.test('bearer checks', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  t.test('the scheme is case-insensitive (the JS SDK sends "bearer")', async t => {
    for (const scheme of ['bearer', 'Bearer', 'BEARER']) {
      t.equal((await h.api(ME, undefined, { headers: { authorization: `${scheme} ${token}` } })).statusCode, 200, scheme)
    }
  })
  t.test('?access_token= works', async t => {
    t.equal((await h.api(`${ME}?access_token=${token}`)).statusCode, 200)
  })
  t.test('missing: 401 OAU-123', async t => {
    const res = await h.api(ME)
    t.equal(res.statusCode, 401)
    t.same(res.json(), apiError('OAU-123', 'Authorization header is not specified'))
    t.equal(res.headers['www-authenticate'], 'Bearer realm="RingCentral REST API"')
  })
  t.test('another scheme: 401 OAU-151', async t => {
    const res = await h.api(ME, undefined, { headers: { authorization: 'Basic abc' } })
    t.equal(res.statusCode, 401)
    t.equal(res.json().errorCode, 'OAU-151')
  })
  t.test('malformed header: 401 AGW-402', async t => {
    const res = await h.api(ME, undefined, { headers: { authorization: 'Bearer' } })
    t.equal(res.statusCode, 401)
    t.same(res.json(), apiError('AGW-402', 'Invalid Authorization header'))
  })
  t.test('unknown token: 401 OAU-213 with top-level TokenInvalid', async t => {
    const res = await h.api(ME, 'made-up')
    t.equal(res.statusCode, 401)
    t.same(res.json(), apiError('OAU-213', 'Token not found', 'TokenInvalid'))
  })
})

t.test('an app without ReadAccounts: 403 CMN-401 with permissionName', async t => {
  const h = await build(t, s => { s.apps[0]!.scopes = ['SMS'] })
  const { access_token: token } = await h.login()
  const res = await h.api(ME, token)
  t.equal(res.statusCode, 403)
  const message = 'In order to call this API endpoint, application needs to have [ReadAccounts] permission'
  t.same(res.json(), apiError('CMN-401', message, 'InsufficientPermissions', { permissionName: 'ReadAccounts' }))
})

t.test('unknown account or extension: 404 CMN-102', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  const account = await h.api('/restapi/v1.0/account/999/extension/~', token)
  t.equal(account.statusCode, 404)
  t.same(account.json(), apiError('CMN-102', 'Resource for parameter [accountId] is not found', 'CMN-102', { parameterName: 'accountId' }))
  const ext = await h.api('/restapi/v1.0/account/~/extension/999', token)
  t.same(ext.json(), apiError('CMN-102', 'Resource for parameter [extensionId] is not found', 'CMN-102', { parameterName: 'extensionId' }))
})

t.test('unknown paths: 404 CMN-120 in RingCentral\'s body, saying whether the mock models it', async t => {
  const h = await build(t)
  const unmodelled = await h.api('/restapi/v1.0/account/~/call-log')
  t.equal(unmodelled.statusCode, 404)
  t.equal(unmodelled.headers['x-mock-unmodelled'], 'true')
  const message = 'Invalid URI: ringcentral-mock does not model GET /restapi/v1.0/account/~/call-log; the operations it serves are listed at /__mock/docs'
  t.same(unmodelled.json(), apiError('CMN-120', message))

  const typo = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/account/~/extension/~/smss', payload: {} })
  t.equal(typo.statusCode, 404)
  t.equal(typo.json().errors[0].errorCode, 'CMN-120')
  t.match(typo.json().message, 'did you mean POST /restapi/v1.0/account/{accountId}/extension/{extensionId}/sms (createSMSMessage)?')

  const method = await h.api('/restapi/v1.0/account/~/extension/~/sms')
  t.equal(method.statusCode, 404)
  t.match(method.json().message, /is served for POST only \(createSMSMessage\), not GET/)

  const outside = await h.api('/favicon.ico')
  t.same(outside.json(), apiError('CMN-120', 'Invalid URI'), 'outside /restapi/ the plain RingCentral answer')
  t.equal(outside.headers['x-mock-unmodelled'], undefined)

  const control = await h.api('/__mock/nope')
  t.equal(control.statusCode, 404)
  t.same(Object.keys(control.json()), ['error', 'message'], 'the control API\'s own error shape')
  t.match(control.json(), { error: 'not_found', message: /no control API route GET \/__mock\/nope/ })
})

t.test('/__mock/health', async t => {
  const h = await build(t)
  const res = await h.api('/__mock/health')
  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'ok')
})
