/**
 * RingCentral's subscription API and the WebSocket token:
 *
 * - `POST /restapi/v1.0/subscription` (createSubscription): a webhook over REST; a WebSocket
 *   subscription when the request comes over the WebSocket itself (the gateway's ClientRequest).
 * - `GET /restapi/v1.0/subscription` (listSubscriptions), `GET/PUT/DELETE …/{subscriptionId}`
 *   (readSubscription, updateSubscription, deleteSubscription), `POST …/{subscriptionId}/renew`
 *   (renewSubscription).
 * - `POST /restapi/oauth/wstoken` (authWsToken): a token for the gateway, and its `uri`.
 *
 * A subscription is the user's and the app's: another app, or another user, finds none (404
 * CMN-102), as an expired one is not found either.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { baseUrlOf } from '../api/base-url.js'
import { authenticate, requireScope } from '../api/bearer.js'
import { toIso } from '../clock.js'
import type { MockContext } from '../context.js'
import { invalidParameter, notFound, rc } from '../errors.js'
import { routeSchema } from '../openapi.js'
import type { Session } from '../oauth/sessions.js'
import { GATEWAY_PATH } from './gateway.js'
import type { EventHub, Subscription } from './hub.js'
import { INTERNAL_HEADER, internalSession } from './ws-sessions.js'

const JSON_TYPE = 'application/json; charset=UTF-8'

/** RingCentral's SubscriptionInfo, in the key order of its own examples. */
export function subscriptionInfo (hub: EventHub, subscription: Subscription, baseUrl: string | undefined): Record<string, unknown> {
  const path = `/restapi/v1.0/subscription/${subscription.id}`
  const disabled = subscription.filters.filter(f => f.disabled !== undefined)
  return {
    // Absolute over REST; relative over a WebSocket, as the gateway answers.
    uri: baseUrl !== undefined ? `${baseUrl}${path}` : path,
    id: subscription.id,
    creationTime: toIso(subscription.creationTime),
    status: subscription.status,
    eventFilters: subscription.filters.filter(f => f.disabled === undefined).map(f => f.expanded),
    ...(disabled.length > 0 ? { disabledFilters: disabled.map(f => ({ filter: f.expanded, reason: f.disabled?.reason, message: f.disabled?.message })) } : {}),
    expirationTime: toIso(hub.expirationOf(subscription)),
    expiresIn: hub.expiresInNow(subscription),
    deliveryMode: subscription.transport === 'WebHook'
      ? { transportType: 'WebHook', address: subscription.address, encryption: false }
      : { transportType: 'WebSocket', encryption: false },
    ...(subscription.blacklistedData
      ? { blacklistedData: { blacklistedAt: toIso(subscription.blacklistedData.blacklistedAt), reason: subscription.blacklistedData.reason } }
      : {})
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * An empty body sent with a JSON Content-Type (the JS SDK does this for a POST or DELETE without a
 * body) is no body at all here: these operations take none, or an optional one.
 */
function emptyBody (request: FastifyRequest, _reply: unknown, done: () => void): void {
  const length = request.headers['content-length']
  if (length === '0' || (length === undefined && request.headers['transfer-encoding'] === undefined)) delete request.headers['content-type']
  done()
}

export async function subscriptionRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  const overSocket = (request: FastifyRequest) => internalSession(ctx, request.headers[INTERNAL_HEADER])
  /** Absolute `uri`s over REST, relative over a WebSocket. */
  const base = (request: FastifyRequest): string | undefined => overSocket(request) ? undefined : baseUrlOf(ctx, request)
  const send = (request: FastifyRequest, subscription: Subscription) => JSON.stringify(subscriptionInfo(ctx.events, subscription, base(request)))

  /** The caller's own subscription, or 404 CMN-102. */
  function own (session: Session, id: string): Subscription {
    const subscription = ctx.events.get(id)
    if (!subscription || subscription.owner !== session.owner || subscription.app.clientId !== session.app.clientId) throw notFound('subscriptionId')
    return subscription
  }

  app.post('/restapi/v1.0/subscription', { schema: routeSchema('createSubscription'), config: { operationId: 'createSubscription', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    const body = request.body
    if (!isObject(body)) throw invalidParameter('eventFilters')
    const ws = overSocket(request)
    const subscription = await ctx.events.create(session, { eventFilters: body.eventFilters, deliveryMode: body.deliveryMode, expiresIn: body.expiresIn }, ws)
    if (ws) ws.subscription = subscription
    return reply.type(JSON_TYPE).send(send(request, subscription))
  })

  app.get('/restapi/v1.0/subscription', { schema: routeSchema('listSubscriptions'), config: { operationId: 'listSubscriptions', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    const baseUrl = base(request)
    const records = ctx.events.listFor(session.owner, session.app).map(s => subscriptionInfo(ctx.events, s, baseUrl))
    return reply.type(JSON_TYPE).send(JSON.stringify({ uri: `${baseUrl ?? ''}/restapi/v1.0/subscription`, records }))
  })

  app.get<{ Params: { subscriptionId: string } }>('/restapi/v1.0/subscription/:subscriptionId', { schema: routeSchema('readSubscription'), config: { operationId: 'readSubscription', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    return reply.type(JSON_TYPE).send(send(request, own(session, request.params.subscriptionId)))
  })

  app.put<{ Params: { subscriptionId: string } }>('/restapi/v1.0/subscription/:subscriptionId', { onRequest: emptyBody, schema: routeSchema('updateSubscription'), config: { operationId: 'updateSubscription', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    const subscription = own(session, request.params.subscriptionId)
    // "WebSocket subscriptions cannot be updated via HTTP interface": only over their own socket.
    if (subscription.transport === 'WebSocket' && overSocket(request) !== subscription.wsSession) {
      throw rc('CMN-101', { parameterName: 'subscriptionId', message: 'Parameter [subscriptionId] value is invalid: a WebSocket subscription can be updated only over its own WebSocket' })
    }
    const body = request.body === undefined || request.body === null || request.body === '' ? {} : request.body
    if (!isObject(body)) throw invalidParameter('eventFilters')
    ctx.events.update(subscription, session, { eventFilters: body.eventFilters, expiresIn: body.expiresIn })
    return reply.type(JSON_TYPE).send(send(request, subscription))
  })

  app.delete<{ Params: { subscriptionId: string } }>('/restapi/v1.0/subscription/:subscriptionId', { onRequest: emptyBody, schema: routeSchema('deleteSubscription'), config: { operationId: 'deleteSubscription', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    ctx.events.remove(own(session, request.params.subscriptionId))
    return reply.code(204).send()
  })

  app.post<{ Params: { subscriptionId: string } }>('/restapi/v1.0/subscription/:subscriptionId/renew', { onRequest: emptyBody, schema: routeSchema('renewSubscription'), config: { operationId: 'renewSubscription', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    const subscription = own(session, request.params.subscriptionId)
    if (subscription.transport === 'WebSocket') {
      throw rc('CMN-101', { parameterName: 'subscriptionId', message: 'Parameter [subscriptionId] value is invalid: WebSocket subscriptions renew themselves while their session lives' })
    }
    ctx.events.renew(subscription)
    return reply.type(JSON_TYPE).send(send(request, subscription))
  })

  app.post('/restapi/oauth/wstoken', { onRequest: emptyBody, schema: routeSchema('authWsToken'), config: { operationId: 'authWsToken', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    requireScope(session, 'WebSocket')
    const token = ctx.events.ws.issueToken(session)
    const origin = new URL(baseUrlOf(ctx, request))
    const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:'
    return reply.type(JSON_TYPE).header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(JSON.stringify({
      ws_access_token: token.token,
      uri: `${scheme}//${origin.host}${GATEWAY_PATH}`,
      expires_in: ctx.world.policies.events.websocket.tokenTtlSeconds
    }))
  })
}
