/**
 * What the dashboard reads besides the rest of the control API: the change stream (a real
 * socket), the world without secrets, the catalogue, refresh and status histories, incremental
 * journal reads, the OAuth debugger's flows, the page's own routes and `GET /` for browsers.
 */
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { ChangeFeed } from '../../src/control/feed.js'
import { s256 } from '../../src/oauth/grants/authorization-code.js'
import { DASHBOARD_CSP } from '../../src/control/ui-routes.js'
import { basic, build, shipped } from '../helper.js'

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const SMS = '/restapi/v1.0/account/~/extension/~/sms'

/** Reads `GET /__mock/stream` over a real socket; `next(event)` resolves with that event's next data. */
async function stream (t: Test, url: string, headers: Record<string, string> = {}) {
  const events: Array<{ event: string, data: any }> = []
  const waiters: Array<{ event: string, from: number, resolve: (data: any) => void }> = []
  let buffer = ''
  let status = 0
  let contentType = ''
  const req = httpRequest(`${url}/__mock/stream`, { headers })
  await new Promise<void>((resolve, reject) => {
    req.on('response', res => {
      status = res.statusCode ?? 0
      contentType = String(res.headers['content-type'] ?? '')
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.+)$/m.exec(block)?.[1]
          const data = /^data: (.+)$/m.exec(block)?.[1]
          if (event === undefined || data === undefined) continue
          events.push({ event, data: JSON.parse(data) })
          for (const w of [...waiters]) {
            const found = events.slice(w.from).find(e => e.event === w.event)
            if (found) {
              waiters.splice(waiters.indexOf(w), 1)
              w.resolve(found.data)
            }
          }
        }
      })
      resolve()
    })
    req.on('error', reject)
    req.end()
  })
  t.teardown(() => req.destroy())
  let seen = 0
  return {
    status,
    contentType,
    events,
    /** The next `event` after those already taken (a guard names what never came, instead of a runner timeout). */
    next: async (event: string): Promise<any> => await new Promise((resolve, reject) => {
      const from = seen
      const found = events.slice(from).findIndex(e => e.event === event)
      if (found !== -1) {
        seen = from + found + 1
        resolve(events[from + found]!.data)
        return
      }
      const guard = setTimeout(() => reject(new Error(`no "${event}" event; got ${JSON.stringify(events.slice(from))}`)), 10_000)
      waiters.push({ event, from, resolve: data => { clearTimeout(guard); seen = events.length; resolve(data) } })
    })
  }
}

async function listen (t: Test, h: Awaited<ReturnType<typeof build>>): Promise<string> {
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
}

