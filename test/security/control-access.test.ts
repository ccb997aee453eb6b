/**
 * The control API is not reachable from a web page: no CORS, no other site's Origin, no foreign
 * Host (DNS rebinding), and an optional control token. RingCentral's routes keep their CORS.
 */
import t from 'tap'
import { startMockServer } from '../../src/index.js'
import { build, defaultScenario } from '../helper.js'

const ME = '/restapi/v1.0/account/~/extension/~'

t.test('no CORS on /__mock; RingCentral routes keep it', async t => {
  const h = await build(t)
  const same = await h.app.inject({ method: 'GET', url: '/__mock/jwt', headers: { origin: 'http://localhost:80' } })
  t.equal(same.statusCode, 200, 'a same-origin request (the dashboard) is answered')
  t.equal(same.headers['access-control-allow-origin'], undefined, 'with no CORS header')
  const preflight = await h.app.inject({ method: 'OPTIONS', url: '/__mock/reset', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
  t.equal(preflight.headers['access-control-allow-origin'], undefined, 'a preflight from an allowed origin gets no CORS either')
  t.equal(preflight.headers['access-control-allow-methods'], undefined)
  t.equal(preflight.statusCode, 404, 'it is the control API\'s 404')
  t.match(preflight.json(), { error: 'not_found' })
  const api = await h.app.inject({ method: 'GET', url: ME, headers: { origin: 'https://app.example.com' } })
  t.equal(api.headers['access-control-allow-origin'], 'https://app.example.com', 'RingCentral routes answer CORS as RingCentral does')
})

t.test('another site\'s page cannot reach the control API, by any method, preflight included', async t => {
  const h = await build(t)
  for (const [method, url] of [['GET', '/__mock/jwt'], ['POST', '/__mock/reset'], ['PUT', '/__mock/scenario'], ['DELETE', '/__mock/requests'], ['OPTIONS', '/__mock/jwt'], ['GET', '/__mock/nowhere']] as const) {
    const res = await h.app.inject({ method, url, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    t.equal(res.statusCode, 403, `${method} ${url}`)
    t.equal(res.headers['access-control-allow-origin'], undefined, `${method} ${url}: no CORS header`)
    t.match(res.json(), { error: 'forbidden', message: /another origin/ })
  }
  t.equal((await h.api('/__mock/health')).json().scenario, 'default', 'nothing was reset')
  const local = await h.app.inject({ method: 'POST', url: '/__mock/reset', headers: { origin: 'http://localhost:5173' } })
  t.equal(local.statusCode, 200, 'a loopback origin (the developer\'s own dev server) is allowed, as Vite allows it')
})

t.test('DNS rebinding: a foreign Host header is refused, loopback and allowed hosts are answered', async t => {
  const h = await build(t)
  const call = (host: string) => h.app.inject({ method: 'GET', url: '/__mock/jwt', headers: { host } })
  for (const host of ['evil.example', 'evil.example:8080', '192.168.1.20:8080', 'localhost.evil.example']) {
    const res = await call(host)
    t.equal(res.statusCode, 403, host)
    t.match(res.json().message, /--allowed-host/, `${host}: the fix is named`)
  }
  for (const host of ['localhost', 'localhost:8080', '127.0.0.1:41234', '127.1.2.3', '[::1]:8080', 'app.localhost:80']) {
    t.equal((await call(host)).statusCode, 200, host)
  }
  t.equal((await h.app.inject({ method: 'GET', url: ME, headers: { host: 'evil.example' } })).statusCode, 401, 'RingCentral routes answer any Host (an app reaches the mock by any name)')
  t.equal((await h.app.inject({ method: 'GET', url: '/__mock/health', headers: { host: 'mock.internal:8080' } })).statusCode, 200, 'the health check answers any Host (orchestrators)')
})

t.test('--allowed-host and --base-url add hosts', async t => {
  const mock = await startMockServer({ allowedHosts: ['ringcentral-mock', '.ci.internal'], baseUrl: 'https://mock.example.test' })
  t.teardown(() => mock.close())
  const call = async (host: string) => (await mock.app.inject({ method: 'GET', url: '/__mock/clock', headers: { host } })).statusCode
  t.equal(await call('ringcentral-mock:8080'), 200)
  t.equal(await call('runner.ci.internal'), 200)
  t.equal(await call('mock.example.test'), 200, 'the --base-url host')
  t.equal(await call('other.example'), 403)
})

t.test('a control token, when set, is needed on every control request (not the health check)', async t => {
  const mock = await startMockServer({ controlToken: 'sesame-0123456789' })
  t.teardown(() => mock.close())
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${mock.url}${path}`, { headers })
  const none = await get('/__mock/jwt')
  t.equal(none.status, 401)
  t.match(await none.json(), { error: 'unauthorized', message: /X-Mock-Control-Token/ })
  t.equal((await get('/__mock/jwt', { 'x-mock-control-token': 'wrong-token-123' })).status, 401)
  t.equal((await get('/__mock/jwt', { 'x-mock-control-token': 'sesame-0123456789' })).status, 200)
  t.equal((await get('/__mock/jwt', { authorization: 'Bearer sesame-0123456789' })).status, 200)
  t.equal((await get('/__mock/jwt?controlToken=sesame-0123456789')).status, 200, 'in the query, for EventSource')
  t.equal((await get('/__mock/jwt', mock.controlHeaders)).status, 200, 'mock.controlHeaders carries it')
  t.equal((await get('/__mock/health')).status, 200)
  t.equal((await get(ME)).status, 401, 'RingCentral routes are not affected (401 is their own OAU-123)')
  t.equal(mock.requests.list().length, 1, 'the JavaScript API needs no token')
})

t.test('the scenario can set the token; the option wins over it', async t => {
  const scenario = defaultScenario()
  scenario.policies = { ...scenario.policies, controlToken: 'from-the-scenario' }
  const fromScenario = await startMockServer({ scenario })
  t.teardown(() => fromScenario.close())
  t.equal((await fetch(`${fromScenario.url}/__mock/jwt`)).status, 401)
  t.equal((await fetch(`${fromScenario.url}/__mock/jwt`, { headers: fromScenario.controlHeaders })).status, 200)
  const option = await startMockServer({ scenario, controlToken: 'from-the-option-1' })
  t.teardown(() => option.close())
  t.equal((await fetch(`${option.url}/__mock/jwt`, { headers: { 'x-mock-control-token': 'from-the-scenario' } })).status, 401)
  t.equal((await fetch(`${option.url}/__mock/jwt`, { headers: { 'x-mock-control-token': 'from-the-option-1' } })).status, 200)
})
