/**
 * The control API of the events layer: inbound SMS, subscriptions and their faults, the delivery
 * log (with a wait for the next delivery, so a test never sleeps), WebSocket sessions and theirs.
 */
import type { FastifyInstance } from 'fastify'
import { baseUrlOf } from '../api/base-url.js'
import type { MockContext } from '../context.js'
import { InboundError } from '../events/hub.js'
import type { DeliveryFilter, DeliveryRecord } from '../events/deliveries.js'
import { routeSchema } from '../openapi.js'
import { describeMessage, describeSubscription, describeWsSession } from './describe.js'
import { badRequest, ControlError, notFound } from './errors.js'

const object = (body: unknown, what: string): Record<string, unknown> => {
  if (body === undefined || body === null || body === '') return {}
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest(`${what} must be a JSON object`)
  return body as Record<string, unknown>
}

/** The longest a delivery wait may last (real time). */
export const MAX_WAIT_MS = 30_000

const DELIVERY_FILTERS = ['subscriptionId', 'transport', 'kind', 'outcome', 'event', 'after', 'waitMs'] as const

/** A delivery-log filter from a query (or the JavaScript API's argument), checked. */
export function checkDeliveryFilter (input: Record<string, unknown>): DeliveryFilter & { waitMs?: number } {
  const filter: DeliveryFilter & { waitMs?: number } = {}
  for (const [name, raw] of Object.entries(input)) {
    if (raw === undefined || raw === '') continue
    if (!(DELIVERY_FILTERS as readonly string[]).includes(name)) throw badRequest(`unknown filter "${name}"; the filters are ${DELIVERY_FILTERS.join(', ')}`)
    const text = String(raw)
    if (name === 'after' || name === 'waitMs') {
      if (!/^\d{1,12}$/.test(text)) throw badRequest(`${name} must be a whole number`)
      filter[name] = Number(text)
      continue
    }
    if (name === 'transport' && text !== 'WebHook' && text !== 'WebSocket') throw badRequest('transport must be WebHook or WebSocket')
    if (name === 'kind' && text !== 'validation' && text !== 'notification') throw badRequest('kind must be validation or notification')
    if (name === 'outcome' && !['delivered', 'failed', 'buffered', 'dropped'].includes(text)) throw badRequest('outcome must be delivered, failed, buffered or dropped')
    ;(filter as Record<string, string>)[name] = text
  }
  if (filter.waitMs !== undefined && filter.waitMs > MAX_WAIT_MS) throw badRequest(`waitMs is at most ${MAX_WAIT_MS}`)
  return filter
}

