import { CompactSign, generateKeyPair } from 'jose'
import t from 'tap'
import { build, defaultScenario, JWT_GRANT, START } from '../helper.js'
import { MockContext } from '../../src/context.js'
import { checkScenario } from '../../src/scenario/load.js'

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
const invalidGrant = (message: string) => ({ error: 'invalid_grant', errors: [{ errorCode: 'OAU-149', message }], error_description: message })

t.test('JWT credentials are deterministic and shaped like RingCentral\'s', async t => {
  const h = await build(t)
  const again = await build(t)
  t.equal(h.jwt('ada-jwt'), again.jwt('ada-jwt'), 'same scenario and key, same string')
  const [header, payload] = h.jwt('ada-jwt').split('.').slice(0, 2).map(p => JSON.parse(Buffer.from(p, 'base64url').toString()))
  t.same(Object.keys(header), ['kid', 'typ', 'alg'])
  t.match(header, { typ: 'JWT', alg: 'RS256', kid: /^[0-9a-f]{32}$/ })
  t.same(Object.keys(payload), ['aud', 'sub', 'iss', 'iat', 'jti'])
  t.match(payload, { aud: 'https://platform.ringcentral.com/restapi/oauth/token', iss: 'https://platform.ringcentral.com', sub: '100200301' })
  t.equal(payload.iat, Date.parse('2024-03-30T12:00:00Z') / 1000, 'iat = scenario clock start')
  const expiring = JSON.parse(Buffer.from(h.jwt('ada-jwt-expired').split('.')[1]!, 'base64url').toString())
  t.equal(expiring.exp, Date.parse('2023-07-20T23:59:59Z') / 1000)
})

t.test('a valid assertion logs in as the credential owner', async t => {
  const h = await build(t)
  const res = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ben-jwt') })
  t.equal(res.statusCode, 200)
  t.equal(res.json().owner_id, '100200302')
})

t.test('a sandbox credential fails against a production world, and the reverse', async t => {
  const production = await build(t)
  const sandbox = await build(t, s => { s.environment = 'sandbox' })
  const fromSandbox = await production.token({ grant_type: JWT_GRANT, assertion: sandbox.jwt('ada-jwt') })
  t.equal(fromSandbox.statusCode, 400)
  t.same(fromSandbox.json(), invalidGrant('Invalid JWT: this is a sandbox credential (aud https://platform.devtest.ringcentral.com/restapi/oauth/token) but this server is production; a JWT for one environment cannot be used in the other'))
  const fromProduction = await sandbox.token({ grant_type: JWT_GRANT, assertion: production.jwt('ada-jwt') })
  t.match(fromProduction.json().error_description, /production credential .* but this server is sandbox/)
  const sandboxPayload = JSON.parse(Buffer.from(sandbox.jwt('ada-jwt').split('.')[1]!, 'base64url').toString())
  t.equal(sandboxPayload.iss, 'https://platform.devtest.ringcentral.com')
})

t.test('failures, each a 400 invalid_grant that says what is wrong', async t => {
  const h = await build(t)
  const cases: Array<[string, string, string | RegExp]> = [
    ['expired', h.jwt('ada-jwt-expired'), 'Invalid JWT: the credential expired at 2023-07-20T23:59:59.000Z'],
    ['revoked', h.jwt('ada-jwt-revoked'), 'Invalid JWT: the JWT credential "ada-jwt-revoked" has been revoked'],
    ['not a JWT', 'not-a-jwt', 'Invalid JWT: the assertion is not a compact JWS (header.payload.signature)'],
    ['tampered claims', (() => { const [hd, , sig] = h.jwt('ada-jwt').split('.'); return `${hd}.${b64({ sub: '100200302' })}.${sig}` })(), /does not verify/]
  ]
  for (const [name, assertion, message] of cases) {
    const res = await h.token({ grant_type: JWT_GRANT, assertion })
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().error, 'invalid_grant', name)
    t.equal(res.json().errors[0].errorCode, 'OAU-149', name)
    if (typeof message === 'string') t.equal(res.json().error_description, message, name)
    else t.match(res.json().error_description, message, name)
  }
})

t.test('the credential allow-list names the apps that may use it', async t => {
  const h = await build(t)
  const ok = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ada-jwt-jwt-app-only') })
  t.equal(ok.statusCode, 200)
  const res = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ada-jwt-jwt-app-only') }, { id: 'dual-app', secret: 'dual-app-secret' })
  t.same(res.json(), invalidGrant('Invalid JWT: the JWT credential "ada-jwt-jwt-app-only" is not authorized for application dual-app'))
})

