/**
 * Two-way messaging with the official SDKs against the real program (`node dist/cli.js`):
 * `@rc-ex/ws` and `@ringcentral/subscriptions` over the WebSocket gateway (subscribe, an inbound
 * SMS, recovery after a dropped connection, a new subscription after a failed recovery), and a
 * webhook created with `@ringcentral/sdk` and received by a real HTTP server.
 */
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type RcCore from '@rc-ex/core'
import type WsModule from '@rc-ex/ws'
import { SDK } from '@ringcentral/sdk'
import type { Subscriptions as SubscriptionsType } from '@ringcentral/subscriptions'
import t from 'tap'
import { cliJwt, startMock } from './spawn.js'

// The WebSocket clients are loaded through their CommonJS builds: @rc-ex/ws ships its ESM build
// without a module type, which the test runner's loader hooks cannot take.
const require = createRequire(import.meta.url)
const RingCentral = (require('@rc-ex/core') as { default: typeof RcCore }).default
const WebSocketExtension = (require('@rc-ex/ws') as { default: typeof WsModule.default }).default
const { Subscriptions } = require('@ringcentral/subscriptions') as { Subscriptions: typeof SubscriptionsType }

const INSTANT = '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'

/** The control API of the running mock. */
function control (url: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) })
    const text = await res.text()
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return text === '' ? undefined : JSON.parse(text)
  }
  return {
    inbound: async (text: string) => await call('POST', '/__mock/inbound-sms', { from: '+16505550177', to: '+16505550100', text }),
    websockets: async () => (await call('GET', '/__mock/websockets')).records as Array<{ id: string, connected: boolean }>,
    drop: async (id: string) => await call('POST', `/__mock/websockets/${id}/drop`),
    failRecovery: async (id: string) => await call('POST', `/__mock/websockets/${id}/fail-recovery`),
    /** Waits (no sleeping: the mock answers when it happens) for the next delivery after `after`. */
    delivery: async (filter: Record<string, string>, after: number) => (await call('GET', `/__mock/deliveries?${new URLSearchParams({ ...filter, after: String(after), waitMs: '15000' }).toString()}`)).records as Array<{ id: string }>,
    lastDelivery: async () => (await call('GET', '/__mock/deliveries')).lastId as number
  }
}

/** Resolves once `check` holds, re-checked whenever `poke` is called; a guard, not a sleep. */
function signal<T> (): { resolve: (v: T) => void, promise: Promise<T> } {
  let resolve!: (v: T) => void
  const promise = new Promise<T>(r => { resolve = r })
  return { resolve, promise }
}

