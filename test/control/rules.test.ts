import t from 'tap'
import { apiError, build, JWT_GRANT, oauthError, type Harness } from '../helper.js'
import type { RuleSpec } from '../../src/control/rules.js'

const ME = '/restapi/v1.0/account/~/extension/~'
const refresh = (h: Harness, token: string) => h.token({ grant_type: 'refresh_token', refresh_token: token })
const addRule = (h: Harness, rule: unknown) => h.app.inject({ method: 'POST', url: '/__mock/rules', payload: rule as object })

t.test('a scenario rule: the refresh fails twice, then works', async t => {
  const h = await build(t, s => {
    s.rules = [{ id: 'refresh-outage', when: { operation: 'getToken', grantType: 'refresh_token' }, times: 2, respond: { error: 'OAU-213' } }]
  })
  const login = await h.login()
  for (let i = 0; i < 2; i++) {
    const res = await refresh(h, login.refresh_token)
    t.equal(res.statusCode, 400)
    t.same(res.json(), oauthError('invalid_grant', 'OAU-213', 'Token not found'), 'rendered in the OAuth dialect')
    t.equal(res.headers['x-mock-rule'], 'refresh-outage')
  }
  const ok = await refresh(h, login.refresh_token)
  t.equal(ok.statusCode, 200)
  t.notOk(ok.headers['x-mock-rule'])
  t.equal((await h.login()).token_type, 'bearer', 'other grants were never affected')
})

t.test('skip lets N matching requests through first', async t => {
  const h = await build(t, s => {
    s.rules = [{ id: 'third-call', when: { operation: 'readExtension' }, skip: 2, times: 1, respond: { error: 'CMN-301' } }]
  })
  const { access_token: token } = await h.login()
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await h.api(ME, token)).statusCode)
  t.same(statuses, [200, 200, 429, 200])
})

t.test('an API error renders in the API dialect with its headers', async t => {
  const h = await build(t, s => { s.rules = [{ id: 'limited', when: { operation: 'readExtension' }, respond: { error: 'CMN-301' } }] })
  const { access_token: token } = await h.login()
  const res = await h.api(ME, token)
  t.equal(res.statusCode, 429)
  t.same(res.json(), apiError('CMN-301', 'Request rate exceeded'))
  t.equal(res.headers['retry-after'], '60')
  t.equal(res.headers['x-mock-rule'], 'limited')
})

t.test('custom status, headers and body', async t => {
  const h = await build(t, s => {
    s.rules = [{ id: 'maintenance', when: { operation: 'readExtension' }, respond: { status: 503, headers: { 'Retry-After': '5' }, body: { message: 'Service Unavailable' } } }]
  })
  const res = await h.api(ME)
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.same(res.json(), { message: 'Service Unavailable' })
})

t.test('matchers: clientId, grantType, extensionId, method, path, body fields', async t => {
  const h = await build(t, s => {
    s.rules = [
      { id: 'dual-only', when: { operation: 'getToken', clientId: 'dual-app', grantType: JWT_GRANT }, respond: { error: 'OAU-251' } },
      { id: 'ben-only', when: { operation: 'readExtension', extensionId: '100200302' }, respond: { status: 418 } },
      { id: 'by-body', when: { operation: 'getToken', body: { username: 'cleo@example.com' } }, respond: { error: 'OAU-140' } },
      { id: 'by-path', when: { operation: 'readExtension', method: 'GET', path: '/restapi/v1.0/account/*/extension/100200303' }, respond: { status: 410 } }
    ]
  })
  t.equal((await h.login()).token_type, 'bearer', 'jwt-app is not matched')
  const dual = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ada-jwt') }, { id: 'dual-app', secret: 'dual-app-secret' })
  t.equal(dual.headers['x-mock-rule'], 'dual-only')
  const { access_token: ada } = await h.login()
  t.equal((await h.api(ME, ada)).statusCode, 200)
  t.equal((await h.api('/restapi/v1.0/account/~/extension/100200302', ada)).statusCode, 418)
  const ben = (await h.login('ben-jwt')).access_token
  t.equal((await h.api(ME, ben)).statusCode, 418, '~ resolves to the caller for extensionId')
  const cleo = await h.token({ grant_type: 'password', username: 'cleo@example.com', password: 'Cleo-Passw0rd' }, { id: 'dual-app', secret: 'dual-app-secret' })
  t.equal(cleo.headers['x-mock-rule'], 'by-body')
  t.equal((await h.api('/restapi/v1.0/account/100200300/extension/100200303', ada)).statusCode, 410)
})

