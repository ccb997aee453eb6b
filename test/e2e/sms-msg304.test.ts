/**
 * The MSG-304 report, end to end over HTTP with both SDKs, unchanged, against scenarios/msg-304.yaml:
 * the admin JWT sends from an employee's number and the SDK surfaces "Phone number doesn't belong to
 * extension"; the employee's own JWT sends from the same number (200); the message is in the store
 * and reaches Delivered as the scenario clock moves (no sleeping).
 */
import RingCentral from '@rc-ex/core'
import type RestException from '@rc-ex/core/RestException'
import { SDK } from '@ringcentral/sdk'
import t from 'tap'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import { MockContext } from '../../src/context.js'
import { loadScenarioFile } from '../../src/scenario/load.js'

const SCENARIO = fileURLToPath(new URL('../../scenarios/msg-304.yaml', import.meta.url))
const APP = { clientId: 'reminders-app', clientSecret: 'reminders-secret' }
const ELI_NUMBER = '+16505550202'
const PATIENT = '+16505550177'
const REMINDER = { from: { phoneNumber: ELI_NUMBER }, to: [{ phoneNumber: PATIENT }], text: 'Reminder: your cleaning with Dr. Park is tomorrow at 10:00' }
const NOT_HIS = "Phone number doesn't belong to extension"

type Json = Record<string, any>

async function start (t: { teardown (fn: () => unknown): void }) {
  const loaded = loadScenarioFile(SCENARIO)
  loaded.scenario.clock = { start: '2024-04-02T09:00:00Z', frozen: true }
  const ctx = await MockContext.create(loaded)
  const app = await buildApp(ctx)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const jwt = (id: string) => {
    const issued = ctx.credentials.get(id)
    if (!issued) throw new Error(`no credential ${id}`)
    return issued.jwt
  }
  return { ctx, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, jwt }
}

t.test('@ringcentral/sdk (JSON bodies)', async t => {
  const mock = await start(t)
  const platformFor = async (credential: string) => {
    // One token cache per user: SDK instances share the default one.
    const platform = new SDK({ server: mock.url, ...APP, cachePrefix: `${credential}-` }).platform()
    await platform.login({ jwt: mock.jwt(credential) })
    return platform
  }

  const admin = await platformFor('admin-jwt')
  const error = await admin.post('/restapi/v1.0/account/~/extension/~/sms', REMINDER).then(() => undefined, (e: unknown) => e as Error & { response?: Response })
  t.ok(error, 'the admin JWT is refused')
  t.equal(error?.message, NOT_HIS, 'the SDK surfaces RingCentral\'s message')
  t.equal(error?.response?.status, 403)
  t.match(await error?.response?.json(), { errorCode: 'FeatureNotAvailable', errors: [{ errorCode: 'MSG-304', message: NOT_HIS }] })

  const eli = await platformFor('eli-jwt')
  const sent = await (await eli.post('/restapi/v1.0/account/~/extension/~/sms', REMINDER)).json() as Json
  t.match(sent, { type: 'SMS', direction: 'Outbound', messageStatus: 'Queued', from: { phoneNumber: ELI_NUMBER }, to: [{ phoneNumber: PATIENT }] })
  t.match(sent.uri, `${mock.url}/restapi/v1.0/account/200300400/extension/200300402/message-store/`)

  const list = await (await eli.get('/restapi/v1.0/account/~/extension/~/message-store', { messageType: ['SMS'], direction: ['Inbound', 'Outbound'], perPage: 10 })).json() as Json
  t.same(list.records.map((r: { id: number }) => r.id), [sent.id], 'the message is in the store')
  t.match(list.uri, '?messageType=SMS&direction=Inbound&direction=Outbound&availability=Alive&dateFrom=2024-04-01T09:00:00.000Z&page=1&perPage=10')

  const poll = async () => ((await (await eli.get(`/restapi/v1.0/account/~/extension/~/message-store/${sent.id}`)).json()) as Json).messageStatus
  t.equal(await poll(), 'Queued')
  mock.ctx.clock.advance(2)
  t.equal(await poll(), 'Sent')
  mock.ctx.clock.advance(3)
  t.equal(await poll(), 'Delivered')

  t.test('the other fix: the admin sends from a number the admin owns', async t => {
    const own = await (await admin.post('/restapi/v1.0/account/~/extension/~/sms', { ...REMINDER, from: { phoneNumber: '+16505550200' } })).json() as Json
    t.equal(own.messageStatus, 'Queued')
  })
})

t.test('@rc-ex/core (multipart/form-data bodies)', async t => {
  const mock = await start(t)
  const clientFor = async (credential: string) => {
    const rc = new RingCentral({ server: mock.url, ...APP })
    await rc.authorize({ jwt: mock.jwt(credential) })
    return rc
  }

  const admin = await clientFor('admin-jwt')
  let contentType: string | undefined
  admin.rest.httpClient.interceptors.response.use(r => {
    contentType = String(r.config.headers?.['Content-Type'] ?? '')
    return r
  })
  const error = await admin.restapi().account().extension().sms().post(REMINDER).then(() => undefined, (e: unknown) => e as RestException)
  t.match(contentType, /^multipart\/form-data; boundary=/, 'rc-ex sent multipart')
  t.ok(error, 'the admin JWT is refused')
  t.equal(error?.response.status, 403)
  t.match(error?.message, /^HTTP 403 Forbidden - Phone number doesn't belong to extension/, 'rc-ex surfaces RingCentral\'s message')
  t.match(error?.response.data, { errorCode: 'FeatureNotAvailable', message: NOT_HIS, errors: [{ errorCode: 'MSG-304', message: NOT_HIS }] })

  const eli = await clientFor('eli-jwt')
  const sent = await eli.restapi().account().extension().sms().post(REMINDER)
  t.match(sent, { type: 'SMS', messageStatus: 'Queued', subject: REMINDER.text })

  const list = await eli.restapi().account().extension().messageStore().list({ messageType: ['SMS'], direction: ['Outbound'], perPage: 10 })
  t.same(list.records?.map(r => r.id), [sent.id])

  const poll = async () => (await eli.restapi().account().extension().messageStore(String(sent.id)).get()).messageStatus
  t.equal(await poll(), 'Queued')
  mock.ctx.clock.advance(5)
  t.equal(await poll(), 'Delivered')

  const numbers = await eli.restapi().account().extension().phoneNumber().get()
  t.same(numbers.records?.map(n => [n.phoneNumber, n.features]), [[ELI_NUMBER, ['CallerId', 'SmsSender']]], 'the number to send from')
})
