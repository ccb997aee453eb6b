import t from 'tap'
import { build, oauthError } from '../helper.js'

const dual = { id: 'dual-app', secret: 'dual-app-secret' }
const grant = (username: string, password: string, extra: Record<string, string> = {}) =>
  ({ grant_type: 'password', username, password, ...extra })

t.test('grant_type=password: the username forms RingCentral accepts', async t => {
  const h = await build(t)
  const forms: Array<[string, Record<string, string>, string]> = [
    ['email', grant('ada@example.com', 'Ada-Passw0rd'), '100200301'],
    ['email, any case', grant('BEN@Example.com', 'Ben-Passw0rd'), '100200302'],
    ['main number plus extension', grant('+16505550100', 'Ben-Passw0rd', { extension: '102' }), '100200302'],
    ['main number*extension', grant('+16505550100*103', 'Cleo-Passw0rd'), '100200303'],
    ['main number without +', grant('16505550100*101', 'Ada-Passw0rd'), '100200301'],
    ['direct number', grant('+16505550102', 'Ben-Passw0rd'), '100200302']
  ]
  for (const [name, form, owner] of forms) {
    const res = await h.token(form, dual)
    t.equal(res.statusCode, 200, `${name}: 200`)
    t.equal(res.json().owner_id, owner, `${name}: owner`)
  }
})

t.test('wrong credentials: 400 invalid_grant OAU-140', async t => {
  const h = await build(t)
  const invalid = oauthError('invalid_grant', 'OAU-140', 'Invalid resource owner credentials')
  for (const form of [
    grant('ada@example.com', 'wrong'),
    grant('nobody@example.com', 'Ada-Passw0rd'),
    grant('+16505550100', 'Ada-Passw0rd', { extension: '999' }),
    grant('+15550000000', 'Ada-Passw0rd')
  ]) {
    const res = await h.token(form, dual)
    t.equal(res.statusCode, 400)
    t.same(res.json(), invalid, form.username)
  }
})

t.test('a user without a password cannot use the password grant', async t => {
  const h = await build(t, s => { delete s.accounts[0]!.extensions[2]!.password })
  const res = await h.token(grant('cleo@example.com', 'Cleo-Passw0rd'), dual)
  t.equal(res.json().errors[0].errorCode, 'OAU-140')
})

t.test('missing username: CMN-100', async t => {
  const h = await build(t)
  const res = await h.token({ grant_type: 'password', password: 'x' }, dual)
  t.equal(res.statusCode, 400)
  t.same(res.json(), {
    error: 'invalid_request',
    errors: [{ errorCode: 'CMN-100', message: 'Mandatory parameter [username] not specified', parameterName: 'username' }],
    error_description: 'Mandatory parameter [username] not specified'
  })
})

t.test('an app without the password grant: OAU-251', async t => {
  const h = await build(t)
  const res = await h.token(grant('ada@example.com', 'Ada-Passw0rd'))
  t.equal(res.statusCode, 400)
  t.same(res.json(), oauthError('unauthorized_client', 'OAU-251', 'Unauthorized for this grant type'))
})

t.test('policies.passwordGrantEndOfLife refuses the grant for every app once the clock passes it', async t => {
  const h = await build(t, s => { s.policies = { passwordGrantEndOfLife: '2024-03-31T00:00:00Z' } })
  const ok = await h.token(grant('ada@example.com', 'Ada-Passw0rd'), dual)
  t.equal(ok.statusCode, 200, 'before the end of life (clock starts 2024-03-30T12:00Z)')
  h.advance(12 * 3600)
  for (const app of [dual, { id: 'legacy-password-app', secret: 'legacy-password-secret' }]) {
    const res = await h.token(grant('ada@example.com', 'Ada-Passw0rd'), app)
    t.equal(res.statusCode, 400)
    t.same(res.json(), oauthError('unauthorized_client', 'OAU-251', 'Unauthorized for this grant type'), app.id)
  }
  const jwt = await h.token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: h.jwt('ada-jwt') }, dual)
  t.equal(jwt.statusCode, 200, 'the JWT grant still works')
})
