/**
 * The dashboard in a real browser (Debian's chromium, headless, through playwright-core), beside
 * the official JS SDK and a real webhook receiver: a JWT login shows up in Sessions live; an SMS
 * sent with the SDK turns Delivered when the page moves the clock; an inbound SMS composed on the
 * page reaches the app's webhook; a rule added on the page makes the SDK fail with MSG-304, whose
 * journal entry opens; a High Volume batch completes on the clock with its opted-out recipient's
 * SMS-RC-413, and the page opts a pair out; the OAuth debugger signs in through the login page and
 * exchanges the code.
 * Also: a replaced scenario and a restarted mock are announced, the control token is asked for,
 * every view passes axe-core's WCAG checks, works from the keyboard and fits a phone's width, and
 * nothing is loaded from anywhere but the mock. Without /usr/bin/chromium the test is skipped,
 * loudly.
 *
 * Set DASHBOARD_SCREENSHOTS=DIR to keep screenshots of the main views (docs/images has them).
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { SDK } from '@ringcentral/sdk'
import t, { type Test } from 'tap'
import { startMockServer, type MockServer } from '../../src/index.js'
import { startReceiver } from '../events/receiver.js'
import { defaultScenario } from '../helper.js'
import { launch, withChromium } from './browser.js'

const SMS = '/restapi/v1.0/account/~/extension/~/sms'
const INSTANT = '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'
const A2P_BATCHES = '/restapi/v1.0/account/~/a2p-sms/batches'

await withChromium(t, 'dashboard', run)

async function run (): Promise<void> {
  type Page = import('playwright-core').Page
  const shots = process.env.DASHBOARD_SCREENSHOTS
  if (shots) mkdirSync(shots, { recursive: true })
  const screenshot = async (page: Page, name: string): Promise<void> => {
    if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false })
  }
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

  const browser = await launch(t)

  /** A frozen clock: only the page (or the test) moves it. */
  function scenario () {
    const s = defaultScenario()
    s.clock = { start: '2024-03-30T12:00:00Z', frozen: true }
    return s
  }

  async function mockFor (t: Test, options: Parameters<typeof startMockServer>[0] = {}): Promise<MockServer> {
    const mock = await startMockServer({ scenario: scenario(), validateResponses: true, ...options })
    t.teardown(() => mock.close())
    return mock
  }

  /** A page on the dashboard that records every request it makes and every error it logs. */
  async function open (t: Test, mock: MockServer, options: { width?: number, hash?: string } = {}) {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mock.url })
    const page = await context.newPage()
    const requests: string[] = []
    const errors: string[] = []
    page.on('request', request => requests.push(request.url()))
    page.on('console', message => { if (message.type() === 'error') errors.push(message.text()) })
    page.on('pageerror', error => errors.push(error.message))
    t.teardown(() => context.close())
    await page.goto(`${mock.url}/__mock/ui${options.hash ?? ''}`)
    await page.getByTestId('connection').getByText('Live').waitFor()
    /** The checks every test ends with. */
    const verify = (): void => {
      t.same(errors, [], 'no script error and no CSP violation in the page')
      t.same(requests.filter(url => !url.startsWith(mock.url)), [], 'nothing loaded from anywhere but the mock')
      t.same(mock.contractViolations, [], 'every answer the page got is the documented shape')
    }
    return { page, requests, errors, verify }
  }

  const sdk = (mock: MockServer) => new SDK({ server: mock.url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' }).platform()

  /** axe-core's WCAG 2 A/AA rules on the page as it is now. */
  async function accessible (t: Test, page: Page, view: string): Promise<void> {
    // Evaluated through the debugging protocol: the page's CSP (script-src 'self') stays in force.
    if (!await page.evaluate('typeof window.axe === "object"')) await page.evaluate(axeSource)
    const result = await page.evaluate<{ violations: Array<{ id: string, impact: string, nodes: Array<{ target: string[] }> }> }>(
      "window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })")
    t.same(result.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`), [], `${view}: no WCAG A/AA violation`)
  }

  t.test('a JWT login appears in Sessions live, with its countdown; the page ends it', async t => {
    const mock = await mockFor(t)
    const { page, requests, verify } = await open(t, mock, { hash: '#/sessions' })
    t.ok(requests.some(url => url.endsWith('/__mock/stream')), 'the page listens to the event stream')
    await page.getByText('Nobody is logged in').waitFor()
    const platform = sdk(mock)
    await platform.login({ jwt: mock.jwt('ada-jwt') })
    const row = page.getByRole('row', { name: /Ada Admin/ })
    await row.waitFor()
    t.match(await row.textContent(), /SMS reminders \(JWT\).*jwt-app.*JWT.*59 min 59 s left|60 min|1 h 00 min left/)
    // The clock moved by someone else: the page shows it without being asked.
    mock.clock.advance(30 * 60)
    await row.getByText(/30 min 00 s left/).waitFor()
    await page.getByTestId('clock-now').getByText('2024-03-30 12:30:00').waitFor()
    await screenshot(page, 'sessions')
    await accessible(t, page, 'Sessions')

    await row.getByRole('button', { name: 'End session' }).click()
    await page.getByText('Nobody is logged in').waitFor()
    t.equal(mock.sessions.list().length, 0, 'the session ended')
    const refused = await platform.get('/restapi/v1.0/account/~/extension/~').catch((e: Error) => e)
    t.ok(refused instanceof Error, 'its token no longer works')
    verify()
  })

  t.test('an SMS sent with the SDK turns Delivered when the page moves the clock', async t => {
    const mock = await mockFor(t)
    const { page, verify } = await open(t, mock, { hash: '#/messages' })
    const platform = sdk(mock)
    await platform.login({ jwt: mock.jwt('ada-jwt') })
    const sent = await (await platform.post(SMS, { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+15551230000' }], text: 'Your appointment is tomorrow at 10. Reply C to confirm.' })).json() as { id: number }
    const row = page.locator(`tr[data-message="${sent.id}"]`)
    await row.getByTestId('message-status').getByText('Queued').waitFor()
    await page.getByRole('button', { name: 'Advance the clock 10 s' }).click()
    await row.getByTestId('message-status').getByText('Delivered').waitFor()
    const history = await row.getByRole('list', { name: `Status history of message ${sent.id}` }).textContent()
    t.match(history, /Queued.*2024-03-30 12:00:00.*Sent.*2024-03-30 12:00:02.*Delivered.*2024-03-30 12:00:05/, 'every status with its time')
    await screenshot(page, 'messages')
    await accessible(t, page, 'Messages')

    // A second one, made to fail from the page with a chosen carrier code.
    const second = await (await platform.post(SMS, { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+15551230001' }], text: 'Second' })).json() as { id: number }
    const secondRow = page.locator(`tr[data-message="${second.id}"]`)
    await secondRow.getByRole('button', { name: `Fail message ${second.id}…` }).click()
    await secondRow.getByLabel('Status', { exact: true }).selectOption('DeliveryFailed')
    await secondRow.getByLabel('Error code').selectOption('SMS-CAR-430')
    await secondRow.getByRole('button', { name: 'Fail it' }).click()
    await secondRow.getByTestId('message-status').getByText('DeliveryFailed').waitFor()
    t.match(await secondRow.getByTestId('message-status').textContent(), /SMS-CAR-430/)
    const read = await (await platform.get(`/restapi/v1.0/account/~/extension/~/message-store/${second.id}`)).json() as { messageStatus: string, deliveryErrorCode: string }
    t.same([read.messageStatus, read.deliveryErrorCode], ['DeliveryFailed', 'SMS-CAR-430'], 'the app reads the same failure')
    verify()
  })

  t.test('High Volume SMS: a batch completes on the clock, SMS-RC-413 for the opted out; the page opts a pair out', async t => {
    const mock = await mockFor(t, { scenario: 'nightly-batch' })
    const { page, requests, errors, verify } = await open(t, mock, { hash: '#/a2p' })
    await page.getByText('No batches yet').waitFor()
    // The scenario's opt-outs are listed from the start.
    await page.locator('tr[data-consent="+18885550100 +15550100013"]').getByText('OptOut').waitFor()

    const platform = new SDK({ server: mock.url, clientId: 'batch-app', clientSecret: 'batch-app-secret' }).platform()
    await platform.login({ jwt: mock.jwt('ops-jwt') })
    const created = await (await platform.post(A2P_BATCHES, { from: '+18885550100', text: 'Reminder', messages: [{ to: ['+15550100001'] }, { to: ['+15550100013'] }, { to: ['5550100007'] }] })).json() as { id: string }
    const row = page.locator(`tr[data-batch="${created.id}"]`)
    await row.getByTestId('batch-status').getByText('Processing').waitFor()
    t.match(await row.textContent(), /\+18885550100.*0 \/ 2 processed/, 'the batch appears live, nothing processed on a frozen clock')
    t.equal(await row.getByRole('link').getAttribute('href'), `#/a2p/${created.id}`)
    t.equal(await row.getByRole('link').textContent(), `${created.id.slice(0, 8)}${created.id.slice(8)}…`, 'the id shortened on screen, the rest read out')

    // The clock moved by the test: the counts follow without a reload.
    const moved = await fetch(`${mock.url}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 10 }) })
    t.equal(moved.status, 200)
    await row.getByTestId('batch-status').getByText('Completed').waitFor()
    const cells = await row.locator('td').allTextContents()
    t.same(cells.slice(1, 8), ['+18885550100', 'Completed2 / 2 processed', '0', '0', '1', '1', '0'], 'from, status and processed, then Queued, Sent, Delivered, SendingFailed, DeliveryFailed')
    t.match(cells[8], /^SMS-RC-413 × 1$/, 'the opted-out recipient\'s code, with its count')
    t.match(cells[9], /^\d+(\.\d+)?$/, 'a cost once completed')

    // Open it: its aggregate and its messages.
    await row.getByRole('link').click()
    await page.getByRole('heading', { name: `Batch ${created.id}` }).waitFor()
    const failed = page.locator('tr[data-a2p-message]', { hasText: '+15550100013' })
    await failed.getByTestId('a2p-message-status').getByText('SendingFailed').waitFor()
    t.match(await failed.textContent(), /SMS-RC-413.*none \(not sent\).*Reminder/, 'the code, no segments, the text')
    t.match(await page.locator('tr[data-a2p-message]', { hasText: '+15550100001' }).textContent(), /Delivered.*—1.*Reminder/)
    t.equal(await page.locator('tr[data-status="SendingFailed"] td').textContent(), '1')
    t.match(await page.locator('tr[data-error-code="SMS-RC-413"]').textContent(), /SMS-RC-413.*SendingFailed.*opted out.*1/)
    t.match(await page.locator('tr[data-rejected="3"]').textContent(), /3.*"5550100007".*SMS-RC-410/, 'the rejected recipient, which RingCentral shows only in the create answer')
    t.ok(requests.some(url => url.endsWith(`/__mock/a2p/batches/${created.id}?limit=100`)), 'the first 100 messages, by default')
    const more = page.waitForRequest(request => request.url().endsWith(`/__mock/a2p/batches/${created.id}?limit=1000`))
    await page.getByLabel('Messages shown').selectOption('1000')
    await more
    await page.getByText(/The first 2 of 2 messages.*limit=1000/).waitFor()
    await screenshot(page, 'a2p')
    await accessible(t, page, 'High Volume SMS')

    // The consent form: a refusal says why; then a pair opted out.
    await page.getByLabel('From', { exact: true }).selectOption('+18885550100')
    await page.getByLabel('To', { exact: true }).fill('5550100001')
    await page.getByLabel('Status', { exact: true }).selectOption('OptOut')
    const logged = page.waitForEvent('console', message => message.type() === 'error' && /status of 400/.test(message.text()))
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.getByRole('alert').getByText(/records\[0\]\.to must be an E\.164 number/).waitFor()
    // The browser logs the refused request itself: that one is expected.
    const refusal = (await logged).text()
    errors.splice(errors.indexOf(refusal), 1)
    await page.getByLabel('To', { exact: true }).fill('+15550100001')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.getByRole('status').getByText('+15550100001 is now opted out of +18885550100.').waitFor()
    await page.locator('tr[data-consent="+18885550100 +15550100001"]').getByText('OptOut').waitFor()
    const listed = await (await fetch(`${mock.url}/__mock/consents`)).json() as { records: Array<{ from: string, to: string, optStatus: string, source: string }> }
    t.match(listed.records.find(r => r.to === '+15550100001'), { from: '+18885550100', optStatus: 'OptOut', source: 'Recipient' }, 'GET /__mock/consents has it')
    await accessible(t, page, 'High Volume SMS, after the consent form')

    await page.getByRole('link', { name: 'Close the batch' }).click()
    await page.getByRole('heading', { name: `Batch ${created.id}` }).waitFor({ state: 'detached' })
    verify()
  })

  t.test('an inbound SMS composed on the page reaches the app\'s webhook', async t => {
    const mock = await mockFor(t)
    const receiver = await startReceiver(t)
    const platform = sdk(mock)
    await platform.login({ jwt: mock.jwt('ada-jwt') })
    await platform.post('/restapi/v1.0/subscription', { eventFilters: [INSTANT], deliveryMode: { transportType: 'WebHook', address: receiver.url } })
    const { page, verify } = await open(t, mock, { hash: '#/messages' })
    await page.getByLabel('From').fill('+16505550177')
    await page.getByLabel('To', { exact: true }).selectOption('+16505550100')
    await page.getByLabel('Text').fill('C')
    await page.getByRole('button', { name: 'Send to the mock' }).click()
    await page.getByRole('status').getByText(/Received as message/).waitFor()
    const notification = await receiver.nth(2)
    t.equal(notification.json.body.subject, 'C', 'the customer\'s reply, by webhook')
    t.equal(notification.json.body.from.phoneNumber, '+16505550177')
    t.equal(notification.json.event, `/restapi/v1.0/account/100200300/extension/100200301/message-store/instant?type=SMS`)

    await page.goto(`${mock.url}/__mock/ui#/events`)
    await page.getByRole('table', { name: 'Delivery attempts, newest first' }).getByText('validation handshake').waitFor()
    t.match(await page.getByRole('table', { name: 'Subscriptions' }).textContent(), /WebHook.*Active/)
    await screenshot(page, 'events')
    await accessible(t, page, 'Events')
    verify()
  })

  t.test('a rule added on the page makes the SDK fail with MSG-304; its journal entry opens', async t => {
    const mock = await mockFor(t)
    const { page, verify } = await open(t, mock, { hash: '#/rules' })
    await page.getByLabel('Id (optional)').fill('not-her-number')
    await page.getByLabel('Operation').selectOption('createSMSMessage')
    await page.getByLabel('Error code').selectOption('MSG-304')
    await page.getByRole('button', { name: 'Add the rule' }).click()
    await page.locator('tr[data-rule="not-her-number"]').waitFor()
    await accessible(t, page, 'Rules')

    const platform = sdk(mock)
    await platform.login({ jwt: mock.jwt('ada-jwt') })
    const failure = await platform.post(SMS, { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+15551230000' }], text: 'hi' }).catch((e: any) => e)
    const body = await failure.response?.json() as { errorCode: string, errors: Array<{ errorCode: string, message: string }> }
    t.equal(failure.response?.status, 403)
    t.equal(body.errors[0]?.errorCode, 'MSG-304')
    t.equal(body.errors[0]?.message, "Phone number doesn't belong to extension")
    // Its counters on the page: matched 1, applied 1, none left.
    const counters = page.locator('tr[data-rule="not-her-number"] td')
    await counters.nth(6).getByText('0', { exact: true }).waitFor()
    t.same(await Promise.all([4, 5, 6].map(async i => await counters.nth(i).textContent())), ['1', '1', '0'])
    t.same(mock.rules.list().map(r => [r.id, r.applied, r.remaining]), [['not-her-number', 1, 0]])

    await page.getByRole('link', { name: /^Journal/ }).click()
    await page.getByLabel('Error code').fill('MSG-304')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByText('1 matching').waitFor()
    const [entry] = mock.requests.list({ errorCode: 'MSG-304' })
    await screenshot(page, 'journal')
    await accessible(t, page, 'Journal')
    await page.getByRole('link', { name: `Open journal entry ${entry!.id}` }).click()
    await page.getByRole('heading', { name: `Journal entry ${entry!.id}` }).waitFor()
    const response = await page.getByRole('region', { name: 'Response' }).textContent()
    t.match(response, /MSG-304/)
    t.match(response, /Phone number doesn't belong to extension/)
    t.match(await page.getByRole('region', { name: 'Request' }).textContent(), /authorization: Bearer \[redacted\]/i, 'secrets redacted as in the log')
    await screenshot(page, 'journal-entry')
    await accessible(t, page, 'Journal entry')
    verify()
  })

  t.test('the OAuth debugger: start a PKCE flow, sign in, come back, see the TokenInfo', async t => {
    const mock = await mockFor(t)
    const { page, verify } = await open(t, mock, { hash: '#/oauth?clientId=spa-app' })
    t.equal(await page.getByLabel('App', { exact: true }).inputValue(), 'spa-app')
    t.ok(await page.getByLabel(/Use PKCE/).isChecked(), 'PKCE on for a public app')
    await page.getByRole('button', { name: 'Start the flow' }).click()
    await page.getByRole('link', { name: 'Open the login page' }).waitFor()
    await screenshot(page, 'oauth')
    await accessible(t, page, 'OAuth debugger')
    await page.getByRole('link', { name: 'Open the login page' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.getByRole('link', { name: /Ben Employee/ }).click()
    await page.getByLabel('Password').fill('Ben-Passw0rd')
    await page.getByRole('button', { name: 'Allow' }).click()
    await page.waitForURL(`${mock.url}/__mock/ui/callback?**`)
    const response = page.getByRole('region', { name: 'Token response' })
    await response.getByText('200', { exact: true }).waitFor()
    t.match(await response.textContent(), /token_type.*bearer.*owner_id.*100200302/)
    t.notMatch(await response.textContent(), /[A-Za-z0-9]{40,}/, 'the tokens are masked (copy buttons hold them)')
    const request = await page.getByRole('region', { name: 'Token request' }).textContent()
    t.match(request, /grant_type=authorization_code/)
    t.match(request, /code_verifier=/)
    t.match(request, /client_id=spa-app/)
    t.same(mock.sessions.list().map(s => [s.clientId, s.extensionId, s.grant]), [['spa-app', '100200302', 'authorization_code']], 'the exchange made a session')
    await screenshot(page, 'oauth-callback')
    await accessible(t, page, 'OAuth callback')
    await page.getByRole('link', { name: 'The journal entry of this request' }).click()
    await page.getByRole('heading', { name: /Journal entry/ }).waitFor()
    t.match(await page.getByRole('region', { name: 'Request' }).textContent(), /user-agent: ringcentral-mock-oauth-debugger/)

    // The debugger's callback is accepted for its own flows only.
    const foreign = await fetch(`${mock.url}/restapi/oauth/authorize?response_type=code&client_id=spa-app&redirect_uri=${encodeURIComponent(`${mock.url}/__mock/ui/callback`)}&state=x&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`, { headers: { accept: 'application/json' } })
    t.equal(foreign.status, 400)
    t.match(await foreign.text(), /OAU-109/, 'an authorization request of any other state still needs a registered redirect URI')
    verify()
  })

  t.test('World: the apps and credentials, a JWT minted and copied, one revoked; no secret on the page', async t => {
    const mock = await mockFor(t)
    const { page, verify } = await open(t, mock, { hash: '#/world' })
    await page.getByRole('table', { name: 'Apps' }).getByText('jwt-app').waitFor()
    const html = await page.content()
    for (const secret of ['jwt-app-secret', 'Ada-Passw0rd', mock.jwt('ada-jwt')]) t.notOk(html.includes(secret), 'no client secret, password or credential string in the page')
    await screenshot(page, 'world')
    await accessible(t, page, 'World')

    const copyBen = page.getByRole('button', { name: 'Copy the JWT credential ben-jwt' })
    await copyBen.click()
    // The credential is fetched, then written to the clipboard: the button says so when it is there.
    await copyBen.getByText('Copied').waitFor()
    t.equal(await page.evaluate<string>('navigator.clipboard.readText()'), mock.jwt('ben-jwt'), 'copied on demand')

    await page.getByLabel('For the user').selectOption('100200303')
    await page.getByLabel('Id (optional)').fill('cleo-from-the-page')
    await page.getByRole('button', { name: 'Mint' }).click()
    await page.getByRole('status').getByText('Minted').waitFor()
    await page.getByRole('table', { name: 'JWT credentials' }).getByText('cleo-from-the-page').waitFor()
    const minted = mock.jwt('cleo-from-the-page')
    const platform = sdk(mock)
    await platform.login({ jwt: minted })
    t.equal(mock.sessions.list()[0]?.extensionId, '100200303', 'the minted credential logs in')

    const row = page.getByRole('row', { name: /ben-jwt/ })
    await row.getByRole('button', { name: 'Revoke' }).click()
    await row.getByText('revoked').waitFor()
    const refused = await sdk(mock).login({ jwt: mock.jwt('ben-jwt') }).catch((e: any) => e)
    t.ok(refused instanceof Error, 'a revoked credential no longer logs in')
    verify()
  })

  t.test('a replaced scenario and a restarted mock are announced; the page follows', async t => {
    const first = await startMockServer({ scenario: scenario() })
    const port = first.port
    const { page, requests } = await open(t, first, { hash: '#/world' })
    await page.getByRole('heading', { name: 'Scenario default' }).waitFor()
    await first.setScenario('msg-304')
    await page.getByRole('status').getByText(/The scenario was replaced: now msg-304/).waitFor()
    await page.getByRole('heading', { name: 'Scenario msg-304' }).waitFor()
    await first.reset()
    await page.getByRole('status').getByText(/was reset to its start/).waitFor()

    await first.close()
    await page.getByTestId('connection').getByText(/Connection lost/).waitFor()
    const second = await startMockServer({ scenario: scenario(), port })
    t.teardown(() => second.close())
    await page.getByTestId('connection').getByText('Live').waitFor()
    await page.getByRole('status').getByText(/The mock restarted/).waitFor()
    await page.getByRole('heading', { name: 'Scenario default' }).waitFor()
    t.same(requests.filter(url => !url.startsWith(first.url)), [], 'nothing loaded from anywhere but the mock')
  })

  t.test('a control token: the page asks for it once, then works', async t => {
    const mock = await mockFor(t, { controlToken: 'qa-token-123' })
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${mock.url}/__mock/ui#/sessions`)
    await page.getByRole('heading', { name: 'This mock needs its control token' }).waitFor()
    await page.getByRole('textbox', { name: 'Control token' }).fill('wrong')
    await page.getByRole('button', { name: 'Use it' }).click()
    await page.getByRole('alert').getByText('The mock refused that token.').waitFor()
    await page.getByRole('textbox', { name: 'Control token' }).fill('qa-token-123')
    await page.getByRole('button', { name: 'Use it' }).click()
    await page.getByTestId('connection').getByText('Live').waitFor()
    await page.getByText('Nobody is logged in').waitFor()
    // And from a link that carries it (kept for the tab, taken out of the address bar).
    const linked = await context.newPage()
    await linked.goto(`${mock.url}/__mock/ui?controlToken=qa-token-123#/world`)
    await linked.getByTestId('connection').getByText('Live').waitFor()
    t.notMatch(linked.url(), /controlToken/)
  })

  t.test('keyboard only, a phone\'s width, and the views a browser can reach', async t => {
    const mock = await mockFor(t)
    const { page, verify } = await open(t, mock, { width: 375, hash: '#/world' })
    for (const view of ['world', 'sessions', 'messages', 'a2p', 'events', 'journal', 'rules', 'oauth']) {
      await page.goto(`${mock.url}/__mock/ui#/${view}`)
      await page.locator('nav a[aria-current="page"]').waitFor()
      t.ok(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'), `${view}: nothing wider than a 375 px screen (tables scroll on their own)`)
    }
    await screenshot(page, 'phone')
    // The skip link, then the views, with Tab and Enter.
    await page.goto(`${mock.url}/__mock/ui#/world`)
    await page.reload()
    await page.getByTestId('connection').getByText('Live').waitFor()
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate<string>('document.activeElement.textContent'), 'Skip to the content')
    let guard = 0
    while (guard++ < 40 && !(await page.evaluate<boolean>('document.activeElement.getAttribute("href") === "/__mock/ui#/rules"'))) await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Rules', exact: true }).waitFor()
    t.equal(await page.evaluate<string>('document.activeElement.id'), 'main', 'focus moves to the content')

    // GET / from a browser links to the dashboard; other clients get RingCentral's 404.
    await page.goto(mock.url)
    await page.getByRole('link', { name: 'Open the dashboard' }).click()
    await page.getByTestId('connection').getByText('Live').waitFor()
    const api = await fetch(`${mock.url}/`)
    t.equal(api.status, 404)
    t.match(await api.text(), /CMN-120/)
    verify()
  })
}
