import t from 'tap'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../../src/app.js'
import { MockContext } from '../../src/context.js'
import { checkScenario, loadScenarioFile, ScenarioError } from '../../src/scenario/load.js'
import { basic, defaultScenario, JWT_GRANT } from '../helper.js'

const shipped = (name: string) => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url))

t.test('the shipped messaging scenarios are valid', async t => {
  for (const file of ['msg-304.yaml', 'sms-delivery-failures.yaml']) {
    const { scenario } = loadScenarioFile(shipped(file))
    t.ok(scenario.messaging, file)
  }
})

t.test('messaging: and permissions: are checked by the schema', async t => {
  const refused = (edit: (s: any) => void): string[] => {
    const s: any = defaultScenario()
    edit(s)
    try {
      checkScenario(s, 'test')
    } catch (error) {
      if (error instanceof ScenarioError) return error.problems.map(p => `${p.path}: ${p.message}`)
      throw error
    }
    return []
  }
  t.same(refused(s => { s.messaging = { delivery: { queuedSeconds: 0, sentSeconds: 1.5 }, recipients: [{ phoneNumber: '+15550001111', outcome: 'DeliveryFailed', errorCode: 'SMS-UP-410' }] } }), [])
  t.match(refused(s => { s.messaging = { recipients: [{ phoneNumber: '+15550001111', outcome: 'Lost' }] } }), ['messaging.recipients[0].outcome: must be one of "SendingFailed", "DeliveryFailed", "Blocked" (got "Lost")'])
  t.match(refused(s => { s.messaging = { recipients: [{ phoneNumber: '5550001111', outcome: 'Blocked' }] } }), [/^messaging\.recipients\[0\]\.phoneNumber: must match/])
  t.match(refused(s => { s.messaging = { recipients: [{ phoneNumber: '+15550001111', outcome: 'DeliveryFailed', errorCode: '411' }] } }), [/^messaging\.recipients\[0\]\.errorCode: must match/])
  t.match(refused(s => { s.messaging = { delivery: { queuedSeconds: -1 } } }), [/^messaging\.delivery\.queuedSeconds: must be >= 0/])
  t.match(refused(s => { s.messaging = { deliver: {} } }), [/^messaging\.deliver: unknown property/])
  t.same(refused(s => { s.accounts[0].extensions[0].permissions = { OutboundSMS: 'Account', ReadMessages: 'None' } }), [])
  t.match(refused(s => { s.accounts[0].extensions[0].permissions = { OutboundSMS: 'Everyone' } }), [/^accounts\[0\]\.extensions\[0\]\.permissions\.OutboundSMS: must be one of "None", "Self", "Account"/])
  t.match(refused(s => { s.accounts[0].extensions[0].permissions = { SendFax: 'Self' } }), [/permissions\.SendFax: unknown property/])
})

async function harness (t: { teardown (fn: () => unknown): void }, file: string) {
  const loaded = loadScenarioFile(shipped(file))
  loaded.scenario.clock = { start: '2024-04-02T09:00:00Z', frozen: true }
  const ctx = await MockContext.create(loaded)
  const app = await buildApp(ctx)
  t.teardown(() => app.close())
  const login = async (credential: string, client: string, secret: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/restapi/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client, secret) },
      payload: new URLSearchParams({ grant_type: JWT_GRANT, assertion: ctx.credentials.get(credential)!.jwt }).toString()
    })
    return res.json().access_token as string
  }
  const send = (token: string, from: string, toNumber: string, extension = '~') => app.inject({
    method: 'POST',
    url: `/restapi/v1.0/account/~/extension/${extension}/sms`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ from: { phoneNumber: from }, to: [{ phoneNumber: toNumber }], text: 'x' })
  })
  const status = async (token: string, id: number) => (await app.inject({ url: `/restapi/v1.0/account/~/extension/~/message-store/${id}`, headers: { authorization: `Bearer ${token}` } })).json()
  return { ctx, login, send, status }
}

t.test('scenarios/msg-304.yaml: the refusals docs/msg-304.md promises', async t => {
  const h = await harness(t, 'msg-304.yaml')
  const admin = await h.login('admin-jwt', 'reminders-app', 'reminders-secret')
  const eli = await h.login('eli-jwt', 'reminders-app', 'reminders-secret')
  const desk = await h.login('desk-jwt', 'reminders-app', 'reminders-secret')
  t.equal((await h.send(admin, '+16505550202', '+16505550177')).json().errors[0].errorCode, 'MSG-304')
  t.equal((await h.send(admin, '+16505550200', '+16505550177')).statusCode, 200, 'the admin\'s own main number')
  t.equal((await h.send(eli, '+16505550202', '+16505550177')).statusCode, 200, 'Eli\'s own JWT')
  t.equal((await h.send(desk, '+16505550204', '+16505550177')).json().errors[0].errorCode, 'MSG-242')
  t.equal((await h.send(eli, '+14155550100', '+16505550177')).json().errors[0].errorCode, 'MSG-245')
  t.equal((await h.send(admin, '+16505550202', '+16505550177', '200300402')).json().errors[0].errorCode, 'CMN-419')
})

t.test('scenarios/sms-delivery-failures.yaml: each recipient as its description says', async t => {
  const h = await harness(t, 'sms-delivery-failures.yaml')
  const token = await h.login('sender-jwt', 'sms-app', 'sms-app-secret')
  const ids: Record<string, number> = {}
  for (const n of ['+16505550310', '+16505550311', '+16505550312', '+16505550313']) ids[n] = (await h.send(token, '+16505550300', n)).json().id
  const blocked = await h.send(token, '+16505550300', '+16505550314')
  t.equal(blocked.statusCode, 400)
  t.equal(blocked.json().errors[0].message, 'Parameter [to] value [16505550314] is invalid [Phone number is blocked]')
  h.ctx.clock.advance(5)
  const outcome = async (n: string) => {
    const r = await h.status(token, ids[n]!)
    return [r.messageStatus, r.deliveryErrorCode]
  }
  t.same(await outcome('+16505550310'), ['Delivered', undefined])
  t.same(await outcome('+16505550311'), ['SendingFailed', 'SMS-RC-413'])
  t.same(await outcome('+16505550312'), ['DeliveryFailed', 'SMS-CAR-411'])
  t.same(await outcome('+16505550313'), ['DeliveryFailed', 'SMS-CAR-430'])
})