t.test('GET /__mock/stream: hello, then the topics that changed, batched; world on a reset', async t => {
  const h = await build(t)
  const url = await listen(t, h)
  const s = await stream(t, url)
  t.equal(s.status, 200)
  t.match(s.contentType, /^text\/event-stream/)
  const hello = await s.next('hello')
  t.equal(hello.instance, h.ctx.feed.instance)
  t.equal(hello.generation, 1)
  t.equal(hello.scenario, 'default')
  t.ok(hello.topics.includes('sessions'))

  const { access_token: token } = await h.login()
  t.same((await s.next('change')).topics.sort(), ['requests', 'sessions'], 'a login: the session and its journal entry')

  // Many changes in one turn of the event loop are one event.
  await Promise.all([1, 2, 3].map(async () => await h.login()))
  const burst = await s.next('change')
  t.same(burst.topics.sort(), ['requests', 'sessions'])

  await h.app.inject({ method: 'POST', url: SMS, headers: { authorization: `Bearer ${token as string}`, 'content-type': 'application/json' }, payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+15551230000' }], text: 'hi' } })
  t.same((await s.next('change')).topics.sort(), ['messages', 'requests'])

  h.advance(10)
  t.same((await s.next('change')).topics, ['clock'])

  await h.app.inject({ method: 'POST', url: '/__mock/rules', payload: { id: 'r', when: { operation: 'getToken' }, respond: { error: 'OAU-251' } } })
  t.same((await s.next('change')).topics, ['rules'])

  await h.app.inject({ method: 'POST', url: '/__mock/jwt', payload: { extensionId: '100200302' } })
  t.same((await s.next('change')).topics, ['credentials'])

  await h.app.inject({ method: 'POST', url: '/__mock/reset' })
  t.same(await s.next('world'), { reason: 'reset', generation: 2, scenario: 'default' })
  const replaced = await h.app.inject({ method: 'PUT', url: '/__mock/scenario', headers: { 'content-type': 'application/yaml' }, payload: readFileSync(shipped('msg-304'), 'utf8') })
  t.equal(replaced.statusCode, 200)
  t.same(await s.next('world'), { reason: 'replaced', generation: 3, scenario: 'msg-304' })
  t.equal((await s.next('change')).topics.includes('world'), true)
})

t.test('the stream follows the control token, and app.close() ends it', async t => {
  const h = await build(t, s => { s.policies = { ...s.policies, controlToken: 'sekret-token' } })
  const url = await listen(t, h)
  const refused = await stream(t, url)
  t.equal(refused.status, 401)
  const s = await stream(t, `${url}`, {})
  t.equal(s.status, 401)
  const ok = await new Promise<number>(resolve => {
    const req = httpRequest(`${url}/__mock/stream?controlToken=sekret-token`, res => { resolve(res.statusCode ?? 0); res.resume() })
    req.end()
    t.teardown(() => req.destroy())
  })
  t.equal(ok, 200, '?controlToken= (EventSource sends no headers)')
  await h.app.close()
  t.pass('closed with a stream open')
})

t.test('the stream names what the High Volume page reads again: a2p for a batch, consents for an opt-out', async t => {
  const h = await build(t, undefined, { file: shipped('nightly-batch') })
  const url = await listen(t, h)
  const s = await stream(t, url)
  t.ok((await s.next('hello')).topics.includes('a2p'))
  const login = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ops-jwt') }, { id: 'batch-app', secret: 'batch-app-secret' })
  t.same((await s.next('change')).topics.sort(), ['requests', 'sessions'])
  const created = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/account/~/a2p-sms/batches', headers: { authorization: `Bearer ${login.json().access_token as string}`, 'content-type': 'application/json' }, payload: { from: '+18885550100', text: 'Reminder', messages: [{ to: ['+15550100001'] }] } })
  t.equal(created.statusCode, 201)
  t.ok((await s.next('change')).topics.includes('a2p'), 'a batch added')
  const opted = await h.app.inject({ method: 'POST', url: '/__mock/consents', payload: { records: [{ from: '+18885550100', to: '+15550100002', optStatus: 'OptOut' }] } })
  t.equal(opted.statusCode, 200)
  t.ok((await s.next('change')).topics.includes('consents'), 'a pair opted out')
  const refused = await h.app.inject({ method: 'POST', url: '/__mock/consents', payload: { records: [{ from: '+18885550100', to: '5550100002', optStatus: 'OptOut' }] } })
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { error: 'bad_request', message: /records\[0\]\.to must be an E\.164 number/ }, 'the message the page shows')
  t.equal((await h.app.inject({ url: '/__mock/ui/a2p' })).statusCode, 200, 'the page routes by its own URL')
})

t.test('ChangeFeed: nothing is collected without a listener; a throwing listener harms no other', async t => {
  const feed = new ChangeFeed()
  feed.changed('sessions')
  t.equal(feed.listening, false)
  const got: string[][] = []
  const off1 = feed.subscribe({ changed: () => { throw new Error('boom') } })
  const off2 = feed.subscribe({ changed: topics => got.push(topics) })
  feed.changed('clock')
  feed.changed('clock')
  feed.changed('messages')
  await new Promise(resolve => setImmediate(resolve))
  t.same(got, [['clock', 'messages']])
  off1()
  off2()
  t.equal(feed.listening, false)
})

t.test('GET /__mock/world: the world, and not one secret', async t => {
  const h = await build(t)
  const res = await h.app.inject({ url: '/__mock/world' })
  t.equal(res.statusCode, 200)
  const world = res.json()
  t.equal(world.name, 'default')
  t.equal(world.instance, h.ctx.feed.instance)
  t.same(world.accounts[0].extensions.map((x: any) => [x.id, x.admin, x.password]), [['100200301', true, true], ['100200302', false, true], ['100200303', false, true]])
  t.same(world.accounts[0].extensions[0].phoneNumbers[0], { id: world.accounts[0].extensions[0].phoneNumbers[0].id, phoneNumber: '+16505550100', usageType: 'MainCompanyNumber', features: ['CallerId', 'SmsSender'] })
  const jwtApp = world.apps.find((a: any) => a.clientId === 'jwt-app')
  t.same(jwtApp.grantTypes, [JWT_GRANT, 'refresh_token'])
  t.equal(jwtApp.confidential, true)
  t.same(world.credentials.find((c: any) => c.id === 'ada-jwt-revoked'), { id: 'ada-jwt-revoked', extensionId: '100200301', revoked: true })
  for (const secret of ['jwt-app-secret', 'web-app-secret', 'Ada-Passw0rd', h.jwt('ada-jwt')]) t.notOk(res.body.includes(secret), 'no client secret, password or credential string')
  t.equal(world.policies.controlToken, false)
})

t.test('GET /__mock/catalogue: operations with their own codes, every error code, delivery codes', async t => {
  const h = await build(t)
  const c = (await h.app.inject({ url: '/__mock/catalogue' })).json()
  const sms = c.operations.find((o: any) => o.operationId === 'createSMSMessage')
  t.same([sms.methods, sms.path, sms.group, sms.appPermission], [['POST'], '/restapi/v1.0/account/{accountId}/extension/{extensionId}/sms', 'Medium', 'SMS'])
  t.ok(sms.errorCodes.includes('MSG-304'), 'the codes the operation answers')
  t.same(c.errors.find((e: any) => e.code === 'MSG-304'), { code: 'MSG-304', status: 403, message: "Phone number doesn't belong to extension", evidence: 'V' })
  t.same(c.errors.find((e: any) => e.code === 'OAU-251').oauthError, 'unauthorized_client')
  t.same(c.deliveryErrors.find((d: any) => d.code === 'SMS-CAR-411'), { code: 'SMS-CAR-411', status: 'DeliveryFailed', description: 'The destination number is invalid or unallocated' })
  t.same(c.faults, ['connection-reset', 'empty-response', 'timeout'])
})

t.test('sessions: refresh history (rotation, grace reuse, reuse refused) and the grace end', async t => {
  const h = await build(t)
  const first = await h.login()
  const session = () => (h.app.inject({ url: '/__mock/sessions' }).then(r => r.json().records[0]))
  t.same((await session()).refreshHistory, [])
  t.equal((await session()).scope, first.scope)
  const rotated = await h.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })
  t.equal(rotated.statusCode, 200)
  let s = await session()
  t.same(s.refreshHistory.map((e: any) => e.kind), ['rotated'])
  t.equal(s.rotations, 1)
  t.equal(s.previousRefreshUsableUntil, '2024-03-30T13:00:00.000Z', 'the previous refresh token answers for an hour while the new pair is unused')
  h.advance(5)
  t.equal((await h.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).statusCode, 200)
  s = await session()
  t.same(s.refreshHistory.map((e: any) => [e.kind, e.at]), [['rotated', '2024-03-30T12:00:00.000Z'], ['grace-reuse', '2024-03-30T12:00:05.000Z']])
  t.equal(s.rotations, 1, 'a grace reuse rotates nothing')
  h.advance(3600)
  t.equal((await h.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).statusCode, 400)
  s = await session()
  t.same(s.refreshHistory.map((e: any) => e.kind), ['rotated', 'grace-reuse', 'reuse-refused'])
  t.equal(s.previousRefreshUsableUntil, null)
})

