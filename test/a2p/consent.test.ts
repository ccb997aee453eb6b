/**
 * SMS consent: one store for ordinary and High Volume SMS, the v2 consent API, the deprecated v1
 * opt-outs, inbound STOP/START keywords and the control API's consent routes.
 */
import t, { type Test } from 'tap'
import { build, JWT_GRANT, shipped, type Harness } from '../helper.js'

const A2P = '/restapi/v1.0/account/~/a2p-sms'
const CONSENTS = '/restapi/v2/accounts/~/sms/consents'
const ME = '/restapi/v1.0/account/~/extension/~'
const FROM = '+18885550100'
const APP = { id: 'batch-app', secret: 'batch-app-secret' }

type Call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>) => ReturnType<Harness['api']>

async function nightly (t: Test): Promise<{ h: Harness, token: string, call: Call }> {
  const h = await build(t, undefined, { file: shipped('nightly-batch') })
  const token = (await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ops-jwt') }, APP)).json().access_token as string
  const call: Call = (method, url, body, headers = {}) => h.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {})
  })
  return { h, token, call }
}

const batchTo = async (call: Call, to: string[], from = FROM) => (await call('POST', `${A2P}/batches`, { from, text: 'Reminder', messages: to.map(n => ({ to: [n] })) })).json()
const fates = async (h: Harness, call: Call, batchId: string): Promise<Record<string, string>> => {
  h.advance(10)
  const records = (await call('GET', `${A2P}/messages?batchId=${batchId}`)).json().records
  return Object.fromEntries(records.map((m: any) => [m.to[0], m.errorCode ?? m.messageStatus]))
}

t.test('v2 PATCH opts pairs out and in; GET lists them (OptOut by default) with an ETag', async t => {
  const { h, call } = await nightly(t)
  const patched = await call('PATCH', CONSENTS, { records: [
    { from: FROM, to: '+15550100301', optStatus: 'OptOut', source: 'Api' },
    { from: '*', to: '+15550100302', optStatus: 'OptOut', source: 'Api', coverage: 'phoneNumber' },
    { from: FROM, to: '+15550100013', optStatus: 'OptIn', source: 'Api' }
  ] })
  t.equal(patched.statusCode, 200, patched.body)
  t.same(patched.json(), {}, 'no failed records: an empty object')
  t.match(patched.headers.etag, /^"[\w-]+"$/)
  const list = await call('GET', CONSENTS)
  t.equal(list.statusCode, 200)
  t.ok(list.headers.etag)
  const records = list.json().records
  t.same(records.map((r: any) => [r.from, r.to, r.optStatus, r.source]).sort(), [
    ['*', '+15550100021', 'OptOut', 'Recipient'],
    ['*', '+15550100302', 'OptOut', 'Api'],
    [FROM, '+15550100301', 'OptOut', 'Api']
  ], 'OptOut records only, unless optStatus says otherwise')
  t.equal(records.find((r: any) => r.to === '+15550100302').coverage, 'PhoneNumber', 'coverage read case-insensitively')
  const both = (await call('GET', `${CONSENTS}?optStatus=OptOut&optStatus=OptIn&to=%2B15550100013`)).json().records
  t.same(both.map((r: any) => r.optStatus), ['OptIn'], 'the nightly scenario\'s opt-out, reversed')
  const paged = (await call('GET', `${CONSENTS}?perPage=2`)).json()
  t.equal(paged.records.length, 2)
  t.ok(paged.paging.nextPageToken)
  const rest = (await call('GET', `${CONSENTS}?perPage=2&pageToken=${encodeURIComponent(paged.paging.nextPageToken)}`)).json()
  t.equal(rest.records.length, 1)
  for (const bad of ['perPage=0', 'perPage=1001', 'optStatus=Maybe', 'from=%2B1']) {
    const res = await call('GET', `${CONSENTS}?${bad}`)
    t.equal(res.statusCode, 400, bad)
    t.match(res.json(), { errors: [{ errorCode: 'CMN-101' }] }, `${bad}: the v2 dialect, errors only`)
    t.notOk('errorCode' in res.json(), `${bad}: no top-level errorCode in the v2 dialect`)
  }
  h.advance(1)
})

