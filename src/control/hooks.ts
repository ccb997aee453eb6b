/**
 * The hooks that make scenarios drive behaviour on every RingCentral route: rules (scripted
 * answers and faults), rate limits, and the request journal.
 */
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { MockContext } from '../context.js'
import { rc, type ErrorCode } from '../errors.js'
import { isOperationId, operations, type OperationId } from '../operations.js'
import { parseBasic } from '../oauth/client-auth.js'
import type { Session } from '../oauth/sessions.js'
import { INTERNAL_HEADER, internalSession } from '../events/ws-sessions.js'
import type { Fault, MatchInput } from './rules.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** What the control hooks learnt about this request, for the journal. */
    mock?: { operation: OperationId, rule?: string, fault?: Fault, clientId?: string, extensionId?: string, grantType?: string }
    /** The payload the reply sent, for the journal and the request log. */
    mockPayload?: unknown
  }
}

const OAUTH: ReadonlySet<OperationId> = new Set(['getToken', 'revokeToken', 'authorize'])

/** The client id of a Basic header, from the same decoded-header cache client authentication uses. */
const basicClientId = (authorization: string | undefined): string | undefined => parseBasic(authorization)?.id || undefined

function bearerToken (request: FastifyRequest): string | undefined {
  const match = /^bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')
  if (match?.[1]) return match[1]
  const query = (request.query as Record<string, unknown> | undefined)?.access_token
  return typeof query === 'string' && query !== '' ? query : undefined
}

