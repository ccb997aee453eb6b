import t from 'tap'
import { build, type Harness, oauthError } from '../helper.js'

const CALLBACK = 'http://localhost:5173/oauth/callback'
const OTHER_CALLBACK = 'http://127.0.0.1:5173/oauth/callback'
const CHALLENGE = '_drLS7o5FwkfUiBhlq2hwJnK_SC6yE7sKOde5O1fdzk'

/** What `@ringcentral/sdk`'s loginUrl({ usePKCE: true, state }) sends, empty values included. */
const sdkQuery = (over: Record<string, string> = {}): Record<string, string> => ({
  response_type: 'code',
  redirect_uri: CALLBACK,
  client_id: 'spa-app',
  state: '',
  brand_id: '',
  display: '',
  prompt: '',
  ui_options: '',
  ui_locales: '',
  localeId: '',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  ...over
})

const qs = (params: Record<string, string>): string => new URLSearchParams(params).toString()

const get = (h: Harness, params: Record<string, string>, accept = 'text/html,application/xhtml+xml,*/*;q=0.8') =>
  h.app.inject({ method: 'GET', url: `/restapi/oauth/authorize?${qs(params)}`, headers: { accept } })

const post = (h: Harness, params: Record<string, string>, accept = '*/*') =>
  h.app.inject({
    method: 'POST',
    url: '/restapi/oauth/authorize',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
    payload: qs(params)
  })

/** The hidden inputs of the page's form. */
const hiddenFields = (html: string): Record<string, string> =>
  Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(m => [m[1], m[2]]))

t.test('GET /restapi/oauth/authorize: the sign-in page', async t => {
  const h = await build(t)
  const res = await get(h, sdkQuery({ state: 'xyz', foo: 'ignored', ui_options: 'hide_logo' }))
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.headers['content-security-policy'], /default-src 'none'/)
  const html = res.body
  t.match(html, /<html lang="en">/)
  t.match(html, /Browser dashboard \(public, PKCE\)/, "the app's name")
  for (const who of ['Ada Admin', 'Ben Employee', 'Cleo Frontdesk', 'ada@example.com']) t.match(html, who, `lists ${who}`)
  t.match(html, /<label for="username">Email or phone number<\/label>/)
  t.match(html, /<label for="password">Password<\/label>/)
  t.match(html, /<label for="extension">Extension/)
  t.match(html, /<button type="submit" class="primary" name="action" value="allow">Allow<\/button>/)
  t.match(html, /<button type="submit" class="secondary" name="action" value="deny" formnovalidate>Deny<\/button>/)
  t.match(html, /:focus-visible\{outline:3px solid/, 'a visible focus style')
  t.match(html, /Read accounts/, 'the permissions the app asks for')
  t.same(hiddenFields(html), {
    response_type: 'code',
    client_id: 'spa-app',
    redirect_uri: CALLBACK,
    state: 'xyz',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256'
  }, 'the request is carried through the form; empty and unknown parameters are dropped')
  t.notMatch(html, /<link|<img|\ssrc=|url\(|@import|https?:\/\/(?!localhost:5173)/, 'no external assets')
  const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers['content-security-policy'] as string)?.[1]
  t.ok(nonce && html.includes(`<script nonce="${nonce}">`), 'the one inline script carries the CSP nonce')
})

t.test('the user list works without JavaScript: each user links to the request with login_hint', async t => {
  const h = await build(t)
  const first = await get(h, sdkQuery({ state: 'xyz' }))
  const href = /<a href="([^"]*)" data-username="ben@example.com"/.exec(first.body)?.[1]
  t.ok(href, 'a link for Ben')
  const url = new URL(href!.replace(/&amp;/g, '&'), 'http://mock/restapi/oauth/authorize')
  t.equal(url.pathname, '/restapi/oauth/authorize')
  t.equal(url.searchParams.get('login_hint'), 'ben@example.com')
  t.equal(url.searchParams.get('code_challenge'), CHALLENGE)
  const res = await h.app.inject({ method: 'GET', url: url.pathname + url.search })
  t.equal(res.statusCode, 200)
  t.match(res.body, /id="username" name="username"[^>]* value="ben@example.com"/, 'the username is filled in')
  t.match(res.body, /id="password"[^>]* autofocus/, 'and the password field has focus')
  t.match(res.body, /data-username="ben@example.com" aria-current="true"/, 'Ben is marked as picked')
})

t.test('users without a password are not offered; a user without an email signs in as number*ext', async t => {
  const h = await build(t, s => {
    delete s.accounts[0]!.extensions[2]!.password
    delete s.accounts[0]!.extensions[1]!.email
  })
  const res = await get(h, sdkQuery())
  t.notMatch(res.body, /Cleo Frontdesk/)
  t.match(res.body, /data-username="\+16505550100\*102"/)
})

