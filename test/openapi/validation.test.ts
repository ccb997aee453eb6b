/**
 * Requests are validated from the document, and a failure is RingCentral's own error:
 * `400 CMN-101 Parameter [x] value is invalid.` with `parameterName`, never fastify's default body;
 * after the access token and the app permission, as RingCentral's gateway checks those first.
 */
import t from 'tap'
import { parameterNameOf } from '../../src/error-handler.js'
import { apiError, build, type Harness } from '../helper.js'

const ME = '/restapi/v1.0/account/~/extension/~'
const invalid = (name: string) => apiError('CMN-101', `Parameter [${name}] value is invalid.`, 'CMN-101', { parameterName: name })

const sms = (h: Harness, token: string, payload: unknown) => h.app.inject({
  method: 'POST',
  url: `${ME}/sms`,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  payload: JSON.stringify(payload)
})

t.test('query parameters: types, enums, bounds; repeated array parameters', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  for (const [q, name] of [
    ['perPage=abc', 'perPage'], ['perPage=0', 'perPage'], ['page=1.5', 'page'], ['perPage=', 'perPage'],
    ['direction=Sideways', 'direction'], ['direction=Inbound&direction=Sideways', 'direction'],
    ['messageType=MMS', 'messageType'], ['readStatus=Read&readStatus=Maybe', 'readStatus'],
    ['distinctConversations=1', 'distinctConversations'], ['dateFrom=2024-03-30', 'dateFrom'], ['dateTo=soon', 'dateTo'],
    ['perPage=5&perPage=6', 'perPage']
  ]) {
    const res = await h.api(`${ME}/message-store?${q}`, token)
    t.equal(res.statusCode, 400, q)
    t.same(res.json(), invalid(name!), q)
  }
  for (const q of ['direction=Inbound', 'direction=Inbound&direction=Outbound', 'messageType=SMS&messageType=Text', 'perPage=5000', 'distinctConversations=false', 'dateFrom=2024-03-29T12:00:00Z']) {
    t.equal((await h.api(`${ME}/message-store?${q}`, token)).statusCode, 200, q)
  }
  for (const [q, name] of [['perPage=1001', 'perPage'], ['status=Busy', 'status'], ['usageType=DirectNumber&usageType=Nope', 'usageType']]) {
    t.same((await h.api(`${ME}/phone-number?${q}`, token)).json(), invalid(name!), q)
  }
  t.equal((await h.api(`${ME}/phone-number?usageType=DirectNumber&usageType=MainCompanyNumber&perPage=1000`, token)).statusCode, 200)
  t.equal((await h.api(`${ME}/phone-number?usageType=DirectNumber`, token)).statusCode, 200, 'a single value of an array parameter')
})

t.test('the token and the app permission come first, as at RingCentral\'s gateway', async t => {
  const h = await build(t, s => {
    s.apps.push({ clientId: 'accounts-only', clientSecret: 'accounts-only-secret', name: 'Accounts only', grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], scopes: ['ReadAccounts'] })
  })
  const noToken = await h.api(`${ME}/message-store?perPage=abc`)
  t.equal(noToken.statusCode, 401)
  t.equal(noToken.json().errors[0].errorCode, 'OAU-123')
  t.equal((await h.api(`${ME}/message-store?perPage=abc`, 'not-a-token')).json().errors[0].errorCode, 'OAU-213')
  const { access_token: limited } = await h.login('ada-jwt', 'accounts-only')
  const noScope = await h.api(`${ME}/message-store?perPage=abc`, limited)
  t.equal(noScope.statusCode, 403)
  t.match(noScope.json(), { errorCode: 'InsufficientPermissions', permissionName: 'ReadMessages' })
  t.same((await h.api(`${ME}/phone-number?perPage=abc`, limited)).json(), invalid('perPage'), 'with the permission: CMN-101')
})

t.test('rules and rate limits still see an invalid request', async t => {
  const h = await build(t, s => {
    s.rules = [{ id: 'busy', when: { operation: 'listMessages' }, times: 1, respond: { error: 'CMN-301' } }]
  })
  const { access_token: token } = await h.login()
  const first = await h.api(`${ME}/message-store?perPage=abc`, token)
  t.equal(first.statusCode, 429, 'the rule answered')
  t.equal(first.headers['x-mock-rule'], 'busy')
  t.same((await h.api(`${ME}/message-store?perPage=abc`, token)).json(), invalid('perPage'))
})

