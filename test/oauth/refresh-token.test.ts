import t from 'tap'
import { build, JWT_GRANT, oauthError, apiError, type Harness } from '../helper.js'

const ME = '/restapi/v1.0/account/~/extension/~'
const refresh = (h: Harness, refreshToken: string, extra: Record<string, string | number> = {}) =>
  h.token({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra })
const tokenNotFound = oauthError('invalid_grant', 'OAU-213', 'Token not found')

t.test('grant_type=refresh_token rotates both tokens', async t => {
  const h = await build(t)
  const first = await h.login()
  h.advance(100)
  const res = await refresh(h, first.refresh_token)
  t.equal(res.statusCode, 200)
  const second = res.json()
  t.not(second.access_token, first.access_token)
  t.not(second.refresh_token, first.refresh_token)
  t.equal(second.session_id, first.session_id, 'same session')
  t.equal(second.owner_id, first.owner_id)
  t.equal(second.expires_in, 3600)
  t.equal((await h.api(ME, second.access_token)).statusCode, 200)
})

t.test('the previous access token stops working at once: OAU-129, then OAU-213 after 10 s', async t => {
  const h = await build(t)
  const first = await h.login()
  t.equal((await h.api(ME, first.access_token)).statusCode, 200)
  await refresh(h, first.refresh_token)
  const corrupted = await h.api(ME, first.access_token)
  t.equal(corrupted.statusCode, 401)
  t.same(corrupted.json(), apiError('OAU-129', 'Access token corrupted'))
  t.equal(corrupted.headers['www-authenticate'], 'Bearer realm="RingCentral REST API"')
  h.advance(10)
  const gone = await h.api(ME, first.access_token)
  t.equal(gone.statusCode, 401)
  t.same(gone.json(), apiError('OAU-213', 'Token not found', 'TokenInvalid'))
})

t.test('reuse under the ringcentral policy: the same new pair until the new access token is used + 10 s', async t => {
  const h = await build(t)
  const first = await h.login()
  const second = (await refresh(h, first.refresh_token)).json()
  h.advance(5)
  const replay = (await refresh(h, first.refresh_token)).json()
  t.equal(replay.access_token, second.access_token, 'same access token')
  t.equal(replay.refresh_token, second.refresh_token, 'same refresh token')
  t.equal(replay.expires_in, 3595, 'lifetime counts from the first refresh')
  t.equal((await h.api(ME, second.access_token)).statusCode, 200, 'new token used')
  h.advance(9)
  t.equal((await refresh(h, first.refresh_token)).json().access_token, second.access_token, 'still inside the 10 s')
  h.advance(1)
  const late = await refresh(h, first.refresh_token)
  t.equal(late.statusCode, 400)
  t.same(late.json(), tokenNotFound)
  t.equal((await h.api(ME, second.access_token)).statusCode, 200, 'the session lives on')
})

t.test('reuse when the new access token is never used: 60 minutes of grace', async t => {
  const h = await build(t)
  const first = await h.login()
  const second = (await refresh(h, first.refresh_token)).json()
  h.advance(59 * 60 + 59)
  t.equal((await refresh(h, first.refresh_token)).json().access_token, second.access_token)
  h.advance(1)
  t.same((await refresh(h, first.refresh_token)).json(), tokenNotFound)
})

t.test('reuse under the strict policy fails at once', async t => {
  const h = await build(t, s => { s.policies = { refreshTokenReuse: 'strict' } })
  const first = await h.login()
  const second = (await refresh(h, first.refresh_token)).json()
  const replay = await refresh(h, first.refresh_token)
  t.equal(replay.statusCode, 400)
  t.same(replay.json(), tokenNotFound)
  t.equal((await h.api(ME, second.access_token)).statusCode, 200)
})

t.test('two concurrent refreshes with one token never leave two live sessions', async t => {
  for (const policy of ['ringcentral', 'strict'] as const) {
    const h = await build(t, s => { s.policies = { refreshTokenReuse: policy } })
    const first = await h.login()
    const results = await Promise.all([refresh(h, first.refresh_token), refresh(h, first.refresh_token)])
    const ok = results.filter(r => r.statusCode === 200).map(r => r.json())
    t.equal(h.ctx.sessions.size, 1, `${policy}: one session`)
    t.equal(new Set(ok.map(b => b.access_token)).size, 1, `${policy}: every success carries the same access token`)
    if (policy === 'strict') t.equal(ok.length, 1, 'strict: the second one fails')
  }
})

t.test('only the immediately previous refresh token has grace', async t => {
  const h = await build(t)
  const first = await h.login()
  const second = (await refresh(h, first.refresh_token)).json()
  await refresh(h, second.refresh_token)
  t.same((await refresh(h, first.refresh_token)).json(), tokenNotFound)
})

t.test('an expired refresh token: OAU-210, and the session ends', async t => {
  const h = await build(t)
  const first = await h.login()
  h.advance(604800)
  const res = await refresh(h, first.refresh_token)
  t.equal(res.statusCode, 400)
  t.same(res.json(), oauthError('invalid_grant', 'OAU-210', 'Token expired'))
  t.same((await refresh(h, first.refresh_token)).json(), tokenNotFound)
})

t.test('an unknown refresh token, an access token, or another app\'s token: OAU-213', async t => {
  const h = await build(t)
  const first = await h.login()
  t.same((await refresh(h, 'nope')).json(), tokenNotFound)
  t.same((await refresh(h, first.access_token)).json(), tokenNotFound)
  const dual = await h.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, { id: 'dual-app', secret: 'dual-app-secret' })
  t.same(dual.json(), tokenNotFound)
})

t.test('the refresh honours TTL clamping (the JS SDK sends access_token_ttl=-1 after a 401)', async t => {
  const h = await build(t)
  const first = await h.login()
  const body = (await refresh(h, first.refresh_token, { access_token_ttl: -1, refresh_token_ttl: 604800 })).json()
  t.equal(body.expires_in, 600)
  t.equal(body.refresh_token_expires_in, 604800)
})

t.test('an expired access token: 401 OAU-128; the refresh still works', async t => {
  const h = await build(t)
  const first = await h.login()
  h.advance(3600)
  const res = await h.api(ME, first.access_token)
  t.equal(res.statusCode, 401)
  t.same(res.json(), apiError('OAU-128', 'Access token expired'))
  t.equal((await refresh(h, first.refresh_token)).statusCode, 200)
})

t.test('session cap: the sixth login of a user on an app ends the oldest session', async t => {
  const h = await build(t)
  const logins = []
  for (let i = 0; i < 6; i++) logins.push(await h.login())
  const oldest = await h.api(ME, logins[0]!.access_token)
  t.equal(oldest.statusCode, 401)
  t.equal(oldest.json().errors[0].errorCode, 'OAU-213')
  t.same((await refresh(h, logins[0]!.refresh_token)).json(), tokenNotFound)
  for (const login of logins.slice(1)) t.equal((await h.api(ME, login.access_token)).statusCode, 200)
  const other = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ada-jwt') }, { id: 'dual-app', secret: 'dual-app-secret' })
  t.equal(other.statusCode, 200)
  t.equal((await h.api(ME, logins[1]!.access_token)).statusCode, 200, 'another app\'s sessions do not count')
})

t.test('maxSessionsPerUser is configurable', async t => {
  const h = await build(t, s => { s.policies = { maxSessionsPerUser: 1 } })
  const a = await h.login()
  const b = await h.login()
  t.equal((await h.api(ME, a.access_token)).statusCode, 401)
  t.equal((await h.api(ME, b.access_token)).statusCode, 200)
})
