/**
 * High Volume SMS batches through app.inject(): acceptance and rejection, states on the scenario
 * clock, the message list and its paging, the aggregate, errors in the ASG dialect, limits.
 * Most tests run on the shipped nightly-batch scenario (a toll-free A2P number, 180 a minute).
 */
import t, { type Test } from 'tap'
import { build, JWT_GRANT, shipped, type Harness } from '../helper.js'

const A2P = '/restapi/v1.0/account/~/a2p-sms'
const FROM = '+18885550100'
const APP = { id: 'batch-app', secret: 'batch-app-secret' }
const recipients = (n: number, first = 1): string[] => Array.from({ length: n }, (_, i) => `+1555010${String(first + i).padStart(4, '0')}`)

async function nightly (t: Test, edit?: Parameters<typeof build>[1]): Promise<{ h: Harness, token: string, post: (body: unknown, token?: string) => ReturnType<Harness['api']>, get: (path: string) => Promise<any> }> {
  const h = await build(t, edit, { file: shipped('nightly-batch') })
  const login = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ops-jwt') }, APP)
  const token = login.json().access_token as string
  const post = (body: unknown, as = token) => h.app.inject({ method: 'POST', url: `${A2P}/batches`, headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) })
  const get = async (path: string) => {
    const res = await h.api(path, token)
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  return { h, token, post, get }
}

/** The shipped story: 500 recipients, three written badly. */
function nightlyBody (): { from: string, text: string, messages: Array<{ to: string[] }> } {
  const to = recipients(500)
  to[6] = '5550100007'
  to[99] = '+1555010000x'
  to[199] = ''
  return { from: FROM, text: 'Reminder: your appointment is tomorrow. Reply STOP to opt out.', messages: to.map(n => ({ to: [n] })) }
}

t.test('the nightly batch: 497 accepted, 3 rejected in the create answer only', async t => {
  const { h, post, get } = await nightly(t)
  const res = await post(nightlyBody())
  t.equal(res.statusCode, 201, res.body)
  const batch = res.json()
  t.match(batch, { from: FROM, batchSize: 497, processedCount: 0, status: 'Processing' })
  t.notOk('cost' in batch, 'no cost before the batch is processed')
  t.match(batch.id, /^[0-9a-f-]{36}$/)
  t.match(batch.creationTime, /^2024-04-01T22:00:00\.000000Z$/, 'microseconds, as RingCentral writes them')
  t.same(Object.keys(batch), ['id', 'from', 'batchSize', 'processedCount', 'status', 'creationTime', 'lastModifiedTime', 'rejected'], 'RingCentral\'s field order')
  t.same(batch.rejected.map((r: { index: number, to: string[], errorCode: string }) => [r.index, r.to, r.errorCode]), [
    [7, ['5550100007'], 'SMS-RC-410'],
    [100, ['+1555010000x'], 'SMS-RC-410'],
    [200, [''], 'SMS-RC-410']
  ])
  const read = await get(`${A2P}/batches/${String(batch.id)}`)
  t.same(read.rejected, [], 'reading the batch gives an empty rejected list')
  t.equal(h.ctx.a2p.store.messageCount, 497)
})

t.test('states follow the clock: 180 a minute from a toll-free number, Completed when the last leaves', async t => {
  const { h, post, get } = await nightly(t)
  const { id } = (await post(nightlyBody())).json()
  const batchAt = async (seconds: number) => { h.advance(seconds); return get(`${A2P}/batches/${String(id)}`) }
  t.match(await batchAt(60), { status: 'Processing', processedCount: 180 }, 'after one minute, 180 have left the queue')
  t.notOk('cost' in (await get(`${A2P}/batches/${String(id)}`)))
  const done = await batchAt(106)
  t.match(done, { status: 'Completed', processedCount: 497, batchSize: 497 }, 'the 497th leaves at 165.67 s')
  t.equal(done.cost, 3.465, 'cost: 495 single-segment messages at 0.007 (the two opted out cost nothing)')
  t.equal(done.lastModifiedTime, '2024-04-01T22:02:45.667000Z', 'lastModifiedTime: when the last message left')

  const one = await post({ from: FROM, text: 'x', messages: [{ to: ['+15550109999'] }] })
  t.match(one.json(), { status: 'Processing', batchSize: 1 })
  const queued = (await get(`${A2P}/messages?batchId=${String(one.json().id)}`)).records[0]
  t.match(queued, { messageStatus: 'Queued', to: ['+15550109999'] })
  h.advance(0.4)
  t.match((await get(`${A2P}/messages/${String(queued.id)}`)), { messageStatus: 'Sent', segmentCount: 1, cost: 0.007 })
  h.advance(3)
  t.match((await get(`${A2P}/messages/${String(queued.id)}`)), { messageStatus: 'Delivered' }, 'Delivered sentSeconds (3 s) after it left')
})