t.test('everything shown is escaped', async t => {
  const h = await build(t, s => { s.apps[4]!.name = '<b>"Evil" & Co\'s</b>' })
  const res = await get(h, sdkQuery({ state: '"><script>alert(1)</script>', login_hint: '<img src=x>' }))
  t.equal(res.statusCode, 200)
  t.notMatch(res.body, /<b>"Evil"|<script>alert|<img src=x>/)
  t.match(res.body, /&lt;b&gt;&quot;Evil&quot; &amp; Co&#39;s&lt;\/b&gt;/)
  t.match(res.body, /name="state" value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/)
})

t.test('requests that are never redirected', async t => {
  const h = await build(t, s => {
    s.apps.push({ clientId: 'no-uris', clientSecret: 's', grantTypes: ['authorization_code'] })
  })
  const cases: Array<[string, Record<string, string>, number, Record<string, unknown>]> = [
    ['no client_id', sdkQuery({ client_id: '' }), 400, {
      error: 'invalid_request',
      errors: [{ errorCode: 'CMN-100', message: 'Mandatory parameter [client_id] not specified', parameterName: 'client_id' }],
      error_description: 'Mandatory parameter [client_id] not specified'
    }],
    ['an unknown client', sdkQuery({ client_id: 'nobody' }), 400, {
      error: 'invalid_client',
      errors: [{ errorCode: 'OAU-153', message: 'Invalid client: nobody', parameters: [{ parameterName: 'client_id', parameterValue: 'nobody' }] }],
      error_description: 'Invalid client: nobody'
    }],
    ['a redirect_uri that is not registered', sdkQuery({ redirect_uri: 'https://evil.example/cb' }), 400,
      oauthError('invalid_grant', 'OAU-109', 'Redirect URIs do not match')],
    ['a registered URI with a different trailing slash', sdkQuery({ redirect_uri: `${CALLBACK}/` }), 400,
      oauthError('invalid_grant', 'OAU-109', 'Redirect URIs do not match')],
    ['an app with no registered redirect URI', sdkQuery({ client_id: 'no-uris', redirect_uri: '' }), 403,
      oauthError('invalid_client', 'OAU-113', 'No redirect uri is registered for the client')],
    ['an app with no registered redirect URI, even when one is given', sdkQuery({ client_id: 'no-uris' }), 403,
      oauthError('invalid_client', 'OAU-113', 'No redirect uri is registered for the client')],
    ['no redirect_uri while several are registered', sdkQuery({ redirect_uri: '' }), 400, {
      error: 'invalid_request',
      errors: [{ errorCode: 'CMN-100', message: 'Mandatory parameter [redirect_uri] not specified', parameterName: 'redirect_uri' }],
      error_description: 'Mandatory parameter [redirect_uri] not specified'
    }]
  ]
  for (const [name, params, status, body] of cases) {
    t.test(name, async t => {
      for (const send of [get, post]) {
        const json = await send(h, params, 'application/json')
        t.equal(json.statusCode, status, `${send.name}: status`)
        t.notOk(json.headers.location, `${send.name}: no redirect`)
        t.match(json.headers['content-type'], /^application\/json/)
        t.same(json.json(), body, `${send.name}: the OAuth error body`)

        const page = await send(h, params, 'text/html,*/*;q=0.8')
        t.equal(page.statusCode, status, `${send.name}, browser: status`)
        t.notOk(page.headers.location, `${send.name}, browser: no redirect`)
        t.match(page.headers['content-type'], /^text\/html/)
        const code = (body.errors as Array<{ errorCode: string }>)[0]!.errorCode
        t.match(page.body, new RegExp(`<b>${code}</b>`), `${send.name}, browser: the page names ${code}`)
        t.match(page.body, /role="alert"/)
      }
    })
  }
})

t.test('the error page shows what to fix', async t => {
  const h = await build(t)
  const res = await get(h, sdkQuery({ redirect_uri: 'http://localhost:3000/cb' }))
  t.match(res.body, /Registered redirect URIs<\/dt><dd>http:\/\/localhost:5173\/oauth\/callback\nhttp:\/\/127\.0\.0\.1:5173\/oauth\/callback<\/dd>/)
  t.match(res.body, /redirect_uri in the request<\/dt><dd>http:\/\/localhost:3000\/cb<\/dd>/)
})

t.test('a repeated parameter: OAU-111, not a redirect', async t => {
  const h = await build(t)
  const res = await h.app.inject({ method: 'GET', url: `/restapi/oauth/authorize?${qs(sdkQuery())}&client_id=spa-app`, headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().errors[0].errorCode, 'OAU-111')
})

t.test('problems reported back to the registered redirect URI (RFC 6749 §4.1.2.1)', async t => {
  const h = await build(t, s => {
    s.apps.push({ clientId: 'no-code-grant', clientSecret: 's', grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], redirectUris: [CALLBACK] })
  })
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['no response_type', sdkQuery({ response_type: '', state: 's1' }), 'invalid_request', 'Mandatory parameter [response_type] not specified'],
    ['response_type=token (implicit)', sdkQuery({ response_type: 'token', state: 's1' }), 'unsupported_response_type', 'Unsupported response type: token (only "code" is supported)'],
    ['an app without the authorization_code grant', sdkQuery({ client_id: 'no-code-grant', state: 's1' }), 'unauthorized_client', 'Unauthorized for this grant type'],
    ['an unknown code_challenge_method', sdkQuery({ code_challenge_method: 'S512', state: 's1' }), 'invalid_request', 'Parameter [code_challenge_method] value is invalid: S512 (use S256 or plain)'],
    ['code_challenge_method without code_challenge', sdkQuery({ client_id: 'web-app', code_challenge: '', state: 's1' }), 'invalid_request', 'code_challenge_method was given without code_challenge'],
    ['a code_challenge too short for RFC 7636', sdkQuery({ code_challenge: 'short', state: 's1' }), 'invalid_request', 'Parameter [code_challenge] value is invalid: it must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.2)'],
    ['a public client without PKCE', sdkQuery({ code_challenge: '', code_challenge_method: '', state: 's1' }), 'invalid_request', 'Mandatory parameter [code_challenge] not specified: a public client must use PKCE'],
    ['prompt=none (the mock never has a signed-in session)', sdkQuery({ prompt: 'none', state: 's1' }), 'login_required', 'prompt=none: no user is signed in']
  ]
  for (const [name, params, error, description] of cases) {
    for (const send of [get, post]) {
      const res = await send(h, params)
      t.equal(res.statusCode, 302, `${name} (${send.name}): 302`)
      t.equal(res.headers.location, `${CALLBACK}?${qs({ error, error_description: description, state: 's1' })}`, `${name} (${send.name}): Location`)
    }
  }
  const noState = await get(h, sdkQuery({ response_type: 'token' }))
  t.equal(noState.headers.location, `${CALLBACK}?${qs({ error: 'unsupported_response_type', error_description: 'Unsupported response type: token (only "code" is supported)' })}`, 'no state when none was given')
})

