/**
 * RingCentral's OAuth endpoints: `POST /restapi/oauth/token` and `POST /restapi/oauth/revoke`.
 * Errors from here render in the OAuth dialect, always 400 but for rate limits (see errors.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { MockContext } from '../context.js'
import { invalidParameter, rc } from '../errors.js'
import { routeSchema } from '../openapi.js'
import { authenticateClient } from './client-auth.js'
import { readForm } from './form.js'
import { grants } from './grants/index.js'
import { clampTtls } from './ttl.js'

export async function oauthRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  // Callback-style: it runs on every OAuth response, and an async hook costs a promise and a
  // microtask turn (docs/performance.md).
  app.addHook('onSend', (_request, reply, _payload, done) => {
    reply.header('Cache-Control', 'no-store')
    reply.header('Pragma', 'no-cache')
    done()
  })

  app.post('/restapi/oauth/token', { schema: routeSchema('getToken'), config: { operationId: 'getToken', dialect: 'oauth' } }, (request) => {
    const form = readForm(request)
    const client = authenticateClient(ctx.world, request.headers.authorization, form.client_id)
    const grantType = form.grant_type
    const grant = grantType === undefined ? undefined : grants.get(grantType)
    if (!grant) throw rc('OAU-250')
    if (!ctx.world.allows(client, grant.grantType)) throw rc('OAU-251')
    const now = ctx.now()
    const session = grant.handle({ ctx, form, app: client, ttls: clampTtls(form, client), now })
    // Only jwt-bearer is asynchronous: the other grants answer without a promise turn.
    return session instanceof Promise ? session.then(s => ctx.sessions.tokenInfo(s, now)) : ctx.sessions.tokenInfo(session, now)
  })

  app.post('/restapi/oauth/revoke', { schema: routeSchema('revokeToken'), config: { operationId: 'revokeToken', dialect: 'oauth' } }, async (request, reply) => {
    const form = readForm(request)
    const query = request.query as Record<string, unknown>
    const client = authenticateClient(ctx.world, request.headers.authorization, form.client_id)
    const token = form.token ?? (typeof query.token === 'string' && query.token !== '' ? query.token : undefined)
    if (token === undefined) throw invalidParameter('token')
    const session = ctx.sessions.find(token)
    // RFC 7009 §2.2: an unknown token, or another client's, is not an error.
    if (session && session.app.clientId === client.clientId) ctx.sessions.end(session)
    return reply.code(200).send()
  })
}