t.test('order: run-time rules first, in the order added, then the scenario\'s in file order', async t => {
  const h = await build(t, s => {
    s.rules = [
      { id: 'file-1', when: { operation: 'readExtension' }, respond: { status: 501 } },
      { id: 'file-2', when: { operation: 'readExtension' }, respond: { status: 502 } }
    ]
  })
  t.equal((await h.api(ME)).headers['x-mock-rule'], 'file-1')
  t.equal((await addRule(h, { id: 'rt-1', when: { operation: 'readExtension' }, times: 1, respond: { status: 503 } })).statusCode, 201)
  t.equal((await addRule(h, { id: 'rt-2', when: { operation: 'readExtension' }, times: 1, respond: { status: 504 } })).statusCode, 201)
  const seen = []
  for (let i = 0; i < 3; i++) seen.push((await h.api(ME)).headers['x-mock-rule'])
  t.same(seen, ['rt-1', 'rt-2', 'file-1'])
  const list = (await h.api('/__mock/rules')).json().rules
  t.same(list.map((r: any) => [r.id, r.source, r.applied, r.remaining]), [
    ['rt-1', 'runtime', 1, 0], ['rt-2', 'runtime', 1, 0], ['file-1', 'scenario', 2, null], ['file-2', 'scenario', 0, null]
  ])
  t.equal((await h.app.inject({ method: 'DELETE', url: '/__mock/rules/file-1' })).statusCode, 204)
  t.equal((await h.api(ME)).headers['x-mock-rule'], 'file-2')
  t.equal((await h.app.inject({ method: 'DELETE', url: '/__mock/rules/file-1' })).statusCode, 404)
})

t.test('faults', async t => {
  const h = await build(t, s => {
    s.rules = [
      { id: 'reset', when: { operation: 'readExtension', extensionId: '100200302' }, respond: { fault: 'connection-reset' } },
      { id: 'empty', when: { operation: 'readExtension', extensionId: '100200303' }, respond: { fault: 'empty-response' } }
    ]
  })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (h.app.server.address() as { port: number }).port
  const { access_token: token } = await h.login()
  const get = (ext: string) => fetch(`http://127.0.0.1:${port}/restapi/v1.0/account/~/extension/${ext}`, { headers: { authorization: `Bearer ${token}` } })
  await t.rejects(get('100200302'), 'connection reset: fetch fails')
  await t.rejects(get('100200303'), 'empty response: fetch fails')
  t.equal((await get('100200301')).status, 200, 'other requests are unaffected')
  const journal = (await h.api('/__mock/requests?operation=readExtension')).json().records
  t.same(journal.map((r: any) => [r.rule ?? null, r.fault ?? null, r.status]), [['reset', 'connection-reset', 0], ['empty', 'empty-response', 0], [null, null, 200]])
})

t.test('a timeout fault never answers, and closing the server ends it', async t => {
  const h = await build(t, s => { s.rules = [{ id: 'hang', when: { operation: 'readExtension' }, respond: { fault: 'timeout' } }] })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (h.app.server.address() as { port: number }).port
  const controller = new AbortController()
  const pending = fetch(`http://127.0.0.1:${port}${ME}`, { signal: controller.signal })
  const raced = await Promise.race([pending.then(() => 'answered', () => 'failed'), h.app.inject({ url: '/__mock/health' }).then(() => 'still waiting')])
  t.equal(raced, 'still waiting')
  controller.abort()
  await t.rejects(pending)
})

t.test('delayMs alone adds latency and lets the request through', async t => {
  const h = await build(t, s => { s.rules = [{ id: 'slow', when: { operation: 'readExtension' }, respond: { delayMs: 30 } }] })
  const { access_token: token } = await h.login()
  const res = await h.api(ME, token)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-mock-rule'], 'slow')
})

