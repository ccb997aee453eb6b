/**
 * Inbound SMS: injected (control API and startMockServer), scripted by the scenario (at a clock
 * time, or as an auto-reply), and the copy a number of the world receives; each in the owner's
 * store, with its events.
 */
import t from 'tap'
import { startMockServer } from '../../src/index.js'
import { build, defaultScenario, type Harness } from '../helper.js'
import { startReceiver } from './receiver.js'

const ME = '/restapi/v1.0/account/~/extension/~'

async function webhook (h: Harness, token: string, url: string, filters = [`${ME}/message-store/instant?type=SMS`, `${ME}/message-store?direction=Inbound`]) {
  const res = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/subscription', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { eventFilters: filters, deliveryMode: { transportType: 'WebHook', address: url } } })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json()
}

t.test('POST /__mock/inbound-sms: an Inbound, Unread message in the store of the number\'s owner, and its events', async t => {
  const h = await build(t)
  const receiver = await startReceiver(t)
  const token = (await h.login()).access_token as string
  await webhook(h, token, receiver.url)
  // The app texts first; the customer's reply joins the same conversation.
  const sent = (await h.app.inject({ method: 'POST', url: `${ME}/sms`, headers: { authorization: `Bearer ${token}` }, payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550177' }], text: 'Reply C to confirm' } })).json()
  const res = await h.app.inject({ method: 'POST', url: '/__mock/inbound-sms', payload: { from: '+1 (650) 555-0177', to: '+16505550100', text: 'C' } })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { direction: 'Inbound', from: '+16505550177', to: ['+16505550100'], extensionId: '100200301', messageStatus: 'Received', readStatus: 'Unread', text: 'C' })

  const list = (await h.api(`${ME}/message-store?direction=Inbound`, token)).json()
  t.equal(list.records.length, 1)
  const record = list.records[0]
  t.match(record, { direction: 'Inbound', messageStatus: 'Received', readStatus: 'Unread', from: { phoneNumber: '+16505550177' }, to: [{ phoneNumber: '+16505550100' }], subject: 'C' })
  t.equal(record.conversation.id, sent.conversation.id, 'the reply is in the conversation the app started')
  t.notOk('smsSendingAttemptsCount' in record, 'no sending attempts on a received message')
  t.equal((await h.api(`${ME}/message-store?readStatus=Unread`, token)).json().records.length, 1)
  t.equal((await h.api(`${ME}/message-store?readStatus=Read`, token)).json().records.length, 1, 'the sent one')

  await receiver.nth(3)
  const instant = receiver.notifications.find(n => n.json.event.endsWith('/instant?type=SMS'))!
  const store = receiver.notifications.find(n => n.json.event.endsWith('/message-store?direction=Inbound'))!
  t.match(instant.json, {
    event: '/restapi/v1.0/account/100200300/extension/100200301/message-store/instant?type=SMS',
    ownerId: '100200301',
    body: {
      id: String(record.id),
      to: [{ phoneNumber: '+16505550100', name: 'Ada Admin', target: true }],
      from: { phoneNumber: '+16505550177' },
      type: 'SMS',
      readStatus: 'Unread',
      direction: 'Inbound',
      availability: 'Alive',
      subject: 'C',
      messageStatus: 'Received',
      conversation: { id: sent.conversation.id },
      eventType: 'Create',
      owner: { extensionId: '100200301', extensionType: 'User', name: 'Ada Admin' }
    }
  })
  t.match(store.json.body.changes, [{ type: 'SMS', newCount: 1, updatedCount: 0, newMessageIds: [record.id] }])
})

t.test('inbound refusals: 400 naming the fix, nothing stored', async t => {
  const h = await build(t)
  const post = (payload: unknown) => h.app.inject({ method: 'POST', url: '/__mock/inbound-sms', payload: payload as object })
  t.match((await post({ from: '+16505550177', to: '+15550009999', text: 'x' })).json(), { error: 'bad_request', message: /no extension of scenario default owns \+15550009999; numbers that can receive: \+16505550100, \+16505550102, \+16505550103/ })
  t.match((await post({ from: 'someone', to: '+16505550100', text: 'x' })).json(), { message: /from must be a phone number/ })
  t.match((await post({ from: '+16505550177', to: '+16505550100' })).json(), { message: /give text, attachments, or both/ })
  t.match((await post({ from: '+16505550177', to: '+16505550100', text: 'x'.repeat(1001) })).json(), { message: /longer than 1000/ })
  t.match((await post({ from: '+16505550177', to: '+16505550100', attachments: [{ contentType: 'not a type', content: '' }] })).json(), { message: /attachments\[0\]/ })
  t.equal(h.ctx.messages.size, 0)
})

t.test('an MMS: attachments stored and served, and in the instant event', async t => {
  const h = await build(t)
  const receiver = await startReceiver(t)
  const token = (await h.login()).access_token as string
  await webhook(h, token, receiver.url, [`${ME}/message-store/instant?type=SMS`])
  const png = Buffer.from('89504e470d0a1a0a', 'hex')
  await h.app.inject({ method: 'POST', url: '/__mock/inbound-sms', payload: { from: '+16505550177', to: '+16505550100', text: 'my card', attachments: [{ contentType: 'image/png', fileName: 'card.png', content: png.toString('base64') }] } })
  const event = (await receiver.nth(2)).json
  const attachment = event.body.attachments[1]
  t.match(attachment, { type: 'MmsAttachment', contentType: 'image/png', size: png.length, fileName: 'card.png' })
  const content = await h.api(new URL(attachment.uri).pathname, token)
  t.equal(content.headers['content-type'], 'image/png')
  t.same(content.rawPayload, png)
})

t.test('the scenario scripts inbound messages at clock times, and auto-replies', async t => {
  const h = await build(t, s => {
    s.messaging = {
      inbound: [
        { afterSeconds: 60, from: '+16505550177', to: '+16505550102', text: 'Can I move my appointment?' },
        { at: '2024-03-30T13:00:00Z', from: '+16505550188', to: '+16505550100', text: 'Hello at one' }
      ],
      autoReplies: [
        { from: '+16505550177', text: 'C', afterSeconds: 30, whenText: '^Reminder', times: 1 }
      ]
    }
  })
  const outbox = () => h.ctx.messages.outbox({ direction: 'Inbound' }).map(m => [m.owner.extensionNumber, m.from, m.text, new Date(m.createdAt).toISOString()])
  t.same(outbox(), [])
  h.advance(59)
  t.same(outbox(), [], 'not before its time')
  h.advance(1)
  t.same(outbox(), [['102', '+16505550177', 'Can I move my appointment?', '2024-03-30T12:01:00.000Z']])

  const token = (await h.login()).access_token as string
  const send = (text: string) => h.app.inject({ method: 'POST', url: `${ME}/sms`, headers: { authorization: `Bearer ${token}` }, payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550177' }], text } })
  await send('Hi there')
  await send('Reminder: cleaning tomorrow at 10:00')
  await send('Reminder: another one')
  h.advance(3600)
  t.same(outbox(), [
    ['102', '+16505550177', 'Can I move my appointment?', '2024-03-30T12:01:00.000Z'],
    ['101', '+16505550177', 'C', '2024-03-30T12:01:35.000Z'],
    ['101', '+16505550188', 'Hello at one', '2024-03-30T13:00:00.000Z']
  ], 'one auto-reply (times: 1), only to the text matching whenText, 30 s after the delivery (5 s after the send); the scripted one at 13:00')
})

t.test('a message to a number of the world is received there too (an inbound copy on delivery)', async t => {
  const h = await build(t)
  const token = (await h.login()).access_token as string
  await h.app.inject({ method: 'POST', url: `${ME}/sms`, headers: { authorization: `Bearer ${token}` }, payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550102' }], text: 'Team meeting at 3' } })
  t.equal(h.ctx.messages.outbox({ direction: 'Inbound' }).length, 0, 'not before it is delivered')
  h.advance(5)
  const [copy] = h.ctx.messages.outbox({ direction: 'Inbound' })
  t.match(copy, { direction: 'Inbound', from: '+16505550100', to: ['+16505550102'], text: 'Team meeting at 3', readStatus: 'Unread' })
  t.equal(copy?.owner.id, '100200302', 'in Ben\'s store')
})

t.test('a sent message made to fail (control API): DeliveryFailed now, with its event; a final one is 409', async t => {
  const h = await build(t)
  const token = (await h.login()).access_token as string
  const sent = (await h.app.inject({ method: 'POST', url: `${ME}/sms`, headers: { authorization: `Bearer ${token}` }, payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550177' }], text: 'x' } })).json()
  const failed = await h.app.inject({ method: 'POST', url: `/__mock/messages/${sent.id as number}/fail`, payload: { errorCode: 'SMS-CAR-430' } })
  t.match(failed.json(), { messageStatus: 'DeliveryFailed', deliveryErrorCode: 'SMS-CAR-430' })
  t.match((await h.api(new URL(sent.uri).pathname, token)).json(), { messageStatus: 'DeliveryFailed', deliveryErrorCode: 'SMS-CAR-430' })
  h.advance(60)
  t.equal((await h.api(new URL(sent.uri).pathname, token)).json().messageStatus, 'DeliveryFailed', 'it stays failed')
  t.equal((await h.app.inject({ method: 'POST', url: `/__mock/messages/${sent.id as number}/fail`, payload: {} })).statusCode, 409)
  t.equal((await h.app.inject({ method: 'POST', url: '/__mock/messages/1/fail', payload: {} })).statusCode, 404)
})

t.test('startMockServer: inboundSms(), messages.fail(), and the same refusals', async t => {
  const mock = await startMockServer({ scenario: { ...defaultScenario(), clock: { start: '2024-03-30T12:00:00Z', frozen: true } } })
  t.teardown(() => mock.close())
  const message = mock.inboundSms({ from: '+16505550177', to: '+16505550102', text: 'STOP' })
  t.match(message, { direction: 'Inbound', extensionId: '100200302', text: 'STOP' })
  t.throws(() => mock.inboundSms({ from: '+16505550177', to: '+19999999999', text: 'x' }), { name: 'ControlError', message: /no extension of scenario default owns/ })
  t.same(mock.messages.list({ direction: 'Inbound' }).map(m => m.id), [message.id])
})
