/**
 * Webhook subscriptions, with a real receiver on 127.0.0.1: the validation handshake and its
 * failures, RingCentral's envelope and headers, events in order on the moved clock, retries and
 * blacklisting, and receivers that hang or answer too much.
 */
import t from 'tap'
import { apiError, build, type Harness } from '../helper.js'
import { correct, startReceiver } from './receiver.js'

const ME = '/restapi/v1.0/account/~/extension/~'
const ADA = '/restapi/v1.0/account/100200300/extension/100200301'

async function subscribe (h: Harness, token: string, body: Record<string, unknown>) {
  return await h.app.inject({ method: 'POST', url: '/restapi/v1.0/subscription', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: body })
}

/** Waits until the delivery log holds `n` notification attempts. */
async function notifications (h: Harness, n: number): Promise<void> {
  for (let i = 0; i < 100 && h.ctx.events.deliveries.list({ kind: 'notification' }).length < n; i++) {
    await h.ctx.events.deliveries.wait({ kind: 'notification', after: h.ctx.events.deliveries.lastId }, 1000)
  }
}

const sms = (h: Harness, token: string, to = '+16505550177', text = 'Reminder: cleaning tomorrow at 10:00') => h.app.inject({
  method: 'POST',
  url: `${ME}/sms`,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: to }], text }
})

t.test('create: the validation handshake, then SubscriptionInfo as RingCentral answers it', async t => {
  const h = await build(t)
  const receiver = await startReceiver(t)
  const { access_token: token } = await h.login()
  const res = await subscribe(h, token, { eventFilters: [`${ME}/message-store`, `${ME}/message-store/instant?type=SMS`], deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: 'my-secret' }, expiresIn: 3600 })
  t.equal(res.statusCode, 200, res.body)
  const validation = await receiver.nth(1)
  t.equal(validation.method, 'POST')
  t.match(validation.headers['validation-token'], /^[0-9a-f]{32}$/, 'a Validation-Token header')
  t.equal(validation.headers['content-type'], 'application/json')
  t.equal(validation.body, '', 'an empty body')
  const info = res.json()
  t.same(Object.keys(info), ['uri', 'id', 'creationTime', 'status', 'eventFilters', 'expirationTime', 'expiresIn', 'deliveryMode'], 'RingCentral\'s key order')
  t.match(info, {
    uri: `http://localhost:80/restapi/v1.0/subscription/${info.id as string}`,
    status: 'Active',
    eventFilters: [`${ADA}/message-store`, `${ADA}/message-store/instant?type=SMS`],
    creationTime: '2024-03-30T12:00:00.000Z',
    expirationTime: '2024-03-30T13:00:00.000Z',
    expiresIn: 3600,
    deliveryMode: { transportType: 'WebHook', address: receiver.url, encryption: false }
  })
  t.notOk('verificationToken' in info.deliveryMode, 'the verification token is never shown')
  t.match(info.id, /^[0-9a-f-]{36}$/)
  const [record] = h.ctx.events.deliveries.list({ kind: 'validation' })
  t.match(record, { subscriptionId: info.id, outcome: 'delivered', status: 200, handshake: 'ok', transport: 'WebHook' })
})

