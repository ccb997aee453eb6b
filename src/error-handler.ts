/**
 * The one place errors become responses. RcErrors render as themselves; fastify's own errors
 * (bad JSON, unsupported media type, oversized body, validation) become the RingCentral error a
 * client would get; anything else is logged and answered with a RingCentral-shaped 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { MockContext } from './context.js'
import { type Dialect, rc, RcError } from './errors.js'
import { unmodelled } from './not-found.js'

const clip = (text: string): string => text.length > 200 ? `${text.slice(0, 200)}…` : text

declare module 'fastify' {
  interface FastifyContextConfig {
    /** RingCentral's operationId for the route (the vocabulary of scenarios and the OpenAPI document). */
    operationId?: string
    /** Which error-body dialect the route answers in. */
    dialect?: Dialect
    /** The request body media types the operation takes (from the OpenAPI document); others get 415. */
    accepts?: readonly string[]
  }
}

export function dialectOf (request: FastifyRequest): Dialect {
  return request.routeOptions.config?.dialect ?? (request.url.startsWith('/restapi/oauth/') ? 'oauth' : 'api')
}

/** `Unsupported Media Type: text/plain (createSMSMessage takes application/json, multipart/form-data)`. */
export function unsupportedMediaType (request: FastifyRequest): RcError {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? ''
  const shown = type === '' ? 'no Content-Type' : type.length > 100 ? `${type.slice(0, 100)}…` : type
  const accepts = request.routeOptions.config?.accepts
  const operationId = request.routeOptions.config?.operationId
  return rc('CMN-415', {
    message: `Unsupported Media Type: ${shown}` + (accepts && accepts.length > 0 ? ` (${operationId ?? 'this operation'} takes ${accepts.join(', ')})` : '')
  })
}

function fromFastify (error: FastifyError, request: FastifyRequest): RcError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return rc('CMN-103')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(request)
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

/**
 * Refusals of RingCentral's API gateway, before the High Volume or v2 service sees the request
 * (authentication, the app's permission, rate limits): they keep the REST API's body there too.
 */
const isGatewayError = (error: RcError): boolean =>
  error.code.startsWith('OAU-') || error.code.startsWith('AGW-') || error.code === 'CMN-401' || error.code === 'CMN-301'

export function sendError (request: FastifyRequest, reply: FastifyReply, error: RcError): FastifyReply {
  const routeDialect = dialectOf(request)
  const dialect = (routeDialect === 'asg' || routeDialect === 'v2') && isGatewayError(error) ? 'api' : routeDialect
  return reply.code(error.status(dialect)).headers(error.headers(dialect)).type('application/json; charset=UTF-8').send(error.body(dialect))
}

export function installErrorHandling (app: FastifyInstance, ctx: MockContext): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof RcError ? error : fromFastify(error, request)
    if (known) return sendError(request, reply, known)
    ctx.reportError(error, request)
    return sendError(request, reply, rc('CMN-500'))
  })
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/__mock/') || request.url === '/__mock') {
      return reply.code(404).type('application/json; charset=utf-8').send({
        error: 'not_found',
        message: `no control API route ${request.method} ${clip(request.url.split('?')[0] ?? '')}; the control API is listed at /__mock/docs`
      })
    }
    return sendError(request, reply, request.url.startsWith('/restapi/') ? unmodelled(request) : rc('CMN-120'))
  })
}
