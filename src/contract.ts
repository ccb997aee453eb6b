/**
 * Response validation against the OpenAPI document: the contract check the test suite runs on
 * every response (`buildApp(ctx, { validateResponses: true })`).
 *
 * For a documented operation, a response must have a status the document lists for it, a content
 * type it lists for that status (or no body where it lists none), a JSON body that validates
 * against that schema, and, for a RingCentral error, an `errorCode` the operation's
 * `x-error-codes` lists with that status. Answers a scenario rule scripted (`respond.status` /
 * `respond.body`) are the user's own and are not checked; a rule's catalogued `respond.error` may
 * come on any operation with any code, so only its body shape is checked. A route missing from the
 * document is a violation too.
 */
import type { ValidateFunction } from 'ajv'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { OpenAPIV3 } from 'openapi-types'
import type { MockContext } from './context.js'
import { createAjv, dialectOfOperation, type DocumentOperation, operationById, operationForRoute, resolveRefs } from './openapi.js'
import { clip } from './errors.js'
import { redactUrl } from './redact.js'

export interface ContractViolation {
  method: string
  /** Secrets redacted. */
  url: string
  operationId?: string
  status: number
  problem: string
}

/** What is known about one response. */
export interface ResponseFacts {
  operationId: string
  status: number
  /** The `Content-Type` header, if any. */
  contentType?: string
  /** The payload as sent (empty for none). */
  body: string | Buffer
  /** How a rule answered, if one did: a catalogued error, or a scripted status/body. */
  rule?: 'error' | 'scripted'
}

let ajv: ReturnType<typeof createAjv> | undefined
const validators = new Map<string, ValidateFunction>()

function validatorFor (key: string, schema: object): ValidateFunction {
  let validate = validators.get(key)
  if (!validate) {
    // Made on first use: a server that checks no response never builds it.
    validate = (ajv ??= createAjv({ allErrors: true })).compile(schema)
    validators.set(key, validate)
  }
  return validate
}

const essence = (contentType: string | undefined): string | undefined => contentType?.split(';')[0]?.trim().toLowerCase() || undefined

const isJson = (mediaType: string): boolean => mediaType === 'application/json' || mediaType.endsWith('+json')

function mediaFor (content: Record<string, OpenAPIV3.MediaTypeObject>, type: string): [string, OpenAPIV3.MediaTypeObject] | undefined {
  const [major] = type.split('/')
  for (const key of [type, `${major}/*`, '*/*']) {
    const media = content[key]
    if (media) return [key, media]
  }
  return undefined
}

function responseFor (op: DocumentOperation, status: number): OpenAPIV3.ResponseObject | undefined {
  const responses = op.operation.responses
  const raw = responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses.default
  return raw !== undefined ? resolveRefs(raw) as OpenAPIV3.ResponseObject : undefined
}

const describeErrors = (validate: ValidateFunction): string =>
  (validate.errors ?? []).slice(0, 5).map(e => `${e.instancePath || '(root)'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`).join('; ')

function parse (body: string | Buffer): { ok: true, value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString()) as unknown }
  } catch {
    return { ok: false }
  }
}

/** The error schema of the operation's dialect (for rule-injected errors). */
function errorSchemaOf (op: DocumentOperation): object {
  const name = dialectOfOperation(op) === 'oauth' ? 'OAuthError' : 'ApiError'
  return resolveRefs({ $ref: `#/components/schemas/${name}` })
}

