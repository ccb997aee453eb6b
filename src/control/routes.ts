/**
 * The control API under `/__mock`: health, the scenario, reset, the clock, rules, the request
 * journal, sessions and JWT credentials. It never shares a path with RingCentral's API, and its
 * errors are its own plain shape: `{ "error": "...", "message": "...", "problems": [...] }`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { toIso } from '../clock.js'
import type { MockContext } from '../context.js'
import { routeSchema } from '../openapi.js'
import { credentialClaims, signCredential } from '../jwt-credentials.js'
import { checkScenario, parseScenario, ruleValidator, ScenarioError, type ScenarioProblem } from '../scenario/load.js'
import type { Session } from '../oauth/sessions.js'
import { stateAt, type StoredMessage } from '../messaging/message-store.js'
import { checkRule, describeRule, type RuleSpec } from './rules.js'
import type { JournalFilter } from './journal.js'

/** An error of the control API (never a RingCentral error). */
export class ControlError extends Error {
  readonly status: number
  readonly error: string
  readonly problems: ScenarioProblem[] | undefined

  constructor (status: number, error: string, message: string, problems?: ScenarioProblem[]) {
    super(message)
    this.status = status
    this.error = error
    this.problems = problems
  }

  body (): Record<string, unknown> {
    return { error: this.error, message: this.message, ...(this.problems ? { problems: this.problems } : {}) }
  }
}

const badRequest = (message: string, problems?: ScenarioProblem[]) => new ControlError(400, 'bad_request', message, problems)
const notFound = (what: string) => new ControlError(404, 'not_found', `${what} not found`)

function object (body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`${what} must be a JSON object`)
  return body as Record<string, unknown>
}

export function describeSession (session: Session, now: number): Record<string, unknown> {
  return {
    id: session.id,
    accountId: session.owner.account.id,
    extensionId: session.owner.id,
    extensionNumber: session.owner.extensionNumber,
    name: session.owner.name,
    clientId: session.app.clientId,
    appName: session.app.name,
    grant: session.grant,
    createdAt: toIso(session.createdAt),
    lastRefreshAt: session.lastRefreshAt !== undefined ? toIso(session.lastRefreshAt) : null,
    accessTokenExpiresAt: toIso(session.accessExpiresAt),
    accessTokenExpired: now >= session.accessExpiresAt,
    refreshTokenExpiresAt: session.refreshExpiresAt !== undefined ? toIso(session.refreshExpiresAt) : null
  }
}

/** A sent message as the outbox shows it, with its status at `now`. */
export function describeMessage (message: StoredMessage, now: number): Record<string, unknown> {
  const state = stateAt(message, now)
  return {
    id: message.id,
    accountId: message.owner.account.id,
    extensionId: message.owner.id,
    from: message.from,
    to: message.to,
    text: message.text,
    attachments: message.attachments.length,
    creationTime: toIso(message.createdAt),
    messageStatus: state.messageStatus,
    lastModifiedTime: toIso(state.lastModifiedTime),
    ...(state.deliveryErrorCode !== undefined ? { deliveryErrorCode: state.deliveryErrorCode } : {})
  }
}

function clockState (ctx: MockContext): Record<string, unknown> {
  return { now: toIso(ctx.now()), frozen: ctx.clock.frozen }
}