t.test('handshake failures: SUB-520, SUB-521, SUB-525, and SUB-523 for plain http beyond loopback', async t => {
  const h = await build(t, s => { s.policies = { ...s.policies, webhooks: { responseTimeoutMs: 300 } } })
  const { access_token: token } = await h.login()
  const filters = [`${ME}/message-store`]
  const attempt = async (address: string) => (await subscribe(h, token, { eventFilters: filters, deliveryMode: { transportType: 'WebHook', address } })).json()

  const noEcho = await startReceiver(t, (_r, res) => { res.end() })
  t.match(await attempt(noEcho.url), { errorCode: 'SUB-520', message: /Validation Token is not returned: the answer has no Validation-Token header/ })
  const wrongEcho = await startReceiver(t, (_r, res) => { res.setHeader('Validation-Token', 'nope'); res.end() })
  t.match(await attempt(wrongEcho.url), { errorCode: 'SUB-520', message: /does not echo/ })
  const notFound = await startReceiver(t, (r, res) => { res.setHeader('Validation-Token', String(r.headers['validation-token'])); res.statusCode = 404; res.end() })
  t.match(await attempt(notFound.url), { errorCode: 'SUB-525', message: /answered 404, not 200/ })
  const chatty = await startReceiver(t, (r, res) => { res.setHeader('Validation-Token', String(r.headers['validation-token'])); res.end('x'.repeat(2000)) })
  t.match(await attempt(chatty.url), { errorCode: 'SUB-525', message: /larger than 1024 bytes/ })
  const slow = await startReceiver(t, () => 'hang')
  t.match(await attempt(slow.url), { errorCode: 'SUB-521', message: /did not answer within 300 ms/ })
  const closed = await startReceiver(t)
  const closedUrl = closed.url
  await closed.close()
  t.match(await attempt(closedUrl), { errorCode: 'SUB-521', message: /could not be reached \(ECONNREFUSED/ })
  t.same(await attempt('http://hooks.example.com/rc'), apiError('SUB-523', 'HTTPS is required'), 'refused before anything is sent')
  t.match(await attempt('ftp://127.0.0.1/x'), { errorCode: 'CMN-101', parameterName: 'deliveryMode.address' })
  t.equal(h.ctx.events.size, 0, 'no subscription was made')
  t.same(h.ctx.events.deliveries.list({ kind: 'validation' }).map(d => d.handshake), ['SUB-520', 'SUB-520', 'SUB-525', 'SUB-525', 'SUB-521', 'SUB-521'], 'each handshake is in the delivery log')
})

t.test('filters and permissions: SUB-508, CMN-401, SUB-405, SUB-406, OAU-232, SUB-516, SUB-515, SUB-528, SUB-505, disabledFilters', async t => {
  const h = await build(t, s => {
    s.policies = { ...s.policies, subscriptionsPerUser: 2 }
    s.apps.push({ clientId: 'no-hooks', clientSecret: 'no-hooks-secret', grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], scopes: ['ReadAccounts', 'ReadMessages'] })
    s.apps.push({ clientId: 'no-messages', clientSecret: 'no-messages-secret', grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], scopes: ['SubscriptionWebhook'] })
    s.accounts[0]!.extensions[2]!.permissions = { ReadMessages: 'None' }
  })
  const receiver = await startReceiver(t)
  const ada = (await h.login()).access_token as string
  const ben = (await h.login('ben-jwt')).access_token as string
  const cleo = (await h.login('cleo-jwt')).access_token as string
  const code = async (token: string, eventFilters: unknown, extra: Record<string, unknown> = {}) =>
    (await subscribe(h, token, { eventFilters, deliveryMode: { transportType: 'WebHook', address: receiver.url }, ...extra })).json()

  t.match(await code(ada, ['/restapi/v1.0/account/~/extension/~/presence']), { errorCode: 'SUB-508', message: 'Invalid event filters: [/restapi/v1.0/account/~/extension/~/presence]' })
  t.match(await code(ada, [`${ME}/message-store?type=Email`]), { errorCode: 'SUB-508' }, 'an enum value it does not take')
  t.match(await code(ada, [`${ME}/message-store/instant`]), { errorCode: 'SUB-508' }, 'instant needs type=SMS')
  t.match(await code(ada, [`${ME}/message-store?colour=red`]), { errorCode: 'SUB-508' }, 'an unknown query parameter')
  t.match(await code(ada, []), { errorCode: 'CMN-101', parameterName: 'eventFilters' })
  t.match(await code(ada, 'not-a-list'), { errorCode: 'CMN-101', parameterName: 'eventFilters' })
  t.match(await code(ada, ['/restapi/v1.0/account/999/extension/~/message-store']), { errorCode: 'SUB-406' })
  t.match(await code(ben, [`/restapi/v1.0/account/~/extension/100200303/message-store`]), { errorCode: 'SUB-405' }, 'an employee cannot watch another extension\'s messages')
  t.match(await code(ada, [`/restapi/v1.0/account/~/extension/999999/message-store`]), { errorCode: 'OAU-232' })
  t.match(await code(ada, [`${ME}/message-store`, '/restapi/v1.0/subscription/~?threshold=10&interval=5']), { errorCode: 'SUB-516' })
  t.match(await code(ada, ['/restapi/v1.0/subscription/~?threshold=600&interval=120']), { errorCode: 'SUB-515' })
  const noHooks = (await h.login('ada-jwt', 'no-hooks', 'no-hooks-secret')).access_token as string
  t.match(await code(noHooks, [`${ME}/message-store`]), { errorCode: 'SUB-528', message: '[SubscriptionWebhook] application permission is required for [WebHook] transport' })
  const noMessages = (await h.login('ada-jwt', 'no-messages', 'no-messages-secret')).access_token as string
  t.match(await code(noMessages, [`${ME}/message-store`]), { errorCode: 'InsufficientPermissions', errors: [{ errorCode: 'CMN-401' }], permissionName: 'ReadMessages' })

  const admin = await code(ada, ['/restapi/v1.0/account/~/extension/100200302/message-store'])
  t.same(admin.eventFilters, ['/restapi/v1.0/account/100200300/extension/100200302/message-store'], 'an admin may watch an employee\'s store')
  const disabled = await code(cleo, [`${ME}/message-store`, `${ME}/message-store/instant?type=SMS`])
  t.same(disabled.eventFilters, [], 'a filter the user may not see delivers nothing')
  t.same(disabled.disabledFilters, [
    { filter: '/restapi/v1.0/account/100200300/extension/100200303/message-store', reason: 'SUB-412', message: 'Extension permission [ReadMessages] is missing' },
    { filter: '/restapi/v1.0/account/100200300/extension/100200303/message-store/instant?type=SMS', reason: 'SUB-412', message: 'Extension permission [ReadMessages] is missing' }
  ])
  t.match(await code(ada, [`${ME}/message-store`]), { id: /./ }, 'a second one')
  t.match(await code(ada, [`${ME}/message-store`]), { errorCode: 'SUB-505', message: 'Subscriptions limit exceeded' }, 'the limit is per user and app')
  t.match(await code(ben, [`${ME}/message-store`]), { id: /./ }, 'another user has their own')
})