t.test('POST /restapi/oauth/authorize: signing in', async t => {
  const h = await build(t)
  const form = (extra: Record<string, string>) => ({ ...sdkQuery({ state: 'xyz' }), ...extra })

  t.test('success: 302 to redirect_uri?code=…&state=…&expires_in=60', async t => {
    const res = await post(h, form({ username: 'ada@example.com', password: 'Ada-Passw0rd', action: 'allow' }))
    t.equal(res.statusCode, 302)
    const location = res.headers.location as string
    t.match(location, /^http:\/\/localhost:5173\/oauth\/callback\?code=[A-Za-z0-9]{40}&state=xyz&expires_in=60$/)
    t.equal(res.body, '')
  })

  t.test('no state given: none sent back', async t => {
    const res = await post(h, { ...sdkQuery(), username: 'ada@example.com', password: 'Ada-Passw0rd' })
    t.match(res.headers.location, /^http:\/\/localhost:5173\/oauth\/callback\?code=[A-Za-z0-9]{40}&expires_in=60$/)
  })

  t.test('the other registered URI is used when asked for', async t => {
    const res = await post(h, { ...sdkQuery({ redirect_uri: OTHER_CALLBACK }), username: 'ada@example.com', password: 'Ada-Passw0rd' })
    t.match(res.headers.location, /^http:\/\/127\.0\.0\.1:5173\/oauth\/callback\?code=/)
  })

  t.test('every username form RingCentral accepts', async t => {
    const logins: Array<[Record<string, string>, string]> = [
      [{ username: 'BEN@example.com', password: 'Ben-Passw0rd' }, '100200302'],
      [{ username: '+16505550100*103', password: 'Cleo-Passw0rd' }, '100200303'],
      [{ username: '+16505550100', extension: '102', password: 'Ben-Passw0rd' }, '100200302'],
      [{ username: '(650) 555-0102', password: 'Ben-Passw0rd' }, '100200302']
    ]
    for (const [credentials, owner] of logins) {
      const res = await post(h, form(credentials))
      t.equal(res.statusCode, 302, credentials.username)
      const code = new URL(res.headers.location as string).searchParams.get('code')!
      t.equal(h.ctx.codes.find(code, h.ctx.now())?.owner.id, owner, `${credentials.username}: the code is the user's`)
    }
  })

  t.test('wrong credentials re-render the page with the error; nothing is redirected', async t => {
    const codes = h.ctx.codes.size
    const attempts: Array<Record<string, string>> = [
      { username: 'ada@example.com', password: 'wrong' },
      { username: 'nobody@example.com', password: 'Ada-Passw0rd' },
      { username: '+16505550100', extension: '999', password: 'Ada-Passw0rd' }
    ]
    for (const credentials of attempts) {
      const res = await post(h, form(credentials), 'text/html')
      t.equal(res.statusCode, 401, credentials.username)
      t.notOk(res.headers.location)
      t.match(res.headers['content-type'], /^text\/html/)
      t.match(res.body, /<div class="alert" id="login-error" role="alert">.*The username or password is incorrect/)
      t.match(res.body, /id="username" name="username"[^>]* aria-invalid="true" aria-describedby="login-error" value="[^"]+"/, 'the username is kept')
      t.notMatch(res.body, new RegExp(credentials.password!), 'the password is not echoed')
      t.same(hiddenFields(res.body).code_challenge, CHALLENGE, 'the request is still carried')
    }
    t.equal(h.ctx.codes.size, codes, 'no code issued')
  })

  t.test('a user without a password cannot sign in', async t => {
    const h = await build(t, s => { delete s.accounts[0]!.extensions[2]!.password })
    const res = await post(h, form({ username: 'cleo@example.com', password: 'Cleo-Passw0rd' }))
    t.equal(res.statusCode, 401)
  })

  t.test('Allow without a password: 400 and the page again', async t => {
    const res = await post(h, form({ username: 'ada@example.com', action: 'allow' }))
    t.equal(res.statusCode, 400)
    t.match(res.body, /Enter your email or phone number and your password/)
    t.notOk(res.headers.location)
  })

  t.test('a POST without credentials or action is the authorization request itself: the page', async t => {
    const res = await post(h, form({}))
    t.equal(res.statusCode, 200)
    t.match(res.body, /<form method="post" action="authorize" novalidate>/)
    t.notMatch(res.body, /role="alert"/)
  })

  t.test('an unknown action: CMN-101', async t => {
    const res = await post(h, form({ action: 'maybe', username: 'ada@example.com', password: 'Ada-Passw0rd' }))
    t.equal(res.statusCode, 400)
    t.equal(res.json().errors[0].errorCode, 'CMN-101')
  })

  t.test('the form is checked again: a swapped redirect_uri is refused even with good credentials', async t => {
    const res = await post(h, { ...sdkQuery({ redirect_uri: 'https://evil.example/cb' }), username: 'ada@example.com', password: 'Ada-Passw0rd' })
    t.equal(res.statusCode, 400)
    t.notOk(res.headers.location)
    t.equal(res.json().errors[0].errorCode, 'OAU-109')
  })

  t.test('a JSON body is not the form: 415', async t => {
    const res = await h.app.inject({ method: 'POST', url: '/restapi/oauth/authorize', payload: { client_id: 'spa-app' } })
    t.equal(res.statusCode, 415)
  })
})

