/**
 * The control API under `/__mock`: health, the scenario, reset, the clock, rules, the request
 * journal, sessions and JWT credentials. It never shares a path with RingCentral's API, and its
 * errors are its own plain shape: `{ "error": "...", "message": "...", "problems": [...] }`, with
 * the status that says what went wrong (400, 404, 409, 413, 415; 500 for a fault of the mock,
 * which is also logged).
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { toIso } from '../clock.js'
import type { MockContext } from '../context.js'
import { routeSchema } from '../openapi.js'
import { credentialClaims, signCredential } from '../jwt-credentials.js'
import { operationIds } from '../operations.js'
import { checkScenario, parseScenario, ruleValidator, ScenarioError } from '../scenario/load.js'
import { checkRule, describeRule, type RuleSpec } from './rules.js'
import { moveClock } from './clock-control.js'
import { describeMessage, describeSession } from './describe.js'
import { badRequest, ControlError, notFound } from './errors.js'
import { checkJournalFilter } from './journal.js'
import { eventControlRoutes } from './event-routes.js'
import { dashboardRoutes, installFeedHook } from './dashboard-routes.js'
import { oauthDebuggerRoutes } from './oauth-debugger.js'
import { uiRoutes } from './ui-routes.js'
import { a2pControlRoutes } from './a2p-routes.js'

export { ControlError } from './errors.js'

function object (body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`${what} must be a JSON object`)
  return body as Record<string, unknown>
}

function clockState (ctx: MockContext): Record<string, unknown> {
  return { now: toIso(ctx.now()), frozen: ctx.clock.frozen }
}

/** A control API error for anything a control route throws. */
export function controlErrorOf (error: unknown, report: (error: unknown) => void): ControlError {
  if (error instanceof ControlError) return error
  if (error instanceof ScenarioError) {
    return new ControlError(error.tooLarge ? 413 : 400, error.tooLarge ? 'payload_too_large' : 'bad_request', error.message.split('\n')[0] ?? 'invalid scenario', error.problems)
  }
  const code = (error as FastifyError | undefined)?.code
  const status = (error as FastifyError | undefined)?.statusCode
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ControlError(413, 'payload_too_large', 'the request body is too large')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ControlError(415, 'unsupported_media_type', 'send the body as application/json (scenarios may also be application/yaml)')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest(`the body is not valid JSON: ${(error as Error).message}`)
  }
  if (status !== undefined && status >= 400 && status < 500) return new ControlError(status, status === 404 ? 'not_found' : 'bad_request', (error as Error).message)
  report(error)
  return new ControlError(500, 'internal_error', 'the mock failed to handle this request (the error is in its log); this is a bug in ringcentral-mock')
}

const FORM = /^application\/x-www-form-urlencoded\b/i

