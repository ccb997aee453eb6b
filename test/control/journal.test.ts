/**
 * The journal as a QA engineer uses it: "which requests got MSG-304?", then open one and see the
 * request and the answer, with nothing secret in it.
 */
import t from 'tap'
import { startMockServer } from '../../src/index.js'
import { BODY_LIMIT } from '../../src/control/journal.js'
import { build, JWT_GRANT, START } from '../helper.js'

const SMS = '/restapi/v1.0/account/~/extension/~/sms'
const ME = '/restapi/v1.0/account/~/extension/~'

const send = (h: Awaited<ReturnType<typeof build>>, token: string, from: string) => h.app.inject({
  method: 'POST',
  url: SMS,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  payload: { from: { phoneNumber: from }, to: [{ phoneNumber: '+16505550177' }], text: 'Reminder' }
})

t.test('which requests got MSG-304: errorCode filter, the entry in full, GET by id', async t => {
  const h = await build(t, undefined, { file: new URL('../../scenarios/msg-304.yaml', import.meta.url).pathname })
  const admin = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('admin-jwt') }, { id: 'reminders-app', secret: 'reminders-secret' })
  const token = admin.json().access_token as string
  t.equal((await send(h, token, '+16505550202')).statusCode, 403)
  t.equal((await send(h, token, '+16505550200')).statusCode, 200)

  const res = await h.api('/__mock/requests?errorCode=MSG-304')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.total, 1, 'total counts the matches')
  t.equal(body.held, 3)
  const [entry] = body.records
  t.match(entry, {
    method: 'POST',
    url: SMS,
    operation: 'createSMSMessage',
    status: 403,
    errorCodes: ['MSG-304'],
    clientId: 'reminders-app',
    extensionId: '200300401'
  })
  t.match(entry.request.headers, { authorization: 'Bearer [redacted]', 'content-type': 'application/json' })
  t.same(JSON.parse(entry.request.body), { from: { phoneNumber: '+16505550202' }, to: [{ phoneNumber: '+16505550177' }], text: 'Reminder' })
  t.match(JSON.parse(entry.response.body), { errorCode: 'FeatureNotAvailable', errors: [{ errorCode: 'MSG-304' }] })
  t.match(entry.response.headers, { 'content-type': /application\/json/ })
  t.ok(entry.response.headers.rcrequestid, 'response headers as sent')

  const one = await h.api(`/__mock/requests/${entry.id as number}`)
  t.same(one.json(), entry, 'GET /__mock/requests/{id} gives the same entry')
  t.equal((await h.api('/__mock/requests/999999')).statusCode, 404)
  t.equal((await h.api('/__mock/requests/abc')).statusCode, 404)

  const login = (await h.api('/__mock/requests?operation=getToken')).json().records[0]
  t.match(login, { grantType: JWT_GRANT, clientId: 'reminders-app', status: 200 })
  t.notMatch(login.request.body, h.jwt('admin-jwt'), 'the assertion is not in the request body')
  t.match(login.request.body, /assertion=\[redacted\]/)
  t.notMatch(login.response.body, token, 'the access token is not in the response body')
  t.equal(JSON.parse(login.response.body).access_token, '[redacted]')
  t.equal(login.request.headers.authorization, 'Basic [redacted]')
})

t.test('filters: status, clientId, extensionId, grantType, since, combined; ids are stable', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  await h.api(ME, token)
  await h.api(ME, 'no-such-token')
  h.advance(60)
  await h.login('ben-jwt')
  const list = async (query: string) => (await h.api(`/__mock/requests${query}`)).json()
  t.same((await list('?status=401')).records.map((r: any) => r.errorCodes), [['OAU-213']])
  t.equal((await list('?clientId=jwt-app')).total, 3, 'the bad token names no client')
  t.equal((await list('?extensionId=100200301')).total, 1)
  t.equal((await list(`?grantType=${encodeURIComponent(JWT_GRANT)}`)).total, 2)
  t.same((await list(`?since=${encodeURIComponent('2024-03-30T12:00:30Z')}`)).records.map((r: any) => r.time), ['2024-03-30T12:01:00.000Z'])
  t.equal((await list('?operation=getToken&since=2024-03-30T12:00:00Z&status=200')).total, 2)
  const ids = (await list('')).records.map((r: any) => r.id)
  t.same(ids, [1, 2, 3, 4])
  await h.app.inject({ method: 'DELETE', url: '/__mock/requests' })
  await h.api(ME, token)
  t.same((await list('')).records.map((r: any) => r.id), [5], 'an id is never reused')
  await h.app.inject({ method: 'POST', url: '/__mock/reset' })
  await h.login()
  t.same((await list('')).records.map((r: any) => r.id), [6], 'not even after a reset')
})

