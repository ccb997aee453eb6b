/**
 * The contract check itself (src/contract.ts): what it accepts and what it reports. Every other
 * test that builds the app through test/helper.ts runs it on all of its responses.
 */
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { checkResponse, type ContractViolation, contractViolations } from '../../src/contract.js'
import { MockContext } from '../../src/context.js'
import { checkScenario } from '../../src/scenario/load.js'
import { build, defaultScenario, START } from '../helper.js'

const json = (value: unknown): string => JSON.stringify(value)
const apiError = (code: string, message = 'x', extra: Record<string, string> = {}) =>
  json({ errorCode: code, message, errors: [{ errorCode: code, message, ...extra }], ...extra })

t.test('checkResponse: what conforms', async t => {
  t.same(checkResponse({ operationId: 'revokeToken', status: 200, body: '' }), [], 'no body where none is documented')
  t.same(checkResponse({ operationId: 'readMessage', status: 404, contentType: 'application/json; charset=UTF-8', body: apiError('CMN-102', 'Resource for parameter [messageId] is not found', { parameterName: 'messageId' }) }), [])
  t.same(checkResponse({ operationId: 'getMockJwtCredential', status: 200, contentType: 'text/plain; charset=utf-8', body: 'a.b.c' }), [])
  t.same(checkResponse({ operationId: 'readMessageContent', status: 200, contentType: 'image/png', body: Buffer.from('PNG') }), [], '*/* takes any type')
  t.same(checkResponse({ operationId: 'readExtension', status: 418, body: 'teapot', rule: 'scripted' }), [], 'a scripted rule answer is the user\'s own')
  t.same(checkResponse({ operationId: 'readExtension', status: 503, contentType: 'application/json', body: apiError('MSG-304'), rule: 'error' }), [], 'a rule may answer any catalogued code')
})

t.test('checkResponse: what it reports', async t => {
  const problems = (facts: Parameters<typeof checkResponse>[0]) => checkResponse(facts).join('\n')
  t.match(problems({ operationId: 'readExtension', status: 418, contentType: 'application/json', body: '{}' }), /status 418 is not documented/)
  t.match(problems({ operationId: 'readExtension', status: 404, contentType: 'text/html', body: '<p>' }), /Content-Type text\/html is not documented/)
  t.match(problems({ operationId: 'readExtension', status: 404, contentType: 'application/json', body: '{' }), /not JSON/)
  t.match(problems({ operationId: 'readExtension', status: 404, contentType: 'application/json', body: json({ errors: [] }) }), /does not validate/)
  t.match(problems({ operationId: 'readExtension', status: 404, contentType: 'application/json', body: apiError('CMN-102', 'x', { parameterName: 'extensionId', colour: 'red' }) }), /additional properties \(colour\)/)
  t.match(problems({ operationId: 'readExtension', status: 404, contentType: 'application/json', body: apiError('MSG-304') }), /error code MSG-304 with status 404 is not in x-error-codes/)
  t.match(problems({ operationId: 'readExtension', status: 401, contentType: 'application/json', body: apiError('CMN-102') }), /CMN-102 with status 401/)
  t.match(problems({ operationId: 'revokeToken', status: 200, contentType: 'application/json', body: '{}' }), /says no body/)
  t.match(problems({ operationId: 'mockHealth', status: 200, body: '{}' }), /no Content-Type/)
  t.match(problems({ operationId: 'readExtension', status: 401, contentType: 'application/json', body: json({ error: 'invalid_grant' }), rule: 'error' }), /rule's error body does not validate/)
})

t.test('every response of an app built with validateResponses is checked', async t => {
  const scenario = defaultScenario()
  scenario.clock = { start: START, frozen: true }
  const ctx = await MockContext.create({ scenario: checkScenario(scenario, 'test'), source: 'test', baseDir: process.cwd() })
  const seen: ContractViolation[] = []
  const app = await buildApp(ctx, { validateResponses: true, onContractViolation: v => seen.push(v) })
  t.teardown(() => app.close())
  // A route the document does not know.
  app.get('/restapi/v1.0/undocumented', async () => ({ ok: true }))
  t.equal((await app.inject('/__mock/health')).statusCode, 200)
  t.same(seen, [], 'a documented response passes')
  await app.inject('/restapi/v1.0/undocumented')
  t.match(seen, [{ method: 'GET', url: '/restapi/v1.0/undocumented', status: 200, problem: /not in the OpenAPI document/ }])
  t.equal(contractViolations(app).length, 1, 'and is recorded')
  await app.inject('/restapi/v1.0/nowhere')
  t.equal(seen.length, 1, 'unknown URLs (CMN-120) belong to no operation')
})

t.test('the test harness checks its responses (and this one has none to report)', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  t.equal((await h.api('/restapi/v1.0/account/~/extension/~', token)).statusCode, 200)
  t.same(contractViolations(h.app), [])
})