t.test('per-message outcomes: opted out, carrier-blocked, delivered; the aggregate counts them', async t => {
  const { h, post, get } = await nightly(t)
  const { id } = (await post(nightlyBody())).json()
  h.advance(170)
  const statuses = await get(`${A2P}/statuses?batchId=${String(id)}`)
  t.same(statuses, {
    queued: { count: 0, cost: 0 },
    delivered: { count: 494, cost: 3.458 },
    deliveryFailed: { count: 1, cost: 0.007, errorCodeCounts: { 'SMS-CAR-430': 1 } },
    sent: { count: 0, cost: 0 },
    sendingFailed: { count: 2, cost: 0, errorCodeCounts: { 'SMS-RC-413': 2 } }
  })
  const failed = (await get(`${A2P}/messages?batchId=${String(id)}&phoneNumber=%2B15550100013&phoneNumber=%2B15550100042`)).records
  t.same(failed.map((m: any) => [m.to[0], m.messageStatus, m.errorCode]).sort(), [
    ['+15550100013', 'SendingFailed', 'SMS-RC-413'],
    ['+15550100042', 'DeliveryFailed', 'SMS-CAR-430']
  ])
  const optedOut = failed.find((m: any) => m.messageStatus === 'SendingFailed')
  t.notOk('cost' in optedOut, 'a message that failed to be sent has no cost')
  t.notOk('segmentCount' in optedOut, '…and no segment count (the docs\' sample)')
  const detail = await get(`${A2P}/messages/${String(optedOut.id)}`)
  t.same(Object.keys(detail), ['id', 'from', 'to', 'text', 'creationTime', 'lastModifiedTime', 'messageStatus', 'batchId', 'direction', 'errorCode'])
  t.equal(detail.text, nightlyBody().text)
})

t.test('the message list: Simple and Detailed views, newest first, pageToken paging without repeats', async t => {
  const { h, post, get } = await nightly(t)
  const body = { from: FROM, text: 'Batch text', messages: [{ to: ['+15550100101'] }, { to: ['+15550100102'], text: 'Own text' }, ...recipients(248, 200).map(n => ({ to: [n] }))] }
  const { id } = (await post(body)).json()
  h.advance(1)
  const simple = await get(`${A2P}/messages?perPage=2`)
  t.notOk('text' in simple.records[0], 'Simple (the default) has no text')
  const detailed = await get(`${A2P}/messages?view=Detailed&batchId=${String(id)}&perPage=1000`)
  const byTo = new Map(detailed.records.map((m: any) => [m.to[0], m]))
  t.equal((byTo.get('+15550100101') as any).text, 'Batch text', 'the batch text by default')
  t.equal((byTo.get('+15550100102') as any).text, 'Own text', 'a message\'s own text overrides it')
  t.equal(detailed.records.length, 250)
  t.ok(Number(detailed.records[0].id) > Number(detailed.records[249].id), 'newest first')

  const seen: string[] = []
  let token: string | undefined
  let pages = 0
  do {
    const page = await get(`${A2P}/messages?perPage=60${token !== undefined ? `&pageToken=${encodeURIComponent(token)}` : ''}`)
    seen.push(...page.records.map((m: any) => m.id))
    t.equal(page.paging.perPage, 60)
    token = page.paging.nextPageToken
    pages++
  } while (token !== undefined && pages < 10)
  t.equal(pages, 5, '250 messages in pages of 60')
  t.equal(new Set(seen).size, 250, 'every message once')
  const bad = await h.api(`${A2P}/messages?pageToken=nonsense`, (await h.login('ops-jwt', 'batch-app')).access_token)
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), { errorCode: 'CMN-101', message: 'Parameter [pageToken] value is invalid.', errors: [{ errorCode: 'CMN-101', message: 'Parameter [pageToken] value is invalid.' }] })
})