t.test('Deny: 302 with error=access_denied', async t => {
  const h = await build(t)
  const denied = await post(h, { ...sdkQuery({ state: 'st' }), action: 'deny' })
  t.equal(denied.statusCode, 302)
  t.equal(denied.headers.location, `${CALLBACK}?error=access_denied&error_description=The+user+denied+access+to+the+app&state=st`)
  const noState = await post(h, { ...sdkQuery(), action: 'deny', username: 'ada@example.com' })
  t.equal(noState.headers.location, `${CALLBACK}?error=access_denied&error_description=The+user+denied+access+to+the+app`)
  t.equal(h.ctx.codes.size, 0, 'no code issued')
})

t.test('one registered redirect URI: redirect_uri may be left out', async t => {
  const h = await build(t)
  const page = await get(h, { response_type: 'code', client_id: 'web-app' })
  t.equal(page.statusCode, 200)
  t.match(page.body, /Scheduling portal/)
  const res = await post(h, { response_type: 'code', client_id: 'web-app', username: 'ada@example.com', password: 'Ada-Passw0rd' })
  t.match(res.headers.location, /^http:\/\/localhost:5173\/oauth\/callback\?code=\w+&expires_in=60$/)
})

t.test('a registered URI with its own query string keeps it', async t => {
  const h = await build(t, s => { s.apps[3]!.redirectUris = ['http://localhost:8080/cb?tenant=a'] })
  const res = await post(h, { response_type: 'code', client_id: 'web-app', state: 'q', username: 'ada@example.com', password: 'Ada-Passw0rd' })
  t.match(res.headers.location, /^http:\/\/localhost:8080\/cb\?tenant=a&code=\w+&state=q&expires_in=60$/)
})