/** The problems with one response, by the document's contract for its operation (none: conforms). */
export function checkResponse (facts: ResponseFacts): string[] {
  const op = operationById(facts.operationId)
  if (facts.rule === 'scripted') return []
  const body = facts.body
  const type = essence(facts.contentType)
  const where = `${op.method} ${op.path} (${op.id}) ${facts.status}`

  if (facts.rule === 'error') {
    if (op.control) return [`${where}: a rule answered a control API request`]
    const parsed = parse(body)
    if (!parsed.ok) return [`${where}: a rule's error is not JSON`]
    const validate = validatorFor(`${op.id} rule-error`, errorSchemaOf(op))
    return validate(parsed.value) ? [] : [`${where}: a rule's error body does not validate: ${describeErrors(validate)}`]
  }

  const response = responseFor(op, facts.status)
  if (!response) {
    return [`${where}: status ${facts.status} is not documented (documented: ${Object.keys(op.operation.responses).join(', ')})`]
  }
  const content = response.content
  if (!content || Object.keys(content).length === 0) {
    return body.length > 0 ? [`${where}: the document says no body, the response has ${body.length} bytes (${type ?? 'no Content-Type'})`] : []
  }
  if (type === undefined) return [`${where}: no Content-Type (documented: ${Object.keys(content).join(', ')})`]
  const found = mediaFor(content, type)
  if (!found) return [`${where}: Content-Type ${type} is not documented (documented: ${Object.keys(content).join(', ')})`]
  const [mediaKey, media] = found
  if (!isJson(type) || media.schema === undefined) return []

  const parsed = parse(body)
  if (!parsed.ok) return [`${where}: the body is not JSON`]
  const problems: string[] = []
  const validate = validatorFor(`${op.id} ${facts.status} ${mediaKey}`, resolveRefs(media.schema))
  if (!validate(parsed.value)) problems.push(`${where}: the body does not validate: ${describeErrors(validate)}`)

  // A RingCentral error must be one the operation documents, with its status.
  if (facts.status >= 400 && !op.control) {
    const code = (parsed.value as { errors?: Array<{ errorCode?: unknown }> } | null)?.errors?.[0]?.errorCode
    if (typeof code === 'string' && !op.errorCodes.some(e => e.code === code && e.status === facts.status)) {
      problems.push(`${where}: error code ${code} with status ${facts.status} is not in x-error-codes`)
    }
  }
  return problems
}

function ruleKind (ctx: MockContext, request: FastifyRequest): ResponseFacts['rule'] {
  const id = request.mock?.rule
  if (id === undefined) return undefined
  const respond = ctx.rules.all().find(r => r.spec.id === id)?.spec.respond
  if (respond === undefined) return 'scripted'
  if (respond.error !== undefined) return 'error'
  if (respond.status !== undefined || respond.body !== undefined) return 'scripted'
  return undefined
}

function payloadOf (payload: unknown): string | Buffer | undefined {
  if (payload === null || payload === undefined) return ''
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) return payload
  return undefined
}

const recorded = new WeakMap<FastifyInstance, ContractViolation[]>()

/** The violations found so far on an app built with `validateResponses`. */
export function contractViolations (app: FastifyInstance): readonly ContractViolation[] {
  return recorded.get(app) ?? []
}

export function describeViolation (v: ContractViolation): string {
  return `${v.method} ${v.url} → ${v.status}: ${v.problem}`
}

/**
 * Checks every response of the app against the document. Violations are recorded in `violations`
 * (see `contractViolations`; an app and the control API's app share one) and passed to
 * `onViolation` as they happen.
 */
export function installContractCheck (app: FastifyInstance, ctx: MockContext, onViolation?: (violation: ContractViolation) => void, violations: ContractViolation[] = []): void {
  recorded.set(app, violations)
  const report = (request: FastifyRequest, status: number, problem: string, operationId?: string): void => {
    const violation: ContractViolation = {
      method: request.method,
      url: clip(redactUrl(request.url), 300),
      ...(operationId !== undefined ? { operationId } : {}),
      status,
      problem
    }
    violations.push(violation)
    onViolation?.(violation)
  }

  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url
    // Unknown URLs (RingCentral's 404 CMN-120) have no operation; HEAD is GET without the body;
    // OPTIONS is the CORS preflight, answered by @fastify/cors for every path.
    if (route === undefined || request.method === 'HEAD' || request.method === 'OPTIONS') return payload
    const op = operationForRoute(request.method, route)
    if (!op) {
      report(request, reply.statusCode, `${request.method} ${route} is served but not in the OpenAPI document`)
      return payload
    }
    const body = payloadOf(payload)
    if (body === undefined) return payload
    const contentType = reply.getHeader('content-type')
    const rule = ruleKind(ctx, request)
    for (const problem of checkResponse({
      operationId: op.id,
      status: reply.statusCode,
      ...(typeof contentType === 'string' ? { contentType } : {}),
      body,
      ...(rule !== undefined ? { rule } : {})
    })) report(request, reply.statusCode, problem, op.id)
    return payload
  })
}