t.test('@rc-ex/ws: subscribe, an inbound SMS, recovery with the missed event, a new subscription after a failed recovery', async t => {
  const { url } = await startMock(t)
  const mock = control(url)
  const rc = new RingCentral({ server: url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
  await rc.authorize({ jwt: await cliJwt(t, 'ada-jwt') })
  const wse = new WebSocketExtension()
  await rc.installExtension(wse)
  const received: string[] = []
  let arrived = signal<void>()
  await wse.subscribe([INSTANT], (event: any) => {
    received.push(event.body.subject)
    arrived.resolve()
  })
  const first = wse.subscription?.subscriptionInfo?.id
  t.match(first, /^[0-9a-f-]{36}$/)

  await mock.inbound('C')
  await arrived.promise
  t.same(received, ['C'])

  // A dropped connection: rc-ex recovers the session with its wsc, and gets what it missed.
  const [session] = await mock.websockets()
  const recovered = new Promise(resolve => wse.eventEmitter.once('autoRecoverSuccess', resolve))
  await mock.drop(session!.id)
  arrived = signal()
  await mock.inbound('while away')
  await recovered
  await arrived.promise
  t.same(received, ['C', 'while away'], 'the missed event, after the recovery')
  t.equal(wse.subscription?.subscriptionInfo?.id, first, 'the same subscription')

  // A failed recovery: rc-ex subscribes again, on the new session.
  await mock.failRecovery(session!.id)
  const failed = new Promise(resolve => wse.eventEmitter.once('autoRecoverFailed', resolve))
  await mock.drop(session!.id)
  await failed
  const second = wse.subscription?.subscriptionInfo?.id
  t.not(second, first, 'a new subscription')
  arrived = signal()
  await mock.inbound('after the new subscription')
  await arrived.promise
  t.same(received, ['C', 'while away', 'after the new subscription'])
  // Before the mock stops: a client left reconnecting to a closed port would crash.
  await wse.revoke()
})

t.test('@ringcentral/subscriptions: register, an inbound SMS, recovery after a dropped connection, a new subscription after a failed recovery', async t => {
  const { url } = await startMock(t)
  const mock = control(url)
  const sdk = new SDK({ server: url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
  await sdk.platform().login({ jwt: await cliJwt(t, 'ada-jwt') })
  const subscriptions = new Subscriptions({ sdk })
  const subscriptionIds = async () => ((await (await sdk.platform().get('/restapi/v1.0/subscription')).json()) as { records: Array<{ id: string }> }).records.map(r => r.id)
  const subscription = subscriptions.createSubscription()
  const received: string[] = []
  let arrived = signal<void>()
  subscription.on(subscription.events.notification, (event: any) => {
    received.push(event.body.subject)
    arrived.resolve()
  })
  const registered = await subscription.setEventFilters([INSTANT]).register()
  await mock.inbound('hello')
  await arrived.promise
  t.same(received, ['hello'])

  const [session] = await mock.websockets()
  const before = await mock.lastDelivery()
  await mock.drop(session!.id)
  arrived = signal()
  await mock.inbound('missed')
  // Delivered once the SDK has recovered the session.
  await mock.delivery({ transport: 'WebSocket', outcome: 'delivered' }, before)
  await arrived.promise
  t.same(received, ['hello', 'missed'])

  // A failed recovery: the SDK subscribes again on a new session and the same handler receives.
  const [recoveredSession] = (await mock.websockets()).filter(s => s.connected)
  await mock.failRecovery(recoveredSession!.id)
  const firstId = await subscriptionIds()
  const wse = registered.wse as unknown as { eventEmitter: NodeJS.EventEmitter, revoke (): Promise<void> }
  // The WebSocket extension emits this once it has subscribed again on the new session.
  const failed = new Promise(resolve => wse.eventEmitter.once('autoRecoverFailed', resolve))
  await mock.drop(recoveredSession!.id)
  await failed
  arrived = signal()
  await mock.inbound('after a failed recovery')
  await arrived.promise
  t.same(received, ['hello', 'missed', 'after a failed recovery'])
  const secondId = await subscriptionIds()
  t.not(secondId.join(), firstId.join(), 'a new subscription after the failed recovery')
  // The subscription and its WebSocket extension (which would otherwise keep reconnecting).
  await wse.revoke()
})

t.test('@ringcentral/sdk: a webhook subscription, received by a real server; the SMS story end to end', async t => {
  const events: any[] = []
  let arrived = signal<void>()
  const receiver = createServer((req, res) => {
    const token = req.headers['validation-token']
    if (typeof token === 'string') res.setHeader('Validation-Token', token)
    let body = ''
    req.on('data', c => { body += String(c) })
    req.on('end', () => {
      if (body !== '') {
        events.push({ headers: req.headers, json: JSON.parse(body) })
        arrived.resolve()
      }
      res.end()
    })
  })
  await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { receiver.closeAllConnections(); receiver.close(() => resolve()) }))
  const address = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/webhook`

  const { url } = await startMock(t)
  const sdk = new SDK({ server: url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
  const platform = sdk.platform()
  await platform.login({ jwt: await cliJwt(t, 'ada-jwt') })
  const created: any = await (await platform.post('/restapi/v1.0/subscription', {
    eventFilters: [INSTANT, '/restapi/v1.0/account/~/extension/~/message-store?direction=Outbound'],
    deliveryMode: { transportType: 'WebHook', address, verificationToken: 'reminders-verify' }
  })).json()
  t.match(created, { status: 'Active', deliveryMode: { transportType: 'WebHook', address } })

  await platform.post('/restapi/v1.0/account/~/extension/~/sms', { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550177' }], text: 'Reminder: cleaning tomorrow at 10:00. Reply C to confirm.' })
  await arrived.promise
  t.match(events[0].json, { subscriptionId: created.id, body: { changes: [{ type: 'SMS', newCount: 1 }] } })
  t.equal(events[0].headers['verification-token'], 'reminders-verify')

  arrived = signal()
  await control(url).inbound('C')
  await arrived.promise
  const reply = events.find(e => e.json.event.endsWith('/instant?type=SMS'))
  t.match(reply?.json.body, { subject: 'C', from: { phoneNumber: '+16505550177' } }, 'the customer\'s reply arrives by webhook')

  const renewed: any = await (await platform.post(`/restapi/v1.0/subscription/${created.id as string}/renew`)).json()
  t.equal(renewed.id, created.id)
  await platform.delete(`/restapi/v1.0/subscription/${created.id as string}`)
})