t.test('list, read, update, renew, delete; another app or user finds none; expiry on the clock', async t => {
  const h = await build(t, s => { s.apps.push({ clientId: 'other-app', clientSecret: 'other-app-secret', grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], scopes: ['ReadMessages', 'SubscriptionWebhook'] }) })
  const receiver = await startReceiver(t)
  const token = (await h.login()).access_token as string
  const get = (url: string, tk = token, method: 'GET' | 'PUT' | 'POST' | 'DELETE' = 'GET', payload?: unknown) =>
    h.app.inject({ method, url, headers: { authorization: `Bearer ${tk}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: payload as object } : {}) })
  const created = (await subscribe(h, token, { eventFilters: [`${ME}/message-store`], deliveryMode: { transportType: 'WebHook', address: receiver.url }, expiresIn: 600 })).json()
  const id = created.id as string
  const list = (await get('/restapi/v1.0/subscription')).json()
  t.same(list.records.map((r: any) => r.id), [id])
  t.equal(list.uri, 'http://localhost:80/restapi/v1.0/subscription')
  t.same((await get(`/restapi/v1.0/subscription/${id}`)).json(), created)

  const other = (await h.login('ada-jwt', 'other-app', 'other-app-secret')).access_token as string
  t.same((await get(`/restapi/v1.0/subscription/${id}`, other)).json(), apiError('CMN-102', 'Resource for parameter [subscriptionId] is not found', 'CMN-102', { parameterName: 'subscriptionId' }), 'another app: not found')
  t.same((await get('/restapi/v1.0/subscription', other)).json().records, [])
  const ben = (await h.login('ben-jwt')).access_token as string
  t.equal((await get(`/restapi/v1.0/subscription/${id}`, ben)).statusCode, 404, 'another user: not found')

  h.advance(300)
  const updated = (await get(`/restapi/v1.0/subscription/${id}`, token, 'PUT', { eventFilters: [`${ME}/message-store/instant?type=SMS`], expiresIn: 900 })).json()
  t.same(updated.eventFilters, ['/restapi/v1.0/account/100200300/extension/100200301/message-store/instant?type=SMS'])
  t.equal(updated.expirationTime, '2024-03-30T12:20:00.000Z', 'PUT renews: 900 s from now')
  h.advance(600)
  const empty = await h.app.inject({ method: 'PUT', url: `/restapi/v1.0/subscription/${id}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': '0' } })
  t.equal(empty.json().expirationTime, '2024-03-30T12:30:00.000Z', 'an empty PUT renews and keeps expiresIn (changelog 1.0.38)')
  h.advance(800)
  const renewed = (await get(`/restapi/v1.0/subscription/${id}/renew`, token, 'POST')).json()
  t.equal(renewed.expirationTime, '2024-03-30T12:43:20.000Z')
  t.equal(renewed.expiresIn, 900)

  h.advance(899)
  t.equal((await get(`/restapi/v1.0/subscription/${id}`)).json().expiresIn, 1)
  h.advance(1)
  t.equal((await get(`/restapi/v1.0/subscription/${id}`)).statusCode, 404, 'expired: not found (CMN-102), as RingCentral answers an expired one')
  const before = receiver.notifications.length
  await sms(h, token)
  t.equal(receiver.notifications.length, before, 'an expired subscription delivers nothing')

  const second = (await subscribe(h, token, { eventFilters: [`${ME}/message-store`], deliveryMode: { transportType: 'WebHook', address: receiver.url } })).json()
  t.equal(second.expiresIn, 604800, 'the default lifetime is 7 days')
  t.equal((await get(`/restapi/v1.0/subscription/${second.id as string}`, token, 'DELETE')).statusCode, 204)
  t.equal((await get(`/restapi/v1.0/subscription/${second.id as string}`)).statusCode, 404)
  const long = (await subscribe(h, token, { eventFilters: [`${ME}/message-store`], deliveryMode: { transportType: 'WebHook', address: receiver.url }, expiresIn: 999999999 })).json()
  t.equal(long.expiresIn, 315360000, 'past 10 years, lowered to 10 years')
  t.match((await subscribe(h, token, { eventFilters: [`${ME}/message-store`], deliveryMode: { transportType: 'WebHook', address: receiver.url }, expiresIn: 0 })).json(), { errorCode: 'CMN-101', parameterName: 'expiresIn' })
})

t.test('events: a send, each status change on the clock, in order and once; envelope and headers', async t => {
  const h = await build(t)
  const receiver = await startReceiver(t)
  const token = (await h.login()).access_token as string
  const sub = (await subscribe(h, token, { eventFilters: [`${ME}/message-store?type=SMS&direction=Outbound`], deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: 'verify-me' } })).json()
  const sent = (await sms(h, token)).json()
  const first = await receiver.nth(2)
  t.same(Object.keys(first.json), ['uuid', 'event', 'timestamp', 'subscriptionId', 'ownerId', 'body'], 'RingCentral\'s envelope')
  t.match(first.json, {
    uuid: /^\d{19}$/,
    event: `${ADA}/message-store?type=SMS&direction=Outbound`,
    timestamp: '2024-03-30T12:00:00.000Z',
    subscriptionId: sub.id,
    ownerId: '100200301',
    body: { accountId: '100200300', extensionId: '100200301', lastUpdated: '2024-03-30T12:00:00.000Z', changes: [{ type: 'SMS', newCount: 1, updatedCount: 0, newMessageIds: [sent.id] }], ownerId: '100200301' }
  })
  t.match(first.headers, { 'content-type': 'application/json; charset=UTF-8', 'user-agent': 'RingCentral-Webhook/8.3', 'verification-token': 'verify-me', accept: 'application/json' })

  h.advance(60)
  const [queuedToSent, sentToDelivered] = await Promise.all([receiver.nth(3), receiver.nth(4)])
  t.equal(queuedToSent.json.timestamp, '2024-03-30T12:00:02.000Z', 'Queued → Sent, dated when it happened (not when the clock was moved)')
  t.equal(sentToDelivered.json.timestamp, '2024-03-30T12:00:05.000Z', 'Sent → Delivered')
  t.same(queuedToSent.json.body.changes, [{ type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] }])
  h.advance(3600)
  await notifications(h, 3)
  t.equal(receiver.notifications.length, 3, 'exactly once each: nothing more')
  t.same(h.ctx.events.deliveries.list({ kind: 'notification' }).map(d => [d.outcome, d.status, d.attempt]), [['delivered', 200, 1], ['delivered', 200, 1], ['delivered', 200, 1]])
})

