import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { apiError, build, type Harness, JWT_GRANT } from '../helper.js'

const STORE = 'http://localhost:80/restapi/v1.0/account/100200300/extension/100200301/message-store'

async function send (h: Harness, token: string, toNumber: string, text = 'x', from = '+16505550100'): Promise<Record<string, any>> {
  const res: LightMyRequestResponse = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ from: { phoneNumber: from }, to: [{ phoneNumber: toNumber }], text })
  })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json()
}

t.test('delivery lifecycle on the scenario clock: Queued → Sent → Delivered', async t => {
  const h = await build(t, s => { s.messaging = { delivery: { queuedSeconds: 2, sentSeconds: 10 } } })
  const { access_token: token } = await h.login('ada-jwt')
  const sent = await send(h, token, '+16505550199')
  const path = new URL(sent.uri).pathname
  const poll = async () => (await h.api(path, token)).json()

  t.match(await poll(), { messageStatus: 'Queued', lastModifiedTime: '2024-03-30T12:00:00.000Z' })
  h.advance(1.999)
  t.equal((await poll()).messageStatus, 'Queued')
  h.advance(0.001)
  t.match(await poll(), { messageStatus: 'Sent', lastModifiedTime: '2024-03-30T12:00:02.000Z', smsSendingAttemptsCount: 1 })
  h.advance(9)
  t.equal((await poll()).messageStatus, 'Sent')
  h.advance(1)
  const delivered = await poll()
  t.match(delivered, { messageStatus: 'Delivered', smsDeliveryTime: '2024-03-30T12:00:12.000Z', lastModifiedTime: '2024-03-30T12:00:12.000Z', creationTime: '2024-03-30T12:00:00.000Z' })
  t.notOk('deliveryErrorCode' in delivered)
  h.advance(3000)
  t.equal((await poll()).messageStatus, 'Delivered', 'and stays so')
})

t.test('default timings: Sent after 2 s, Delivered after 5 s', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ada-jwt')
  const path = new URL((await send(h, token, '+16505550199')).uri).pathname
  const status = async () => (await h.api(path, token)).json().messageStatus
  h.advance(2)
  t.equal(await status(), 'Sent')
  h.advance(3)
  t.equal(await status(), 'Delivered')
})

t.test('recipients the scenario marks as failing', async t => {
  const h = await build(t, s => {
    s.messaging = {
      delivery: { queuedSeconds: 1, sentSeconds: 4 },
      recipients: [
        { phoneNumber: '+15550001111', outcome: 'DeliveryFailed' },
        { phoneNumber: '+15550002222', outcome: 'SendingFailed', errorCode: 'SMS-RC-413' },
        { phoneNumber: '+15550003333', outcome: 'DeliveryFailed', errorCode: 'SMS-CAR-430' }
      ]
    }
  })
  const { access_token: token } = await h.login('ada-jwt')
  const failing = new URL((await send(h, token, '+15550001111')).uri).pathname
  const sendingFailed = new URL((await send(h, token, '+15550002222')).uri).pathname
  const poll = async (path: string) => (await h.api(path, token)).json()

  h.advance(1)
  t.match(await poll(failing), { messageStatus: 'Sent' })
  t.match(await poll(sendingFailed), { messageStatus: 'SendingFailed', deliveryErrorCode: 'SMS-RC-413', lastModifiedTime: '2024-03-30T12:00:01.000Z' })
  h.advance(4)
  const failed = await poll(failing)
  t.match(failed, { messageStatus: 'DeliveryFailed', deliveryErrorCode: 'SMS-CAR-411', lastModifiedTime: '2024-03-30T12:00:05.000Z' }, 'SMS-CAR-411 by default')
  t.notOk('smsDeliveryTime' in failed)

  const group = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550199' }, { phoneNumber: '+15550003333' }], text: 'group' })
  })
  h.advance(5)
  t.match(await poll(new URL(group.json().uri).pathname), { messageStatus: 'DeliveryFailed', deliveryErrorCode: 'SMS-CAR-430' }, 'one failing recipient fails a group message')
})