export async function eventControlRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  // --- Inbound SMS ------------------------------------------------------------------------
  app.post('/__mock/inbound-sms', { schema: routeSchema('injectMockInboundSms') }, async (request, reply) => {
    const body = object(request.body, 'the inbound message')
    try {
      const message = ctx.events.inbound({ from: body.from, to: body.to, text: body.text, attachments: body.attachments })
      return reply.code(201).send(describeMessage(message, ctx.now()))
    } catch (error) {
      if (error instanceof InboundError) throw badRequest(error.message)
      throw error
    }
  })

  app.post<{ Params: { id: string } }>('/__mock/messages/:id/fail', { schema: routeSchema('failMockMessage') }, async (request) => {
    const body = object(request.body, 'the failure')
    const id = request.params.id
    const message = /^\d{1,15}$/.test(id) ? ctx.messages.byId(Number(id)) : undefined
    if (!message) throw notFound(`message ${JSON.stringify(id)}`)
    const status = body.status ?? 'DeliveryFailed'
    if (status !== 'DeliveryFailed' && status !== 'SendingFailed') throw badRequest('status must be DeliveryFailed or SendingFailed')
    const errorCode = body.errorCode ?? (status === 'SendingFailed' ? 'SMS-RC-410' : 'SMS-CAR-411')
    if (typeof errorCode !== 'string' || !/^[A-Z]{2,4}-[A-Z0-9-]{1,12}$/.test(errorCode)) throw badRequest('errorCode must be a code such as "SMS-CAR-411"')
    if (!ctx.events.failMessage(message, { status, errorCode })) {
      throw new ControlError(409, 'conflict', `message ${id} is ${describeMessage(message, ctx.now()).messageStatus} already: only an outbound message that is not final can fail${status === 'SendingFailed' ? ' to send (before it is Sent)' : ''}`)
    }
    return describeMessage(message, ctx.now())
  })

  // --- Subscriptions ----------------------------------------------------------------------
  app.get('/__mock/subscriptions', { schema: routeSchema('listMockSubscriptions') }, async (request) => {
    const baseUrl = baseUrlOf(ctx, request)
    return { records: ctx.events.all().map(s => describeSubscription(ctx.events, s, baseUrl)) }
  })

  const subscriptionOf = (id: string) => {
    const subscription = ctx.events.get(id)
    if (!subscription) throw notFound(`subscription ${JSON.stringify(id)}`)
    return subscription
  }

  app.get<{ Params: { id: string } }>('/__mock/subscriptions/:id', { schema: routeSchema('getMockSubscription') }, async (request) =>
    describeSubscription(ctx.events, subscriptionOf(request.params.id), baseUrlOf(ctx, request)))

  app.delete<{ Params: { id: string } }>('/__mock/subscriptions/:id', { schema: routeSchema('deleteMockSubscription') }, async (request, reply) => {
    ctx.events.remove(subscriptionOf(request.params.id))
    return reply.code(204).send()
  })

  app.post<{ Params: { id: string } }>('/__mock/subscriptions/:id/blacklist', { schema: routeSchema('blacklistMockSubscription') }, async (request) => {
    const subscription = subscriptionOf(request.params.id)
    const body = object(request.body, 'the request')
    if (subscription.transport !== 'WebHook') throw badRequest('only webhook subscriptions are blacklisted (a WebSocket one ends with its session)')
    const reason = body.reason ?? 'Webhook responses with code: [503], reason: [Service Unavailable]'
    if (typeof reason !== 'string' || reason.length > 500) throw badRequest('reason must be a string')
    ctx.events.blacklist(subscription, reason)
    return describeSubscription(ctx.events, subscription, baseUrlOf(ctx, request))
  })

  app.post<{ Params: { id: string } }>('/__mock/subscriptions/:id/faults', { schema: routeSchema('injectMockSubscriptionFault') }, async (request) => {
    const subscription = subscriptionOf(request.params.id)
    if (subscription.transport !== 'WebHook') throw badRequest('receiver faults are for webhook subscriptions; for a WebSocket, drop or time out its session')
    const body = object(request.body, 'the fault')
    const kind = body.kind ?? 'error'
    if (kind !== 'error' && kind !== 'timeout') throw badRequest('kind must be error (the receiver answers status) or timeout (it never answers)')
    const status = body.status ?? 503
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599 || (status >= 200 && status < 300)) throw badRequest('status must be a failing HTTP status (100-199 or 300-599)')
    const times = body.times ?? 1
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > 1000) throw badRequest('times must be 1-1000')
    for (let i = 0; i < times; i++) subscription.faults.push({ kind, status })
    return describeSubscription(ctx.events, subscription, baseUrlOf(ctx, request))
  })

  // --- Deliveries -------------------------------------------------------------------------
  app.get<{ Querystring: Record<string, unknown> }>('/__mock/deliveries', { schema: routeSchema('listMockDeliveries') }, async (request) => {
    const { waitMs, ...filter } = checkDeliveryFilter(request.query)
    const log = ctx.events.deliveries
    let records: DeliveryRecord[] = log.list(filter)
    if (records.length === 0 && waitMs !== undefined && waitMs > 0) {
      const first = await log.wait(filter, waitMs)
      records = first ? log.list(filter) : []
    }
    return { records, total: records.length, held: log.size, dropped: log.dropped, limit: log.limit, lastId: log.lastId }
  })

  app.delete('/__mock/deliveries', { schema: routeSchema('clearMockDeliveries') }, async (_request, reply) => {
    ctx.events.deliveries.clear()
    return reply.code(204).send()
  })

  // --- WebSocket sessions -----------------------------------------------------------------
  const recovery = () => ctx.world.policies.events.websocket.recoveryTimeoutSeconds
  app.get('/__mock/websockets', { schema: routeSchema('listMockWebSockets') }, async () =>
    ({ records: [...ctx.events.ws.sessions.values()].map(s => describeWsSession(s, recovery())) }))

  const wsOf = (id: string) => {
    const session = ctx.events.ws.sessions.get(id)
    if (!session) throw notFound(`WebSocket session ${JSON.stringify(id)}`)
    return session
  }

  app.post<{ Params: { id: string } }>('/__mock/websockets/:id/drop', { schema: routeSchema('dropMockWebSocket') }, async (request) => {
    const session = wsOf(request.params.id)
    const connection = session.connection
    if (!connection?.open) throw new ControlError(409, 'conflict', `WebSocket session ${session.id} has no open connection`)
    // As a network failure: no close frame, the client sees the connection go.
    connection.socket.terminate()
    return describeWsSession(session, recovery())
  })

  app.post<{ Params: { id: string } }>('/__mock/websockets/:id/timeout', { schema: routeSchema('timeoutMockWebSocket') }, async (request) => {
    const session = wsOf(request.params.id)
    const body = object(request.body, 'the request')
    const kind = body.kind ?? 'idle'
    if (kind !== 'idle' && kind !== 'absolute') throw badRequest('kind must be idle (WSG-902) or absolute (WSG-903)')
    if (!session.connection?.open) throw new ControlError(409, 'conflict', `WebSocket session ${session.id} has no open connection`)
    ctx.events.ws.timeout(session, kind)
    return describeWsSession(session, recovery())
  })

  app.post<{ Params: { id: string } }>('/__mock/websockets/:id/fail-recovery', { schema: routeSchema('failMockWebSocketRecovery') }, async (request) => {
    const session = wsOf(request.params.id)
    session.failNextRecovery = true
    return describeWsSession(session, recovery())
  })
}
