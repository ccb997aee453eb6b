/**
 * The authorization-code flow with the official JS SDK (`@ringcentral/sdk`), unchanged, against a
 * mock listening on a real port: loginUrl() → the login form → parseLoginRedirect() →
 * login({ code }) → an API call → refresh() → logout(), for a public PKCE app and a confidential app.
 */
import { SDK } from '@ringcentral/sdk'
import t from 'tap'
import { startMockServer } from '../../src/index.js'

const CALLBACK = 'http://localhost:5173/oauth/callback'
const OWN_EXTENSION = '/restapi/v1.0/account/~/extension/~'

const mock = await startMockServer()
t.teardown(() => mock.close())

interface Exchange { method: string, path: string, authorization: string | null, form?: URLSearchParams, status: number }

let instances = 0
/** A fresh SDK whose transport is recorded. Each gets its own cachePrefix (instances share a store otherwise). */
function sdk (clientId: string, clientSecret?: string) {
  const rc = new SDK({ server: mock.url, clientId, ...(clientSecret !== undefined ? { clientSecret } : {}), redirectUri: CALLBACK, cachePrefix: `auth-code-${++instances}-` })
  const wire: Exchange[] = []
  const externals = rc.externals()
  const inner = externals.fetch.bind(externals)
  externals.fetch = (async (request: Request, ...rest: unknown[]) => {
    const type = request.headers.get('content-type') ?? ''
    const form = type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(await request.clone().text()) : undefined
    const response = await (inner as (...args: unknown[]) => Promise<Response>)(request, ...rest)
    const url = new URL(request.url)
    wire.push({ method: request.method, path: url.pathname, authorization: request.headers.get('authorization'), ...(form ? { form } : {}), status: response.status })
    return response
  }) as typeof externals.fetch
  return { rc, platform: rc.platform(), wire }
}

/**
 * What a browser does with the login page: GET it, then submit its form (hidden fields included)
 * with the user's credentials and the button pressed. Returns where the mock redirects to.
 */
async function signIn (loginUrl: string, fields: Record<string, string>): Promise<string> {
  const page = await fetch(loginUrl, { headers: { accept: 'text/html' } })
  if (page.status !== 200) throw new Error(`login page: ${page.status} ${await page.text()}`)
  const html = await page.text()
  const form = /<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html)
  if (!form) throw new Error('no form on the login page')
  const body = new URLSearchParams()
  for (const m of form[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) body.append(unescape(m[1]!), unescape(m[2]!))
  for (const [name, value] of Object.entries(fields)) body.append(name, value)
  const res = await fetch(new URL(unescape(form[1]!), loginUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: body.toString(),
    redirect: 'manual'
  })
  if (res.status !== 302) throw new Error(`sign-in: ${res.status} ${await res.text()}`)
  return res.headers.get('location')!
}

const unescape = (html: string): string =>
  html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/** The query part the SDK's parseLoginRedirect() expects (`?code=…`). */
const search = (location: string): string => new URL(location).search

async function whoAmI (platform: ReturnType<SDK['platform']>): Promise<number> {
  const res = await platform.get(OWN_EXTENSION)
  return ((await res.json()) as { id: number }).id
}