/** `api`: the app that serves RingCentral's routes, if not `app` (the control API is an app of its own). */
export async function controlRoutes (app: FastifyInstance, { ctx, api = app }: { ctx: MockContext, api?: FastifyInstance }): Promise<void> {
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body))
  // curl -d sends form-encoded: the control API reads such a body as text (see PUT /__mock/scenario).
  app.removeContentTypeParser('application/x-www-form-urlencoded')
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  app.setErrorHandler((error, request, reply: FastifyReply) => {
    const known = controlErrorOf(error, e => ctx.reportError(e, request))
    return reply.code(known.status).type('application/json; charset=utf-8').send(known.body())
  })

  installFeedHook(app, ctx)
  // In this plugin's scope (its parsers and error handler), without a scope of their own.
  await eventControlRoutes(app, { ctx })
  await dashboardRoutes(app, { ctx })
  await oauthDebuggerRoutes(app, { ctx, api })
  await a2pControlRoutes(app, { ctx })
  await uiRoutes(app)

  // GET /__mock/health is served by the RingCentral routes' app (control/health.ts).

  // --- Scenario -------------------------------------------------------------------------
  app.get('/__mock/scenario', { schema: routeSchema('getMockScenario') }, async () => ({ name: ctx.world.name, source: ctx.loaded.source, scenario: ctx.loaded.scenario }))

  /**
   * YAML or JSON, whatever the Content-Type claims (a JSON body is also YAML). A form-encoded body
   * is what `curl -d @file` sends, and curl drops the file's line breaks on the way, so YAML arrives
   * broken: when such a body (one line) is refused, the answer is a 415 naming the command that works.
   */
  app.put('/__mock/scenario', { schema: routeSchema('replaceMockScenario'), bodyLimit: ctx.scenarioLimits.maxBytes }, async (request) => {
    const body = request.body
    const source = 'PUT /__mock/scenario'
    let scenario
    if (typeof body === 'string') {
      try {
        scenario = parseScenario(body, source, ctx.scenarioLimits)
      } catch (error) {
        // One line, form-encoded, refused: what `curl -d @file.yaml` makes of a YAML file.
        if (FORM.test(request.headers['content-type'] ?? '') && !body.includes('\n') && error instanceof ScenarioError && !error.tooLarge) {
          throw new ControlError(415, 'unsupported_media_type',
            'the body was sent form-encoded (curl -d), which drops its line breaks; send the file as it is: ' +
            'curl -X PUT --data-binary @scenario.yaml -H "Content-Type: application/yaml" URL/__mock/scenario', error.problems)
        }
        throw error
      }
    } else {
      scenario = checkScenario(body, source)
    }
    // Built completely before it replaces anything: a refused scenario leaves the running one intact.
    await ctx.load({ scenario, source, baseDir: ctx.loaded.baseDir })
    return { name: ctx.world.name, ...clockState(ctx) }
  })

  app.post('/__mock/reset', { schema: routeSchema('resetMock') }, async () => {
    await ctx.load(ctx.loaded)
    return { name: ctx.world.name, ...clockState(ctx) }
  })

  // --- Clock ----------------------------------------------------------------------------
  app.get('/__mock/clock', { schema: routeSchema('getMockClock') }, async () => clockState(ctx))

  app.post('/__mock/clock', { schema: routeSchema('setMockClock') }, async (request) => {
    const move = object(request.body, 'the clock request')
    const unknown = Object.keys(move).filter(k => !['advanceSeconds', 'set', 'freeze', 'allowBackwards'].includes(k))
    if (unknown.length > 0) throw badRequest(`unknown field ${JSON.stringify(unknown[0])}: give advanceSeconds, set, freeze and/or allowBackwards`)
    moveClock(ctx.clock, move)
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
  app.get<{ Querystring: Record<string, unknown> }>('/__mock/requests', { schema: routeSchema('listMockRequests') }, async (request) => {
    const records = ctx.journal.list(checkJournalFilter(request.query, operationIds))
    return { records, total: records.length, held: ctx.journal.size, dropped: ctx.journal.dropped, limit: ctx.journal.limit }
  })

  app.get<{ Params: { id: string } }>('/__mock/requests/:id', { schema: routeSchema('getMockRequest') }, async (request) => {
    const id = request.params.id
    const entry = /^\d{1,15}$/.test(id) ? ctx.journal.get(Number(id)) : undefined
    if (!entry) throw notFound(`journal entry ${JSON.stringify(id)} (entries are dropped once the journal holds policies.journalLimit)`)
    return entry
  })

  app.delete('/__mock/requests', { schema: routeSchema('clearMockRequests') }, async (_request, reply) => {
    ctx.journal.clear()
    return reply.code(204).send()
  })

  // --- Outbox ---------------------------------------------------------------------------
  app.get<{ Querystring: Record<string, string | undefined> }>('/__mock/messages', { schema: routeSchema('listMockMessages') }, async (request) => {
    const { extensionId, phoneNumber, direction, limit } = request.query
    if (direction !== undefined && direction !== 'Inbound' && direction !== 'Outbound') throw badRequest('direction must be Inbound or Outbound')
    if (limit !== undefined && (!/^\d{1,5}$/.test(limit) || Number(limit) < 1)) throw badRequest('limit must be a positive whole number')
    const now = ctx.now()
    const store = ctx.messages
    // The newest `limit`, still oldest first.
    const found = store.outbox({
      ...(extensionId ? { extensionId } : {}),
      ...(phoneNumber ? { phoneNumber } : {}),
      ...(direction ? { direction } : {})
    }, limit !== undefined ? Number(limit) : Infinity)
    const records = found.map(m => describeMessage(m, now))
    return { records, total: store.size, dropped: store.dropped, limit: store.limit }
  })

  app.delete('/__mock/messages', { schema: routeSchema('clearMockMessages') }, async (_request, reply) => {
    ctx.messages.clear()
    return reply.code(204).send()
  })

  // --- Sessions -------------------------------------------------------------------------
  app.get('/__mock/sessions', { schema: routeSchema('listMockSessions') }, async () => {
    const now = ctx.now()
    return { records: [...ctx.sessions.sessions()].map(s => describeSession(s, now, ctx.sessions)) }
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
    if (!ctx.credentials.revoke(request.params.id)) throw notFound(`JWT credential "${request.params.id}"`)
    return reply.code(204).send()
  })
}