t.test('GET …/message-store/{messageId}', async t => {
  const h = await build(t, s => { s.apps.push({ clientId: 'sms-only', clientSecret: 'sms-only-secret', grantTypes: [JWT_GRANT], scopes: ['SMS'] }) })
  const { access_token: ada } = await h.login('ada-jwt')
  const sent = await send(h, ada, '+16505550199', 'hello')

  t.test('the same record as the send returned', async t => {
    const res = await h.api(`/restapi/v1.0/account/~/extension/~/message-store/${sent.id}`, ada)
    t.equal(res.statusCode, 200)
    t.same(res.json(), sent)
    t.match(res.body, /"conversationId":\d{19},/)
  })
  t.test('unknown id: 404 CMN-102 messageId', async t => {
    const expected = apiError('CMN-102', 'Resource for parameter [messageId] is not found', 'CMN-102', { parameterName: 'messageId' })
    for (const id of ['1', 'abc', String(sent.id + 1)]) {
      const res = await h.api(`/restapi/v1.0/account/~/extension/~/message-store/${id}`, ada)
      t.equal(res.statusCode, 404, id)
      t.same(res.json(), expected, id)
    }
  })
  t.test('another extension\'s message is not in this store', async t => {
    const { access_token: ben } = await h.login('ben-jwt')
    const res = await h.api(`/restapi/v1.0/account/~/extension/~/message-store/${sent.id}`, ben)
    t.equal(res.statusCode, 404)
  })
  t.test('an admin reads another extension\'s store (ReadMessages defaults to Account for admins)', async t => {
    const { access_token: ben } = await h.login('ben-jwt')
    const bens = await send(h, ben, '+16505550199', 'from ben', '+16505550102')
    const res = await h.api(`/restapi/v1.0/account/~/extension/100200302/message-store/${bens.id}`, ada)
    t.equal(res.statusCode, 200)
    t.equal(res.json().subject, 'from ben')
  })
  t.test('a user reading another extension: CMN-419 [ReadMessages]', async t => {
    const { access_token: ben } = await h.login('ben-jwt')
    const res = await h.api(`/restapi/v1.0/account/~/extension/100200301/message-store/${sent.id}`, ben)
    t.equal(res.statusCode, 403)
    t.same(res.json(), apiError('CMN-419', 'In order to call this API endpoint for another extension, user needs to have [ReadMessages] permission granted with extended scope', 'CMN-419', { permissionName: 'ReadMessages' }))
  })
  t.test('no ReadMessages scope: CMN-401', async t => {
    const { access_token: token } = await h.login('ada-jwt', 'sms-only')
    for (const path of ['/restapi/v1.0/account/~/extension/~/message-store', `/restapi/v1.0/account/~/extension/~/message-store/${sent.id}`]) {
      const res = await h.api(path, token)
      t.equal(res.statusCode, 403)
      t.same(res.json(), apiError('CMN-401', 'In order to call this API endpoint, application needs to have [ReadMessages] permission', 'InsufficientPermissions', { permissionName: 'ReadMessages' }))
    }
  })
})

