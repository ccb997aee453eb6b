/**
 * Who may reach the control API (`/__mock/*`, the dashboard included).
 *
 * The control API can read every credential and password of the world and replace it, so a web
 * page open in the developer's browser must not reach it, not even on 127.0.0.1:
 *
 * - **Host**: the `Host` header must be a loopback name or address, the `--base-url` host, or an
 *   allowed host (`--allowed-host`, `ALLOWED_HOSTS`). This defeats DNS rebinding, where a page's
 *   own domain is pointed at 127.0.0.1 (the way Vite's `server.allowedHosts` and
 *   webpack-dev-server's host check do).
 * - **Origin**: a browser names the page's origin on cross-origin requests; one that is not the
 *   mock's own origin, a loopback origin or an allowed host's is refused, so another site's page
 *   cannot post to `/__mock/reset` or send any request there. The control API also answers no
 *   CORS headers, so no page of another origin can read an answer.
 * - **Token**: with a control token (`--control-token`, `CONTROL_TOKEN`, the scenario's
 *   `policies.controlToken`), every control request needs it: `X-Mock-Control-Token: TOKEN`,
 *   `Authorization: Bearer TOKEN`, or `?controlToken=TOKEN` (for EventSource, which cannot send
 *   headers). It is compared in constant time and redacted wherever requests are shown.
 *
 * `GET /__mock/health` is exempt from all three: orchestrators and Docker health checks call it,
 * and it tells only the scenario's name and the clock. The dashboard's page and assets
 * (`GET /__mock/ui…`) need no token (they hold no data; the page asks for the token and sends it
 * with every control request it makes), but keep the Host and Origin checks. RingCentral's own routes are not guarded:
 * apps call them from anywhere, as they call RingCentral.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isIP } from 'node:net'
import { secretEquals } from '../secret.js'
import type { MockContext } from '../context.js'
import { isHealth } from './health.js'

export interface ControlAccessOptions {
  /** Host names (or `.example.com` for a domain and its subdomains, or `*` for any) allowed besides loopback. */
  allowedHosts?: readonly string[]
  /** Required on every control request when set. */
  controlToken?: string
}

const clip = (text: string): string => text.length > 100 ? `${text.slice(0, 100)}…` : text

/** The host name of a `Host` header value (`[::1]:8080` → `::1`), lower case. */
export function hostnameOf (host: string): string {
  const trimmed = host.trim().toLowerCase()
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']') === -1 ? undefined : trimmed.indexOf(']'))
  const colon = trimmed.lastIndexOf(':')
  return colon !== -1 && trimmed.indexOf(':') === colon ? trimmed.slice(0, colon) : trimmed
}

export function isLoopback (hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  if (isIP(hostname) === 4) return hostname.startsWith('127.')
  if (isIP(hostname) === 6) return hostname === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(hostname) || /^::ffff:127\./.test(hostname)
  return false
}

function allowed (hostname: string, list: readonly string[], baseHost: string | undefined): boolean {
  if (isLoopback(hostname) || hostname === baseHost) return true
  return list.some(entry => entry === '*' || entry === hostname || (entry.startsWith('.') && (hostname.endsWith(entry) || hostname === entry.slice(1))))
}

function refuse (reply: FastifyReply, status: number, error: string, message: string): void {
  reply.code(status).type('application/json; charset=utf-8').send({ error, message })
}

/** The control token a request carries, from any of the three places. */
function tokenOf (request: FastifyRequest): string | undefined {
  const header = request.headers['x-mock-control-token']
  if (typeof header === 'string' && header !== '') return header
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1]
  if (bearer !== undefined) return bearer
  const query = (request.query as Record<string, unknown> | undefined)?.controlToken
  return typeof query === 'string' && query !== '' ? query : undefined
}

const isDashboardPage = (method: string, url: string): boolean =>
  (method === 'GET' || method === 'HEAD') && (url === '/__mock/ui' || url.startsWith('/__mock/ui/') || url.startsWith('/__mock/ui?'))

/** Whether a request URL is the control API's (`/__mock`, `/__mock/...`, `/__mock?...`). */
export const isControl = (url: string): boolean => url === '/__mock' || url.startsWith('/__mock/') || url.startsWith('/__mock?')

export function installControlAccess (app: FastifyInstance, ctx: MockContext, options: ControlAccessOptions): void {
  const list = (options.allowedHosts ?? []).map(h => h.trim().toLowerCase()).filter(Boolean)
  const baseHost = ctx.baseUrl !== undefined ? new URL(ctx.baseUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase() : undefined

  app.addHook('onRequest', (request, reply, done) => {
    const url = request.url
    if (!isControl(url) || isHealth(url)) {
      done()
      return
    }
    const host = request.headers.host
    if (host !== undefined) {
      const hostname = hostnameOf(host)
      if (!allowed(hostname, list, baseHost)) {
        refuse(reply, 403, 'forbidden', `the control API does not answer requests for host "${clip(hostname)}" (only loopback, the --base-url host and allowed hosts): start the mock with --allowed-host ${clip(hostname)} (or ALLOWED_HOSTS) to allow it`)
        return
      }
    }
    const origin = request.headers.origin
    if (origin !== undefined && origin !== '') {
      let originHost: string | undefined
      try {
        originHost = new URL(origin).host.toLowerCase()
      } catch {}
      // The page's own origin, a loopback origin (the developer's own dev servers, as Vite allows
      // by default) or an allowed host; never any other site's page.
      const sameOrigin = originHost !== undefined && host !== undefined && originHost === host.trim().toLowerCase()
      if (!sameOrigin && (originHost === undefined || !allowed(hostnameOf(originHost), list, baseHost))) {
        refuse(reply, 403, 'forbidden', `the control API does not answer requests from another origin (${clip(origin)}): a web page must not reach it; call it from a script, a test or the mock's own dashboard`)
        return
      }
    }
    const expected = ctx.controlToken
    if (expected !== undefined && !isDashboardPage(request.method, url)) {
      const given = tokenOf(request)
      if (given === undefined || !secretEquals(given, expected)) {
        reply.header('WWW-Authenticate', 'Bearer realm="ringcentral-mock control API"')
        refuse(reply, 401, 'unauthorized', given === undefined
          ? 'the control API needs the control token: send X-Mock-Control-Token: TOKEN (or Authorization: Bearer TOKEN, or ?controlToken=TOKEN)'
          : 'the control token is wrong')
        return
      }
    }
    done()
  })
}
