/**
 * The official SDKs against startMockServer({ validateResponses: true }): the requests they really
 * send (the JS SDK's JSON, @rc-ex/core's multipart SMS, repeated array parameters, refresh, revoke)
 * pass the document's request validation, and every answer conforms to the document.
 */
import RingCentral from '@rc-ex/core'
import { SDK } from '@ringcentral/sdk'
import t from 'tap'
import { startMockServer } from '../../src/index.js'

t.test('JS SDK and @rc-ex/core traffic conforms to the OpenAPI document', async t => {
  const problems: string[] = []
  const mock = await startMockServer({ validateResponses: true, onContractViolation: v => problems.push(`${v.method} ${v.url} ${v.status}: ${v.problem}`) })
  t.teardown(() => mock.close())

  // @ringcentral/sdk: JSON bodies, `bearer` tokens.
  const sdk = new SDK({ server: mock.url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
  const platform = sdk.platform()
  await platform.login({ jwt: mock.jwt('ada-jwt') })
  const ext0 = await (await platform.get('/restapi/v1.0/account/~/extension/~')).json() as { extensionNumber: string }
  t.equal(ext0.extensionNumber, '101')
  const numbers = await (await platform.get('/restapi/v1.0/account/~/extension/~/phone-number', { usageType: ['MainCompanyNumber', 'DirectNumber'], perPage: 10 })).json() as { records: unknown[] }
  t.ok(numbers.records.length > 0)
  const sent = await (await platform.post('/restapi/v1.0/account/~/extension/~/sms', { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550199' }], text: 'hello' })).json() as { id: number, messageStatus: string }
  t.equal(sent.messageStatus, 'Queued')
  await platform.get('/restapi/v1.0/account/~/extension/~/message-store', { direction: ['Inbound', 'Outbound'], messageType: 'SMS', perPage: 5 })
  await platform.get(`/restapi/v1.0/account/~/extension/~/message-store/${String(sent.id)}`)
  await t.rejects(platform.get('/restapi/v1.0/account/~/extension/~/message-store', { perPage: 'many' }), /Parameter \[perPage\] value is invalid/)
  await platform.refresh()
  await platform.logout()

  // @rc-ex/core: multipart/form-data SMS, `Bearer` tokens.
  const rc = new RingCentral({ server: mock.url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
  await rc.authorize({ jwt: mock.jwt('ben-jwt') })
  const ext = rc.restapi().account().extension()
  const message = await ext.sms().post({ from: { phoneNumber: '+16505550102' }, to: [{ phoneNumber: '+16505550199' }], text: 'from rc-ex' })
  t.equal(message.messageStatus, 'Queued')
  await ext.messageStore().list({ direction: ['Outbound'], messageType: ['SMS'], perPage: 10 })
  await ext.phoneNumber().get({ usageType: ['DirectNumber'] })
  await rc.revoke()

  t.same(problems, [], 'no contract violations')
  t.same(mock.contractViolations, [])
  t.ok(mock.requests.list().length >= 12, 'the traffic went through the mock')
})