t.test('a failing receiver: retries on the clock, then Blacklisted; nothing more afterwards', async t => {
  const h = await build(t)
  let failing = true
  const receiver = await startReceiver(t, (r, res) => {
    if (r.headers['validation-token'] !== undefined) return correct(r, res)
    res.statusCode = failing ? 503 : 200
    res.end()
  })
  const token = (await h.login()).access_token as string
  const sub = (await subscribe(h, token, { eventFilters: [`${ME}/message-store/instant?type=SMS`], deliveryMode: { transportType: 'WebHook', address: receiver.url } })).json()
  const log = h.ctx.events.deliveries
  /** The outcome of the next notification attempt (the mock has handled the answer by then). */
  const next = async () => {
    const record = await log.wait({ kind: 'notification', after: log.lastId }, 5000)
    if (!record) throw new Error('no delivery attempt')
    return record
  }

  let attempt = next()
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: 'C' })
  t.match(await attempt, { attempt: 1, status: 503, outcome: 'failed' })
  h.advance(29)
  t.equal(receiver.notifications.length, 1, 'no retry before 30 s')
  attempt = next()
  h.advance(1)
  t.match(await attempt, { attempt: 2, outcome: 'failed' }, 'the first retry, 30 s later')
  failing = false
  attempt = next()
  h.advance(60)
  t.match(await attempt, { attempt: 3, status: 200, outcome: 'delivered' }, 'delivered on the second retry, 60 s later')

  failing = true
  attempt = next()
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: 'again' })
  t.match(await attempt, { attempt: 1, outcome: 'failed' })
  for (const [seconds, n] of [[30, 2], [60, 3], [120, 4], [240, 5]] as const) {
    attempt = next()
    h.advance(seconds)
    t.match(await attempt, { attempt: n, outcome: 'failed' }, `retry ${n - 1} after ${seconds} s`)
  }
  h.advance(3600)
  t.equal(receiver.notifications.filter(r => r.json?.body?.subject === 'again').length, 5, 'after the last retry, the event is dropped')
  t.equal(h.ctx.events.get(sub.id)?.status, 'Active', 'failures for less than 600 s: still active')

  // The next failure comes more than 600 s after the first unanswered one: Blacklisted.
  attempt = next()
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: 'third' })
  t.match(await attempt, { attempt: 1, outcome: 'failed' })
  const fresh = (await h.login()).access_token as string
  const blacklisted = (await h.api(`/restapi/v1.0/subscription/${sub.id as string}`, fresh)).json()
  t.match(blacklisted, { status: 'Blacklisted', blacklistedData: { blacklistedAt: '2024-03-30T13:09:00.000Z', reason: 'Webhook responses with code: [503], reason: [Service Unavailable]' } })
  const total = receiver.received.length
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: 'never sent' })
  h.advance(3600)
  t.equal(receiver.received.length, total, 'a blacklisted subscription delivers nothing')
})

