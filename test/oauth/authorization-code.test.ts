import { createHash } from 'node:crypto'
import t from 'tap'
import { CODE_TTL_MS, REPLAY_MEMORY_MS } from '../../src/oauth/codes.js'
import { apiError, build, type Harness, oauthError } from '../helper.js'

const CALLBACK = 'http://localhost:5173/oauth/callback'
const OWN_EXTENSION = '/restapi/v1.0/account/~/extension/~'
const WEB = { id: 'web-app', secret: 'web-app-secret' }
/** RingCentral's own example pair (auth-code-pkce-flow.md, step 0). */
const VERIFIER = 'pIUgx4tiqFpaOUz0HMc_QbIyQlL901w8mRmkrmhEJ_E'
const CHALLENGE = '_drLS7o5FwkfUiBhlq2hwJnK_SC6yE7sKOde5O1fdzk'

interface AuthorizeOptions {
  clientId?: string
  redirectUri?: string | null
  challenge?: string
  method?: string
  username?: string
  password?: string
}

/** Signs in through POST /restapi/oauth/authorize and returns the code. */
async function authorize (h: Harness, o: AuthorizeOptions = {}): Promise<string> {
  const clientId = o.clientId ?? 'spa-app'
  const params: Record<string, string> = { response_type: 'code', client_id: clientId, state: 'st' }
  if (o.redirectUri !== null) params.redirect_uri = o.redirectUri ?? CALLBACK
  const challenge = o.challenge ?? (clientId === 'spa-app' ? CHALLENGE : undefined)
  if (challenge !== undefined) params.code_challenge = challenge
  const method = o.method ?? (challenge !== undefined ? 'S256' : undefined)
  if (method !== undefined) params.code_challenge_method = method
  params.username = o.username ?? 'ada@example.com'
  params.password = o.password ?? 'Ada-Passw0rd'
  const res = await h.app.inject({
    method: 'POST',
    url: '/restapi/oauth/authorize',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(params).toString()
  })
  if (res.statusCode !== 302) throw new Error(`authorize failed: ${res.statusCode} ${res.body}`)
  const location = new URL(res.headers.location as string)
  if (location.searchParams.get('state') !== 'st') throw new Error('state not echoed')
  return location.searchParams.get('code')!
}

/** A public client's exchange: client_id in the body, no Authorization header. */
const publicExchange = (h: Harness, form: Record<string, string | number>, clientId = 'spa-app') =>
  h.token({ grant_type: 'authorization_code', redirect_uri: CALLBACK, client_id: clientId, ...form }, null)

const confidentialExchange = (h: Harness, form: Record<string, string | number>) =>
  h.token({ grant_type: 'authorization_code', redirect_uri: CALLBACK, ...form }, WEB)

const invalidCode = oauthError('invalid_grant', 'OAU-106', 'Invalid authorization code')

t.test('grant_type=authorization_code: a confidential app (Basic)', async t => {
  const h = await build(t)
  const code = await authorize(h, { clientId: 'web-app', username: 'ben@example.com', password: 'Ben-Passw0rd' })
  const res = await confidentialExchange(h, { code })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.same(Object.keys(body), ['access_token', 'token_type', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'scope', 'owner_id', 'endpoint_id', 'session_id'])
  t.equal(body.owner_id, '100200302', 'the user who signed in')
  t.equal(body.scope, 'ReadAccounts SMS ReadMessages', "the app's scopes")
  t.equal(body.expires_in, 3600)
  t.equal(body.refresh_token_expires_in, 604800)
  t.equal(h.ctx.sessions.session(body.session_id)?.grant, 'authorization_code')
  const me = await h.api(OWN_EXTENSION, body.access_token)
  t.equal(me.statusCode, 200)
  t.equal(me.json().id, 100200302)
})