export async function controlRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body))
  app.setErrorHandler((error, _request, reply: FastifyReply) => {
    const known = error instanceof ControlError
      ? error
      : error instanceof ScenarioError
        ? badRequest(error.message.split('\n')[0] ?? 'invalid scenario', error.problems)
        : badRequest((error as Error).message)
    return reply.code(known.status).send(known.body())
  })

  app.get('/__mock/health', { schema: routeSchema('mockHealth') }, async () => ({ status: 'ok', scenario: ctx.world.name, now: toIso(ctx.now()) }))

  // --- Scenario -------------------------------------------------------------------------
  app.get('/__mock/scenario', { schema: routeSchema('getMockScenario') }, async () => ({ name: ctx.world.name, source: ctx.loaded.source, scenario: ctx.loaded.scenario }))

  app.put('/__mock/scenario', { schema: routeSchema('replaceMockScenario') }, async (request) => {
    const body = request.body
    const scenario = typeof body === 'string'
      ? parseScenario(body, 'PUT /__mock/scenario')
      : checkScenario(body, 'PUT /__mock/scenario')
    // Built completely before it replaces anything: a refused scenario leaves the running one intact.
    await ctx.load({ scenario, source: 'PUT /__mock/scenario', baseDir: ctx.loaded.baseDir })
    return { name: ctx.world.name, ...clockState(ctx) }
  })

  app.post('/__mock/reset', { schema: routeSchema('resetMock') }, async () => {
    await ctx.load(ctx.loaded)
    return { name: ctx.world.name, ...clockState(ctx) }
  })

  // --- Clock ----------------------------------------------------------------------------
  app.get('/__mock/clock', { schema: routeSchema('getMockClock') }, async () => clockState(ctx))

  app.post('/__mock/clock', { schema: routeSchema('setMockClock') }, async (request) => {
    const body = object(request.body, 'the clock request')
    const { advanceSeconds, set, freeze, allowBackwards } = body
    const given = [advanceSeconds !== undefined, set !== undefined].filter(Boolean).length
    if (given > 1) throw badRequest('give advanceSeconds or set, not both')
    if (given === 0 && freeze === undefined) throw badRequest('give { "advanceSeconds": N }, { "set": "<ISO-8601>" } or { "freeze": true|false }')
    if (freeze !== undefined && typeof freeze !== 'boolean') throw badRequest('freeze must be true or false')
    let target: number | undefined
    if (advanceSeconds !== undefined) {
      if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds)) throw badRequest('advanceSeconds must be a number of seconds')
      target = ctx.now() + advanceSeconds * 1000
    }
    if (set !== undefined) {
      target = typeof set === 'string' && /^\d{4}-\d\d-\d\dT/.test(set) ? Date.parse(set) : Number.NaN
      if (Number.isNaN(target)) throw badRequest(`set must be an ISO-8601 date-time such as "2024-03-31T00:00:00Z" (got ${JSON.stringify(set)})`)
    }
    if (target !== undefined && target < ctx.now() && allowBackwards !== true) {
      throw new ControlError(409, 'clock_backwards',
        `that moves the clock back by ${Math.round((ctx.now() - target) / 1000)} s, behind tokens, codes and messages already issued; send "allowBackwards": true to do it anyway`)
    }
    if (target !== undefined) ctx.clock.set(target)
    if (freeze === true) ctx.clock.freeze()
    if (freeze === false) ctx.clock.resume()
    return clockState(ctx)
  })

  // --- Rules ----------------------------------------------------------------------------
  app.get('/__mock/rules', { schema: routeSchema('listMockRules') }, async () => ({ rules: ctx.rules.all().map(describeRule) }))

  app.post('/__mock/rules', { schema: routeSchema('createMockRule') }, async (request, reply) => {
    const spec = object(request.body, 'a rule')
    if (!ruleValidator(spec)) throw badRequest('invalid rule', ruleValidator.problems(spec, 'rule'))
    const rule = spec as unknown as RuleSpec
    const problems = checkRule(rule, ctx.world, 'rule')
    if (problems.length > 0) throw badRequest('invalid rule', problems)
    if (ctx.rules.has(rule.id)) throw new ControlError(409, 'conflict', `a rule "${rule.id}" exists already; DELETE /__mock/rules/${rule.id} first`)
    return reply.code(201).send(describeRule(ctx.rules.add(rule)))
  })

  app.delete<{ Params: { id: string } }>('/__mock/rules/:id', { schema: routeSchema('deleteMockRule') }, async (request, reply) => {
    if (!ctx.rules.remove(request.params.id)) throw notFound(`rule "${request.params.id}"`)
    return reply.code(204).send()
  })

  // --- Journal --------------------------------------------------------------------------
  app.get<{ Querystring: Record<string, string | undefined> }>('/__mock/requests', { schema: routeSchema('listMockRequests') }, async (request) => {
    const q = request.query
    const filter: JournalFilter = {}
    for (const key of ['operation', 'method', 'rule', 'clientId', 'path'] as const) {
      const value = q[key]
      if (value !== undefined && value !== '') filter[key] = value
    }
    if (q.status !== undefined && q.status !== '') {
      const status = Number(q.status)
      if (!Number.isInteger(status)) throw badRequest(`status must be an HTTP status code (got ${q.status})`)
      filter.status = status
    }
    return { records: ctx.journal.list(filter), total: ctx.journal.size, dropped: ctx.journal.dropped, limit: ctx.journal.limit }
  })

  app.delete('/__mock/requests', { schema: routeSchema('clearMockRequests') }, async (_request, reply) => {
    ctx.journal.clear()
    return reply.code(204).send()
  })

  // --- Outbox ---------------------------------------------------------------------------
  app.get<{ Querystring: Record<string, string | undefined> }>('/__mock/messages', { schema: routeSchema('listMockMessages') }, async (request) => {
    const { extensionId, phoneNumber } = request.query
    const now = ctx.now()
    const store = ctx.messages
    const records = store.outbox({
      ...(extensionId ? { extensionId } : {}),
      ...(phoneNumber ? { phoneNumber } : {})
    }).map(m => describeMessage(m, now))
    return { records, total: store.size, dropped: store.dropped, limit: store.limit }
  })

  app.delete('/__mock/messages', { schema: routeSchema('clearMockMessages') }, async (_request, reply) => {
    ctx.messages.clear()
    return reply.code(204).send()
  })

  // --- Sessions -------------------------------------------------------------------------
  app.get('/__mock/sessions', { schema: routeSchema('listMockSessions') }, async () => {
    const now = ctx.now()
    return { records: [...ctx.sessions.sessions()].map(s => describeSession(s, now)) }
  })

  app.delete<{ Params: { id: string } }>('/__mock/sessions/:id', { schema: routeSchema('deleteMockSession') }, async (request, reply) => {
    const session = ctx.sessions.session(request.params.id)
    if (!session) throw notFound(`session "${request.params.id}"`)
    ctx.sessions.end(session)
    return reply.code(204).send()
  })

  // --- JWT credentials ------------------------------------------------------------------
  app.get('/__mock/jwt', { schema: routeSchema('listMockJwtCredentials') }, async () => ({
    records: ctx.credentials.all().map(({ credential, jwt }) => ({
      id: credential.id,
      extensionId: credential.owner.id,
      ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt } : {}),
      ...(credential.apps ? { apps: credential.apps } : {}),
      revoked: credential.revoked ?? false,
      jwt
    }))
  }))

  app.get<{ Params: { id: string } }>('/__mock/jwt/:id', { schema: routeSchema('getMockJwtCredential') }, async (request, reply) => {
    const issued = ctx.credentials.get(request.params.id)
    if (!issued) throw notFound(`JWT credential "${request.params.id}"`)
    return reply.type('text/plain; charset=utf-8').send(issued.jwt)
  })

  app.post('/__mock/jwt', { schema: routeSchema('createMockJwtCredential') }, async (request, reply) => {
    const body = object(request.body, 'the credential request')
    const { extensionId, id, expiresAt, apps } = body
    if (typeof extensionId !== 'string') throw badRequest('extensionId (a string) is required')
    const owner = ctx.world.extension(extensionId)
    if (!owner) throw badRequest(`no extension ${extensionId} in scenario ${ctx.world.name}`)
    if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(id))) throw badRequest('id must match ^[A-Za-z0-9._-]{1,64}$')
    const credentialId = (id as string | undefined) ?? `runtime-${ctx.credentials.all().length + 1}-${owner.extensionNumber}`
    if (ctx.credentials.get(credentialId)) throw new ControlError(409, 'conflict', `a JWT credential "${credentialId}" exists already`)
    if (expiresAt !== undefined && (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt)))) throw badRequest('expiresAt must be an ISO-8601 date-time')
    if (apps !== undefined && (!Array.isArray(apps) || !apps.every(a => typeof a === 'string' && ctx.world.app(a)))) {
      throw badRequest('apps must list client ids of this scenario')
    }
    const credential = {
      id: credentialId,
      owner,
      issuedAt: toIso(ctx.now()),
      ...(expiresAt !== undefined ? { expiresAt: expiresAt as string } : {}),
      ...(apps !== undefined ? { apps: apps as string[] } : {})
    }
    const claims = credentialClaims(ctx.world, credential)
    const jwt = await signCredential(ctx.key, claims)
    ctx.credentials.add({ credential, jwt, jti: claims.jti })
    return reply.code(201).send({ id: credentialId, extensionId, jwt })
  })

  app.delete<{ Params: { id: string } }>('/__mock/jwt/:id', { schema: routeSchema('revokeMockJwtCredential') }, async (request, reply) => {
    const issued = ctx.credentials.get(request.params.id)
    if (!issued) throw notFound(`JWT credential "${request.params.id}"`)
    issued.credential.revoked = true
    return reply.code(204).send()
  })
}