t.test('receivers that hang or answer megabytes never stall the queue; injected faults', async t => {
  const h = await build(t, s => { s.policies = { ...s.policies, webhooks: { responseTimeoutMs: 200, retrySeconds: [] } } })
  let mode: 'hang' | 'flood' | 'ok' = 'hang'
  const receiver = await startReceiver(t, (r, res) => {
    if (r.headers['validation-token'] !== undefined) return correct(r, res)
    if (mode === 'hang') return 'hang'
    if (mode === 'flood') {
      res.write('x'.repeat(1024 * 1024))
      res.end('x'.repeat(2 * 1024 * 1024))
      return
    }
    res.end()
  })
  const token = (await h.login()).access_token as string
  const sub = (await subscribe(h, token, { eventFilters: [`${ME}/message-store/instant?type=SMS`], deliveryMode: { transportType: 'WebHook', address: receiver.url } })).json()
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: '1' })
  t.match(await h.ctx.events.deliveries.wait({ outcome: 'failed' }, 5000), { error: 'no answer within 200 ms' })
  mode = 'flood'
  const afterHang = h.ctx.events.deliveries.lastId
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: '2' })
  t.match(await h.ctx.events.deliveries.wait({ outcome: 'failed', after: afterHang }, 5000), { error: /larger than 65536 bytes/ })
  mode = 'ok'
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: '3' })
  t.match(await h.ctx.events.deliveries.wait({ outcome: 'delivered', kind: 'notification' }, 5000), { payload: { body: { subject: '3' } } }, 'the next one goes through')

  const fault = await h.app.inject({ method: 'POST', url: `/__mock/subscriptions/${sub.id as string}/faults`, payload: { kind: 'error', status: 500, times: 2 } })
  t.equal(fault.json().faults, 2)
  const sentBefore = receiver.notifications.length
  const before = h.ctx.events.deliveries.lastId
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: '4' })
  t.match(await h.ctx.events.deliveries.wait({ outcome: 'failed', after: before }, 5000), { status: 500, error: 'injected: receiver answered 500' })
  t.equal(receiver.notifications.length, sentBefore, 'an injected fault sends nothing')
  const blacklist = await h.app.inject({ method: 'POST', url: `/__mock/subscriptions/${sub.id as string}/blacklist`, payload: {} })
  t.match(blacklist.json(), { status: 'Blacklisted', info: { status: 'Blacklisted', blacklistedData: { reason: /503/ } } })
})