t.test('GET …/message-store: records, paging, navigation and the uri with defaults filled in', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ada-jwt')
  const ids: number[] = []
  for (let i = 0; i < 5; i++) {
    ids.push((await send(h, token, '+16505550199', `m${i}`)).id)
    h.advance(60)
  }
  // now = 12:05:00

  t.test('defaults: newest first, availability=Alive, dateFrom = now - 24 h', async t => {
    const res = await h.api('/restapi/v1.0/account/~/extension/~/message-store', token)
    t.equal(res.statusCode, 200)
    const body = res.json()
    const uri = `${STORE}?availability=Alive&dateFrom=2024-03-29T12:05:00.000Z&page=1&perPage=100`
    t.equal(body.uri, uri)
    t.same(body.records.map((r: any) => r.id), [...ids].reverse())
    t.same(body.paging, { page: 1, totalPages: 1, perPage: 100, totalElements: 5, pageStart: 0, pageEnd: 4 })
    t.same(body.navigation, { firstPage: { uri }, lastPage: { uri } })
    t.same(Object.keys(body), ['uri', 'records', 'paging', 'navigation'])
  })

  t.test('paging: perPage=2', async t => {
    const q = (page: number) => `${STORE}?direction=Outbound&availability=Alive&dateFrom=2024-03-29T12:05:00.000Z&page=${page}&perPage=2`
    const res = await h.api('/restapi/v1.0/account/~/extension/~/message-store?perPage=2&page=2&direction=Outbound', token)
    const body = res.json()
    t.equal(body.uri, q(2), 'the request echoed in RingCentral\'s order')
    t.same(body.records.map((r: any) => r.id), [ids[2], ids[1]])
    t.same(body.paging, { page: 2, totalPages: 3, perPage: 2, totalElements: 5, pageStart: 2, pageEnd: 3 })
    t.same(body.navigation, { firstPage: { uri: q(1) }, nextPage: { uri: q(3) }, previousPage: { uri: q(1) }, lastPage: { uri: q(3) } })
    const last = (await h.api('/restapi/v1.0/account/~/extension/~/message-store?perPage=2&page=3&direction=Outbound', token)).json()
    t.same(last.records.map((r: any) => r.id), [ids[0]])
    t.same(last.paging, { page: 3, totalPages: 3, perPage: 2, totalElements: 5, pageStart: 4, pageEnd: 4 })
    t.notOk('nextPage' in last.navigation)
    const beyond = (await h.api('/restapi/v1.0/account/~/extension/~/message-store?perPage=2&page=9', token)).json()
    t.same(beyond.records, [])
    t.same(beyond.paging, { page: 9, totalPages: 3, perPage: 2, totalElements: 5 }, 'no pageStart/pageEnd on an empty page')
  })

  t.test('perPage above 1000 is lowered to 1000; invalid paging is CMN-101', async t => {
    const res = await h.api('/restapi/v1.0/account/~/extension/~/message-store?perPage=5000', token)
    t.equal(res.json().paging.perPage, 1000)
    for (const q of ['perPage=0', 'perPage=abc', 'page=0', 'page=-1', 'perPage=1&perPage=2']) {
      const bad = await h.api(`/restapi/v1.0/account/~/extension/~/message-store?${q}`, token)
      t.equal(bad.statusCode, 400, q)
      const name = q.split('=')[0]!
      t.same(bad.json(), apiError('CMN-101', `Parameter [${name}] value is invalid.`, 'CMN-101', { parameterName: name }), q)
    }
  })

  t.test('dateFrom and dateTo', async t => {
    const list = async (q: string) => (await h.api(`/restapi/v1.0/account/~/extension/~/message-store?${q}`, token)).json()
    const body = await list('dateFrom=2024-03-30T12:01:00Z&dateTo=2024-03-30T12:03:00.000Z')
    t.same(body.records.map((r: any) => r.id), [ids[3], ids[2], ids[1]], 'both ends inclusive')
    t.equal(body.uri, `${STORE}?availability=Alive&dateFrom=2024-03-30T12:01:00.000Z&dateTo=2024-03-30T12:03:00.000Z&page=1&perPage=100`)
    const onlyTo = await list('dateTo=2024-03-30T12:02:00.000Z')
    t.match(onlyTo.uri, 'dateFrom=2024-03-29T12:02:00.000Z&dateTo=2024-03-30T12:02:00.000Z', 'dateFrom defaults to dateTo - 24 h')
    t.equal(onlyTo.records.length, 3)
    for (const q of ['dateFrom=yesterday', 'dateTo=2024-13-45T00:00:00Z']) {
      const bad = await h.api(`/restapi/v1.0/account/~/extension/~/message-store?${q}`, token)
      t.equal(bad.statusCode, 400, q)
      t.equal(bad.json().parameterName, q.split('=')[0])
    }
  })

  t.test('filters: messageType, direction, readStatus, availability (repeated values), phoneNumber, conversationId', async t => {
    const count = async (q: string) => {
      const res = await h.api(`/restapi/v1.0/account/~/extension/~/message-store?${q}`, token)
      t.equal(res.statusCode, 200, q)
      return res.json().records.length
    }
    t.equal(await count('messageType=SMS'), 5)
    t.equal(await count('messageType=Fax&messageType=VoiceMail'), 0)
    t.equal(await count('messageType=Fax&messageType=SMS'), 5)
    t.equal(await count('direction=Inbound'), 0)
    t.equal(await count('direction=Inbound&direction=Outbound'), 5)
    t.equal(await count('readStatus=Unread'), 0)
    t.equal(await count('readStatus=Read'), 5)
    t.equal(await count('availability=Deleted'), 0)
    t.equal(await count('availability=Alive&availability=Deleted'), 5)
    t.equal(await count('phoneNumber=%2B16505550199'), 5)
    t.equal(await count('phoneNumber=6505550199'), 5, 'any RingCentral-accepted form')
    t.equal(await count('phoneNumber=%2B16505550198'), 0)
    const conversation = (await h.api(`/restapi/v1.0/account/~/extension/~/message-store/${ids[0]}`, token)).json().conversation.id
    t.equal(await count(`conversationId=${conversation}`), 5)
    t.equal(await count('conversationId=1234567890123456789'), 0)
    t.equal(await count('distinctConversations=true'), 1)
    const res = await h.api(`/restapi/v1.0/account/~/extension/~/message-store?conversationId=${conversation}&messageType=SMS&direction=Outbound&readStatus=Read&phoneNumber=%2B16505550199&perPage=3`, token)
    t.equal(res.json().uri, `${STORE}?conversationId=${conversation}&messageType=SMS&direction=Outbound&readStatus=Read&phoneNumber=%2B16505550199&availability=Alive&dateFrom=2024-03-29T12:05:00.000Z&page=1&perPage=3`)
    for (const [q, name] of [['direction=Sideways', 'direction'], ['messageType=sms', 'messageType'], ['readStatus=Maybe', 'readStatus'], ['availability=Gone', 'availability'], ['conversationId=abc', 'conversationId'], ['distinctConversations=yes', 'distinctConversations']]) {
      const bad = await h.api(`/restapi/v1.0/account/~/extension/~/message-store?${q}`, token)
      t.equal(bad.statusCode, 400, q)
      t.same(bad.json(), apiError('CMN-101', `Parameter [${name}] value is invalid.`, 'CMN-101', { parameterName: name }), q)
    }
  })

  t.test('an empty store', async t => {
    const { access_token: ben } = await h.login('ben-jwt')
    const body = (await h.api('/restapi/v1.0/account/~/extension/~/message-store', ben)).json()
    t.same(body.records, [])
    t.same(body.paging, { page: 1, totalPages: 0, perPage: 100, totalElements: 0 })
    t.same(Object.keys(body.navigation), ['firstPage', 'lastPage'])
  })

  t.test('unknown extension: 404 CMN-102 extensionId', async t => {
    const res = await h.api('/restapi/v1.0/account/~/extension/123/message-store', token)
    t.equal(res.statusCode, 404)
    t.same(res.json(), apiError('CMN-102', 'Resource for parameter [extensionId] is not found', 'CMN-102', { parameterName: 'extensionId' }))
  })

  t.test('the default window moves with the clock', async t => {
    h.advance(24 * 3600 - 120)
    // now = 2024-03-31T12:03:00Z: the last 24 h hold the messages of 12:03 and 12:04 the day before
    const { access_token: fresh } = await h.login('ada-jwt')
    const later = (await h.api('/restapi/v1.0/account/~/extension/~/message-store', fresh)).json()
    t.same(later.records.map((r: any) => r.id), [ids[4], ids[3]])
    t.match(later.uri, 'dateFrom=2024-03-30T12:03:00.000Z')
  })
})