t.test('a confidential app must authenticate: client_id alone is OAU-123', async t => {
  const h = await build(t)
  const code = await authorize(h, { clientId: 'web-app' })
  const res = await publicExchange(h, { code }, 'web-app')
  t.equal(res.statusCode, 400)
  t.same(res.json(), oauthError('invalid_client', 'OAU-123', 'Client authentication is required'))
  t.equal((await confidentialExchange(h, { code })).statusCode, 200, 'a failed attempt does not use up the code')
})

t.test('PKCE', async t => {
  const h = await build(t)

  t.test('a public app, S256: client_id in the body and the verifier', async t => {
    const code = await authorize(h)
    const res = await publicExchange(h, { code, code_verifier: VERIFIER })
    t.equal(res.statusCode, 200)
    t.equal(res.json().scope, 'ReadAccounts ReadMessages')
  })

  t.test('S256 with a random verifier, as the JS SDK makes it', async t => {
    const verifier = createHash('sha256').update('any').digest('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const code = await authorize(h, { challenge })
    t.equal((await publicExchange(h, { code, code_verifier: verifier })).statusCode, 200)
  })

  t.test('S256: a verifier that does not hash to the challenge', async t => {
    const code = await authorize(h)
    const res = await publicExchange(h, { code, code_verifier: 'x'.repeat(43) })
    t.equal(res.statusCode, 400)
    const message = 'Invalid authorization code: code_verifier does not match code_challenge (S256: BASE64URL(SHA256(code_verifier)) differs from code_challenge)'
    t.same(res.json(), oauthError('invalid_grant', 'OAU-106', message))
  })

  t.test('plain, named', async t => {
    const code = await authorize(h, { challenge: VERIFIER, method: 'plain' })
    t.equal((await publicExchange(h, { code, code_verifier: VERIFIER })).statusCode, 200)
  })

  t.test('plain is the default method when none is given', async t => {
    const code = await authorize(h, { challenge: VERIFIER, method: '' })
    t.equal(h.ctx.codes.find(code, h.ctx.now())?.method, 'plain')
    const hashed = await publicExchange(h, { code, code_verifier: 'y'.repeat(43) })
    t.same(hashed.json(), oauthError('invalid_grant', 'OAU-106',
      'Invalid authorization code: code_verifier does not match code_challenge (plain: code_verifier differs from code_challenge)'))
    t.equal((await publicExchange(h, { code, code_verifier: VERIFIER })).statusCode, 200)
  })

  t.test('plain: sending the S256 challenge of the verifier does not pass', async t => {
    const code = await authorize(h, { challenge: CHALLENGE, method: 'plain' })
    const res = await publicExchange(h, { code, code_verifier: VERIFIER })
    t.match(res.json().error_description, /plain: code_verifier differs/)
  })

  t.test('a challenge was given, no verifier: CMN-100', async t => {
    const code = await authorize(h)
    const res = await publicExchange(h, { code })
    t.equal(res.statusCode, 400)
    t.same(res.json(), {
      error: 'invalid_request',
      errors: [{ errorCode: 'CMN-100', message: 'Mandatory parameter [code_verifier] not specified', parameterName: 'code_verifier' }],
      error_description: 'Mandatory parameter [code_verifier] not specified'
    })
  })

  t.test('a verifier outside RFC 7636 §4.1: CMN-101', async t => {
    const code = await authorize(h)
    for (const verifier of ['short', 'a'.repeat(129), `${'a'.repeat(42)}+`]) {
      const res = await publicExchange(h, { code, code_verifier: verifier })
      t.equal(res.statusCode, 400)
      t.same(res.json(), {
        error: 'invalid_request',
        errors: [{
          errorCode: 'CMN-101',
          message: 'Parameter [code_verifier] value is invalid: it must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)',
          parameterName: 'code_verifier'
        }],
        error_description: 'Parameter [code_verifier] value is invalid: it must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)'
      })
    }
  })

  t.test('a confidential app may use PKCE too, and then it is checked', async t => {
    const code = await authorize(h, { clientId: 'web-app', challenge: CHALLENGE, method: 'S256' })
    t.match((await confidentialExchange(h, { code })).json().errors[0], { errorCode: 'CMN-100', parameterName: 'code_verifier' })
    t.match((await confidentialExchange(h, { code, code_verifier: VERIFIER.replace('p', 'q') })).json().error_description, /S256/)
    t.equal((await confidentialExchange(h, { code, code_verifier: VERIFIER })).statusCode, 200)
  })

  t.test('a verifier without a challenge at authorize is refused (a PKCE downgrade)', async t => {
    const code = await authorize(h, { clientId: 'web-app' })
    const res = await confidentialExchange(h, { code, code_verifier: VERIFIER })
    t.same(res.json(), oauthError('invalid_grant', 'OAU-106',
      'Invalid authorization code: code_verifier was sent, but the authorization request had no code_challenge'))
  })

  t.test('a public app must use PKCE, even for a code that somehow has no challenge', async t => {
    const app = h.ctx.world.app('spa-app')!
    const owner = h.ctx.world.extension('100200301')!
    const { code } = h.ctx.codes.issue({ app, owner, redirectUri: CALLBACK, redirectUriGiven: true }, h.ctx.now())
    const res = await publicExchange(h, { code })
    t.same(res.json(), oauthError('invalid_grant', 'OAU-106',
      'Invalid authorization code: a public client must use PKCE (the authorization request had no code_challenge)'))
  })
})

t.test('codes live 60 s on the scenario clock', async t => {
  const h = await build(t)
  t.equal(CODE_TTL_MS, 60_000)
  const early = await authorize(h)
  const late = await authorize(h)
  h.advance(59)
  t.equal((await publicExchange(h, { code: early, code_verifier: VERIFIER })).statusCode, 200, 'at 59 s')
  h.advance(1)
  const res = await publicExchange(h, { code: late, code_verifier: VERIFIER })
  t.equal(res.statusCode, 400, 'at 60 s')
  t.same(res.json(), oauthError('invalid_grant', 'OAU-108', 'Authorization code is expired'))
})

t.test('a code is single-use; a replay fails and ends the session its first use created', async t => {
  const h = await build(t)
  const code = await authorize(h)
  const first = (await publicExchange(h, { code, code_verifier: VERIFIER })).json()
  t.equal((await h.api(OWN_EXTENSION, first.access_token)).statusCode, 200)

  const replay = await publicExchange(h, { code, code_verifier: VERIFIER })
  t.equal(replay.statusCode, 400)
  t.same(replay.json(), invalidCode)

  const after = await h.api(OWN_EXTENSION, first.access_token)
  t.equal(after.statusCode, 401, 'the access token from the first exchange is dead')
  t.same(after.json(), apiError('OAU-213', 'Token not found', 'TokenInvalid'))
  const refresh = await publicExchange(h, { grant_type: 'refresh_token', refresh_token: first.refresh_token, redirect_uri: '' })
  t.equal(refresh.json().errors[0].errorCode, 'OAU-213', 'and so is its refresh token')
  t.notOk(h.ctx.sessions.session(first.session_id))
})

t.test('a replay after refreshes and after the code expired still ends the session', async t => {
  const h = await build(t)
  const code = await authorize(h)
  const first = (await publicExchange(h, { code, code_verifier: VERIFIER })).json()
  h.advance(30)
  const refreshed = (await h.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'spa-app' }, null)).json()
  t.equal(refreshed.session_id, first.session_id)
  h.advance(120)
  const replay = await publicExchange(h, { code, code_verifier: VERIFIER })
  t.same(replay.json(), invalidCode, 'a used code answers OAU-106 even past its expiry')
  t.equal((await h.api(OWN_EXTENSION, refreshed.access_token)).statusCode, 401)
})

