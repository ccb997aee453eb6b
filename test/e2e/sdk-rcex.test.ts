/**
 * RingCentral Extensible (`@rc-ex/core`) against the real program (`node dist/cli.js`), unchanged:
 * JWT login, an API call, refresh, revoke.
 */
import RingCentral from '@rc-ex/core'
import t from 'tap'
import { api, JWT_GRANT, OWN_EXTENSION, token, type WireEntry } from './raw.js'
import { cliJwt, startMock } from './spawn.js'

const JWT_APP = { id: 'jwt-app', secret: 'jwt-app-secret' }

const mock = await startMock(t)
const adaJwt = await cliJwt(t, 'ada-jwt')

/** A fresh client whose every exchange (axios, rc-ex's own transport) is recorded. */
function client (clientId = JWT_APP.id, clientSecret = JWT_APP.secret) {
  const rc = new RingCentral({ server: mock.url, clientId, clientSecret })
  const wire: WireEntry[] = []
  rc.rest.httpClient.interceptors.response.use(r => {
    const url = new URL(r.config.url ?? '', r.config.baseURL)
    const headers = r.config.headers
    const basic = r.config.auth ? `Basic ${Buffer.from(`${r.config.auth.username}:${r.config.auth.password}`).toString('base64')}` : null
    wire.push({
      method: (r.config.method ?? 'get').toUpperCase(),
      path: url.pathname + url.search,
      authorization: basic ?? (headers.get('Authorization') as string | null | undefined) ?? null,
      form: typeof r.config.data === 'string' ? new URLSearchParams(r.config.data) : undefined,
      status: r.status
    })
    return r
  })
  return { rc, wire }
}

t.test('rc.authorize({ jwt }), then restapi().account().extension().get()', async t => {
  const { rc, wire } = client()
  const info = await rc.authorize({ jwt: adaJwt })
  t.equal(info.token_type, 'bearer')
  t.equal(info.owner_id, '100200301')
  t.equal(info.expires_in, 3600)
  t.ok(info.refresh_token)
  t.same(rc.token, info)

  const ext = await rc.restapi().account().extension().get()
  t.equal(ext.id, 100200301)
  t.equal(ext.extensionNumber, '101')
  t.equal(ext.contact?.email, 'ada@example.com')

  t.same(wire.map(w => [w.method, w.path, w.status]), [
    ['POST', '/restapi/oauth/token', 200],
    ['GET', OWN_EXTENSION, 200]
  ])
  t.equal(wire[0]?.form?.get('grant_type'), JWT_GRANT)
  t.equal(wire[0]?.form?.get('client_id'), 'jwt-app', 'rc-ex sends client_id alongside Basic, and it is accepted')
  t.match(wire[0]?.authorization, /^Basic /)
  t.equal(wire[1]?.authorization, `Bearer ${info.access_token}`)
})

t.test('an app without the JWT grant: rc.authorize rejects with RestException 400 unauthorized_client', async t => {
  const { rc } = client('legacy-password-app', 'legacy-password-secret')
  const error = await rc.authorize({ jwt: adaJwt }).then(() => undefined, (e: any) => e)
  t.equal(error?.response?.status, 400)
  t.match(error?.response?.data, { error: 'unauthorized_client', errors: [{ errorCode: 'OAU-251', message: 'Unauthorized for this grant type' }] })
  t.equal(rc.token, undefined)
})

t.test('rc.refresh() rotates both tokens; the old access token is dead at once', async t => {
  const { rc, wire } = client()
  const before = await rc.authorize({ jwt: adaJwt })
  const after = await rc.refresh()
  t.not(after.access_token, before.access_token)
  t.not(after.refresh_token, before.refresh_token)
  t.equal(after.session_id, before.session_id)
  t.equal(after.expires_in, 3600, 'rc-ex sends no TTLs: the app default')
  t.same(rc.token, after)
  const refresh = wire.at(-1)
  t.equal(refresh?.form?.get('grant_type'), 'refresh_token')
  t.equal(refresh?.form?.get('refresh_token'), before.refresh_token)
  t.equal(refresh?.form?.get('client_id'), 'jwt-app')

  const old = await api(mock.url, OWN_EXTENSION, before.access_token ?? '')
  t.equal(old.status, 401)
  t.match(old.body, { errorCode: 'OAU-129', message: 'Access token corrupted' })

  const ext = await rc.restapi().account().extension().get()
  t.equal(ext.id, 100200301, 'the new token works')
})

t.test('rc.revoke() really ends the session', async t => {
  const { rc, wire } = client()
  const info = await rc.authorize({ jwt: adaJwt })
  t.equal((await rc.restapi().account().extension().get()).id, 100200301)

  await rc.revoke()
  t.equal(rc.token, undefined, 'rc-ex forgot the token')
  const revoke = wire.at(-1)
  t.equal(revoke?.path, '/restapi/oauth/revoke')
  t.equal(revoke?.status, 200)
  t.equal(revoke?.form?.get('token'), info.access_token)

  const old = await api(mock.url, OWN_EXTENSION, info.access_token ?? '')
  t.equal(old.status, 401, 'the access token is dead')
  t.match(old.body, { errorCode: 'TokenInvalid', message: 'Token not found', errors: [{ errorCode: 'OAU-213' }] })
  const refresh = await token(mock.url, { grant_type: 'refresh_token', refresh_token: info.refresh_token ?? '' }, JWT_APP)
  t.equal(refresh.status, 400, 'the refresh token is dead too')
  t.match(refresh.body, { error: 'invalid_grant', errors: [{ errorCode: 'OAU-213', message: 'Token not found' }] })

  // A client still holding the revoked pair gets RestExceptions.
  const stale = client().rc
  stale.token = info
  const call = await stale.restapi().account().extension().get().then(() => undefined, (e: any) => e)
  t.equal(call?.response?.status, 401)
  t.equal(call?.response?.data?.errors?.[0]?.errorCode, 'OAU-213')
  const again = await stale.refresh().then(() => undefined, (e: any) => e)
  t.equal(again?.response?.status, 400)
  t.equal(again?.response?.data?.errors?.[0]?.errorCode, 'OAU-213')
})

t.test('rc.revoke() with the refresh token ends the session too', async t => {
  const { rc } = client()
  const info = await rc.authorize({ jwt: adaJwt })
  await rc.revoke(info.refresh_token)
  const old = await api(mock.url, OWN_EXTENSION, info.access_token ?? '')
  t.equal(old.status, 401)
  t.match(old.body, { errors: [{ errorCode: 'OAU-213' }] })
})
