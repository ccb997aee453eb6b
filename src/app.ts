/**
 * buildApp(): the whole mock as a fastify instance that is not listening (tests use inject()).
 * Every route plugin is registered here, in order, so this file reads as a map of the server.
 */
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { installCors } from './api/cors.js'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { extensionRoutes } from './api/extension.js'
import type { MockContext } from './context.js'
import { clientErrorHandler } from './client-error.js'
import { installErrorHandling } from './error-handler.js'
import { messagingRoutes } from './messaging/routes.js'
import { installGateway } from './events/gateway.js'
import { subscriptionRoutes } from './events/routes.js'
import { a2pRoutes } from './a2p/routes.js'
import { consentRoutes } from './a2p/consent-routes.js'
import { authorizeRoutes } from './oauth/authorize.js'
import { oauthRoutes } from './oauth/routes.js'
import { redactUrl } from './redact.js'
import { errorCodesOf } from './control/journal.js'
import { installControlAccess } from './control/access.js'
import { installControlHooks } from './control/hooks.js'
import { openapiRoutes } from './control/openapi-routes.js'
import { controlRoutes } from './control/routes.js'
import { installHome } from './control/ui-routes.js'
import { type ContractViolation, installContractCheck } from './contract.js'
import { installRequestValidation } from './openapi.js'

export interface AppOptions {
  /** One line per request is passed here (secrets and tokens redacted). */
  log?: (line: string) => void
  /**
   * Check every response against the OpenAPI document (tests): violations are recorded, see
   * `contractViolations(app)` in contract.ts, and passed to `onContractViolation`.
   */
  validateResponses?: boolean
  onContractViolation?: (violation: ContractViolation) => void
  /** Hosts the control API answers besides loopback and the `--base-url` host (control/access.ts). */
  allowedHosts?: readonly string[]
}

export async function buildApp (ctx: MockContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: true, forceCloseConnections: true, bodyLimit: 10 * 1024 * 1024, clientErrorHandler, schemaController: { compilersFactory: LAZY_COMPILERS } })
  installErrorHandling(app, ctx)
  // Before CORS: a control request from another origin is refused before any CORS header is made.
  installControlAccess(app, ctx, { ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}) })
  // The control API answers no CORS at all; RingCentral's routes keep theirs.
  app.addHook('onRoute', route => {
    if (route.url.startsWith('/__mock')) route.config = { ...route.config, cors: false } as typeof route.config
  })
  await app.register(formbody)
  // Browser apps call RingCentral directly (RingCentral answers CORS requests), so the mock does too.
  installCors(app)

  // Callback-style hooks here and in the route plugins: they run on every request, and an async
  // hook costs a promise and a microtask turn (docs/performance.md).
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('RCRequestId', randomUUID())
    done()
  })
  const log = options.log
  if (log) {
    app.addHook('onResponse', (request, reply, done) => {
      const op = request.routeOptions.config?.operationId
      const codes = reply.statusCode >= 400 ? errorCodesOf(reply.statusCode, request.mockPayload) : []
      log(`${request.method} ${redactUrl(request.url)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms${op ? ` ${op}` : ''}${describeToken(request.body)}${codes.length > 0 ? ` ${codes.join(',')}` : ''}`)
      done()
    })
  }

  installControlHooks(app, ctx)
  installRequestValidation(app, ctx)
  if (options.validateResponses) installContractCheck(app, ctx, options.onContractViolation)
  // Four plugins have a scope of their own (their content-type parsers, error handler or onSend
  // headers); the other route groups are added to the root directly: each encapsulated plugin is a
  // child instance, its hooks copied, and a turn of avvio's queue at every start (docs/performance.md).
  await app.register(named(controlRoutes, 'controlRoutes'), { ctx })
  await openapiRoutes(app, { ctx })
  await app.register(named(oauthRoutes, 'oauthRoutes'), { ctx })
  await app.register(named(authorizeRoutes, 'authorizeRoutes'), { ctx })
  await extensionRoutes(app, { ctx })
  await app.register(named(messagingRoutes, 'messagingRoutes'), { ctx })
  await subscriptionRoutes(app, { ctx })
  await a2pRoutes(app, { ctx })
  await consentRoutes(app, { ctx })
  installHome(app, ctx)
  installGateway(app, ctx)
  app.addHook('onClose', (_instance, done) => {
    ctx.close()
    done()
  })
  return app
}

/**
 * fastify's own validator and serializer factories, loaded if fastify ever asks for one. It builds
 * both when an app is made, which loads Ajv, ajv-formats and fast-json-stringify (about 110
 * modules); the mock validates with its own compiler (`installRequestValidation`, which loads Ajv
 * when a route is first validated) and declares no response schemas, so neither is asked for.
 */
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))
const LAZY_COMPILERS = {
  buildValidator: (...args: unknown[]) => (fromFastify('@fastify/ajv-compiler') as () => (...a: unknown[]) => unknown)()(...args),
  buildSerializer: (...args: unknown[]) => (fromFastify('@fastify/fast-json-stringify-compiler') as () => (...a: unknown[]) => unknown)()(...args)
} as unknown as NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>

/**
 * A plugin with fastify's display name: without one, fastify looks for the plugin among the
 * exports of every module in `require.cache` at each registration (thousands of entries in a test
 * runner's process).
 */
function named<T extends object> (plugin: T, name: string): T {
  const key = Symbol.for('fastify.display-name')
  if (!(key in plugin)) Object.defineProperty(plugin, key, { value: name })
  return plugin
}

/** For token requests, the grant and client (never a secret, password, assertion or token). */
function describeToken (body: unknown): string {
  if (body === null || typeof body !== 'object') return ''
  const { grant_type: grant, client_id: client } = body as Record<string, unknown>
  return (typeof grant === 'string' ? ` grant_type=${grant}` : '') + (typeof client === 'string' ? ` client_id=${client}` : '')
}