t.test('dateFrom/dateTo: the last 24 hours by default; batches listed newest first with filters', async t => {
  const { h, post } = await nightly(t)
  const first = (await post({ from: FROM, text: 'a', messages: [{ to: ['+15550100001'] }] })).json()
  h.advance(25 * 3600)
  const token = (await h.login('ops-jwt', 'batch-app')).access_token as string
  const get = async (path: string) => (await h.api(path, token)).json()
  const second = (await post({ from: FROM, text: 'b', messages: [{ to: ['+15550100002'] }] }, token)).json()
  t.same((await get(`${A2P}/batches`)).records.map((b: any) => b.id), [second.id], 'yesterday\'s batch is outside the default window')
  const all = await get(`${A2P}/batches?dateFrom=2024-04-01T00:00:00Z`)
  t.same(all.records.map((b: any) => b.id), [second.id, first.id])
  t.same((await get(`${A2P}/batches?dateFrom=2024-04-01T00:00:00Z&status=Completed`)).records.map((b: any) => b.id), [first.id])
  t.same((await get(`${A2P}/batches?dateFrom=2024-04-01T00:00:00Z&from=%2B16505550500`)).records, [])
  t.same((await get(`${A2P}/messages?dateFrom=2024-04-01T00:00:00Z&dateTo=2024-04-02T00:00:00Z`)).records.map((m: any) => m.to[0]), ['+15550100001'])
})

t.test('errors in the ASG dialect; gateway errors as the REST API sends them', async t => {
  const { h, token, post } = await nightly(t)
  const asg = (code: string, message: string) => ({ errorCode: code, message, errors: [{ errorCode: code, message }] })
  const check = async (res: Awaited<ReturnType<typeof post>>, status: number, body: unknown, what: string) => {
    t.equal(res.statusCode, status, `${what}: ${res.body}`)
    t.same(res.json(), body, what)
  }
  await check(await post({ from: '+16505550500', text: 'x', messages: [{ to: ['+15550100001'] }] }), 400, asg('CMN-101', 'Parameter [from] value is invalid.'), 'an ordinary SMS number is not an A2P sender')
  await check(await post({ from: '+19995550000', text: 'x', messages: [{ to: ['+15550100001'] }] }), 400, asg('CMN-101', 'Parameter [from] value is invalid.'), 'a number of nobody')
  await check(await post({ text: 'x', messages: [{ to: ['+15550100001'] }] }), 400, asg('CMN-100', 'Mandatory parameter [from] not specified'), 'from is required')
  await check(await post({ from: FROM, text: 'x' }), 400, asg('CMN-100', 'Mandatory parameter [messages] not specified'), 'messages are required')
  await check(await post({ from: FROM, text: 'x', messages: [] }), 400, asg('CMN-101', 'Parameter [messages] value is invalid.'), 'at least one message')
  await check(await post({ from: FROM, messages: [{ to: ['+15550100001'] }] }), 400, asg('CMN-100', 'Mandatory parameter [text] not specified'), 'no text for a message')
  const long = await post({ from: FROM, messages: [{ to: ['+15550100001'], text: 'x'.repeat(1001) }] })
  t.equal(long.statusCode, 400)
  t.match(long.json(), { errorCode: 'CMN-101', message: /Parameter \[text\] value is invalid: longer than 1000 characters/ })
  t.equal((await post({ from: FROM, messages: [{ to: ['+15550100001'], text: 'x'.repeat(1000) }] })).statusCode, 201, '1000 characters is the limit')
  const none = await post({ from: FROM, text: 'x', messages: [{ to: ['nope'] }, { to: ['+15550100001', '+15550100002'] }] })
  t.equal(none.statusCode, 400, 'a batch whose every recipient is rejected is refused')
  t.match(none.json().message, /every recipient was rejected/)
  const notJson = await h.app.inject({ method: 'POST', url: `${A2P}/batches`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"from":' })
  t.equal(notJson.statusCode, 400)
  t.equal(notJson.json().errorCode, 'CMN-103', 'malformed JSON, as on the other routes')
  const missing = await h.api(`${A2P}/batches/no-such-batch`, token)
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), asg('CMN-102', 'Resource for parameter [batchId] is not found.'))
  t.equal((await h.api(`${A2P}/messages/99999999`, token)).statusCode, 404)

  // The gateway's answers (authentication, permission) are the REST API's, whatever the service.
  const anonymous = await h.api(`${A2P}/batches`)
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.json(), { errorCode: 'OAU-123', errors: [{ errorCode: 'OAU-123' }] }, 'no token: the gateway\'s OAU-123')
  t.ok(anonymous.headers['www-authenticate'])
  const smsOnly = (await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ops-jwt') }, { id: 'sms-only-app', secret: 'sms-only-app-secret' })).json().access_token
  const forbidden = await post({ from: FROM, text: 'x', messages: [{ to: ['+15550100001'] }] }, smsOnly)
  t.equal(forbidden.statusCode, 403)
  t.match(forbidden.json(), { errorCode: 'InsufficientPermissions', errors: [{ errorCode: 'CMN-401', permissionName: 'A2PSMS' }] }, 'an app without the A2PSMS permission')
  const otherAccount = await h.api('/restapi/v1.0/account/123/a2p-sms/batches', token)
  t.equal(otherAccount.statusCode, 404)
  t.equal(otherAccount.json().errorCode, 'CMN-102')
})