t.test('rules that can never match, or name unknown errors or operations, are refused', async t => {
  const h = await build(t)
  const cases: Array<[string, Partial<RuleSpec> & Record<string, unknown>, RegExp]> = [
    // The control API takes any JSON: these also fail to compile as RuleSpec (test/types/api.ts).
    ['unknown operation', { id: 'a', when: { operation: 'sendFax' as 'getToken' }, respond: { error: 'CMN-301' } }, /unknown operation "sendFax"/],
    ['unknown error', { id: 'a', when: { operation: 'getToken' }, respond: { error: 'XYZ-1' as 'CMN-301' } }, /unknown RingCentral error "XYZ-1"/],
    ['a misspelt operation', { id: 'a', when: { operation: 'createSmsMessage' as 'getToken' }, respond: { error: 'CMN-301' } }, /unknown operation "createSmsMessage" \(did you mean "createSMSMessage"\?\)/],
    ['a misspelt error', { id: 'a', when: { operation: 'getToken' }, respond: { error: 'MSG-3O4' as 'CMN-301' } }, /unknown RingCentral error "MSG-3O4" \(did you mean "MSG-304"\?\)/],
    ['a short grant name', { id: 'a', when: { operation: 'getToken', grantType: 'jwt-bearer' }, respond: { error: 'CMN-301' } }, /unknown grant type "jwt-bearer" \(did you mean "urn:ietf:params:oauth:grant-type:jwt-bearer"\?\)/],
    ['grantType on another operation', { id: 'a', when: { operation: 'readExtension', grantType: 'password' }, respond: { error: 'CMN-301' } }, /never match.*grant_type/],
    ['unknown grant type', { id: 'a', when: { operation: 'getToken', grantType: 'implicit' }, respond: { error: 'CMN-301' } }, /unknown grant type/],
    ['unknown client', { id: 'a', when: { operation: 'getToken', clientId: 'ghost' }, respond: { error: 'CMN-301' } }, /no app "ghost"/],
    ['unknown extension', { id: 'a', when: { operation: 'readExtension', extensionId: '42' }, respond: { error: 'CMN-301' } }, /no extension 42/],
    ['wrong method', { id: 'a', when: { operation: 'getToken', method: 'GET' }, respond: { error: 'CMN-301' } }, /getToken is POST/],
    ['path of another operation', { id: 'a', when: { operation: 'getToken', path: '/restapi/oauth/revoke' }, respond: { error: 'CMN-301' } }, /not a getToken path/],
    ['two answers', { id: 'a', when: { operation: 'getToken' }, respond: { error: 'CMN-301', fault: 'timeout' } }, /one of error/],
    ['times 0', { id: 'a', when: { operation: 'getToken' }, times: 0, respond: { error: 'CMN-301' } }, /must be >= 1/],
    ['bad fault', { id: 'a', when: { operation: 'getToken' }, respond: { fault: 'explode' as 'timeout' } }, /must be one of "connection-reset"/]
  ]
  for (const [name, rule, message] of cases) {
    const res = await addRule(h, rule)
    t.equal(res.statusCode, 400, name)
    t.match(res.json().problems.map((p: { message: string }) => p.message).join("\n"), message, name)
  }
  t.equal((await h.api('/__mock/rules')).json().rules.length, 0, 'nothing was added')
  t.equal((await addRule(h, { id: 'dup', when: { operation: 'getToken' }, respond: { error: 'CMN-301' } })).statusCode, 201)
  t.equal((await addRule(h, { id: 'dup', when: { operation: 'getToken' }, respond: { error: 'CMN-301' } })).statusCode, 409)
  t.equal((await addRule(h, [1, 2])).statusCode, 400, 'not an object')
})

t.test('rules target the subscription operations and the WebSocket token by their operationIds', async t => {
  const h = await build(t, s => {
    s.rules = [
      { id: 'hooks-down', when: { operation: 'createSubscription' }, times: 1, respond: { error: 'SUB-521' } },
      { id: 'ws-busy', when: { operation: 'authWsToken' }, respond: { error: 'CMN-301' } }
    ]
  })
  const { access_token: token } = await h.login()
  const created = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/subscription', headers: { authorization: `Bearer ${token as string}` }, payload: { eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store'], deliveryMode: { transportType: 'WebHook', address: 'http://127.0.0.1:9/never-called' } } })
  t.equal(created.statusCode, 400)
  t.equal(created.headers['x-mock-rule'], 'hooks-down')
  t.match(created.json(), { errorCode: 'SUB-521', message: 'WebHook is not reachable' })
  t.equal(h.ctx.events.deliveries.size, 0, 'the rule answered: no handshake was attempted')
  const ws = await h.app.inject({ method: 'POST', url: '/restapi/oauth/wstoken', headers: { authorization: `Bearer ${token as string}` } })
  t.equal(ws.statusCode, 429)
  t.match(ws.json(), { errorCode: 'CMN-301' }, 'in the REST API dialect, as the route answers')
})
