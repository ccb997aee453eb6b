import t from 'tap'
import { build, defaultScenario, START } from '../helper.js'

const ME = '/restapi/v1.0/account/~/extension/~'

t.test('GET /__mock/health', async t => {
  const h = await build(t)
  const res = await h.api('/__mock/health')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ok', scenario: 'default' })
})

t.test('the clock: read, advance, set, freeze; never backwards without saying so', async t => {
  const h = await build(t)
  const clock = (payload?: object) => h.app.inject({ method: payload ? 'POST' : 'GET', url: '/__mock/clock', ...(payload ? { payload } : {}) })
  t.same((await clock()).json(), { now: START, frozen: true })
  t.same((await clock({ advanceSeconds: 90 })).json(), { now: '2024-03-30T12:01:30.000Z', frozen: true })
  t.same((await clock({ set: '2024-04-01T00:00:00Z' })).json(), { now: '2024-04-01T00:00:00.000Z', frozen: true })
  const back = await clock({ set: '2024-03-01T00:00:00Z' })
  t.equal(back.statusCode, 409)
  t.match(back.json(), { error: 'clock_backwards', message: /back by 2678400 s.*allowBackwards/ })
  t.equal((await clock()).json().now, '2024-04-01T00:00:00.000Z', 'unchanged')
  t.equal((await clock({ set: '2024-03-01T00:00:00Z', allowBackwards: true })).json().now, '2024-03-01T00:00:00.000Z')
  t.equal((await clock({ freeze: false })).json().frozen, false)
  for (const bad of [{}, { advanceSeconds: 'soon' }, { set: 'tomorrow' }, { advanceSeconds: 1, set: START }, { freeze: 'yes' }]) {
    const res = await clock(bad)
    t.equal(res.statusCode, 400, JSON.stringify(bad))
    t.equal(res.json().error, 'bad_request')
  }
  t.equal((await h.app.inject({ method: 'POST', url: '/__mock/clock', headers: { 'content-type': 'application/json' }, payload: '{bad' })).statusCode, 400)
})

t.test('moving the clock expires tokens in one call', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  await h.app.inject({ method: 'POST', url: '/__mock/clock', payload: { advanceSeconds: 3600 } })
  t.equal((await h.api(ME, token)).json().errors[0].errorCode, 'OAU-128')
})

t.test('the journal records every RingCentral request, filterable and bounded', async t => {
  const h = await build(t, s => { s.policies = { journalLimit: 3 } })
  const { access_token: token } = await h.login()
  await h.api(ME, token)
  await h.api(ME, 'bad-token')
  await h.api(`${ME}?access_token=${token}`)
  const all = (await h.api('/__mock/requests')).json()
  t.equal(all.limit, 3)
  t.equal(all.total, 3)
  t.equal(all.dropped, 1, 'the oldest (the login) was dropped')
  t.same(all.records.map((r: any) => r.status), [200, 401, 200])
  const ids: number[] = all.records.map((r: any) => r.id)
  t.same(ids, [ids[0]!, ids[0]! + 1, ids[0]! + 2], 'consecutive ids')
  t.equal((await h.api(`/__mock/requests/${ids[0]! - 1}`)).statusCode, 404, 'a dropped entry is gone')
  t.equal((await h.api(`/__mock/requests/${ids[1]!}`)).json().status, 401, 'by id, after the log wrapped')
  t.same((await h.api(`/__mock/requests?after=${ids[0]!}`)).json().records.map((r: any) => r.id), [ids[1], ids[2]], 'after: the tail')
  t.same((await h.api('/__mock/requests?after=0')).json().records.length, 3, 'after an id older than the log: all of it')
  t.same((await h.api(`/__mock/requests?after=${ids[2]! + 10}`)).json().records, [], 'after the newest: nothing')
  t.match(all.records[0], { method: 'GET', url: ME, operation: 'readExtension', clientId: 'jwt-app', extensionId: '100200301', time: START })
  t.notMatch(all.records[2].url, token, 'tokens are redacted')
  t.same((await h.api('/__mock/requests?status=401')).json().records.length, 1)
  t.same((await h.api('/__mock/requests?operation=getToken')).json().records.length, 0)
  t.equal((await h.api('/__mock/requests?status=abc')).statusCode, 400)
  t.equal((await h.app.inject({ method: 'DELETE', url: '/__mock/requests' })).statusCode, 204)
  t.equal((await h.api('/__mock/requests')).json().total, 0)
})

t.test('sessions: list and end', async t => {
  const h = await build(t)
  const login = await h.login()
  const { records } = (await h.api('/__mock/sessions')).json()
  t.equal(records.length, 1)
  t.match(records[0], { id: login.session_id, extensionId: '100200301', name: 'Ada Admin', clientId: 'jwt-app', grant: 'urn:ietf:params:oauth:grant-type:jwt-bearer' })
  t.equal((await h.app.inject({ method: 'DELETE', url: `/__mock/sessions/${login.session_id}` })).statusCode, 204)
  t.equal((await h.api(ME, login.access_token)).json().errors[0].errorCode, 'OAU-213')
  t.equal((await h.app.inject({ method: 'DELETE', url: `/__mock/sessions/${login.session_id}` })).statusCode, 404)
})

