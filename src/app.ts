/**
 * buildApp(): the whole mock as a fastify instance that is not listening (tests use inject()).
 * Every route plugin is registered here, in order, so this file reads as a map of the server.
 */
import { answerCors, installPreflightRoute } from './api/cors.js'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance } from 'fastify'
import { extensionRoutes } from './api/extension.js'
import type { MockContext } from './context.js'
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
import { isControl } from './control/access.js'
import { healthRoute, isHealth } from './control/health.js'
import { installControlHooks } from './control/hooks.js'
import { installHome } from './control/ui-routes.js'
import { type ContractViolation, installContractCheck } from './contract.js'
import { fastifyOptions, named, setRequestId } from './fastify-setup.js'
import { installRequestValidation, type RegisteredRoute } from './openapi.js'

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
  const app = Fastify(fastifyOptions())
  const routes: RegisteredRoute[] = []
  const violations: ContractViolation[] = []
  // The control API (/__mock) is a fastify app of its own (control/app.ts), loaded and built on its
  // first request: its routes and their HEAD twins were most of the route registrations of every
  // start (docs/performance.md). Its requests are handed over before anything here reads them (the
  // body is still unread): first hook, and the chain stops with the hijack. The health check stays
  // here, so that a readiness probe does not build it.
  let control: Promise<FastifyInstance> | undefined
  const controlApp = (): Promise<FastifyInstance> =>
    (control ??= import('./control/app.js').then(m => m.buildControlApp(app, ctx, options, routes, violations)))
  controlApps.set(app, controlApp)
  // One onRequest pass for every request: the control API's are handed over, then CORS (browser
  // apps call RingCentral directly, and RingCentral answers CORS requests, so the mock does too) and
  // the request id. Each hook is a turn of fastify's hook runner on every request.
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.url
    if (!isControl(url)) {
      if (answerCors(request, reply)) return
    } else if (!isHealth(url)) {
      reply.hijack()
      controlApp().then(served => { served.routing(request.raw, reply.raw) }, (error: unknown) => {
        ctx.reportError(error, request)
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
        reply.raw.end(JSON.stringify({ error: 'internal_error', message: 'the control API failed to start; this is a bug in ringcentral-mock (the error is in its log)' }))
      })
      return
    }
    setRequestId(reply)
    done()
  })
  installPreflightRoute(app)
  installErrorHandling(app, ctx)
  await app.register(formbody)
  // The request log of both apps: a control request's line is written here too (fastify runs the
  // onResponse hooks of a reply it handed over).
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
  installRequestValidation(app, ctx, routes)
  if (options.validateResponses) installContractCheck(app, ctx, options.onContractViolation, violations)
  // Three plugins have a scope of their own (their content-type parsers or onSend headers); the
  // other route groups are added to the root directly: each encapsulated plugin is a child
  // instance, its hooks copied, and a turn of avvio's queue at every start (docs/performance.md).
  await app.register(named(oauthRoutes, 'oauthRoutes'), { ctx })
  await app.register(named(authorizeRoutes, 'authorizeRoutes'), { ctx })
  await extensionRoutes(app, { ctx })
  await app.register(named(messagingRoutes, 'messagingRoutes'), { ctx })
  await subscriptionRoutes(app, { ctx })
  await a2pRoutes(app, { ctx })
  await consentRoutes(app, { ctx })
  healthRoute(app, ctx)
  installHome(app, ctx)
  installGateway(app, ctx)
  // The control app closes first: its dashboard streams end before the server waits for its sockets.
  app.addHook('preClose', (done) => {
    const built = control
    if (built === undefined) {
      done()
      return
    }
    built.then(served => served.close(), () => {}).then(() => { done() }, () => { done() })
  })
  app.addHook('onClose', (_instance, done) => {
    ctx.close()
    done()
  })
  return app
}

/** The control API's app of an app made by {@link buildApp}, built now if no request has needed it yet. */
export function controlAppOf (app: FastifyInstance): Promise<FastifyInstance> {
  const controlApp = controlApps.get(app)
  if (controlApp === undefined) throw new Error('not an app made by buildApp')
  return controlApp()
}

const controlApps = new WeakMap<FastifyInstance, () => Promise<FastifyInstance>>()

/** For token requests, the grant and client (never a secret, password, assertion or token). */
function describeToken (body: unknown): string {
  if (body === null || typeof body !== 'object') return ''
  const { grant_type: grant, client_id: client } = body as Record<string, unknown>
  return (typeof grant === 'string' ? ` grant_type=${grant}` : '') + (typeof client === 'string' ? ` client_id=${client}` : '')
}
