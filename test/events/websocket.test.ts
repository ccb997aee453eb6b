/**
 * The WebSocket gateway on the wire, with a plain `ws` client: tokens, ConnectionDetails, the
 * subscription over ClientRequest, notifications, heartbeats, REST over the socket, bad input,
 * recovery (successful with the missed events, failed, malformed), timeouts on the scenario
 * clock, and the OAuth session's end.
 */
import t from 'tap'
import { WebSocket } from 'ws'
import { startMockServer, type MockServer } from '../../src/index.js'
import { defaultScenario } from '../helper.js'

const START = '2024-03-30T12:00:00.000Z'
const basic = `Basic ${Buffer.from('jwt-app:jwt-app-secret').toString('base64')}`

async function mockServer (t: { teardown (fn: () => unknown): void }, edit?: (s: ReturnType<typeof defaultScenario>) => void): Promise<MockServer> {
  const scenario = { ...defaultScenario(), clock: { start: START, frozen: true } }
  edit?.(scenario)
  const mock = await startMockServer({ scenario })
  t.teardown(() => mock.close())
  return mock
}

async function login (mock: MockServer, credential = 'ada-jwt'): Promise<string> {
  const res = await fetch(`${mock.url}/restapi/oauth/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: mock.jwt(credential) }) })
  return ((await res.json()) as { access_token: string }).access_token
}

async function wsToken (mock: MockServer, accessToken: string): Promise<{ ws_access_token: string, uri: string, expires_in: number }> {
  const res = await fetch(`${mock.url}/restapi/oauth/wstoken`, { method: 'POST', headers: { authorization: `bearer ${accessToken}`, 'content-type': 'application/json', 'content-length': '0' } })
  if (res.status !== 200) throw new Error(await res.text())
  return await res.json() as { ws_access_token: string, uri: string, expires_in: number }
}

type Frame = [Record<string, any>, any?]

class Client {
  readonly socket: WebSocket
  readonly frames: Frame[] = []
  readonly raw: string[] = []
  closed: { code: number, reason: string } | undefined
  #waiters: Array<() => void> = []
  #read = 0

  constructor (url: string) {
    this.socket = new WebSocket(url)
    this.socket.on('message', (data) => {
      const text = String(data)
      this.raw.push(text)
      this.frames.push(JSON.parse(text) as Frame)
      this.#notify()
    })
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) }
      this.#notify()
    })
    this.socket.on('error', () => {})
  }

  #notify (): void {
    for (const w of this.#waiters.splice(0)) w()
  }

  /** The next frame not read yet (and matching `type`, skipping others). */
  async next (type?: string, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      while (this.#read < this.frames.length) {
        const frame = this.frames[this.#read++] as Frame
        if (type === undefined || frame[0].type === type) return frame
      }
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting for ${type ?? 'a frame'}`)
      if (Date.now() > deadline) throw new Error(`no ${type ?? 'frame'} within ${timeoutMs} ms`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.#waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  async closedWith (timeoutMs = 5000): Promise<{ code: number, reason: string }> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('not closed')
      await new Promise<void>(resolve => { this.#waiters.push(resolve); setTimeout(resolve, 50) })
    }
    return this.closed
  }

  send (frame: unknown[]): void {
    this.socket.send(JSON.stringify(frame))
  }

  async request (method: string, path: string, body?: unknown, id = `m-${Math.random()}`): Promise<Frame> {
    this.send(body === undefined ? [{ type: 'ClientRequest', messageId: id, method, path }] : [{ type: 'ClientRequest', messageId: id, method, path }, body])
    for (;;) {
      const frame = await this.next('ClientRequest')
      if (frame[0].messageId === id) return frame
    }
  }
}

async function open (t: { teardown (fn: () => unknown): void }, mock: MockServer, accessToken: string, wsc?: string, token?: string): Promise<{ client: Client, token: string }> {
  const issued = token ?? (await wsToken(mock, accessToken)).ws_access_token
  const { uri } = await wsToken(mock, accessToken)
  const client = new Client(`${uri}?access_token=${issued}${wsc !== undefined ? `&wsc=${wsc}` : ''}`)
  t.teardown(() => { client.socket.terminate() })
  return { client, token: issued }
}

const FILTER = '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'

t.test('wstoken: the token, the gateway uri; the WebSocket app permission', async t => {
  const mock = await mockServer(t, s => { s.apps[1]!.scopes = ['ReadAccounts'] })
  const token = await login(mock)
  const issued = await wsToken(mock, token)
  t.match(issued, { ws_access_token: /^[A-Za-z0-9_-]{40,}$/, uri: `${mock.url.replace('http:', 'ws:')}/ws`, expires_in: 600 })
  const res = await fetch(`${mock.url}/restapi/oauth/wstoken`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(res.status, 200, 'an empty form body, as @rc-ex/core sends it')
  t.equal(res.headers.get('cache-control'), 'no-store')
  const legacy = await fetch(`${mock.url}/restapi/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('legacy-password-app:legacy-password-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=ada%40example.com&password=Ada-Passw0rd' })
  const refused = await fetch(`${mock.url}/restapi/oauth/wstoken`, { method: 'POST', headers: { authorization: `Bearer ${((await legacy.json()) as { access_token: string }).access_token}` } })
  t.equal(refused.status, 403)
  t.match(await refused.json(), { errors: [{ errorCode: 'CMN-401', message: 'In order to call this API endpoint, application needs to have [WebSocket] permission' }] })
  t.equal((await fetch(`${mock.url}/restapi/oauth/wstoken`, { method: 'POST' })).status, 401)
})

t.test('connect, subscribe over the socket, receive; heartbeats; REST over the socket', async t => {
  const mock = await mockServer(t)
  const token = await login(mock)
  const { client } = await open(t, mock, token)
  const [meta, details] = await client.next()
  t.match(meta, { type: 'ConnectionDetails', status: 200, wsc: { token: /^[A-Za-z0-9_-]+$/, sequence: 1 } })
  t.same(details, { creationTime: START, maxConnectionsPerSession: 50, recoveryBufferSize: 100, recoveryTimeout: 180, idleTimeout: 1800, absoluteTimeout: 86400, maxActiveRequests: 10 })
  t.notOk('recoveryState' in details, 'a fresh session has no recoveryState')

  const [reply, info] = await client.request('POST', '/restapi/v1.0/subscription/', { eventFilters: [FILTER], deliveryMode: { transportType: 'WebSocket' } }, 'lSWP7xDmQGeFZnjvr0hrvQ/0')
  t.match(reply, { type: 'ClientRequest', messageId: 'lSWP7xDmQGeFZnjvr0hrvQ/0', status: 200, headers: { 'Content-Type': /application\/json/, RCRequestId: /./ } })
  t.match(info, {
    uri: `/restapi/v1.0/subscription/${info.id as string}`,
    status: 'Active',
    eventFilters: ['/restapi/v1.0/account/100200300/extension/100200301/message-store/instant?type=SMS'],
    expiresIn: 86399,
    expirationTime: '2024-03-31T12:00:00.000Z',
    deliveryMode: { transportType: 'WebSocket', encryption: false }
  })
  t.match(mock.requests.list({ operation: 'createSubscription' })[0], { status: 200, clientId: 'jwt-app', via: 'WebSocket' }, 'the request over the socket is in the journal, marked as such')
  t.notOk('via' in mock.requests.list({ operation: 'getToken' })[0]!, 'an HTTP request has no via')

  mock.inboundSms({ from: '+16505550177', to: '+16505550100', text: 'C' })
  const [nMeta, envelope] = await client.next('ServerNotification')
  t.match(nMeta, { type: 'ServerNotification', status: 200, headers: { RCRequestId: /./ } })
  t.match(envelope, { subscriptionId: info.id, ownerId: '100200301', event: '/restapi/v1.0/account/100200300/extension/100200301/message-store/instant?type=SMS', body: { subject: 'C', direction: 'Inbound' } })
  t.match(mock.deliveries.list({ transport: 'WebSocket' }).at(-1), { outcome: 'delivered', subscriptionId: info.id })

  client.send([{ type: 'Heartbeat', messageId: 'hb-1' }])
  t.match(await client.next('Heartbeat'), [{ type: 'Heartbeat', messageId: 'hb-1' }], 'a heartbeat is echoed')

  const [extMeta, ext] = await client.request('GET', '/restapi/v1.0/account/~/extension/~')
  t.equal(extMeta.status, 200)
  t.equal(ext.id, 100200301, 'any REST call works over the socket')
  const [errMeta, err] = await client.request('GET', '/restapi/v1.0/account/~/extension/~/message-store/1')
  t.equal(errMeta.status, 404)
  t.match(err, { errorCode: 'CMN-102' }, 'an error answer always has its body')
  const [oauthMeta] = await client.request('POST', '/restapi/oauth/token', {})
  t.equal(oauthMeta.status, 400, 'not the OAuth endpoints')

  const [list] = await client.request('GET', '/restapi/v1.0/subscription')
  t.equal(list.status, 200)
  const [, second] = await client.request('POST', '/restapi/v1.0/subscription', { eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store'], deliveryMode: { transportType: 'WebSocket' } })
  t.not(second.id, info.id)
  t.same(mock.subscriptions.list().map(s => s.id), [second.id], 'one subscription per connection: the second replaced the first')
  const [del] = await client.request('DELETE', `/restapi/v1.0/subscription/${second.id as string}`)
  t.equal(del.status, 204)
  t.equal(mock.subscriptions.list().length, 0)
})

t.test('bad input: missing, unknown and used tokens, malformed wsc, garbage frames; never an HTTP refusal', async t => {
  const mock = await mockServer(t)
  const token = await login(mock)
  const base = mock.url.replace('http:', 'ws:')
  const missing = new Client(`${base}/ws`)
  t.match(await missing.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-400', message: /Missing WebSocket access token/ }])
  t.equal((await missing.closedWith()).code, 4400)
  const unknown = new Client(`${base}/ws?access_token=nope`)
  t.match(await unknown.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-401' }])
  t.equal((await unknown.closedWith()).code, 4401)

  const { client, token: used } = await open(t, mock, token)
  const [first] = await client.next('ConnectionDetails')
  const again = new Client(`${base}/ws?access_token=${used}`)
  t.match(await again.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-401', message: /opened a session already/ }], 'a token opens one session')
  const malformed = new Client(`${base}/ws?access_token=${used}&wsc=%%%`)
  t.match(await malformed.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-400', message: 'Malformed WebSocket session context token' }])
  t.equal((await malformed.closedWith()).code, 4400)

  client.socket.send('not json')
  t.match(await client.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-400' }])
  client.socket.send(JSON.stringify({ type: 'Heartbeat' }))
  t.match(await client.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-400' }])
  client.socket.send('[]')
  t.match(await client.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-400' }])
  client.send([{ type: 'ClientRequest', messageId: 'x', method: 'FETCH', path: '/restapi/v1.0/subscription' }])
  t.match(await client.next('ClientRequest'), [{ status: 400, messageId: 'x' }, { errorCode: 'CMN-101' }])
  t.equal(client.closed, undefined, 'the connection stays open')
  for (const raw of client.raw) t.ok(Array.isArray(JSON.parse(raw)), 'every server frame is a JSON array')
  t.ok(first.wsc.token)
  const res = await fetch(`${mock.url}/__mock/health`)
  t.equal(res.status, 200)
})

t.test('recovery: Successful with the missed events; Failed (WSG-1005) with a new session; within the recovery timeout only', async t => {
  const mock = await mockServer(t)
  const token = await login(mock)
  const { client, token: issued } = await open(t, mock, token)
  const [details] = await client.next('ConnectionDetails')
  const [, info] = await client.request('POST', '/restapi/v1.0/subscription', { eventFilters: [FILTER], deliveryMode: { transportType: 'WebSocket' } })
  const [session] = mock.websockets.list()
  mock.websockets.drop(session!.id)
  await client.closedWith()
  mock.inboundSms({ from: '+16505550177', to: '+16505550100', text: 'while away 1' })
  mock.inboundSms({ from: '+16505550177', to: '+16505550100', text: 'while away 2' })
  t.match(mock.websockets.list()[0], { connected: false, buffered: 2, endsAt: '2024-03-30T12:03:00.000Z' })
  t.same(mock.deliveries.list({ transport: 'WebSocket' }).map(d => d.outcome), ['buffered', 'buffered'])

  mock.clock.advance(179)
  const { client: back } = await open(t, mock, token, details.wsc.token, issued)
  const [meta, body] = await back.next('ConnectionDetails')
  t.equal(body.recoveryState, 'Successful')
  t.ok(meta.wsc.sequence > details.wsc.sequence, 'the sequence grows')
  const replayed = [await back.next('ServerNotification'), await back.next('ServerNotification')]
  t.same(replayed.map(f => f[1].body.subject), ['while away 1', 'while away 2'], 'the missed events, in order')
  t.same(replayed.map(f => f[1].subscriptionId), [info.id, info.id], 'for the same subscription')

  // The next recovery is made to fail: the session is lost, a new one starts on the same socket.
  mock.websockets.failNextRecovery(session!.id)
  mock.websockets.drop(session!.id)
  await back.closedWith()
  const { client: lost } = await open(t, mock, token, meta.wsc.token, issued)
  const [lostMeta, lostBody] = await lost.next('ConnectionDetails')
  t.match(lostBody, { recoveryState: 'Failed', recoveryErrorCode: 'WSG-1005' })
  t.not(lostMeta.wsc.token, meta.wsc.token, 'a new session context')
  t.equal(mock.subscriptions.list().length, 0, 'the subscription is gone with the session')
  const [again, resubscribed] = await lost.request('POST', '/restapi/v1.0/subscription', { eventFilters: [FILTER], deliveryMode: { transportType: 'WebSocket' } })
  t.equal(again.status, 200, 'subscribing again on the same socket')
  mock.inboundSms({ from: '+16505550177', to: '+16505550100', text: 'after' })
  t.equal((await lost.next('ServerNotification'))[1].subscriptionId, resubscribed.id)

  // Past the recovery timeout, a session cannot be recovered.
  const [current] = mock.websockets.list()
  mock.websockets.drop(current!.id)
  await lost.closedWith()
  mock.clock.advance(180)
  t.same(mock.websockets.list(), [], 'ended 180 s after its socket went')
  const { client: late } = await open(t, mock, token, lostMeta.wsc.token)
  t.match((await late.next('ConnectionDetails'))[1], { recoveryState: 'Failed', recoveryErrorCode: 'WSG-1005' })
})

t.test('idle and absolute timeouts on the scenario clock: WSG-902, WSG-903; activity keeps a session alive', async t => {
  const mock = await mockServer(t)
  const token = await login(mock)
  const { client } = await open(t, mock, token)
  await client.next('ConnectionDetails')
  mock.clock.advance(1000)
  client.send([{ type: 'Heartbeat', messageId: 'keep' }])
  await client.next('Heartbeat')
  mock.clock.advance(1000)
  t.equal(client.closed, undefined, 'a heartbeat 1000 s in: not idle at 2000 s')
  mock.clock.advance(800)
  t.match(await client.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-902', message: 'Idle timeout expired' }])
  t.equal((await client.closedWith()).code, 4902)

  const { client: other } = await open(t, mock, token)
  await other.next('ConnectionDetails')
  for (let i = 0; i < 48; i++) {
    other.send([{ type: 'Heartbeat', messageId: `hb-${i}` }])
    await other.next('Heartbeat')
    mock.clock.advance(1799)
  }
  other.send([{ type: 'Heartbeat', messageId: 'last' }])
  await other.next('Heartbeat')
  t.equal(other.closed, undefined, 'active, 86352 s in')
  mock.clock.advance(48)
  t.match(await other.next('Error'), [{ type: 'Error' }, { errorCode: 'WSG-903', message: 'Absolute timeout expired' }], '24 hours after it started, however active')
  t.equal((await other.closedWith()).code, 4903)
})

t.test('the OAuth session ends: its WebSocket sessions end with it', async t => {
  const mock = await mockServer(t)
  const token = await login(mock)
  const { client } = await open(t, mock, token)
  await client.next('ConnectionDetails')
  await client.request('POST', '/restapi/v1.0/subscription', { eventFilters: [FILTER], deliveryMode: { transportType: 'WebSocket' } })
  await fetch(`${mock.url}/restapi/oauth/revoke`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` })
  t.match(await client.next('Error'), [{ type: 'Error' }, { errorCode: 'OAU-213' }])
  t.equal((await client.closedWith()).code, 4401)
  t.same(mock.subscriptions.list(), [])
  t.same(mock.websockets.list(), [])
})
