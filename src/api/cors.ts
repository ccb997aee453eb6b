/**
 * CORS for the RingCentral routes (browser apps call RingCentral directly, and RingCentral answers
 * CORS requests), none for the control API (`/__mock`, its health check included).
 *
 * It answers exactly as `@fastify/cors` did with the options the mock gave it (origin reflected,
 * `Vary: Origin` on every answer, the exposed headers, strict preflights answered 204 in the hook
 * with the methods, the requested headers reflected and `Max-Age: 600`);
 * test/api/cors-equivalence.test.ts holds the two side by side. The header values are made once
 * here rather than per request (the plugin copied its options and joined its lists on every
 * request, a measurable part of a login's cost: docs/performance.md).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isControl } from '../control/access.js'

export const EXPOSED_HEADERS = ['RCRequestId', 'WWW-Authenticate', 'Retry-After', 'X-Rate-Limit-Group', 'X-Rate-Limit-Limit', 'X-Rate-Limit-Remaining', 'X-Rate-Limit-Window', 'X-Mock-Rule']
export const CORS_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']
export const CORS_MAX_AGE = 600

const EXPOSED = EXPOSED_HEADERS.join(', ')
const METHODS = CORS_METHODS.join(', ')
const MAX_AGE = String(CORS_MAX_AGE)

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the CORS hook on a preflight it answered. */
    corsPreflightEnabled?: boolean
  }
}

/** Adds `name` to the reply's `Vary` (as a list, once; `*` stays `*`). */
function vary (reply: FastifyReply, name: string): void {
  const raw = reply.getHeader('Vary')
  if (raw === undefined || raw === '') {
    reply.header('Vary', name)
    return
  }
  const header = Array.isArray(raw) ? raw.join(', ') : String(raw)
  if (header === '*') return
  const values = header.toLowerCase().split(',').map(v => v.trim()).filter(v => v !== '')
  if (values.includes('*')) reply.header('Vary', '*')
  else if (!values.includes(name.toLowerCase())) reply.header('Vary', `${header}, ${name}`)
}

/**
 * CORS for one request: the headers of an answer, or the whole answer to a preflight. True when it
 * answered (a preflight, or a refused one), so the caller's hook must stop there. Callers leave out
 * the control API (`/__mock`), which gets none.
 */
export function answerCors (request: FastifyRequest, reply: FastifyReply): boolean {
  vary(reply, 'Origin')
  const origin = request.headers.origin
  if (origin) reply.header('Access-Control-Allow-Origin', origin)
  reply.header('Access-Control-Expose-Headers', EXPOSED)
  if (request.raw.method !== 'OPTIONS') return false
  if (!origin || !request.headers['access-control-request-method']) {
    reply.status(400).type('text/plain').send('Invalid Preflight Request')
    return true
  }
  request.corsPreflightEnabled = true
  reply.header('Access-Control-Allow-Methods', METHODS)
  vary(reply, 'Access-Control-Request-Headers')
  const requested = request.headers['access-control-request-headers']
  if (requested !== undefined) reply.header('Access-Control-Allow-Headers', requested)
  reply.header('Access-Control-Max-Age', MAX_AGE)
  // Safari needs Content-Length: 0 on a 204, or it waits for a body.
  reply.code(204).header('Content-Length', '0').send()
  return true
}

/** Lets fastify take preflight requests on any path; {@link answerCors} answers them. */
export function installPreflightRoute (app: FastifyInstance): void {
  app.options('*', (request, reply) => {
    if (!request.corsPreflightEnabled) {
      reply.callNotFound()
      return
    }
    reply.send()
  })
}

/** CORS as a hook of its own (app.ts runs {@link answerCors} in its one onRequest pass instead). */
export function installCors (app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (isControl(request.url) || !answerCors(request, reply)) done()
  })
  installPreflightRoute(app)
}
