/**
 * Bearer authentication for `/restapi/v1.0/*`: the scheme is matched case-insensitively (the JS
 * SDK sends `bearer`, rc-ex `Bearer`), and `?access_token=` works too, as RingCentral documents.
 */
import type { FastifyRequest } from 'fastify'
import type { MockContext } from '../context.js'
import { rc } from '../errors.js'
import type { Session } from '../oauth/sessions.js'
import { INTERNAL_HEADER, internalSession } from '../events/ws-sessions.js'

export function authenticate (ctx: MockContext, request: FastifyRequest): Session {
  // A REST call a client made over its WebSocket: the socket's session is the authentication.
  const overSocket = request.headers[INTERNAL_HEADER]
  if (overSocket !== undefined) {
    const ws = internalSession(ctx, overSocket)
    if (ws && !ws.ended && !ws.oauth.ended) return ws.oauth
    if (ws) throw rc('OAU-213')
  }
  const header = request.headers.authorization
  if (header === undefined || header === '') {
    const query = (request.query as Record<string, unknown>).access_token
    if (typeof query === 'string' && query !== '') return ctx.sessions.authenticate(query, ctx.now())
    throw rc('OAU-123')
  }
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header)
  if (!match) throw rc('AGW-402')
  if (match[1]?.toLowerCase() !== 'bearer') throw rc('OAU-151')
  return ctx.sessions.authenticate(match[2] ?? '', ctx.now())
}

/** The app permission (OAuth scope) an operation needs, or CMN-401 naming it. */
export function requireScope (session: Session, permissionName: string): void {
  if (!session.app.scopes.includes(permissionName)) throw rc('CMN-401', { permissionName })
}