t.test('a public app with PKCE: loginUrl → form → parseLoginRedirect → login → API → refresh → logout', async t => {
  const { platform, wire } = sdk('spa-app')
  const url = platform.loginUrl({ usePKCE: true, state: 'state-123' })
  const query = new URL(url).searchParams
  t.equal(query.get('code_challenge_method'), 'S256')
  t.equal(query.get('prompt'), '', 'the SDK sends empty parameters, which the mock ignores')

  const location = await signIn(url, { username: 'ben@example.com', password: 'Ben-Passw0rd', action: 'allow' })
  t.ok(location.startsWith(`${CALLBACK}?`), 'back at the registered callback')
  const redirect = platform.parseLoginRedirect(search(location))
  t.equal(redirect.state, 'state-123')
  t.equal(redirect.expires_in, '60')
  t.match(redirect.code, /^\w+$/)

  await platform.login({ code: redirect.code, redirect_uri: CALLBACK })
  const auth = await platform.auth().data()
  t.equal(auth.owner_id, '100200302')
  t.equal(auth.scope, 'ReadAccounts ReadMessages')
  t.ok(await platform.loggedIn())
  const tokenCall = wire[0]!
  t.equal(tokenCall.path, '/restapi/oauth/token')
  t.equal(tokenCall.authorization, null, 'a public client sends no Authorization header')
  t.equal(tokenCall.form?.get('grant_type'), 'authorization_code')
  t.equal(tokenCall.form?.get('client_id'), 'spa-app')
  t.match(tokenCall.form?.get('code_verifier'), /^[\w-]{43}$/, 'the SDK sends its verifier')

  t.equal(await whoAmI(platform), 100200302)

  const before = auth.access_token
  await platform.refresh()
  const refreshed = await platform.auth().data()
  t.not(refreshed.access_token, before, 'refresh gives a new access token')
  t.equal(await whoAmI(platform), 100200302)

  await platform.logout()
  t.notOk(await platform.auth().accessTokenValid())
  const dead = await fetch(`${mock.url}${OWN_EXTENSION}`, { headers: { authorization: `Bearer ${refreshed.access_token}` } })
  t.equal(dead.status, 401, 'the token is revoked on the server')
  t.same(wire.map(w => [w.method, w.path, w.status]), [
    ['POST', '/restapi/oauth/token', 200],
    ['GET', OWN_EXTENSION, 200],
    ['POST', '/restapi/oauth/token', 200],
    ['GET', OWN_EXTENSION, 200],
    ['POST', '/restapi/oauth/revoke', 200]
  ])
  t.equal(wire[4]?.form?.get('client_id'), 'spa-app')
})

t.test('a confidential app: Basic authentication, with and without PKCE', async t => {
  for (const usePKCE of [false, true]) {
    t.test(`usePKCE: ${usePKCE}`, async t => {
      const { platform, wire } = sdk('web-app', 'web-app-secret')
      const url = platform.loginUrl({ state: 'conf', usePKCE })
      t.equal(new URL(url).searchParams.has('code_challenge'), usePKCE)
      const location = await signIn(url, { username: '+16505550100', extension: '101', password: 'Ada-Passw0rd' })
      const { code, state } = platform.parseLoginRedirect(search(location))
      t.equal(state, 'conf')
      await platform.login({ code, redirect_uri: CALLBACK })
      t.match(wire[0]?.authorization, /^Basic /)
      t.equal(wire[0]?.form?.has('code_verifier'), usePKCE)
      t.equal(await whoAmI(platform), 100200301)
      await platform.refresh()
      t.equal(await whoAmI(platform), 100200301)
      await platform.logout()
      t.same(wire.map(w => w.status), [200, 200, 200, 200, 200])
    })
  }
})

t.test('Deny: parseLoginRedirect() throws the error description', async t => {
  const { platform } = sdk('spa-app')
  const location = await signIn(platform.loginUrl({ usePKCE: true, state: 'd' }), { action: 'deny' })
  t.throws(() => platform.parseLoginRedirect(search(location)), { message: 'The user denied access to the app', error: 'access_denied' })
  t.equal(new URL(location).searchParams.get('state'), 'd')
})

t.test('the SDK surfaces the mock\'s errors: a replayed code, and a verifier from another login', async t => {
  const { platform } = sdk('spa-app')
  const location = await signIn(platform.loginUrl({ usePKCE: true }), { username: 'ada@example.com', password: 'Ada-Passw0rd' })
  const { code } = platform.parseLoginRedirect(search(location))
  await platform.login({ code })
  const other = sdk('spa-app').platform
  await t.rejects(other.login({ code, code_verifier: 'x'.repeat(43) }), { message: 'Invalid authorization code' }, 'a replay')
  await t.rejects(platform.get(OWN_EXTENSION), /Token not found/, 'the replay ended the first session')

  const second = sdk('spa-app').platform
  const again = await signIn(second.loginUrl({ usePKCE: true }), { username: 'ada@example.com', password: 'Ada-Passw0rd' })
  second.loginUrl({ usePKCE: true }) // a new verifier replaces the one the code was made for
  await t.rejects(second.login(second.parseLoginRedirect(search(again))), { message: /S256: BASE64URL\(SHA256\(code_verifier\)\) differs/ })
})

t.test('codes expire after 60 s of scenario time', async t => {
  const { platform } = sdk('spa-app')
  const location = await signIn(platform.loginUrl({ usePKCE: true }), { username: 'ada@example.com', password: 'Ada-Passw0rd' })
  mock.clock.advance(60)
  await t.rejects(platform.login({ code: platform.parseLoginRedirect(search(location)).code }), { message: 'Authorization code is expired' })
})
