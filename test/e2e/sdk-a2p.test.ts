/**
 * High Volume SMS and consent through RingCentral Extensible (`@rc-ex/core`), unchanged, against
 * the real program (`node dist/cli.js --scenario nightly-batch`): the SDK's own A2P and v2
 * consent calls, its query encoding (repeated keys, %2B), paging with pageToken, and its
 * RestException on an ASG error.
 */
import RingCentral from '@rc-ex/core'
import t from 'tap'
import { cliJwt, startMock } from './spawn.js'

const FROM = '+18885550100'
const mock = await startMock(t, { scenario: 'nightly-batch' })
const opsJwt = await cliJwt(t, 'ops-jwt', 'nightly-batch')

const control = async (method: string, path: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${mock.url}${path}`, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return await res.json()
}

async function login (): Promise<RingCentral> {
  const rc = new RingCentral({ server: mock.url, clientId: 'batch-app', clientSecret: 'batch-app-secret' })
  await rc.authorize({ jwt: opsJwt })
  return rc
}

t.test('the nightly batch with rc-ex: post, read on the clock, list, page, aggregate', async t => {
  const rc = await login()
  const to = Array.from({ length: 500 }, (_, i) => `+1555010${String(i + 1).padStart(4, '0')}`)
  to[6] = '5550100007'
  to[99] = '+1555010000x'
  to[199] = ''
  const batches = rc.restapi().account().a2pSms().batches()
  const created = await batches.post({ from: FROM, text: 'Reminder: your appointment is tomorrow. Reply STOP to opt out.', messages: to.map(n => ({ to: [n] })) })
  t.match(created, { from: FROM, batchSize: 497, processedCount: 0, status: 'Processing' })
  t.equal(created.rejected?.length, 3)
  t.same(created.rejected?.map(r => r.errorCode), ['SMS-RC-410', 'SMS-RC-410', 'SMS-RC-410'])

  await control('POST', '/__mock/clock', { advanceSeconds: 60 })
  const midway = await rc.restapi().account().a2pSms().batches(created.id).get()
  t.match(midway, { status: 'Processing', processedCount: 180, rejected: [] })
  const processing = await batches.list({ status: ['Queued', 'Processing'], from: FROM })
  t.same(processing.records?.map(b => b.id), [created.id], 'status filters sent as repeated keys, from with %2B')

  await control('POST', '/__mock/clock', { advanceSeconds: 120 })
  const done = await rc.restapi().account().a2pSms().batches(created.id).get()
  t.match(done, { status: 'Completed', processedCount: 497, cost: 3.465 })

  const statuses = await rc.restapi().account().a2pSms().statuses().get({ batchId: created.id, direction: ['Outbound'] })
  t.equal(statuses.delivered?.count, 494)
  t.same(statuses.sendingFailed?.errorCodeCounts, { 'SMS-RC-413': 2 })
  t.same(statuses.deliveryFailed?.errorCodeCounts, { 'SMS-CAR-430': 1 })

  const messages = rc.restapi().account().a2pSms().messages()
  const ids = new Set<string>()
  let pageToken: string | undefined
  for (let page = 0; page < 10; page++) {
    const list = await messages.list({ batchId: created.id, perPage: 200, ...(pageToken !== undefined ? { pageToken } : {}) })
    for (const m of list.records ?? []) ids.add(String(m.id))
    pageToken = list.paging?.nextPageToken
    if (pageToken === undefined) break
  }
  t.equal(ids.size, 497, 'every message once, in pages of 200')
  const failed = await messages.list({ batchId: created.id, phoneNumber: ['+15550100013', '+15550100042'], view: 'Detailed' })
  t.same(failed.records?.map(m => [m.to?.[0], m.messageStatus, m.errorCode]).sort(), [
    ['+15550100013', 'SendingFailed', 'SMS-RC-413'],
    ['+15550100042', 'DeliveryFailed', 'SMS-CAR-430']
  ])
  const one = await rc.restapi().account().a2pSms().messages(String(failed.records?.[0]?.id)).get()
  t.equal(one.text, 'Reminder: your appointment is tomorrow. Reply STOP to opt out.')
})

t.test('an ASG error reaches rc-ex as a RestException with RingCentral\'s body', async t => {
  const rc = await login()
  const error = await rc.restapi().account().a2pSms().batches().post({ from: '+16505550500', text: 'x', messages: [{ to: ['+15550100001'] }] }).then(() => undefined, (e: any) => e)
  t.equal(error?.response?.status, 400)
  t.same(error?.response?.data, { errorCode: 'CMN-101', message: 'Parameter [from] value is invalid.', errors: [{ errorCode: 'CMN-101', message: 'Parameter [from] value is invalid.' }] })
  const missing = await rc.restapi().account().a2pSms().batches('nope').get().then(() => undefined, (e: any) => e)
  t.equal(missing?.response?.status, 404)
})

t.test('consent with rc-ex: v2 patch, search, history, export; the v1 opt-outs raw; STOP from a phone', async t => {
  const rc = await login()
  const consents = rc.restapi().v2().accounts().sms().consents()
  t.same(await consents.patch({ records: [{ from: FROM, to: '+15550100301', optStatus: 'OptOut', source: 'Api' }] }), {})
  await control('POST', '/__mock/inbound-sms', { from: '+15550100302', to: FROM, text: 'STOP' })
  const found = await consents.search().post({ to: ['+15550100301', '+15550100302'] })
  t.same(found.records?.map(r => [r.to, r.optStatus, r.source]).sort(), [
    ['+15550100301', 'OptOut', 'Api'],
    ['+15550100302', 'OptOut', 'Recipient']
  ])
  await control('POST', '/__mock/inbound-sms', { from: '+15550100302', to: FROM, text: 'start' })
  const history = await consents.history().get({ to: ['+15550100302'] })
  t.same(history.records?.map(r => r.optStatus), ['OptIn', 'OptOut'], 'START then STOP, newest first')
  const csv = await consents.export().get()
  t.match(csv, /^External Party Number,Internal Party Number,Consent Status,Source,/)
  t.match(csv, /\+15550100301,\+18885550100,OptOut,Api,PhoneNumber/)
  const v1 = await rc.get(`${rc.restapi().account().a2pSms().path()}/opt-outs`, { from: '*', status: 'all' })
  t.ok((v1.data as { records: unknown[] }).records.length >= 3, 'the deprecated read, with from=%2A')

  const batch = await rc.restapi().account().a2pSms().batches().post({ from: FROM, text: 'x', messages: [{ to: ['+15550100301'] }, { to: ['+15550100302'] }] })
  await control('POST', '/__mock/clock', { advanceSeconds: 10 })
  const fates = await rc.restapi().account().a2pSms().messages().list({ batchId: batch.id })
  t.same(fates.records?.map(m => [m.to?.[0], m.messageStatus]).sort(), [
    ['+15550100301', 'SendingFailed'],
    ['+15550100302', 'Delivered']
  ], 'opted out by the API: not sent; opted back in by START: delivered')
})