t.test('a PATCH record refused for a reason is echoed in failedRecords; the others apply', async t => {
  const { call } = await nightly(t)
  const res = await call('PATCH', CONSENTS, { records: [
    { from: FROM, to: '5550100', optStatus: 'OptOut', source: 'Api' },
    { from: '+16505550502', to: '+15550100403', optStatus: 'OptOut', source: 'Api' },
    { from: '+19995550000', to: '+15550100401', optStatus: 'OptOut', source: 'Api' },
    { from: FROM, to: '+15550100401', optStatus: 'Later', source: 'Api' },
    { from: FROM, to: '+15550100402', optStatus: 'OptOut', source: 'Api' }
  ] })
  t.equal(res.statusCode, 200)
  t.same(res.json().failedRecords.map((r: any) => [r.to, r.error.errorCode, r.error.message]), [
    ['5550100', 'CMN-101', 'Parameter [to] value is invalid.'],
    ['+15550100401', 'CMN-101', 'Parameter [from] value is invalid.'],
    ['+15550100401', 'CMN-101', 'Parameter [optStatus] value is invalid.']
  ], 'a bad to, a number of nobody, a bad status (another extension\'s number of the account is fine)')
  t.equal((await call('GET', `${CONSENTS}?to=%2B15550100402`)).json().records.length, 1, 'the valid record applied')
  t.equal((await call('PATCH', CONSENTS, { records: [] })).statusCode, 400, 'at least one record')
  t.equal((await call('PATCH', CONSENTS, {})).statusCode, 400, 'records are required')
})

t.test('search, history, export and delete', async t => {
  const { h, call } = await nightly(t)
  await call('PATCH', CONSENTS, { records: [{ from: FROM, to: '+15550100501', optStatus: 'OptOut', source: 'Api' }] })
  h.advance(60)
  await call('PATCH', CONSENTS, { records: [{ from: FROM, to: '+15550100501', optStatus: 'OptIn', source: 'Api' }] })
  const search = await call('POST', `${CONSENTS}/search`, { to: ['+15550100501', '+15550100013'] })
  t.equal(search.statusCode, 200, search.body)
  t.same(search.json().records.map((r: any) => [r.to, r.optStatus]), [['+15550100013', 'OptOut']], 'without optStatus, the opt-outs')
  const optedIn = (await call('POST', `${CONSENTS}/search`, { to: ['+15550100501', '+15550100013'], optStatus: 'OptIn' })).json()
  t.same(optedIn.records.map((r: any) => [r.to, r.optStatus]), [['+15550100501', 'OptIn']])
  t.equal((await call('POST', `${CONSENTS}/search`, { optStatus: ['OptIn'] })).statusCode, 400, 'optStatus is one value in a search')
  const history = (await call('GET', `${CONSENTS}/history?to=%2B15550100501`)).json().records
  t.same(history.map((r: any) => [r.optStatus, r.createdAt]), [
    ['OptIn', '2024-04-01T22:01:00.000000Z'],
    ['OptOut', '2024-04-01T22:00:00.000000Z']
  ], 'every change, newest first')
  const csv = await call('GET', `${CONSENTS}/export`)
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.ok(csv.headers.etag)
  const lines = csv.body.trim().split('\n')
  t.equal(lines[0], 'External Party Number,Internal Party Number,Consent Status,Source,Coverage,Campaign Type,Notes,Last Modified Time')
  t.ok(lines.includes('+15550100021,*,OptOut,Recipient,Company,,,2024-04-01T22:00:00.000000Z'), 'an account-wide record: coverage Company')
  const deleted = await call('DELETE', CONSENTS, { records: [{ from: '*', to: '+15550100021' }, { from: FROM, to: '+15550100999' }] })
  t.equal(deleted.statusCode, 200)
  t.same(deleted.json().failedRecords.map((r: any) => [r.to, r.error.errorCode]), [['+15550100999', 'CMN-102']])
  t.same((await call('GET', `${CONSENTS}?to=%2B15550100021`)).json().records, [], 'the record is gone')
})