t.test('JWT credentials: read, mint at run time, revoke', async t => {
  const h = await build(t)
  const read = await h.api('/__mock/jwt/ada-jwt')
  t.equal(read.statusCode, 200)
  t.match(read.headers['content-type'], /^text\/plain/)
  t.equal(read.body, h.jwt('ada-jwt'))
  t.equal((await h.api('/__mock/jwt/nope')).statusCode, 404)
  const minted = await h.app.inject({ method: 'POST', url: '/__mock/jwt', payload: { extensionId: '100200303', id: 'cleo-new' } })
  t.equal(minted.statusCode, 201)
  const body = await h.token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: minted.json().jwt })
  t.equal(body.json().owner_id, '100200303')
  t.equal((await h.app.inject({ method: 'DELETE', url: '/__mock/jwt/cleo-new' })).statusCode, 204)
  const refused = await h.token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: minted.json().jwt })
  t.equal(refused.json().error_description, 'Invalid JWT: the JWT credential "cleo-new" has been revoked')
  t.equal((await h.app.inject({ method: 'POST', url: '/__mock/jwt', payload: { extensionId: '999' } })).statusCode, 400)
  t.equal((await h.app.inject({ method: 'POST', url: '/__mock/jwt', payload: { extensionId: '100200303', id: 'cleo-new' } })).statusCode, 409)
})

t.test('PUT /__mock/scenario replaces the world; a refused one leaves it intact', async t => {
  const h = await build(t)
  const put = (payload: string, type: string) => h.app.inject({ method: 'PUT', url: '/__mock/scenario', headers: { 'content-type': type }, payload })
  const bad = await put('name: broken\naccounts: []\napps: []\n', 'application/yaml')
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { error: 'bad_request', problems: [{ path: 'accounts' }] })
  t.equal((await h.api('/__mock/scenario')).json().name, 'default', 'still the old world')
  const scenario = defaultScenario()
  scenario.name = 'replaced'
  scenario.environment = 'sandbox'
  const ok = await put(JSON.stringify(scenario), 'application/json')
  t.equal(ok.statusCode, 200)
  t.equal((await h.api('/__mock/scenario')).json().name, 'replaced')
  t.match(h.jwt('ada-jwt'), /^ey/)
  const payload = JSON.parse(Buffer.from(h.jwt('ada-jwt').split('.')[1]!, 'base64url').toString())
  t.equal(payload.iss, 'https://platform.devtest.ringcentral.com')
  t.equal((await put('::: not yaml', 'text/yaml')).statusCode, 400)
})

t.test('POST /__mock/reset returns to the start state: sessions, clock, rules, journal', async t => {
  const h = await build(t)
  const login = await h.login()
  await h.app.inject({ method: 'POST', url: '/__mock/clock', payload: { advanceSeconds: 100 } })
  await h.app.inject({ method: 'POST', url: '/__mock/rules', payload: { id: 'x', when: { operation: 'readExtension' }, respond: { status: 500 } } })
  const res = await h.app.inject({ method: 'POST', url: '/__mock/reset' })
  t.equal(res.statusCode, 200)
  t.equal(res.json().now, START)
  t.equal((await h.api('/__mock/rules')).json().rules.length, 0)
  t.equal((await h.api('/__mock/requests')).json().total, 0)
  t.equal((await h.api(ME, login.access_token)).json().errors[0].errorCode, 'OAU-213')
})

t.test('the outbox: messages sent, filterable, with their status now, bounded', async t => {
  const h = await build(t, s => { s.messaging = { storeLimit: 2, delivery: { queuedSeconds: 2, sentSeconds: 3 } } })
  const ada = (await h.login()).access_token
  const ben = (await h.login('ben-jwt')).access_token
  const send = (token: string, from: string, to: string, text: string) => h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}` },
    payload: { from: { phoneNumber: from }, to: [{ phoneNumber: to }], text }
  })
  t.equal((await send(ada, '+16505550100', '+15551230001', 'one')).statusCode, 200)
  t.equal((await send(ada, '+16505550100', '+15551230002', 'two')).statusCode, 200)
  const three = await send(ben, '+16505550102', '+15551230002', 'three')
  t.equal(three.statusCode, 200)

  const all = (await h.api('/__mock/messages')).json()
  t.equal(all.limit, 2)
  t.equal(all.dropped, 1, 'the oldest was dropped')
  t.same(all.records.map((m: any) => m.text), ['two', 'three'])
  t.match(all.records[1], { extensionId: '100200302', from: '+16505550102', to: ['+15551230002'], messageStatus: 'Queued', creationTime: START })
  t.same((await h.api('/__mock/messages?extensionId=100200301')).json().records.map((m: any) => m.text), ['two'])
  t.same((await h.api('/__mock/messages?phoneNumber=%2B15551230002')).json().records.length, 2)
  h.advance(5)
  t.equal((await h.api('/__mock/messages')).json().records[0].messageStatus, 'Delivered', 'status derives from the clock')
  const dropped = await h.api(`/restapi/v1.0/account/~/extension/~/message-store`, ada)
  t.same(dropped.json().records.map((m: any) => m.subject), ['two'], 'the message store holds the same messages')

  t.equal((await h.app.inject({ method: 'DELETE', url: '/__mock/messages' })).statusCode, 204)
  t.equal((await h.api('/__mock/messages')).json().records.length, 0)
  t.equal((await h.api(`/restapi/v1.0/account/~/extension/~/message-store/${three.json().id}`, ben)).statusCode, 404)
})
