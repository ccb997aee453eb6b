/**
 * High Volume SMS and consent events over a webhook: batch events on acceptance and completion,
 * message events per transition on the scenario clock, opt-out and consent events when consent
 * changes (an inbound STOP, the v2 API), and a subscription that starts in the middle of a batch.
 */
import t, { type Test } from 'tap'
import { build, JWT_GRANT, shipped, type Harness } from '../helper.js'
import { startReceiver, type Receiver } from '../events/receiver.js'

const FROM = '+18885550100'
const APP = { id: 'batch-app', secret: 'batch-app-secret' }
const ACCOUNT = '500600700'

async function subscribed (t: Test, filters: string[]): Promise<{ h: Harness, token: string, receiver: Receiver, expected: (n: number) => Promise<any[]> }> {
  const h = await build(t, undefined, { file: shipped('nightly-batch') })
  const token = (await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ops-jwt') }, APP)).json().access_token as string
  const receiver = await startReceiver(t)
  const created = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/subscription',
    headers: { authorization: `Bearer ${token}` },
    payload: { eventFilters: filters, deliveryMode: { transportType: 'WebHook', address: receiver.url } }
  })
  t.equal(created.statusCode, 200, created.body)
  // The validation request is the first; then n notifications.
  const expected = async (n: number) => {
    await receiver.nth(1 + n)
    return receiver.notifications.map(r => r.json)
  }
  return { h, token, receiver, expected }
}

const post = (h: Harness, token: string, body: unknown) => h.app.inject({ method: 'POST', url: '/restapi/v1.0/account/~/a2p-sms/batches', headers: { authorization: `Bearer ${token}` }, payload: body as Record<string, unknown> })

t.test('batch and message events follow the clock, each once, in order', async t => {
  const { h, token, receiver, expected } = await subscribed(t, [
    '/restapi/v1.0/account/~/a2p-sms/batches',
    '/restapi/v1.0/account/~/a2p-sms/messages?direction=Outbound'
  ])
  const batch = (await post(h, token, { from: FROM, text: 'Reminder', messages: [{ to: ['+15550100001'] }, { to: ['+15550100013'] }] })).json()
  h.advance(5)
  const events = await expected(7)
  const story = events.map(e => [e.event.replace(/\?.*$/, ''), e.body.status ?? e.body.messageStatus, e.body.to?.[0] ?? '', e.timestamp])
  t.same(story, [
    [`/restapi/v1.0/account/${ACCOUNT}/a2p-sms/batches`, 'Processing', '', '2024-04-01T22:00:00.000Z'],
    [`/restapi/v1.0/account/${ACCOUNT}/a2p-sms/messages`, 'Queued', '+15550100001', '2024-04-01T22:00:00.000Z'],
    [`/restapi/v1.0/account/${ACCOUNT}/a2p-sms/messages`, 'Queued', '+15550100013', '2024-04-01T22:00:00.000Z'],
    [`/restapi/v1.0/account/${ACCOUNT}/a2p-sms/messages`, 'Sent', '+15550100001', '2024-04-01T22:00:00.334Z'],
    [`/restapi/v1.0/account/${ACCOUNT}/a2p-sms/messages`, 'SendingFailed', '+15550100013', '2024-04-01T22:00:00.667Z'],
    [`/restapi/v1.0/account/${ACCOUNT}/a2p-sms/batches`, 'Completed', '', '2024-04-01T22:00:00.667Z'],
    [`/restapi/v1.0/account/${ACCOUNT}/a2p-sms/messages`, 'Delivered', '+15550100001', '2024-04-01T22:00:03.334Z']
  ], 'accepted, queued, sent, failed (opted out), completed, delivered')
  const completed = events[5]
  t.match(completed.body, { id: batch.id, batchSize: 2, processedCount: 2, status: 'Completed', cost: 0.007 })
  t.notOk('rejected' in completed.body, 'the batch event has no rejected list')
  t.match(events[4].body, { batchId: batch.id, errorCode: 'SMS-RC-413', text: 'Reminder', direction: 'Outbound' })
  t.match(completed, { uuid: /\S/, subscriptionId: /\S/, ownerId: '500600701' })
  h.advance(60)
  t.equal(receiver.notifications.length, 7, 'nothing more, and nothing twice')
})