t.test('the SMS body: RingCentral\'s shape, the handler\'s specific codes kept', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const from = { phoneNumber: '+16505550102' }
  const to = [{ phoneNumber: '+16505550199' }]
  for (const [body, name] of [
    [{ from, text: 'x' }, 'to'], [{ from, to: [], text: 'x' }, 'to'], [{ from, to: 'x', text: 'x' }, 'to'], [{ from, to: ['+16505550199'], text: 'x' }, 'to'],
    [{ to, text: 'x' }, 'from'], [{ from: '+16505550102', to, text: 'x' }, 'from'], [{ from, to }, 'text'], [{ from, to, text: 5 }, 'text'],
    [{ from, to, text: 'x', country: { isoCode: 'USA' } }, 'country.isoCode'], [{ from, to, text: 'x', country: 'US' }, 'country']
  ] as const) {
    const res = await sms(h, token, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.same(res.json(), invalid(name), JSON.stringify(body))
  }
  // Only the schema refuses this one (the handler reads no extensionNumber beside a phoneNumber).
  for (const type of ['application/json', 'application/json; charset=UTF-8']) {
    const res = await h.app.inject({
      method: 'POST',
      url: `${ME}/sms`,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      payload: JSON.stringify({ from: { ...from, extensionNumber: {} }, to, text: 'x' })
    })
    t.same(res.json(), invalid('from.extensionNumber'), `validated from the document (${type})`)
  }
  const many = Array.from({ length: 11 }, (_, i) => ({ phoneNumber: `+1650555${String(1000 + i)}` }))
  t.equal((await sms(h, token, { from, to: many, text: 'x' })).json().errors[0].errorCode, 'MSG-381', 'eleven recipients: the handler\'s MSG-381')
  t.equal((await sms(h, token, { from, to, text: 'x'.repeat(1001) })).json().errors[0].errorCode, 'MSG-338', 'too long: MSG-338')
  t.equal((await sms(h, token, { from, to: [{ extensionNumber: '103' }], text: 'x' })).json().errors[0].errorCode, 'MSG-246', 'extensionNumber: MSG-246')
  t.equal((await sms(h, token, { from, to, text: 'x', country: { id: '1', isoCode: 'US' } })).json().errors[0].errorCode, 'MSG-365')
  t.equal((await sms(h, token, { from, to, text: 'hello' })).statusCode, 200)
})

t.test('OAuth endpoints keep RingCentral\'s specific answers (their forms are checked by the handlers)', async t => {
  const h = await build(t)
  t.equal((await h.token({ assertion: 'x' })).json().errors[0].errorCode, 'OAU-250', 'no grant_type')
  const repeated = await h.app.inject({
    method: 'POST',
    url: '/restapi/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('jwt-app:jwt-app-secret').toString('base64')}` },
    payload: 'grant_type=refresh_token&refresh_token=a&refresh_token=b'
  })
  t.equal(repeated.json().errors[0].errorCode, 'OAU-111')
  t.match((await h.token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: h.jwt('ada-jwt'), access_token_ttl: 'soon' })).json().errors[0],
    { errorCode: 'CMN-101', parameterName: 'access_token_ttl', parameterValue: 'soon' })
  const asJson = await h.app.inject({ method: 'POST', url: '/restapi/oauth/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":"refresh_token"}' })
  t.equal(asJson.statusCode, 415)
  const authorize = await h.api('/restapi/oauth/authorize?response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Foauth%2Fcallback')
  t.equal(authorize.json().errors[0].errorCode, 'CMN-100', 'authorize without client_id: CMN-100, not a schema error')
})

t.test('no fastify default error body anywhere', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  for (const url of [`${ME}/message-store?perPage=x`, `${ME}/phone-number?status=x`]) {
    const body = (await h.api(url, token)).json()
    t.notOk('statusCode' in body || 'code' in body || 'error' in body, url)
  }
})

t.test('parameterNameOf: how a validation error names its parameter', async t => {
  const v = (context: string, instancePath: string, params: Record<string, unknown> = {}) =>
    parameterNameOf({ validationContext: context as 'body', validation: [{ keyword: 'x', instancePath, schemaPath: '', params }] })
  t.equal(v('querystring', '/perPage'), 'perPage')
  t.equal(v('querystring', '/direction/1'), 'direction', 'an item of a repeated parameter')
  t.equal(v('params', '/messageId'), 'messageId')
  t.equal(v('querystring', '', { missingProperty: 'token' }), 'token')
  t.equal(v('body', '/to/0/phoneNumber'), 'to', 'inside an array: the array')
  t.equal(v('body', '/country/isoCode'), 'country.isoCode')
  t.equal(v('body', '/country', { missingProperty: 'id' }), 'country.id')
  t.equal(v('body', ''), 'body')
  t.equal(parameterNameOf({ validationContext: 'querystring' }), 'querystring')
})
