/**
 * The control API is an app of its own, made on its first request (src/control/app.ts): a start
 * registers only RingCentral's routes and the health check. What users see does not change: the
 * health check answers without making it, the first control requests (at once, or while it is
 * being made) are all answered, its routes are listed once it exists, and the server closes
 * whether it was made, never made, or is being made.
 */
import t from 'tap'
import { startMockServer } from '../../src/index.js'
import { registeredRoutes } from '../../src/openapi.js'
import { build } from '../helper.js'

const controlRoutes = (h: Awaited<ReturnType<typeof build>>): string[] =>
  registeredRoutes(h.app).map(r => r.url).filter(url => url.startsWith('/__mock') && url !== '/__mock/health')

t.test('a start makes no control routes; the health check answers without them', async t => {
  const h = await build(t)
  await h.app.ready()
  t.same(controlRoutes(h), [], 'only RingCentral\'s routes and the health check at start')
  const health = await h.app.inject('/__mock/health')
  t.equal(health.statusCode, 200)
  t.match(health.json(), { status: 'ok', scenario: h.ctx.world.name })
  t.equal(health.headers['access-control-allow-origin'], undefined, 'no CORS on the control API')
  t.type(health.headers.rcrequestid, 'string')
  const head = await h.app.inject({ method: 'HEAD', url: '/__mock/health' })
  t.equal(head.statusCode, 200, 'HEAD, as wait-on probes')
  t.same(controlRoutes(h), [], 'and the probes made none')
  await h.login()
  t.same(controlRoutes(h), [], 'nor does a login')
})

t.test('concurrent first control requests are all answered, once the app is made', async t => {
  const h = await build(t)
  const answers = await Promise.all([
    h.app.inject('/__mock/sessions'),
    h.app.inject('/__mock/requests'),
    h.app.inject({ method: 'POST', url: '/__mock/clock', payload: { advanceSeconds: 60 } }),
    h.app.inject('/__mock/nowhere'),
    h.app.inject({ method: 'OPTIONS', url: '/__mock/rules', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } })
  ])
  t.same(answers.map(a => a.statusCode), [200, 200, 200, 404, 404])
  t.match(answers[3]?.json(), { error: 'not_found', message: /no control API route GET \/__mock\/nowhere/ }, 'the control API\'s own 404')
  t.equal(answers[4]?.headers['access-control-allow-origin'], undefined, 'a preflight gets no CORS')
  t.ok(controlRoutes(h).includes('/__mock/requests'), 'its routes are listed now')
  t.equal((await h.app.inject('/restapi/v1.0/account/~/extension/~')).statusCode, 401, 'RingCentral\'s routes are unchanged')
})

t.test('the server closes with the control app made, never made, or being made', async t => {
  for (const when of ['never', 'made', 'making'] as const) {
    const mock = await startMockServer({ port: 0 })
    t.equal((await fetch(`${mock.url}/__mock/health`)).status, 200, `${when}: health`)
    if (when === 'made') t.equal((await fetch(`${mock.url}/__mock/sessions`)).status, 200)
    const pending = when === 'making' ? fetch(`${mock.url}/__mock/sessions`).then(r => r.status, () => 'closed') : undefined
    await mock.close()
    t.pass(`${when}: closed`)
    if (pending) t.ok([200, 503, 'closed'].includes(await pending), 'a request in flight is answered or refused, never left hanging')
  }
})