t.test('messages: the status history, and ?limit=', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  for (const text of ['one', 'two', 'three']) {
    await h.app.inject({ method: 'POST', url: SMS, headers: { authorization: `Bearer ${token as string}`, 'content-type': 'application/json' }, payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+15551230000' }], text } })
  }
  const list = async (query = '') => (await h.app.inject({ url: `/__mock/messages${query}` })).json().records
  t.same((await list())[0].history, [{ status: 'Queued', at: '2024-03-30T12:00:00.000Z' }])
  h.advance(2)
  t.same((await list())[0].history.map((x: any) => x.status), ['Queued', 'Sent'])
  h.advance(3)
  t.same((await list())[0].history, [
    { status: 'Queued', at: '2024-03-30T12:00:00.000Z' },
    { status: 'Sent', at: '2024-03-30T12:00:02.000Z' },
    { status: 'Delivered', at: '2024-03-30T12:00:05.000Z' }
  ])
  t.same((await list('?limit=2')).map((m: any) => m.text), ['two', 'three'], 'the newest, oldest first')
  t.equal((await h.app.inject({ url: '/__mock/messages?limit=0' })).statusCode, 400)
  t.equal((await h.app.inject({ url: '/__mock/messages?limit=x' })).statusCode, 400)
})

t.test('the journal: ?after= and ?limit= read what is new without the rest', async t => {
  const h = await build(t)
  for (let i = 0; i < 5; i++) await h.login()
  const read = async (query: string) => (await h.app.inject({ url: `/__mock/requests${query}` })).json()
  const all = await read('')
  t.equal(all.records.length, 5)
  const ids = all.records.map((e: any) => e.id)
  t.same((await read(`?after=${ids[2] as number}`)).records.map((e: any) => e.id), ids.slice(3))
  t.same((await read('?limit=2')).records.map((e: any) => e.id), ids.slice(3))
  t.same((await read(`?after=${ids[0] as number}&limit=1`)).records.map((e: any) => e.id), ids.slice(4))
  t.same((await read(`?after=${ids[4] as number}`)).records, [])
  for (const bad of ['?after=-1', '?after=x', '?limit=0', '?limit=1001']) {
    const res = await h.app.inject({ url: `/__mock/requests${bad}` })
    t.equal(res.statusCode, 400, bad)
  }
  t.same(h.ctx.journal.list({ after: ids[3], limit: 5 }).map(e => e.id), ids.slice(4))
})

t.test('the OAuth debugger: a flow, the callback accepted for its state only, the exchange', async t => {
  const h = await build(t)
  const start = await h.app.inject({ method: 'POST', url: '/__mock/oauth/flows', headers: { host: 'localhost:5555' }, payload: { clientId: 'spa-app' } })
  t.equal(start.statusCode, 201)
  const flow = start.json()
  t.equal(flow.pkce, true, 'on by default for a public app')
  t.equal(flow.redirectUri, 'http://localhost:5555/__mock/ui/callback')
  t.equal(flow.codeChallenge, s256(flow.codeVerifier))
  t.match(flow.state, new RegExp(`^${flow.id as string}\\.`))
  const authorize = new URL(flow.authorizeUrl)
  t.same([authorize.origin, authorize.pathname], ['http://localhost:5555', '/restapi/oauth/authorize'])
  t.same(Object.fromEntries(authorize.searchParams), { response_type: 'code', client_id: 'spa-app', redirect_uri: flow.redirectUri, state: flow.state, code_challenge: flow.codeChallenge, code_challenge_method: 'S256' })

  // The login page accepts the callback for this state...
  const page = await h.app.inject({ url: `${authorize.pathname}${authorize.search}`, headers: { accept: 'text/html' } })
  t.equal(page.statusCode, 200)
  // ...not for another state, nor for another app.
  const other = new URL(flow.authorizeUrl)
  other.searchParams.set('state', `${flow.id as string}.forged`)
  t.match((await h.app.inject({ url: `${other.pathname}${other.search}` })).body, /OAU-109/)
  other.searchParams.set('state', flow.state)
  other.searchParams.set('client_id', 'web-app')
  t.match((await h.app.inject({ url: `${other.pathname}${other.search}` })).body, /OAU-109/)

  const form = new URLSearchParams([...authorize.searchParams, ['username', 'ben@example.com'], ['password', 'Ben-Passw0rd'], ['action', 'allow']])
  const signedIn = await h.app.inject({ method: 'POST', url: '/restapi/oauth/authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() })
  t.equal(signedIn.statusCode, 302)
  const back = new URL(String(signedIn.headers.location))
  t.equal(`${back.origin}${back.pathname}`, flow.redirectUri)
  t.equal(back.searchParams.get('state'), flow.state)
  const code = back.searchParams.get('code') ?? ''

  const exchanged = await h.app.inject({ method: 'POST', url: `/__mock/oauth/flows/${flow.id as string}/exchange`, payload: { code } })
  t.equal(exchanged.statusCode, 200)
  const x = exchanged.json()
  t.equal(x.response.status, 200)
  t.equal(x.response.body.owner_id, '100200302')
  t.match(x.request.body, /grant_type=authorization_code/)
  t.match(x.request.body, new RegExp(`code_verifier=${flow.codeVerifier as string}`))
  t.match(x.request.body, /client_id=spa-app/)
  t.equal(x.request.headers.authorization, undefined, 'a public app sends no secret')
  t.equal(h.ctx.journal.get(x.journalId)?.operation, 'getToken', 'the exchange is journaled')

  // A code is single-use: the second exchange shows RingCentral's refusal, as it came.
  const again = (await h.app.inject({ method: 'POST', url: `/__mock/oauth/flows/${flow.id as string}/exchange`, payload: { code } })).json()
  t.equal(again.response.status, 400)
  t.equal(again.response.body.error, 'invalid_grant')
  t.equal((await h.app.inject({ url: `/__mock/oauth/flows/${flow.id as string}` })).json().exchanges, 2)
})

t.test('the OAuth debugger: a confidential app without PKCE, bad input, expiry on the clock', async t => {
  const h = await build(t)
  const flow = (await h.app.inject({ method: 'POST', url: '/__mock/oauth/flows', payload: { clientId: 'web-app' } })).json()
  t.equal(flow.pkce, false, 'off by default for a confidential app')
  t.equal(new URL(flow.authorizeUrl).searchParams.has('code_challenge'), false)
  const x = (await h.app.inject({ method: 'POST', url: `/__mock/oauth/flows/${flow.id as string}/exchange`, payload: { code: 'not-a-code' } })).json()
  t.equal(x.request.headers.authorization, 'Basic [redacted]', 'the secret is sent, and not shown')
  t.notMatch(JSON.stringify(x), /web-app-secret/)
  t.equal(x.response.status, 400)

  const warned = (await h.app.inject({ method: 'POST', url: '/__mock/oauth/flows', payload: { clientId: 'jwt-app' } })).json()
  t.match(warned.warning, /no redirect URI|unauthorized_client/)

  for (const [payload, message] of [
    [{}, /clientId/],
    [{ clientId: 'nope' }, /no app "nope"/],
    [{ clientId: 'web-app', pkce: 'yes' }, /pkce must be/],
    [{ clientId: 'web-app', extra: 1 }, /unknown field "extra"/]
  ] as const) {
    const res = await h.app.inject({ method: 'POST', url: '/__mock/oauth/flows', payload })
    t.equal(res.statusCode, 400)
    t.match(res.json().message, message)
  }
  t.equal((await h.app.inject({ method: 'POST', url: `/__mock/oauth/flows/${flow.id as string}/exchange`, payload: {} })).statusCode, 400)
  t.equal((await h.app.inject({ url: '/__mock/oauth/flows/nope' })).statusCode, 404)
  h.advance(3601)
  t.equal((await h.app.inject({ url: `/__mock/oauth/flows/${flow.id as string}` })).statusCode, 404, 'a flow lasts an hour of scenario time')
})

t.test('the page: served from the mock with a strict CSP; assets immutable; GET / for browsers', async t => {
  const h = await build(t)
  const page = await h.app.inject({ url: '/__mock/ui' })
  t.equal(page.statusCode, 200, 'built by npm run build')
  t.match(page.headers['content-type'], /^text\/html/)
  t.equal(page.headers['content-security-policy'], DASHBOARD_CSP)
  t.equal(page.headers['x-frame-options'], 'DENY')
  t.equal(page.headers['access-control-allow-origin'], undefined, 'no CORS on the control API')
  const script = /src="(\/__mock\/ui\/assets\/[^"]+\.js)"/.exec(page.body)?.[1]
  const style = /href="(\/__mock\/ui\/assets\/[^"]+\.css)"/.exec(page.body)?.[1]
  t.ok(script !== undefined && style !== undefined, 'one script and one style sheet of the mock')
  t.notMatch(page.body, /https?:\/\//, 'nothing from elsewhere')
  const js = await h.app.inject({ url: script! })
  t.equal(js.statusCode, 200)
  t.match(js.headers['content-type'], /^text\/javascript/)
  t.match(js.headers['cache-control'], /immutable/)
  t.equal((await h.app.inject({ url: style! })).headers['content-type'], 'text/css; charset=utf-8')
  t.equal((await h.app.inject({ url: '/__mock/ui/callback?code=x&state=y' })).body, page.body, 'the page routes by its own URL')
  const missing = await h.app.inject({ url: '/__mock/ui/assets/nope.js' })
  t.equal(missing.statusCode, 404)

  const browser = await h.app.inject({ url: '/', headers: { accept: 'text/html,application/xhtml+xml' } })
  t.equal(browser.statusCode, 200)
  t.match(browser.body, /href="\/__mock\/ui"/)
  const api = await h.app.inject({ url: '/' })
  t.equal(api.statusCode, 404)
  t.equal(api.json().errorCode, 'CMN-120')
})

t.test('the page needs no control token (the data does); Host and Origin checks still apply', async t => {
  const h = await build(t, s => { s.policies = { ...s.policies, controlToken: 'sekret-token' } })
  t.equal((await h.app.inject({ url: '/__mock/ui' })).statusCode, 200)
  t.equal((await h.app.inject({ url: '/__mock/world' })).statusCode, 401)
  t.equal((await h.app.inject({ url: '/__mock/world', headers: { 'x-mock-control-token': 'sekret-token' } })).json().policies.controlToken, true)
  t.equal((await h.app.inject({ url: '/__mock/ui', headers: { host: 'evil.example' } })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'POST', url: '/__mock/ui' })).statusCode, 401, 'only GET and HEAD of the page go without the token')
  t.equal((await h.app.inject({ url: '/__mock/oauth/flows/x', headers: { authorization: basic('a', 'b') } })).statusCode, 401)
})