t.test('the expiry is checked against the scenario clock', async t => {
  const h = await build(t, s => {
    s.accounts[0]!.extensions[0]!.jwtCredentials!.push({ id: 'short', expiresAt: '2024-03-30T13:00:00Z' })
  })
  t.equal((await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('short') })).statusCode, 200)
  h.advance(3600)
  const res = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('short') })
  t.equal(res.json().error_description, 'Invalid JWT: the credential expired at 2024-03-30T13:00:00.000Z')
})

t.test('an HS256 assertion: OAU-347', async t => {
  const h = await build(t)
  const assertion = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: '100200301' })}.c2ln`
  const res = await h.token({ grant_type: JWT_GRANT, assertion })
  t.equal(res.statusCode, 400)
  const message = 'An algorithm which is used for assertion signing is not supported for JWT Bearer grant type'
  t.same(res.json(), { error: 'invalid_grant', errors: [{ errorCode: 'OAU-347', message }], error_description: message })
})

t.test('a credential signed by another key (another scenario\'s server) is refused', async t => {
  const h = await build(t)
  const { privateKey } = await generateKeyPair('RS256')
  const [, payload] = h.jwt('ada-jwt').split('.')
  const forged = await new CompactSign(Buffer.from(payload!, 'base64url')).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'x' }).sign(privateKey)
  const res = await h.token({ grant_type: JWT_GRANT, assertion: forged })
  t.match(res.json().error_description, /does not verify with this server's signing key/)
})

t.test('a credential of a scenario that no longer has it: not found', async t => {
  const h = await build(t)
  const scenario = defaultScenario()
  scenario.accounts[0]!.extensions[0]!.jwtCredentials = [{ id: 'other-id' }]
  const other = await MockContext.create({ scenario: checkScenario(scenario), source: 'x', baseDir: process.cwd() })
  const res = await h.token({ grant_type: JWT_GRANT, assertion: other.credentials.get('other-id')!.jwt })
  t.equal(res.json().error_description, 'Invalid JWT: no such JWT credential exists (it was never issued or has been deleted)')
})

t.test('missing assertion: CMN-100', async t => {
  const h = await build(t)
  const res = await h.token({ grant_type: JWT_GRANT })
  t.equal(res.json().errors[0].errorCode, 'CMN-100')
  t.equal(res.json().errors[0].parameterName, 'assertion')
})

t.test('a credential that logged in before is still checked in full: revoked, or its signature changed', async t => {
  const h = await build(t)
  const jwt = h.jwt('ada-jwt')
  for (let i = 0; i < 3; i++) t.equal((await h.token({ grant_type: JWT_GRANT, assertion: jwt })).statusCode, 200, `login ${i + 1}`)
  const [head, body, signature] = jwt.split('.') as [string, string, string]
  const flipped = signature.slice(0, -2) + (signature.endsWith('A') ? 'B' : 'A') + signature.slice(-1)
  const tampered = await h.token({ grant_type: JWT_GRANT, assertion: `${head}.${body}.${flipped}` })
  t.equal(tampered.statusCode, 400)
  t.match(tampered.json().error_description, /signature does not verify/)
  t.equal((await h.app.inject({ method: 'DELETE', url: '/__mock/jwt/ada-jwt' })).statusCode, 204)
  const revoked = await h.token({ grant_type: JWT_GRANT, assertion: jwt })
  t.same(revoked.json(), invalidGrant('Invalid JWT: the JWT credential "ada-jwt" has been revoked'), 'revoked after it was used: refused')
})

t.test('a remembered assertion is checked again at every login: its expiry as the clock moves, and the app', async t => {
  const h = await build(t)
  const expiresAt = new Date(Date.parse(START) + 3600_000).toISOString()
  const made = await h.app.inject({ method: 'POST', url: '/__mock/jwt', payload: { extensionId: '100200301', id: 'short-lived', expiresAt, apps: ['jwt-app'] } })
  t.equal(made.statusCode, 201, made.body)
  const jwt = h.jwt('short-lived')
  for (let i = 0; i < 2; i++) t.equal((await h.token({ grant_type: JWT_GRANT, assertion: jwt })).statusCode, 200, `login ${i + 1} (the second from what the first verified)`)
  const otherApp = await h.token({ grant_type: JWT_GRANT, assertion: jwt }, { id: 'dual-app', secret: 'dual-app-secret' })
  t.same(otherApp.json(), invalidGrant('Invalid JWT: the JWT credential "short-lived" is not authorized for application dual-app'), 'not for another app')
  h.advance(3600)
  const expired = await h.token({ grant_type: JWT_GRANT, assertion: jwt })
  t.same(expired.json(), invalidGrant(`Invalid JWT: the credential expired at ${expiresAt}`), 'expired once the clock passes its expiry')
})