t.test('a filter on one batch, on from; a subscription made mid-batch sees what happens from then on', async t => {
  const { h, token, receiver, expected } = await subscribed(t, ['/restapi/v1.0/account/~/a2p-sms/batches?from=+16505550500'])
  const batch = (await post(h, token, { from: FROM, text: 'x', messages: Array.from({ length: 5 }, (_, i) => ({ to: [`+1555010020${i}`] })) })).json()
  h.advance(1)
  const late = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/subscription',
    headers: { authorization: `Bearer ${token}` },
    payload: { eventFilters: [`/restapi/v1.0/account/~/a2p-sms/messages?batchId=${String(batch.id)}`], deliveryMode: { transportType: 'WebHook', address: receiver.url } }
  })
  t.equal(late.statusCode, 200, late.body)
  h.advance(10)
  // Validation of the first, validation of the late one, then: messages 3 and 4 leave (1.33 s,
  // 1.67 s), and all five are delivered (3.33 s … 4.67 s): 7 message events, none of the batch
  // (its filter names another number).
  await receiver.nth(2 + 7)
  const seen = receiver.notifications.map(n => [n.json.body.to[0], n.json.body.messageStatus])
  t.same(seen, [
    ['+15550100203', 'Sent'],
    ['+15550100204', 'Sent'],
    ['+15550100200', 'Delivered'],
    ['+15550100201', 'Delivered'],
    ['+15550100202', 'Delivered'],
    ['+15550100203', 'Delivered'],
    ['+15550100204', 'Delivered']
  ])
  t.ok(await expected(7))
})

t.test('consent changes fire the A2P opt-out event and the v2 consent event', async t => {
  const { h, token, expected } = await subscribed(t, [
    '/restapi/v1.0/account/~/a2p-sms/opt-outs',
    '/restapi/v2/accounts/~/sms/consents',
    '/restapi/v1.0/account/~/a2p-sms/messages?direction=Inbound'
  ])
  await h.app.inject({ method: 'POST', url: '/__mock/inbound-sms', payload: { from: '+15550100777', to: FROM, text: 'STOP' } })
  await h.app.inject({
    method: 'PATCH',
    url: '/restapi/v2/accounts/~/sms/consents',
    headers: { authorization: `Bearer ${token}` },
    payload: { records: [{ from: '*', to: '+15550100778', optStatus: 'OptIn', source: 'Api' }] }
  })
  const events = await expected(5)
  const byPath = (part: string) => events.filter(e => e.event.includes(part))
  t.match(byPath('/a2p-sms/messages'), [{ body: { from: '+15550100777', to: [FROM], text: 'STOP', direction: 'Inbound', messageStatus: 'Delivered' } }], 'the inbound STOP itself')
  t.same(byPath('/opt-outs').map(e => e.body), [
    { from: FROM, to: '+15550100777', active: true },
    { from: '*', to: '+15550100778', active: false }
  ])
  const consent = byPath('/sms/consents')
  t.equal(consent[0].event, `/restapi/v2/accounts/${ACCOUNT}/sms/consents`)
  t.match(consent.map(e => e.body.records), [
    [{ from: FROM, to: '+15550100777', optStatus: 'OptOut', source: 'Recipient' }],
    [{ from: '*', to: '+15550100778', optStatus: 'OptIn', source: 'Api' }]
  ])
})

t.test('the A2P filters are checked: numbers must be E.164, and ReadAccounts is needed', async t => {
  const receiver = await startReceiver(t)
  const subscriber = async (scopes?: string[]) => {
    const h = await build(t, s => { if (scopes) s.apps.find(a => a.clientId === 'batch-app')!.scopes = scopes }, { file: shipped('nightly-batch') })
    const token = (await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ops-jwt') }, APP)).json().access_token as string
    return (filter: string) => h.app.inject({
      method: 'POST',
      url: '/restapi/v1.0/subscription',
      headers: { authorization: `Bearer ${token}` },
      payload: { eventFilters: [filter], deliveryMode: { transportType: 'WebHook', address: receiver.url } }
    })
  }
  const subscribe = await subscriber()
  for (const filter of ['/restapi/v1.0/account/~/a2p-sms/batches?from=12345', '/restapi/v1.0/account/~/a2p-sms/messages?direction=Sideways']) {
    const bad = await subscribe(filter)
    t.equal(bad.statusCode, 400, filter)
    t.equal(bad.json().errorCode, 'SUB-508', filter)
  }
  const noPermission = await (await subscriber(['A2PSMS', 'SubscriptionWebhook']))('/restapi/v1.0/account/~/a2p-sms/batches')
  t.equal(noPermission.statusCode, 403, 'without ReadAccounts the A2P filters are refused')
  t.match(noPermission.json(), { errors: [{ errorCode: 'CMN-401', permissionName: 'ReadAccounts' }] })
})