t.test('a replay by another app neither works nor ends the session', async t => {
  const h = await build(t)
  const code = await authorize(h, { clientId: 'web-app' })
  const first = (await confidentialExchange(h, { code })).json()
  const res = await publicExchange(h, { code, code_verifier: VERIFIER })
  t.same(res.json(), oauthError('invalid_grant', 'OAU-110', 'Authorization code was not issued for this application'))
  t.equal((await h.api(OWN_EXTENSION, first.access_token)).statusCode, 200)
})

t.test('a code issued to another app: OAU-110, and the code stays usable by its own app', async t => {
  const h = await build(t)
  const code = await authorize(h)
  const res = await confidentialExchange(h, { code, code_verifier: VERIFIER })
  t.equal(res.statusCode, 400)
  t.same(res.json(), oauthError('invalid_grant', 'OAU-110', 'Authorization code was not issued for this application'))
  t.equal((await publicExchange(h, { code, code_verifier: VERIFIER })).statusCode, 200)
})

t.test('unknown and missing codes', async t => {
  const h = await build(t)
  const unknown = await publicExchange(h, { code: 'no-such-code', code_verifier: VERIFIER })
  t.equal(unknown.statusCode, 400)
  t.same(unknown.json(), invalidCode)
  const missing = await publicExchange(h, { code_verifier: VERIFIER })
  t.same(missing.json(), {
    error: 'invalid_request',
    errors: [{ errorCode: 'CMN-100', message: 'Mandatory parameter [code] not specified', parameterName: 'code' }],
    error_description: 'Mandatory parameter [code] not specified'
  })
})