t.test('loading a scenario empties the store', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ada-jwt')
  await send(h, token, '+16505550199')
  t.equal(h.ctx.messages.size, 1)
  await h.ctx.load(h.ctx.loaded)
  t.equal(h.ctx.messages.size, 0)
})

t.test('the list window: messages over days, a full store trimming itself, and a clock moved back', async t => {
  const h = await build(t, s => { s.messaging = { storeLimit: 1500 } })
  const texts: string[] = []
  let token = ''
  for (let day = 0; day < 3; day++) {
    for (let i = 0; i < 600; i++) {
      texts.push(`d${day}m${i}`)
      if (i % 50 === 0) token = (await h.login('ada-jwt')).access_token as string
      await send(h, token, '+16505550199', `d${day}m${i}`)
      h.advance(60)
    }
    if (day < 2) h.advance(24 * 3600)
  }
  const fresh = (await h.login('ada-jwt')).access_token as string
  const list = async (query: string) => (await h.api(`/restapi/v1.0/account/~/extension/~/message-store?${query}`, fresh)).json()
  const all = await list('dateFrom=2024-01-01T00:00:00Z&perPage=1000')
  t.equal(all.paging.totalElements, 1500, 'the store keeps the newest 1500 (the oldest 300 went)')
  t.equal(all.records[0].subject, 'd2m599', 'newest first')
  const last = await list('dateFrom=2024-01-01T00:00:00Z&perPage=1000&page=2')
  t.same([last.records.length, last.records[last.records.length - 1].subject], [500, 'd0m300'], 'the oldest kept is the 301st sent')
  t.equal((await list('')).paging.totalElements, 600, 'the default window: the last 24 hours, one day\'s messages')
  const day1 = await list('dateFrom=2024-03-31T12:00:00Z&dateTo=2024-04-01T12:00:00Z&perPage=1000')
  t.ok(day1.records.every((m: any) => m.subject.startsWith('d1')), 'a window of one day')
  t.equal(day1.paging.totalElements, 600)
  const page = await list('dateFrom=2024-01-01T00:00:00Z&perPage=7&page=3')
  t.same(page.records.map((m: any) => m.subject), texts.slice(-21, -14).reverse(), 'a middle page, read out of the window')
  t.equal(page.paging.totalPages, Math.ceil(1500 / 7))

  // Backwards: a message created before the newest breaks creation order; lists still find it.
  await h.app.inject({ method: 'POST', url: '/__mock/clock', payload: { set: '2024-03-30T00:00:00Z', allowBackwards: true } })
  const again = (await h.login('ada-jwt')).access_token as string
  await send(h, again, '+16505550199', 'from the past')
  const mixed = (await h.api('/restapi/v1.0/account/~/extension/~/message-store?dateFrom=2024-01-01T00:00:00Z&dateTo=2024-12-31T00:00:00Z&perPage=1000', again)).json()
  t.equal(mixed.paging.totalElements, 1500, 'one more kept, one more dropped')
  t.ok(mixed.records.some((m: any) => m.subject === 'from the past'), 'the message created earlier than the others is listed')
  const past = (await h.api('/restapi/v1.0/account/~/extension/~/message-store?dateFrom=2024-03-29T00:00:00Z&dateTo=2024-03-30T06:00:00Z', again)).json()
  t.same(past.records.map((m: any) => m.subject), ['from the past'])
})
