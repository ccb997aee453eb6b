/**
 * `GET /__mock/health` (and HEAD): served by the RingCentral routes' app itself, so that a
 * readiness probe (wait-on, Docker, Kubernetes) does not build the rest of the control API.
 * Exempt from the control API's host, origin and token checks (control/access.ts); no CORS.
 */
import type { FastifyInstance } from 'fastify'
import { toIso } from '../clock.js'
import type { MockContext } from '../context.js'
import { routeSchema } from '../openapi.js'

export const isHealth = (url: string): boolean => url === '/__mock/health' || url.startsWith('/__mock/health?')

export function healthRoute (app: FastifyInstance, ctx: MockContext): void {
  app.get('/__mock/health', { schema: routeSchema('mockHealth') }, async () => ({ status: 'ok', scenario: ctx.world.name, now: toIso(ctx.now()) }))
}