t.test('redirect_uri must be the one used at authorize', async t => {
  const h = await build(t)
  const mismatch = oauthError('invalid_grant', 'OAU-109', 'Redirect URIs do not match')

  t.test('another registered URI: OAU-109', async t => {
    const code = await authorize(h)
    const res = await publicExchange(h, { code, code_verifier: VERIFIER, redirect_uri: 'http://127.0.0.1:5173/oauth/callback' })
    t.equal(res.statusCode, 400)
    t.same(res.json(), mismatch)
    t.equal((await publicExchange(h, { code, code_verifier: VERIFIER })).statusCode, 200, 'the code survives a failed attempt')
  })

  t.test('left out although it was given at authorize: OAU-109', async t => {
    const code = await authorize(h)
    t.same((await publicExchange(h, { code, code_verifier: VERIFIER, redirect_uri: '' })).json(), mismatch)
  })

  t.test('not given at authorize (one URI registered): may be left out, or must be that URI', async t => {
    const a = await authorize(h, { clientId: 'web-app', redirectUri: null })
    t.equal((await confidentialExchange(h, { code: a, redirect_uri: '' })).statusCode, 200)
    const b = await authorize(h, { clientId: 'web-app', redirectUri: null })
    t.same((await confidentialExchange(h, { code: b, redirect_uri: 'http://localhost:5173/other' })).json(), mismatch)
    t.equal((await confidentialExchange(h, { code: b })).statusCode, 200)
  })
})

t.test('an app without the authorization_code grant: OAU-251 at the token endpoint', async t => {
  const h = await build(t)
  const code = await authorize(h, { clientId: 'web-app' })
  h.ctx.world.app('web-app')!.grantTypes.splice(0, 1)
  const res = await confidentialExchange(h, { code })
  t.same(res.json(), oauthError('unauthorized_client', 'OAU-251', 'Unauthorized for this grant type'))
})

