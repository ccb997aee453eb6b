/**
 * The login page in a real browser: Debian's chromium, driven headless by playwright-core.
 * A user is picked, the form is submitted, the browser lands on a callback page served by this
 * test, and the code is exchanged with the JS SDK. Also: keyboard only, without JavaScript,
 * wrong password, Deny, a browser app that exchanges the code itself through a dev-server proxy,
 * and the error page. Without /usr/bin/chromium the test is skipped, loudly.
 *
 * Set LOGIN_SCREENSHOTS=DIR to keep screenshots of the pages.
 */
import { mkdirSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { SDK } from '@ringcentral/sdk'
import t, { type Test } from 'tap'
import { startMockServer } from '../../src/index.js'
import { defaultScenario } from '../helper.js'
import { launch, withChromium } from './browser.js'

const OWN_EXTENSION = '/restapi/v1.0/account/~/extension/~'

await withChromium(t, 'browser login', run)

async function run (): Promise<void> {
  const shots = process.env.LOGIN_SCREENSHOTS
  if (shots) mkdirSync(shots, { recursive: true })
  const screenshot = async (page: import('playwright-core').Page, name: string) => {
    if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
  }

  // The app's side: a callback page, as a browser app would have at its redirect URI, and a dev
  // server proxy for /restapi (as docs/auth-code.md suggests), so the page can call the token
  // endpoint on its own origin.
  let mockUrl = ''
  const callbacks: string[] = []
  const callbackServer = createServer((req, res) => {
    if (req.url?.startsWith('/restapi/')) {
      proxy(mockUrl, req, res).catch(error => { res.writeHead(502).end(String(error)) })
      return
    }
    callbacks.push(req.url ?? '')
    const query = new URL(req.url ?? '/', 'http://x').searchParams
    const text = query.has('code') ? 'Signed in: code received' : `Sign-in failed: ${query.get('error') ?? 'no code'}`
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><html lang="en"><title>Callback</title><h1 id="result">${text}</h1></html>`)
  })
  await new Promise<void>(resolve => callbackServer.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => callbackServer.close(resolve)))
  const callback = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/oauth/callback`

  const scenario = defaultScenario()
  for (const app of scenario.apps) if (app.redirectUris) app.redirectUris = [callback]
  const mock = await startMockServer({ scenario })
  t.teardown(() => mock.close())
  mockUrl = mock.url

  const browser = await launch(t)

  /** Evaluated in the page (the tests are type-checked without the DOM library). */
  const ACTIVE_ID = 'document.activeElement && document.activeElement.id'
  const ACTIVE_LINK = '(() => { const el = document.activeElement, style = getComputedStyle(el); ' +
    'return { username: el.dataset.username, outline: style.outlineStyle + " " + style.outlineWidth } })()'

  /** A fresh page that records every request and every console error (CSP violations show there). */
  async function open (options: { javaScriptEnabled?: boolean } = {}) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, ...options })
    const page = await context.newPage()
    const requests: string[] = []
    const consoleErrors: string[] = []
    page.on('request', request => requests.push(request.url()))
    page.on('console', message => { if (message.type() === 'error') consoleErrors.push(message.text()) })
    return { page, requests, consoleErrors, close: () => context.close() }
  }

  let instances = 0
  function sdk (clientId: string, clientSecret?: string) {
    const rc = new SDK({ server: mock.url, clientId, ...(clientSecret ? { clientSecret } : {}), redirectUri: callback, cachePrefix: `browser-${++instances}-` })
    return rc.platform()
  }

  const onlyLocal = (t: Test, requests: string[]) => {
    const foreign = requests.filter(url => !url.startsWith(mock.url) && !url.startsWith(callback))
    t.same(foreign, [], 'no request leaves the mock and the callback (no external assets)')
  }

  t.test('pick a user, Allow, land on the callback, exchange the code (public app, PKCE)', async t => {
    const platform = sdk('spa-app')
    const { page, requests, consoleErrors, close } = await open()
    t.teardown(close)
    const response = await page.goto(platform.loginUrl({ usePKCE: true, state: 'browser-state' }))
    t.equal(response?.status(), 200)
    t.equal(await page.title(), 'Sign in to Browser dashboard (public, PKCE) · RingCentral')
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in')
    await screenshot(page, 'login')

    await page.getByRole('link', { name: /Ben Employee/ }).click()
    t.equal(await page.getByLabel('Email or phone number').inputValue(), 'ben@example.com', 'picking a user fills the username')
    t.ok(page.url().startsWith(`${mock.url}/restapi/oauth/authorize?`) && !page.url().includes('login_hint'), 'without navigating (script)')
    t.equal(await page.evaluate<string>(ACTIVE_ID), 'password', 'and moves focus to the password')
    t.equal(await page.getByRole('link', { name: /Ben Employee/ }).getAttribute('aria-current'), 'true')

    await page.getByLabel('Password').fill('Ben-Passw0rd')
    await page.getByRole('button', { name: 'Allow' }).click()
    await page.waitForURL(`${callback}?**`)
    t.equal(await page.locator('#result').textContent(), 'Signed in: code received')

    const { code, state } = platform.parseLoginRedirect(new URL(page.url()).search)
    t.equal(state, 'browser-state')
    await platform.login({ code })
    const me = await (await platform.get(OWN_EXTENSION)).json() as { id: number }
    t.equal(me.id, 100200302)
    await platform.logout()
    onlyLocal(t, requests)
    t.same(consoleErrors, [], 'no console errors (no CSP violations)')
  })

  t.test('keyboard only: Shift+Tab to a user, Enter, type the password, Enter (confidential app)', async t => {
    const platform = sdk('web-app', 'web-app-secret')
    const { page, close } = await open()
    t.teardown(close)
    await page.goto(platform.loginUrl({ state: 'kb' }))
    t.equal(await page.evaluate<string>(ACTIVE_ID), 'username', 'the username field has focus at first')
    await page.keyboard.press('Shift+Tab')
    const focused = await page.evaluate<{ username: string, outline: string }>(ACTIVE_LINK)
    t.same(focused, { username: 'cleo@example.com', outline: 'solid 3px' }, 'the last user has focus, with a visible outline')
    await page.keyboard.press('Enter')
    t.equal(await page.getByLabel('Email or phone number').inputValue(), 'cleo@example.com')
    await page.keyboard.type('Cleo-Passw0rd')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${callback}?**`)
    const { code, state } = platform.parseLoginRedirect(new URL(page.url()).search)
    t.equal(state, 'kb')
    await platform.login({ code })
    t.equal((await platform.auth().data()).owner_id, '100200303')
    await platform.logout()
  })

  t.test('without JavaScript: the user link fills the username through login_hint', async t => {
    const platform = sdk('spa-app')
    const { page, requests, close } = await open({ javaScriptEnabled: false })
    t.teardown(close)
    await page.goto(platform.loginUrl({ usePKCE: true, state: 'nojs' }))
    await page.getByRole('link', { name: /Ada Admin/ }).click()
    await page.waitForURL(/login_hint=/)
    t.equal(await page.getByLabel('Email or phone number').inputValue(), 'ada@example.com')
    await page.getByLabel('Password').fill('Ada-Passw0rd')
    await page.getByRole('button', { name: 'Allow' }).click()
    await page.waitForURL(`${callback}?**`)
    const { code } = platform.parseLoginRedirect(new URL(page.url()).search)
    await platform.login({ code })
    t.equal((await platform.auth().data()).owner_id, '100200301')
    onlyLocal(t, requests)
  })

  t.test('a wrong password shows the error on the page and stays there', async t => {
    const platform = sdk('spa-app')
    const { page, close } = await open()
    t.teardown(close)
    await page.goto(platform.loginUrl({ usePKCE: true }))
    await page.getByLabel('Email or phone number').fill('ada@example.com')
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Allow' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    t.match(await alert.textContent(), /The username or password is incorrect/)
    t.ok(page.url().startsWith(`${mock.url}/restapi/oauth/authorize`), 'still on the mock')
    t.equal(await page.getByLabel('Email or phone number').inputValue(), 'ada@example.com')
    t.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true')
    await screenshot(page, 'login-wrong-password')
    // …and a second try from the re-rendered page works.
    await page.getByLabel('Password').fill('Ada-Passw0rd')
    await page.getByRole('button', { name: 'Allow' }).click()
    await page.waitForURL(`${callback}?**`)
    t.ok(new URL(page.url()).searchParams.get('code'))
  })

  t.test('Deny: back at the callback with error=access_denied', async t => {
    const platform = sdk('spa-app')
    const { page, close } = await open()
    t.teardown(close)
    await page.goto(platform.loginUrl({ usePKCE: true, state: 'no' }))
    await page.getByRole('button', { name: 'Deny' }).click()
    await page.waitForURL(`${callback}?**`)
    t.equal(await page.locator('#result').textContent(), 'Sign-in failed: access_denied')
    const query = new URL(page.url()).searchParams
    t.equal(query.get('state'), 'no')
    t.throws(() => platform.parseLoginRedirect(new URL(page.url()).search), { message: 'The user denied access to the app' })
  })

  t.test('a browser app behind a dev-server proxy: sign in and exchange the code from the page', async t => {
    const origin = new URL(callback).origin
    const platform = new SDK({ server: origin, clientId: 'spa-app', redirectUri: callback, cachePrefix: `browser-${++instances}-` }).platform()
    const { page, requests, consoleErrors, close } = await open()
    t.teardown(close)
    await page.goto(platform.loginUrl({ usePKCE: true, state: 'proxied' }))
    t.ok(page.url().startsWith(`${origin}/restapi/oauth/authorize?`), 'the page is served through the proxy')
    await page.getByRole('link', { name: /Ada Admin/ }).click()
    await page.getByLabel('Password').fill('Ada-Passw0rd')
    await page.getByRole('button', { name: 'Allow' }).click()
    await page.waitForURL(`${callback}?**`)
    const exchange = `(async () => {
      const query = new URLSearchParams(location.search)
      const form = new URLSearchParams({ grant_type: 'authorization_code', code: query.get('code'), redirect_uri: ${JSON.stringify(callback)},
        client_id: 'spa-app', code_verifier: ${JSON.stringify(platform.codeVerifier)} })
      const token = await (await fetch('/restapi/oauth/token', { method: 'POST', body: form })).json()
      const me = await fetch('/restapi/v1.0/account/~/extension/~', { headers: { authorization: 'Bearer ' + token.access_token } })
      return { state: query.get('state'), owner: token.owner_id, me: (await me.json()).id }
    })()`
    t.same(await page.evaluate(exchange), { state: 'proxied', owner: '100200301', me: 100200301 }, 'the page exchanged the code and called the API')
    t.same(requests.filter(url => !url.startsWith(origin)), [], 'the browser only ever talked to its own origin')
    t.same(consoleErrors, [])
  })

  t.test('an unregistered redirect URI: an error page, never a redirect', async t => {
    const { page, requests, close } = await open()
    t.teardown(close)
    const before = callbacks.length
    const url = new URL(sdk('spa-app').loginUrl({ usePKCE: true }))
    url.searchParams.set('redirect_uri', 'http://127.0.0.1:9/elsewhere')
    const response = await page.goto(url.toString())
    t.equal(response?.status(), 400)
    t.match(await page.getByRole('alert').textContent(), /OAU-109: Redirect URIs do not match/)
    t.equal(callbacks.length, before)
    t.notOk(requests.some(r => r.includes(':9/elsewhere')), 'the browser never goes there')
    await screenshot(page, 'error-page')
  })
}

/** A minimal dev-server proxy: forwards a request to `target` as it came, redirects included. */
async function proxy (target: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length'].includes(name)) continue
    headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  const upstream = await fetch(`${target}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    redirect: 'manual'
  })
  const out: Record<string, string> = {}
  upstream.headers.forEach((value, name) => { if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value })
  res.writeHead(upstream.status, out)
  res.end(Buffer.from(await upstream.arrayBuffer()))
}