t.test('consent precedence: the exact pair decides, else the account-wide record', async t => {
  const { h, call } = await nightly(t)
  await call('PATCH', CONSENTS, { records: [
    { from: '*', to: '+15550100601', optStatus: 'OptOut', source: 'Api' },
    { from: FROM, to: '+15550100601', optStatus: 'OptIn', source: 'Api' },
    { from: '*', to: '+15550100602', optStatus: 'OptOut', source: 'Api' }
  ] })
  const batch = await batchTo(call, ['+15550100601', '+15550100602', '+15550100603'])
  t.same(await fates(h, call, batch.id), {
    '+15550100601': 'Delivered',
    '+15550100602': 'SMS-RC-413',
    '+15550100603': 'Delivered'
  }, 'an OptIn for the pair beats the account-wide OptOut')
})

t.test('consent is decided when the batch is accepted: a later opt-out does not change it', async t => {
  const { h, call } = await nightly(t)
  const batch = await batchTo(call, ['+15550100701'])
  await call('PATCH', CONSENTS, { records: [{ from: FROM, to: '+15550100701', optStatus: 'OptOut', source: 'Api' }] })
  t.same(await fates(h, call, batch.id), { '+15550100701': 'Delivered' })
  const next = await batchTo(call, ['+15550100701'])
  t.same(await fates(h, call, next.id), { '+15550100701': 'SMS-RC-413' })
})

t.test('ordinary SMS reads the same consent: a send to an opted-out pair fails with SMS-RC-413', async t => {
  const { h, call } = await nightly(t)
  const send = async (to: string) => (await call('POST', `${ME}/sms`, { from: { phoneNumber: '+16505550500' }, to: [{ phoneNumber: to }], text: 'hello' })).json()
  const blocked = await send('+15550100021')
  const fine = await send('+15550100022')
  h.advance(30)
  const read = async (m: any) => (await call('GET', new URL(m.uri).pathname)).json()
  t.match(await read(blocked), { messageStatus: 'SendingFailed', smsSendingAttemptsCount: 1 })
  t.equal((await read(blocked)).deliveryErrorCode, 'SMS-RC-413', 'the account-wide opt-out covers the ordinary number too')
  t.equal((await read(fine)).messageStatus, 'Delivered')
})

t.test('inbound STOP and START flip consent for that pair; the A2P store has the inbound message', async t => {
  const { h, call } = await nightly(t)
  const inbound = (from: string, text: string) => h.app.inject({ method: 'POST', url: '/__mock/inbound-sms', payload: { from, to: FROM, text } })
  t.equal((await inbound('+15550100801', '  stop ')).statusCode, 201, 'keywords match alone, in any case, trimmed')
  let consent = (await call('GET', `${CONSENTS}?to=%2B15550100801`)).json().records
  t.match(consent, [{ from: FROM, to: '+15550100801', optStatus: 'OptOut', source: 'Recipient' }])
  t.same(await fates(h, call, (await batchTo(call, ['+15550100801'])).id), { '+15550100801': 'SMS-RC-413' })
  await inbound('+15550100801', 'UNSTOP')
  consent = (await call('GET', `${CONSENTS}?to=%2B15550100801&optStatus=OptIn`)).json().records
  t.match(consent, [{ optStatus: 'OptIn', source: 'Recipient' }])
  t.same(await fates(h, call, (await batchTo(call, ['+15550100801'])).id), { '+15550100801': 'Delivered' })
  await inbound('+15550100802', 'Please stop texting me')
  t.same((await call('GET', `${CONSENTS}?to=%2B15550100802`)).json().records, [], 'a sentence with the word in it is not the keyword')

  const received = (await call('GET', `${A2P}/messages?direction=Inbound&view=Detailed`)).json().records
  t.same(received.map((m: any) => [m.from, m.to, m.text, m.direction, m.messageStatus]), [
    ['+15550100802', [FROM], 'Please stop texting me', 'Inbound', 'Delivered'],
    ['+15550100801', [FROM], 'UNSTOP', 'Inbound', 'Delivered'],
    ['+15550100801', [FROM], '  stop ', 'Inbound', 'Delivered']
  ], 'inbound messages to the A2P number, newest first')
  t.equal((await call('GET', `${A2P}/statuses?direction=Inbound`)).json().delivered.count, 3)
})