t.test('a rule answers createA2PSMS with a catalogued error in the ASG dialect', async t => {
  const { h, post } = await nightly(t)
  const rule = await h.app.inject({ method: 'POST', url: '/__mock/rules', payload: { id: 'asg-outage', when: { operation: 'createA2PSMS' }, times: 1, respond: { error: 'CMN-203' } } })
  t.equal(rule.statusCode, 201, rule.body)
  const res = await post({ from: FROM, text: 'x', messages: [{ to: ['+15550100001'] }] })
  t.equal(res.statusCode, 500)
  t.same(res.json(), { errorCode: 'CMN-203', message: 'Internal Server Error', errors: [{ errorCode: 'CMN-203', message: 'Internal Server Error' }] })
  t.equal((await post({ from: FROM, text: 'x', messages: [{ to: ['+15550100001'] }] })).statusCode, 201, 'used up after once')
})

t.test('policies.a2p: throughput, the daily cap of a low-volume registration, the batch size', async t => {
  const { h, post, get } = await nightly(t, s => {
    s.policies = { ...s.policies, a2p: { messagesPerMinute: 6, dailyLimit: 3, maxBatchSize: 5 } }
  })
  const { id } = (await post({ from: FROM, text: 'x', messages: recipients(5, 300).map(n => ({ to: [n] })) })).json()
  h.advance(10)
  t.match(await get(`${A2P}/batches/${String(id)}`), { processedCount: 1 }, 'six a minute: one every ten seconds')
  h.advance(50)
  const statuses = await get(`${A2P}/statuses?batchId=${String(id)}`)
  t.equal(statuses.delivered.count, 3, 'three within the daily cap')
  t.same(statuses.deliveryFailed, { count: 2, cost: 0.014, errorCodeCounts: { 'SMS-CAR-450': 2 } }, 'the rest fail with the carrier\'s daily-limit code')
  const tooMany = await post({ from: FROM, text: 'x', messages: recipients(6, 400).map(n => ({ to: [n] })) })
  t.equal(tooMany.statusCode, 400)
  t.match(tooMany.json().message, /at most 5 messages per batch/)
  h.advance(24 * 3600)
  const token = (await h.login('ops-jwt', 'batch-app')).access_token as string
  const tomorrow = (await post({ from: FROM, text: 'x', messages: [{ to: ['+15550100500'] }] }, token)).json()
  h.advance(20)
  t.match((await h.api(`${A2P}/messages?batchId=${String(tomorrow.id)}`, token)).json().records[0], { messageStatus: 'Delivered' }, 'the cap resets the next day')
})

