/**
 * The mock's CORS hook (src/api/cors.ts) answers exactly as `@fastify/cors` did with the options
 * the mock gave it: the two side by side over a matrix of methods, paths, origins and preflight
 * headers, comparing status, every header and the body. The control API's paths are the one
 * difference, on purpose: the hook answers no CORS there at all (the plugin still did on a
 * preflight or a 404 under /__mock, which reach no control route).
 */
import cors from '@fastify/cors'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import { CORS_MAX_AGE, CORS_METHODS, EXPOSED_HEADERS, installCors } from '../../src/api/cors.js'

async function app (withPlugin: boolean): Promise<FastifyInstance> {
  const a = Fastify({ logger: false })
  a.addHook('onRoute', route => {
    if (route.url.startsWith('/__mock')) route.config = { ...route.config, cors: false } as typeof route.config
  })
  if (withPlugin) await a.register(cors, { origin: true, methods: CORS_METHODS, exposedHeaders: EXPOSED_HEADERS, maxAge: CORS_MAX_AGE })
  else installCors(a)
  a.get('/restapi/v1.0/thing', async () => ({ ok: true }))
  a.post('/restapi/oauth/token', async () => ({ access_token: 'x' }))
  a.get('/restapi/v1.0/varied', async (_request, reply) => reply.header('Vary', 'Accept-Encoding').send({ ok: 1 }))
  a.get('/__mock/health', async () => ({ status: 'ok' }))
  await a.ready()
  return a
}

t.test('the hook and the plugin answer alike', async t => {
  const [plugin, hook] = await Promise.all([app(true), app(false)])
  t.teardown(() => Promise.all([plugin.close(), hook.close()]))
  let compared = 0
  for (const method of ['GET', 'POST', 'OPTIONS', 'HEAD', 'DELETE'] as const) {
    for (const url of ['/restapi/v1.0/thing', '/restapi/oauth/token', '/restapi/v1.0/varied', '/nope']) {
      for (const origin of [undefined, 'http://localhost:5173', '']) {
        for (const requestMethod of [undefined, 'POST']) {
          for (const requestHeaders of [undefined, 'content-type,authorization']) {
            const headers: Record<string, string> = {}
            if (origin !== undefined) headers.origin = origin
            if (requestMethod !== undefined) headers['access-control-request-method'] = requestMethod
            if (requestHeaders !== undefined) headers['access-control-request-headers'] = requestHeaders
            const [a, b] = await Promise.all([plugin.inject({ method, url, headers }), hook.inject({ method, url, headers })])
            const strip = (h: Record<string, unknown>) => { const { date: _d, ...rest } = h; return rest }
            const label = `${method} ${url} origin=${String(origin)} acrm=${String(requestMethod)} acrh=${String(requestHeaders)}`
            t.same([b.statusCode, strip(b.headers), b.body], [a.statusCode, strip(a.headers), a.body], label)
            compared++
          }
        }
      }
    }
  }
  t.equal(compared, 240)
})

t.test('no CORS header at all on the control API\'s paths, whatever the method, preflight included', async t => {
  const hook = await app(false)
  t.teardown(() => hook.close())
  for (const method of ['GET', 'POST', 'OPTIONS', 'HEAD', 'DELETE'] as const) {
    for (const url of ['/__mock/health', '/__mock/nowhere', '/__mock']) {
      const res = await hook.inject({ method, url, headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
      const cors = Object.keys(res.headers).filter(h => h.startsWith('access-control-') || (h === 'vary' && /origin/i.test(String(res.headers[h]))))
      t.same(cors, [], `${method} ${url}: ${res.statusCode}, no CORS headers`)
      if (method === 'OPTIONS') t.equal(res.statusCode, 404, `${method} ${url}: a preflight is not answered`)
    }
  }
  const api = await hook.inject({ method: 'OPTIONS', url: '/restapi/v1.0/thing', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } })
  t.equal(api.statusCode, 204, 'RingCentral paths still answer preflights')
})
