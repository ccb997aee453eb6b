/**
 * The one place errors become responses. RcErrors render as themselves; fastify's own errors
 * (bad JSON, unsupported media type, oversized body, validation) become the RingCentral error a
 * client would get; anything else is logged and answered with a RingCentral-shaped 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Dialect, rc, RcError } from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** RingCentral's operationId for the route (the vocabulary of scenarios and the OpenAPI document). */
    operationId?: string
    /** Which error-body dialect the route answers in. */
    dialect?: Dialect
  }
}

export function dialectOf (request: FastifyRequest): Dialect {
  return request.routeOptions.config?.dialect ?? (request.url.startsWith('/restapi/oauth/') ? 'oauth' : 'api')
}

function fromFastify (error: FastifyError): RcError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return rc('CMN-103')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return rc('CMN-415', { message: `Unsupported Media Type: ${error.message}` })
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return rc('CMN-104', { status: 413, message: 'Request entity too large' })
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return rc('CMN-104')
    case 'FST_ERR_VALIDATION':
      return rc('CMN-101', { parameterName: parameterNameOf(error) })
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return rc('CMN-104', { status: error.statusCode, message: error.message })
  }
  return undefined
}

/**
 * The parameter a validation failure names, as RingCentral names it: the query or path parameter
 * (`perPage`; `direction` for an item of a repeated one), or the body field, dotted for a nested
 * one (`country.isoCode`) and up to the array for anything inside one (`to` for `to[0].phoneNumber`).
 */
export function parameterNameOf (error: Pick<FastifyError, 'validation' | 'validationContext'>): string {
  const first = error.validation?.[0]
  const segments = (first?.instancePath ?? '').split('/').filter(Boolean).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  const params = (first?.params ?? {}) as { missingProperty?: string, additionalProperty?: string }
  const leaf = params.missingProperty ?? params.additionalProperty
  if (leaf !== undefined) segments.push(leaf)
  const index = segments.findIndex(s => /^\d+$/.test(s))
  const named = index >= 0 ? segments.slice(0, index) : segments
  if (error.validationContext !== 'body') return named[0] ?? error.validationContext ?? 'body'
  return named.join('.') || 'body'
}

export function sendError (request: FastifyRequest, reply: FastifyReply, error: RcError): FastifyReply {
  const dialect = dialectOf(request)
  return reply.code(error.status(dialect)).headers(error.headers(dialect)).type('application/json; charset=UTF-8').send(error.body(dialect))
}

export function installErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof RcError ? error : fromFastify(error)
    if (known) return sendError(request, reply, known)
    request.log.error({ err: error }, 'unexpected error')
    return sendError(request, reply, rc('CMN-500'))
  })
  app.setNotFoundHandler((request, reply) => sendError(request, reply, rc('CMN-120')))
}