t.test('segments: GSM-7 and UCS-2 texts, and the cost per segment', async t => {
  const { h, post, get } = await nightly(t)
  const { id } = (await post({ from: FROM, messages: [
    { to: ['+15550100001'], text: 'a'.repeat(160) },
    { to: ['+15550100002'], text: 'a'.repeat(161) },
    { to: ['+15550100003'], text: 'é'.repeat(70) + 'ü' },
    { to: ['+15550100004'], text: '😀'.repeat(36) }
  ] })).json()
  h.advance(10)
  const records = (await get(`${A2P}/messages?batchId=${String(id)}`)).records
  const byTo = Object.fromEntries(records.map((m: any) => [m.to[0], [m.segmentCount, m.cost]]))
  t.same(byTo, {
    '+15550100001': [1, 0.007],
    '+15550100002': [2, 0.014],
    '+15550100003': [1, 0.007],
    '+15550100004': [2, 0.014]
  }, '160 GSM-7 in one, 161 in two; é and ü are GSM-7; 36 emoji (72 UTF-16 units) need two UCS-2 segments')
})

t.test('the scenario: a number cannot be both an SMS sender and an A2P sender', async t => {
  await t.rejects(build(t, s => {
    s.accounts[0]!.extensions[0]!.phoneNumbers!.push({ phoneNumber: '+18885550999', features: ['SmsSender', 'A2PSmsSender'] })
  }), /SmsSender.*A2PSmsSender|A2PSmsSender.*SmsSender/)
})

t.test('the control API: batches of every account with their counts, one batch with its messages', async t => {
  const { h, post } = await nightly(t)
  const { id } = (await post(nightlyBody())).json()
  h.advance(30)
  const list = (await h.app.inject({ url: '/__mock/a2p/batches' })).json()
  t.equal(list.records.length, 1)
  t.match(list.records[0], { accountId: '500600700', extensionId: '500600701', batch: { id, status: 'Processing', processedCount: 90 }, counts: { Queued: 407 }, completesAt: '2024-04-01T22:02:45.667000Z' })
  t.equal(list.messages, 497)
  t.same(list.records[0].rejected.map((r: any) => [r.index, r.errorCode]), [[7, 'SMS-RC-410'], [100, 'SMS-RC-410'], [200, 'SMS-RC-410']], 'the control API keeps the rejections')
  const one = (await h.app.inject({ url: `/__mock/a2p/batches/${String(id)}?limit=3` })).json()
  t.equal(one.messages.length, 3)
  t.match(one.messages[0], { to: ['+15550100001'], text: nightlyBody().text })
  h.advance(200)
  t.same((await h.app.inject({ url: `/__mock/a2p/batches/${String(id)}` })).json().errorCodes, { 'SMS-RC-413': 2, 'SMS-CAR-430': 1 })
  t.equal((await h.app.inject({ url: '/__mock/a2p/batches/nope' })).statusCode, 404)
  t.equal((await h.app.inject({ url: `/__mock/a2p/batches/${String(id)}?limit=0` })).statusCode, 400)
})

t.test('the store is bounded by policies.a2p.storeLimit: whole batches go, oldest first', async t => {
  const { h, post, get } = await nightly(t, s => { s.policies = { ...s.policies, a2p: { storeLimit: 5 } } })
  const a = (await post({ from: FROM, text: 'x', messages: recipients(3).map(n => ({ to: [n] })) })).json()
  const b = (await post({ from: FROM, text: 'x', messages: recipients(3, 10).map(n => ({ to: [n] })) })).json()
  t.same((await get(`${A2P}/batches`)).records.map((x: any) => x.id), [b.id], 'the older batch made room')
  t.equal((await h.api(`${A2P}/batches/${String(a.id)}`, (await h.login('ops-jwt', 'batch-app')).access_token)).statusCode, 404)
  t.equal(h.ctx.a2p.store.dropped, 3)
})
