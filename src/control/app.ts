/**
 * The control API (`/__mock`, but its health check) as a fastify app of its own, made on its first
 * request (app.ts hands its requests over), so that a start registers only RingCentral's routes
 * and does not load this code (docs/performance.md). The same error handling, request id,
 * validation and contract check as the RingCentral routes' app, its access checks, and no CORS.
 * It never listens.
 */
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance } from 'fastify'
import type { AppOptions } from '../app.js'
import type { MockContext } from '../context.js'
import { type ContractViolation, installContractCheck } from '../contract.js'
import { installErrorHandling } from '../error-handler.js'
import { fastifyOptions, installRequestId, named } from '../fastify-setup.js'
import { installRequestValidation, type RegisteredRoute } from '../openapi.js'
import { installControlAccess } from './access.js'
import { installControlHooks } from './hooks.js'
import { openapiRoutes } from './openapi-routes.js'
import { controlRoutes } from './routes.js'

/**
 * `api`: the app that serves RingCentral's routes (the OAuth debugger's exchanges go to it);
 * `routes` and `violations`: the lists it records its routes and contract violations in, shared
 * with that app so that `registeredRoutes` and `contractViolations` see both.
 */
export async function buildControlApp (api: FastifyInstance, ctx: MockContext, options: AppOptions, routes: RegisteredRoute[], violations: ContractViolation[]): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions())
  installErrorHandling(app, ctx)
  installControlAccess(app, ctx, { ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}) })
  await app.register(formbody)
  installRequestId(app)
  installControlHooks(app, ctx)
  installRequestValidation(app, ctx, routes)
  if (options.validateResponses) installContractCheck(app, ctx, options.onContractViolation, violations)
  await app.register(named(controlRoutes, 'controlRoutes'), { ctx, api })
  // The document and its reference page (`/__mock/openapi.json`, `/__mock/docs`), outside the
  // control routes' own scope (their parsers and error bodies), as before.
  await openapiRoutes(app, { ctx })
  await app.ready()
  return app
}