t.test('the deprecated v1 opt-outs: read (JSON and CSV) and bulk-assign', async t => {
  const { call } = await nightly(t)
  const assigned = await call('POST', `${A2P}/opt-outs/bulk-assign`, { from: FROM, optOuts: ['+15550100901', 'nope'], optIns: ['+15550100013'] })
  t.equal(assigned.statusCode, 200, assigned.body)
  t.same(assigned.json(), {
    optIns: { successful: ['+15550100013'], failed: [] },
    optOuts: { successful: ['+15550100901'], failed: [{ to: 'nope', errorMessage: 'Unexpected issue on creating an opt-out from bulk-assign request' }] }
  })
  const read = (await call('GET', `${A2P}/opt-outs?from=${encodeURIComponent(FROM)}`)).json()
  t.same(read.records.map((r: any) => [r.from, r.to, r.status, r.source]).sort(), [
    ['*', '+15550100021', 'OptOut', 'Recipient'],
    [FROM, '+15550100901', 'OptOut', 'Account']
  ], 'a number\'s opt-outs include the account-wide ones; Api reads as Account in v1')
  const all = (await call('GET', `${A2P}/opt-outs?status=all`)).json().records
  t.equal(all.length, 3)
  const csv = await call('GET', `${A2P}/opt-outs?status=optin`, undefined, { accept: 'text/csv' })
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.equal(csv.body, `from,to,status,source\n${FROM},+15550100013,OptIn,Account\n`)
  const bad = await call('GET', `${A2P}/opt-outs?status=sometimes`)
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errorCode, 'CMN-101', 'the ASG dialect on the v1 route')
  t.equal((await call('POST', `${A2P}/opt-outs/bulk-assign`, { from: FROM })).statusCode, 400, 'nothing to assign')
})

t.test('the consent API needs the SMS app permission; A2P needs A2PSMS', async t => {
  const h = await build(t, undefined, { file: shipped('nightly-batch') })
  const smsOnly = (await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ops-jwt') }, { id: 'sms-only-app', secret: 'sms-only-app-secret' })).json().access_token
  t.equal((await h.api(CONSENTS, smsOnly)).statusCode, 200, 'SMS is enough for consents')
  const refused = await h.api(`${A2P}/opt-outs`, smsOnly)
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { errors: [{ errorCode: 'CMN-401', permissionName: 'A2PSMS' }] })
})

t.test('the control API: GET and POST /__mock/consents and mock-side checks', async t => {
  const { h, call } = await nightly(t)
  const set = await h.app.inject({ method: 'POST', url: '/__mock/consents', payload: { records: [{ from: FROM, to: '+15550101001', optStatus: 'OptOut' }] } })
  t.equal(set.statusCode, 200, set.body)
  t.match(set.json().records.find((r: any) => r.to === '+15550101001'), { accountId: '500600700', from: FROM, optStatus: 'OptOut', source: 'Recipient' })
  t.same(await fates(h, call, (await batchTo(call, ['+15550101001'])).id), { '+15550101001': 'SMS-RC-413' })
  const list = (await h.app.inject({ url: '/__mock/consents' })).json().records
  t.equal(list.length, 3)
  for (const [record, message] of [
    [{ from: '+19995550000', to: '+15550101001', optStatus: 'OptOut' }, /no extension of this scenario owns/],
    [{ from: '*', to: '+15550101001', optStatus: 'OptOut', accountId: '1' }, /names no account/],
    [{ from: FROM, to: '555', optStatus: 'OptOut' }, /E\.164/],
    [{ from: FROM, to: '+15550101001', optStatus: 'Perhaps' }, /optStatus/]
  ] as const) {
    const res = await h.app.inject({ method: 'POST', url: '/__mock/consents', payload: { records: [record] } })
    t.equal(res.statusCode, 400, JSON.stringify(record))
    t.match(res.body, message)
  }
  t.equal((await h.app.inject({ url: '/__mock/consents' })).json().records.length, 3, 'a refused change changes nothing')
})
