/**
 * The official JS SDK (`@ringcentral/sdk`) against the real program (`node dist/cli.js`), unchanged:
 * log in, call the API, refresh (on demand and after a 401), log out.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SDK } from '@ringcentral/sdk'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { api, JWT_GRANT, OWN_EXTENSION, recordingFetch, token } from './raw.js'
import { cliJwt, DEFAULT_SCENARIO, startMock } from './spawn.js'

const JWT_APP = { id: 'jwt-app', secret: 'jwt-app-secret' }
const DUAL_APP = { id: 'dual-app', secret: 'dual-app-secret' }

const mock = await startMock(t)
const adaJwt = await cliJwt(t, 'ada-jwt')

let instances = 0
/** A fresh SDK. Each gets its own cachePrefix: SDK instances in one process otherwise share one token store. */
function sdk (client = JWT_APP, server = mock.url) {
  const rc = new SDK({ server, clientId: client.id, clientSecret: client.secret, cachePrefix: `e2e-${++instances}-` })
  // Record what goes over the SDK's own transport (node-fetch), unchanged otherwise.
  const externals = rc.externals()
  const recorder = recordingFetch(externals.fetch.bind(externals))
  externals.fetch = recorder.fetch
  return { rc, platform: rc.platform(), wire: recorder.wire }
}

t.test('JWT login, then GET /restapi/v1.0/account/~/extension/~', async t => {
  const { platform, wire } = sdk()
  await platform.login({ jwt: adaJwt })
  const auth = await platform.auth().data()
  t.equal(auth.token_type, 'bearer')
  t.equal(auth.owner_id, '100200301')
  t.equal(auth.expires_in, 3600)
  t.equal(auth.refresh_token_expires_in, 604800)
  t.match(auth.access_token, /^\w{20,}$/)
  t.match(auth.refresh_token, /^\w{20,}$/)

  const res = await platform.get(OWN_EXTENSION)
  t.equal(res.status, 200)
  const ext = await res.json() as any
  t.equal(ext.id, 100200301)
  t.equal(ext.extensionNumber, '101')
  t.equal(ext.contact.email, 'ada@example.com')
  t.equal(ext.uri, `${mock.url}/restapi/v1.0/account/100200300/extension/100200301`, 'uri points back at the mock')

  t.same(wire.map(w => [w.method, w.path, w.status]), [
    ['POST', '/restapi/oauth/token', 200],
    ['GET', OWN_EXTENSION, 200]
  ])
  t.equal(wire[0]?.form?.get('grant_type'), JWT_GRANT)
  t.equal(wire[1]?.authorization, `bearer ${auth.access_token}`, 'the SDK sends the lower-case token_type, and it is accepted')
})

t.test('password login on the dual app', async t => {
  const warnings = t.capture(console, 'warn', () => {})
  const { platform, wire } = sdk(DUAL_APP)
  await platform.login({ username: 'ada@example.com', password: 'Ada-Passw0rd' })
  t.match(warnings().map(w => String(w.args[0])), [/deprecated/], 'the SDK warned (and the warning was kept off the console)')
  t.equal(wire[0]?.form?.get('grant_type'), 'password')
  const auth = await platform.auth().data()
  t.equal(auth.owner_id, '100200301')
  const ext = await (await platform.get(OWN_EXTENSION)).json() as any
  t.equal(ext.id, 100200301)
})

t.test('password login on a JWT-only app is refused with "Unauthorized for this grant type"', async t => {
  t.capture(console, 'warn', () => {})
  const { platform } = sdk(JWT_APP)
  const error = await platform.login({ username: 'ada@example.com', password: 'Ada-Passw0rd' }).then(() => undefined, (e: any) => e)
  t.ok(error, 'login rejects')
  t.equal(error?.message, 'Unauthorized for this grant type')
  t.equal(error?.response?.status, 400)
  t.equal((await platform.auth().data()).access_token, '', 'no token stored')
})

t.test('a wrong password is refused and nothing is stored', async t => {
  t.capture(console, 'warn', () => {})
  const { platform } = sdk(DUAL_APP)
  const error = await platform.login({ username: 'ada@example.com', password: 'wrong' }).then(() => undefined, (e: any) => e)
  t.equal(error?.message, 'Invalid resource owner credentials')
  t.equal((await platform.auth().data()).access_token, '')
})

t.test('platform.refresh() rotates both tokens; the old access token is dead at once (OAU-129)', async t => {
  const { platform, wire } = sdk()
  await platform.login({ jwt: adaJwt })
  const before: Record<string, any> = await platform.auth().data()
  await platform.refresh()
  const after: Record<string, any> = await platform.auth().data()
  t.not(after.access_token, before.access_token, 'new access token')
  t.not(after.refresh_token, before.refresh_token, 'new refresh token')
  t.equal(after.owner_id, before.owner_id)
  t.equal(after.session_id, before.session_id, 'same session')
  const refresh = wire.at(-1)
  t.equal(refresh?.form?.get('grant_type'), 'refresh_token')
  t.equal(refresh?.form?.get('refresh_token'), before.refresh_token)

  const old = await api(mock.url, OWN_EXTENSION, before.access_token ?? '')
  t.equal(old.status, 401)
  t.match(old.body, { errorCode: 'OAU-129', message: 'Access token corrupted', errors: [{ errorCode: 'OAU-129', message: 'Access token corrupted' }] })
  t.equal(old.headers.get('www-authenticate'), 'Bearer realm="RingCentral REST API"')

  const res = await platform.get(OWN_EXTENSION)
  t.equal(res.status, 200, 'the new access token works')
  t.equal(wire.at(-1)?.authorization, `bearer ${after.access_token}`)
})