t.test('an unknown filter or operation is a 400 that lists the valid ones', async t => {
  const h = await build(t)
  const unknownFilter = await h.api('/__mock/requests?errorcode=MSG-304')
  t.equal(unknownFilter.statusCode, 400)
  t.match(unknownFilter.json(), { error: 'bad_request', message: /unknown filter "errorcode" \(did you mean "errorCode"\?\); the filters are operation, errorCode, status, method, clientId, extensionId, grantType, rule, path, since/ })
  const unknownOperation = await h.api('/__mock/requests?operation=sendSms')
  t.equal(unknownOperation.statusCode, 400)
  t.match(unknownOperation.json().message, /unknown operation "sendSms".*; the operations are getToken, revokeToken, authorize, .*createSMSMessage/)
  t.equal((await h.api('/__mock/requests?status=abc')).statusCode, 400)
  t.equal((await h.api('/__mock/requests?since=yesterday')).statusCode, 400)
})

t.test('bodies are bounded, and a large one is cut when recorded', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  const big = 'x'.repeat(BODY_LIMIT * 3)
  await h.app.inject({ method: 'POST', url: SMS, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550177' }], text: big } })
  const [entry] = (await h.api('/__mock/requests?operation=createSMSMessage')).json().records
  t.equal(entry.request.truncated, true)
  t.ok(entry.request.body.length <= BODY_LIMIT, 'at most BODY_LIMIT characters')
  t.ok(entry.request.bodySize > BODY_LIMIT * 3, 'the full size is given')
  t.equal(entry.errorCodes[0], 'MSG-338')
})

t.test('startMockServer: the same filters, typed; the same refusals', async t => {
  const mock = await startMockServer({ scenario: 'msg-304' })
  t.teardown(() => mock.close())
  const res = await fetch(`${mock.url}/restapi/v1.0/account/~/extension/~`)
  t.equal(res.status, 401)
  const [entry] = mock.requests.list({ errorCode: 'OAU-123', status: 401, operation: 'readExtension' })
  t.match(entry, { status: 401, errorCodes: ['OAU-123'], operation: 'readExtension' })
  t.same(mock.requests.get(entry!.id), entry)
  t.throws(() => mock.requests.list({ operation: 'readExtensoin' as 'readExtension' }), { name: 'ControlError', message: /unknown operation "readExtensoin" \(did you mean "readExtension"\?\)/ })
  t.throws(() => mock.requests.list({ colour: 'red' } as never), { message: /unknown filter "colour"/ })
  t.same(mock.requests.list({ since: new Date(Date.parse(START) - 1) }).length >= 0, true)
})

t.test('the one-line request log shows the error code', async t => {
  const lines: string[] = []
  const mock = await startMockServer({ scenario: 'msg-304', log: line => lines.push(line) })
  t.teardown(() => mock.close())
  await fetch(`${mock.url}/restapi/v1.0/account/~/extension/~`)
  await fetch(`${mock.url}/restapi/v1.0/account/~/extension/~`, { headers: { authorization: 'Bearer nope' } })
  t.match(lines[0], /^GET \/restapi\/v1\.0\/account\/~\/extension\/~ 401 [\d.]+ms readExtension OAU-123$/)
  t.match(lines[1], /401 [\d.]+ms readExtension OAU-213$/)
})