t.test('an OAuth session that ends leaves webhook subscriptions (they are the user\'s and the app\'s)', async t => {
  const h = await build(t)
  const receiver = await startReceiver(t)
  const login = await h.login()
  await subscribe(h, login.access_token, { eventFilters: [`${ME}/message-store/instant?type=SMS`], deliveryMode: { transportType: 'WebHook', address: receiver.url } })
  await h.app.inject({ method: 'POST', url: '/restapi/oauth/revoke', headers: { authorization: `Basic ${Buffer.from('jwt-app:jwt-app-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${login.access_token as string}` })
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: 'still delivered' })
  t.equal((await receiver.nth(2)).json.body.subject, 'still delivered')
})

t.test('a reset drops what the old world\'s webhooks still had queued: nothing of it is sent later', async t => {
  const h = await build(t)
  let held: import('node:http').ServerResponse | undefined
  const receiver = await startReceiver(t, (r, res) => {
    if (r.headers['validation-token'] !== undefined) return correct(r, res)
    held = res
    return 'hang'
  })
  const token = (await h.login()).access_token as string
  const sub = (await subscribe(h, token, { eventFilters: [`${ME}/message-store/instant?type=SMS`], deliveryMode: { transportType: 'WebHook', address: receiver.url } })).json()
  const oldHub = h.ctx.events
  for (const text of ['1', '2', '3', '4']) oldHub.inbound({ from: '+16505550177', to: '+16505550100', text })
  await receiver.nth(2)
  const subscription = oldHub.get(sub.id as string)!
  t.equal(subscription.queue.length, 3, 'one in flight (the receiver holds it), three queued')
  t.equal((await h.app.inject({ method: 'POST', url: '/__mock/reset' })).statusCode, 200)
  t.equal(subscription.queue.length, 0, 'the closed world\'s queue is dropped')
  held?.end()

  // The new world works, and its first notification is all the receiver gets after the reset.
  const fresh = await startReceiver(t)
  const token2 = (await h.login()).access_token as string
  t.equal((await subscribe(h, token2, { eventFilters: [`${ME}/message-store/instant?type=SMS`], deliveryMode: { transportType: 'WebHook', address: fresh.url } })).statusCode, 200)
  h.ctx.events.inbound({ from: '+16505550177', to: '+16505550100', text: 'new world' })
  t.equal((await fresh.nth(2)).json.body.subject, 'new world')
  t.equal(receiver.notifications.length, 1, 'the old receiver got only the one it held')
})
