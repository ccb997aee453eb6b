import type { FastifyRequest } from 'fastify'
import type { MockContext } from '../context.js'

/** The URL the mock is reached at: `--base-url` when given, else the request's own origin. */
export function baseUrlOf (ctx: MockContext, request: FastifyRequest): string {
  return ctx.baseUrl ?? `${request.protocol}://${request.host}`
}