t.test('tokens from this grant behave like every other', async t => {
  t.test('TTL clamping', async t => {
    const h = await build(t)
    const a = (await publicExchange(h, { code: await authorize(h), code_verifier: VERIFIER, access_token_ttl: 60, refresh_token_ttl: 99999999 })).json()
    t.equal(a.expires_in, 600)
    t.equal(a.refresh_token_expires_in, 604800)
    const b = (await publicExchange(h, { code: await authorize(h), code_verifier: VERIFIER, access_token_ttl: 1800, refresh_token_ttl: 0 })).json()
    t.equal(b.expires_in, 1800)
    t.notOk('refresh_token' in b)
  })

  t.test('endpoint_id is echoed', async t => {
    const h = await build(t)
    const body = (await publicExchange(h, { code: await authorize(h), code_verifier: VERIFIER, endpoint_id: 'browser-1' })).json()
    t.equal(body.endpoint_id, 'browser-1')
  })

  t.test('refresh rotates the pair (public client: client_id only)', async t => {
    const h = await build(t)
    const first = (await publicExchange(h, { code: await authorize(h), code_verifier: VERIFIER })).json()
    const res = await h.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'spa-app' }, null)
    t.equal(res.statusCode, 200)
    const second = res.json()
    t.not(second.access_token, first.access_token)
    t.not(second.refresh_token, first.refresh_token)
    t.equal(second.owner_id, '100200301')
    t.equal((await h.api(OWN_EXTENSION, second.access_token)).statusCode, 200)
    t.equal((await h.api(OWN_EXTENSION, first.access_token)).statusCode, 401)
  })

  t.test('revoke ends the session', async t => {
    const h = await build(t)
    const body = (await publicExchange(h, { code: await authorize(h), code_verifier: VERIFIER })).json()
    const res = await h.app.inject({
      method: 'POST',
      url: '/restapi/oauth/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: body.access_token, client_id: 'spa-app' }).toString()
    })
    t.equal(res.statusCode, 200)
    t.equal((await h.api(OWN_EXTENSION, body.access_token)).statusCode, 401)
  })

  t.test('the per-user session cap ends the oldest', async t => {
    const h = await build(t, s => { s.policies = { ...s.policies, maxSessionsPerUser: 2 } })
    const tokens = []
    for (let i = 0; i < 3; i++) tokens.push((await publicExchange(h, { code: await authorize(h), code_verifier: VERIFIER })).json())
    t.equal((await h.api(OWN_EXTENSION, tokens[0].access_token)).statusCode, 401, 'the oldest is gone')
    t.equal((await h.api(OWN_EXTENSION, tokens[1].access_token)).statusCode, 200)
    t.equal((await h.api(OWN_EXTENSION, tokens[2].access_token)).statusCode, 200)
  })

  t.test('access tokens expire on the scenario clock', async t => {
    const h = await build(t)
    const body = (await publicExchange(h, { code: await authorize(h), code_verifier: VERIFIER, access_token_ttl: 600 })).json()
    h.advance(600)
    t.equal((await h.api(OWN_EXTENSION, body.access_token)).json().errors[0].errorCode, 'OAU-128')
  })
})

t.test('codes never accumulate', async t => {
  const h = await build(t)
  const used = await authorize(h)
  await publicExchange(h, { code: used, code_verifier: VERIFIER })
  for (let i = 0; i < 50; i++) await authorize(h)
  t.equal(h.ctx.codes.size, 51)
  h.advance((CODE_TTL_MS + REPLAY_MEMORY_MS) / 1000 - 1)
  await authorize(h)
  t.equal(h.ctx.codes.size, 52, 'kept until expiry plus the replay memory')
  h.advance(1)
  await authorize(h)
  t.equal(h.ctx.codes.size, 2, 'then dropped, used or not')
  const res = await publicExchange(h, { code: used, code_verifier: VERIFIER })
  t.same(res.json(), invalidCode, 'a forgotten code is simply unknown')
})

t.test('an expired code is forgotten on lookup even without a sweep', async t => {
  const h = await build(t)
  const code = await authorize(h)
  h.advance((CODE_TTL_MS + REPLAY_MEMORY_MS) / 1000)
  t.notOk(h.ctx.codes.find(code, h.ctx.now()))
  t.equal(h.ctx.codes.size, 0)
})

t.test('reset forgets every code', async t => {
  const h = await build(t)
  const code = await authorize(h)
  await h.ctx.load(h.ctx.loaded)
  t.equal(h.ctx.codes.size, 0)
  t.same((await publicExchange(h, { code, code_verifier: VERIFIER })).json(), invalidCode)
})