t.test('a 401 makes the SDK refresh with access_token_ttl=-1 and retry, and the call succeeds', async t => {
  // Another process refreshes the same session (the SDK's refresh token, used out of band): the
  // SDK's access token dies. RingCentral's reuse grace then hands the SDK the same new pair when it
  // refreshes with its now-rotated refresh token.
  const { platform, wire } = sdk()
  await platform.login({ jwt: adaJwt })
  const mine = await platform.auth().data()
  const elsewhere = await token(mock.url, { grant_type: 'refresh_token', refresh_token: mine.refresh_token ?? '' }, JWT_APP)
  t.equal(elsewhere.status, 200, 'out-of-band refresh')
  t.not(elsewhere.body.access_token, mine.access_token)

  const refreshed: unknown[] = []
  platform.on(platform.events.refreshSuccess, () => refreshed.push(true))
  wire.length = 0
  const res = await platform.get(OWN_EXTENSION)
  t.equal(res.status, 200, 'the call succeeds')
  t.equal((await res.json() as any).id, 100200301)
  t.equal(refreshed.length, 1, 'one refresh')

  t.same(wire.map(w => [w.method, w.path, w.status]), [
    ['GET', OWN_EXTENSION, 401],
    ['POST', '/restapi/oauth/token', 200],
    ['GET', OWN_EXTENSION, 200]
  ], 'call, 401, refresh, retry')
  t.equal(wire[0]?.authorization, `bearer ${mine.access_token}`)
  t.equal(wire[1]?.form?.get('grant_type'), 'refresh_token')
  t.equal(wire[1]?.form?.get('refresh_token'), mine.refresh_token, 'the SDK refreshes with the token it holds')
  t.equal(wire[1]?.form?.get('access_token_ttl'), '-1', 'the SDK asks for access_token_ttl=-1, which is accepted')
  const now = await platform.auth().data()
  t.equal(now.access_token, elsewhere.body.access_token, 'within the reuse grace, the same new pair')
  t.equal(now.refresh_token, elsewhere.body.refresh_token)
  t.equal(wire[2]?.authorization, `bearer ${now.access_token}`, 'the retry uses the new token')
})

t.test('refreshTokenReuse: strict — after an out-of-band refresh the SDK\'s refresh fails and the call rejects', async t => {
  const scenario = parse(readFileSync(DEFAULT_SCENARIO, 'utf8'))
  scenario.name = 'strict-reuse'
  scenario.policies = { ...scenario.policies, refreshTokenReuse: 'strict' }
  const dir = t.testdir({ 'strict.yaml': stringify(scenario) })
  const strict = await startMock(t, { scenario: join(dir, 'strict.yaml') })
  const jwt = await cliJwt(t, 'ada-jwt', join(dir, 'strict.yaml'))

  const { platform, wire } = sdk(JWT_APP, strict.url)
  await platform.login({ jwt })
  const mine = await platform.auth().data()
  const elsewhere = await token(strict.url, { grant_type: 'refresh_token', refresh_token: mine.refresh_token ?? '' }, JWT_APP)
  t.equal(elsewhere.status, 200)

  wire.length = 0
  const error = await platform.get(OWN_EXTENSION).then(() => undefined, (e: any) => e)
  t.equal(error?.message, 'Token not found', 'the original call rejects with the refresh error')
  t.equal(error?.response?.status, 400)
  t.same(wire.map(w => [w.method, w.path, w.status]), [
    ['GET', OWN_EXTENSION, 401],
    ['POST', '/restapi/oauth/token', 400]
  ])
  t.equal((await platform.auth().data()).access_token, '', 'the SDK wiped its tokens')

  const theirs = await api(strict.url, OWN_EXTENSION, elsewhere.body.access_token)
  t.equal(theirs.status, 200, 'the out-of-band pair still works')
})

t.test('platform.logout() ends the session: the old tokens answer OAU-213', async t => {
  const { platform, wire } = sdk()
  await platform.login({ jwt: adaJwt })
  const before = await platform.auth().data()
  t.equal((await api(mock.url, OWN_EXTENSION, before.access_token ?? '')).status, 200, 'the token works before logout')

  await platform.logout()
  const revoke = wire.at(-1)
  t.equal(revoke?.path, '/restapi/oauth/revoke')
  t.equal(revoke?.status, 200)
  t.equal(revoke?.form?.get('token'), before.access_token)
  t.equal((await platform.auth().data()).access_token, '')

  const old = await api(mock.url, OWN_EXTENSION, before.access_token ?? '')
  t.equal(old.status, 401)
  t.match(old.body, { errorCode: 'TokenInvalid', message: 'Token not found', errors: [{ errorCode: 'OAU-213', message: 'Token not found' }] })
  const refresh = await token(mock.url, { grant_type: 'refresh_token', refresh_token: before.refresh_token ?? '' }, JWT_APP)
  t.equal(refresh.status, 400, 'the refresh token died with the session')
  t.match(refresh.body, { error: 'invalid_grant', errors: [{ errorCode: 'OAU-213' }] })
})