const field = (body: unknown, name: string): string | undefined => {
  if (body === null || typeof body !== 'object') return undefined
  const value = (body as Record<string, unknown>)[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The `sub` of a JWT assertion, read without verifying (only to key rate limits). */
function assertionSubject (assertion: string | undefined): string | undefined {
  const payload = assertion?.split('.')[1]
  if (!payload) return undefined
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub
    return typeof sub === 'string' ? sub : undefined
  } catch {
    return undefined
  }
}

interface Facts {
  input: MatchInput
  /** The user a rate limit counts against, when one can be told. */
  user?: string
}

/** The client a token, revoke or authorize request names: Basic, else `client_id` in the body or query. */
function oauthClientId (request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined
  return basicClientId(request.headers.authorization) ?? field(request.body, 'client_id') ?? field(query, 'client_id')
}

/** The session of an API request's bearer token (without counting it as used), and the extension it names. */
function apiFacts (ctx: MockContext, request: FastifyRequest): { session: Session | undefined, extensionId: string | undefined } {
  const token = bearerToken(request)
  const session = token !== undefined ? ctx.sessions.peek(token, ctx.now()) : internalSession(ctx, request.headers[INTERNAL_HEADER])?.oauth
  const param = (request.params as Record<string, string | undefined>).extensionId
  return { session, extensionId: param === '~' ? session?.owner.id : param }
}

function factsOf (ctx: MockContext, request: FastifyRequest, operation: OperationId): Facts {
  const body = request.body
  const path = request.url.split('?')[0] ?? request.url
  const base = { operation, method: request.method, path, body }
  if (OAUTH.has(operation)) {
    const clientId = oauthClientId(request)
    const grantType = field(body, 'grant_type')
    const refreshToken = field(body, 'refresh_token')
    const user = field(body, 'username')?.toLowerCase() ?? assertionSubject(field(body, 'assertion')) ??
      (refreshToken !== undefined ? ctx.sessions.find(refreshToken)?.owner.id : undefined)
    return {
      input: { ...base, ...(clientId !== undefined ? { clientId } : {}), ...(grantType !== undefined ? { grantType } : {}) },
      ...(clientId !== undefined ? { user: `${clientId} ${user ?? '-'}` } : {})
    }
  }
  const { session, extensionId } = apiFacts(ctx, request)
  return {
    input: { ...base, ...(session ? { clientId: session.app.clientId } : {}), ...(extensionId !== undefined ? { extensionId } : {}) },
    ...(session ? { user: `${session.app.clientId} ${session.owner.id}` } : {})
  }
}

/** What the journal keeps about a request (`request.mock`): the same clientId and extensionId as factsOf's. */
function journalFacts (ctx: MockContext, request: FastifyRequest, operation: OperationId): NonNullable<FastifyRequest['mock']> {
  const mock: NonNullable<FastifyRequest['mock']> = { operation }
  if (OAUTH.has(operation)) {
    const clientId = oauthClientId(request)
    if (clientId !== undefined) mock.clientId = clientId
    const grantType = operation === 'getToken' ? field(request.body, 'grant_type') : undefined
    if (grantType !== undefined) mock.grantType = grantType
    return mock
  }
  const { session, extensionId } = apiFacts(ctx, request)
  if (session) mock.clientId = session.app.clientId
  if (extensionId !== undefined) mock.extensionId = extensionId
  return mock
}

function fault (ctx: MockContext, request: FastifyRequest, reply: FastifyReply, kind: Fault): void {
  reply.hijack()
  const socket = request.raw.socket
  record(ctx, request, reply, 0, reply.elapsedTime)
  if (kind === 'connection-reset') socket.resetAndDestroy()
  else if (kind === 'empty-response') socket.end()
  // 'timeout': never answer; the socket is closed when the client gives up or the server closes.
}

function record (ctx: MockContext, request: FastifyRequest, reply: FastifyReply, status: number, elapsedMs: number): void {
  ctx.journal.record({
    timeMs: ctx.now(),
    method: request.method,
    rawUrl: request.url,
    facts: request.mock,
    status,
    elapsedMs,
    requestHeaders: request.headers,
    requestBody: request.body,
    responseHeaders: status === 0 ? {} : reply.getHeaders(),
    payload: status === 0 ? undefined : request.mockPayload
  })
}

/**
 * Rules and rate limits for one request (the slow path of the preHandler hook: only taken while the
 * scenario has rules or rate limits). Resolves once the request may go on, or has been answered.
 */
async function control (ctx: MockContext, request: FastifyRequest, reply: FastifyReply, operation: OperationId): Promise<void> {
  const { input, user } = factsOf(ctx, request, operation)
  request.mock = {
    operation,
    ...(input.clientId !== undefined ? { clientId: input.clientId } : {}),
    ...(input.extensionId !== undefined ? { extensionId: input.extensionId } : {}),
    ...(input.grantType !== undefined ? { grantType: input.grantType } : {})
  }

  const rule = ctx.rules.match(input)
  if (rule) {
    const { id, respond } = rule.spec
    request.mock.rule = id
    reply.header('X-Mock-Rule', id)
    if (respond.delayMs) await delay(respond.delayMs)
    if (respond.fault) {
      request.mock.fault = respond.fault
      fault(ctx, request, reply, respond.fault)
      return
    }
    if (respond.error !== undefined) {
      throw rc(respond.error as ErrorCode, {
        ...(respond.message !== undefined ? { message: respond.message } : {}),
        ...(respond.headers ? { headers: respond.headers } : {})
      })
    }
    if (respond.headers) reply.headers(respond.headers)
    if (respond.status !== undefined || respond.body !== undefined) {
      const body = respond.body
      reply.code(respond.status ?? 200)
      reply.send(typeof body === 'string' || body === undefined ? (body ?? '') : body)
      return
    }
  }

  const policy = ctx.rateLimiter.policy
  if (policy.enabled && user !== undefined) {
    const verdict = ctx.rateLimiter.hit(user, operations[operation].group, ctx.now())
    reply.headers({
      'X-Rate-Limit-Group': verdict.group.toLowerCase(),
      'X-Rate-Limit-Limit': String(verdict.limit),
      'X-Rate-Limit-Remaining': String(verdict.remaining),
      'X-Rate-Limit-Window': String(verdict.windowSeconds)
    })
    if (verdict.retryAfter !== undefined) throw rc('CMN-301', { headers: { 'Retry-After': String(verdict.retryAfter) } })
  }
}

/**
 * Both hooks are callback-style, not async: they run on every request, and an async hook costs a
 * promise and a microtask turn each (docs/performance.md). While the scenario has no rules and no
 * rate limits (the common case), the preHandler hook only works out what the journal keeps.
 */
export function installControlHooks (app: FastifyInstance, ctx: MockContext): void {
  app.addHook('preHandler', (request, reply, done) => {
    const operation = request.routeOptions.config?.operationId
    if (operation === undefined || !isOperationId(operation)) {
      done()
      return
    }
    if (ctx.rules.size === 0 && !ctx.rateLimiter.policy.enabled) {
      request.mock = journalFacts(ctx, request, operation)
      done()
      return
    }
    control(ctx, request, reply, operation).then(() => { done() }, done)
  })

  app.decorateRequest('mock', undefined)
  app.decorateRequest('mockPayload', undefined)
  app.addHook('onSend', (request, _reply, payload, done) => {
    request.mockPayload = payload
    done(null, payload)
  })
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.url.startsWith('/__mock')) record(ctx, request, reply, reply.statusCode, reply.elapsedTime)
    done()
  })
}
