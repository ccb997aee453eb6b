/**
 * The OpenAPI document (`openapi/ringcentral-mock.yaml`), loaded once, and what the server takes
 * from it: each route's request schema (`routeSchema`), and request validation that answers the
 * way RingCentral does.
 *
 * Validation never changes the request: it checks a copy (with RingCentral's coercions: a query
 * parameter is a string, a repeated one an array), so handlers keep reading the raw values. On a
 * RingCentral API route a failure is held back until the access token and the app permission have
 * been checked, as RingCentral's API gateway checks them first, and until the scenario's rules and
 * rate limits have had their say; it then becomes `400 CMN-101 Parameter [x] value is invalid.`
 * (`error-handler.ts`). Parts marked `x-mock-validate: false` are left to their handler, which
 * answers them with RingCentral's more specific codes.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import type { Ajv, Options as AjvOptions, ValidateFunction } from 'ajv'
import type { FastifyInstance, FastifyRequest, FastifySchema, FastifySchemaCompiler } from 'fastify'
import type { OpenAPIV3 } from 'openapi-types'
import { authenticate, requireScope } from './api/bearer.js'
import type { MockContext } from './context.js'
import { dialectOf, unsupportedMediaType } from './error-handler.js'
import { packageFile } from './paths.js'
import { createRequire } from 'node:module'
import { prebuiltFor } from './prebuilt.js'
import { loadAjv } from './ajv.js'


/** Where the document is, from `src/` and from `dist/` alike. */
export const documentPath = packageFile('openapi/ringcentral-mock.yaml')

/** The document's text, as the file has it. */
export const documentText: string = readFileSync(documentPath, 'utf8')

/** A private directory for the parsed document, or undefined where none can be had. */
function cacheDirectory (): string | undefined {
  try {
    const uid = process.getuid?.()
    const dir = join(tmpdir(), `ringcentral-mock-${uid ?? 'user'}`)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const stat = statSync(dir)
    // Only a directory of our own that nobody else can write to.
    if ((uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined
    return dir
  } catch {
    return undefined
  }
}

/**
 * The document parsed from `text`. Parsing 70 KB of YAML takes hundreds of milliseconds on a slow
 * machine, most of the mock's start-up (docs/performance.md), so the result is kept as JSON in a
 * private directory under the OS temp directory, named by a hash of the text: the next start reads
 * it with JSON.parse in about a millisecond. It is only kept when JSON gives back exactly what the
 * YAML parse gave; a missing, unreadable or unwritable cache just costs the parse.
 */
function loadDocument (text: string): OpenAPIV3.Document {
  // Parsed by the build (dist/prebuilt/HASH.json), for exactly this text.
  const built = prebuiltDocument.parsed()
  if (built !== undefined) return built as OpenAPIV3.Document
  const dir = cacheDirectory()
  const file = dir !== undefined ? join(dir, `openapi-${createHash('sha256').update(text).digest('hex').slice(0, 40)}.json`) : undefined
  if (file !== undefined) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as OpenAPIV3.Document
    } catch {}
  }
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml')
  const parsed = parse(text) as OpenAPIV3.Document
  if (file !== undefined) {
    try {
      const json = JSON.stringify(parsed)
      if (isDeepStrictEqual(JSON.parse(json), parsed)) {
        const temporary = `${file}.${process.pid}.tmp`
        writeFileSync(temporary, json, { mode: 0o600 })
        renameSync(temporary, file)
      }
    } catch {}
  }
  return parsed
}

/** What the build made from this document (src/prebuilt.ts). */
const prebuiltDocument = prebuiltFor(documentText)

/** The document. Treat it as read-only. */
export const document: OpenAPIV3.Document = loadDocument(documentText)

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const
export type HttpMethod = typeof HTTP_METHODS[number]

/** The tag of the mock's own control API. */
export const CONTROL_TAG = 'mock-control'

/** One RingCentral error code an operation can answer, and its status (`x-error-codes`). */
export interface DocumentedErrorCode {
  code: string
  status: number
}

/** An operation of the document, with where it lives. */
export interface DocumentOperation {
  readonly id: string
  /** Upper case, as fastify has it. */
  readonly method: string
  /** OpenAPI form: `/a/{b}`. */
  readonly path: string
  /** fastify form: `/a/:b`. */
  readonly route: string
  readonly operation: OpenAPIV3.OperationObject
  readonly pathItem: OpenAPIV3.PathItemObject
  /** The name routes, rules and the journal use (`x-route-operation-id`, else `operationId`). */
  readonly routeOperationId: string
  /** Whether it belongs to the control API rather than RingCentral's. */
  readonly control: boolean
  readonly errorCodes: readonly DocumentedErrorCode[]
}

type Extended<T> = T & Record<`x-${string}`, unknown>

export const toRoutePath = (path: string): string => path.replace(/\{([^}]+)\}/g, ':$1')
export const toDocumentPath = (route: string): string => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

function collectOperations (): DocumentOperation[] {
  const list: DocumentOperation[] = []
  for (const [path, pathItem] of Object.entries(document.paths)) {
    if (!pathItem) continue
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as Extended<OpenAPIV3.OperationObject> | undefined
      if (!operation) continue
      if (!operation.operationId) throw new Error(`openapi: ${method.toUpperCase()} ${path} has no operationId`)
      list.push({
        id: operation.operationId,
        method: method.toUpperCase(),
        path,
        route: toRoutePath(path),
        operation,
        pathItem,
        routeOperationId: typeof operation['x-route-operation-id'] === 'string' ? operation['x-route-operation-id'] : operation.operationId,
        control: operation.tags?.includes(CONTROL_TAG) ?? false,
        errorCodes: (operation['x-error-codes'] as DocumentedErrorCode[] | undefined) ?? []
      })
    }
  }
  return list
}

/** Every operation of the document, in document order. */
export const documentOperations: readonly DocumentOperation[] = collectOperations()

const byId = new Map(documentOperations.map(op => [op.id, op]))
const byRoute = new Map(documentOperations.map(op => [`${op.method} ${op.route}`, op]))

export function operationById (id: string): DocumentOperation {
  const op = byId.get(id)
  if (!op) throw new Error(`openapi: no operation ${JSON.stringify(id)} in ${documentPath.pathname}`)
  return op
}

/**
 * The error dialect an operation answers in: OAuth bodies under `/restapi/oauth/`, except for
 * operations authenticated with a bearer token (the WebSocket token), which answer as the REST API.
 */
export function dialectOfOperation (op: DocumentOperation): 'oauth' | 'api' {
  return op.path.startsWith('/restapi/oauth/') && !(op.operation.security ?? []).some(s => 'bearer' in s) ? 'oauth' : 'api'
}

/** The operation a fastify route (method and route path, `:param` form) serves, if documented. */
export function operationForRoute (method: string, route: string): DocumentOperation | undefined {
  return byRoute.get(`${method.toUpperCase()} ${route}`)
}

// --- $ref resolution ----------------------------------------------------------------------

function pointer (ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`openapi: only local $refs are supported (${ref})`)
  let node: unknown = document
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined
    if (node === undefined) throw new Error(`openapi: $ref ${ref} does not resolve`)
  }
  return node
}

/** `node`, or what its `$ref` points to (one level: nested `$ref`s stay). */
export function resolveRef<T> (node: T | OpenAPIV3.ReferenceObject): T {
  let current: unknown = node
  for (let hops = 0; hops < 10; hops++) {
    const ref = (current as { $ref?: unknown } | null)?.$ref
    if (typeof ref !== 'string') return current as T
    current = pointer(ref)
  }
  throw new Error('openapi: $ref chain too long')
}

/** A copy of `node` with every local `$ref` replaced by what it points to (recursively). */
export function resolveRefs<T> (node: T, seen: readonly string[] = []): T {
  if (Array.isArray(node)) return node.map(item => resolveRefs(item, seen)) as T
  if (node === null || typeof node !== 'object') return node
  const ref = (node as { $ref?: unknown }).$ref
  if (typeof ref === 'string') {
    if (seen.includes(ref)) throw new Error(`openapi: circular $ref ${ref}`)
    return resolveRefs(pointer(ref) as T, [...seen, ref])
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) out[key] = resolveRefs(value, seen)
  return out as T
}

// --- Ajv for OpenAPI 3.0 schemas ----------------------------------------------------------

/**
 * An Ajv for the document's (OpenAPI 3.0) schemas: `nullable` and the OpenAPI formats (`int32`,
 * `int64`, `binary`, ...) understood, `example`, `x-*` and other annotations ignored.
 */
export function createAjv (options: AjvOptions = {}): Ajv {
  const { Ajv, addFormats } = loadAjv()
  const ajv = new Ajv({ strict: false, allErrors: false, useDefaults: false, removeAdditional: false, ...options })
  addFormats(ajv)
  return ajv
}

/** The part of an operation's request a schema describes, as fastify names it. */
type RequestPart = 'params' | 'querystring' | 'headers'

const PARTS: Record<string, RequestPart> = { path: 'params', query: 'querystring', header: 'headers' }

/** fastify's route schema, built from the document, plus the annotations `@fastify/swagger` reads. */
export interface RouteSchema extends FastifySchema {
  operationId: string
  summary?: string
  tags?: string[]
}

const validated = (node: unknown): boolean => (node as Record<string, unknown>)['x-mock-validate'] !== false

/** The operation's parameters (path-level ones first, overridden by the operation's), resolved. */
export function parametersOf (op: DocumentOperation): OpenAPIV3.ParameterObject[] {
  const all = [...(op.pathItem.parameters ?? []), ...(op.operation.parameters ?? [])]
    .map(p => resolveRefs(p) as OpenAPIV3.ParameterObject)
  const byKey = new Map<string, OpenAPIV3.ParameterObject>()
  for (const p of all) byKey.set(`${p.in} ${p.name}`, p)
  return [...byKey.values()]
}

const routeSchemas = new Map<string, RouteSchema>()

/** The route schemas the build made from this document (undefined: not looked for yet; null: none). */
let built: Record<string, unknown> | null | undefined

/**
 * The route schema of an operation (the same object every time: validators compiled for it are
 * reused). The build makes every operation's (scripts/prebuild.mjs) for exactly the document the
 * package has, so a start reads them instead of resolving the document's `$ref`s.
 */
export function routeSchema (operationId: string): RouteSchema {
  let schema = routeSchemas.get(operationId)
  if (schema === undefined) {
    built ??= prebuiltDocument.routeSchemas() ?? null
    operationById(operationId) // an unknown operation throws, prebuilt or not
    schema = (built?.[operationId] as RouteSchema | undefined) ?? buildRouteSchema(operationId)
    routeSchemas.set(operationId, schema)
  }
  return schema
}

/** Every operation's route schema, as the build writes them. */
export function allRouteSchemas (): Record<string, RouteSchema> {
  return Object.fromEntries(documentOperations.map(op => [op.id, buildRouteSchema(op.id)]))
}

/**
 * The fastify schema of an operation's route: `params`, `querystring` and `headers` from its
 * parameters, `body` (per content type) from its request body, `$ref`s resolved; parts marked
 * `x-mock-validate: false` left out. Routes say `schema: routeSchema('<operationId>')`.
 */
function buildRouteSchema (operationId: string): RouteSchema {
  const op = operationById(operationId)
  const schema: RouteSchema = { operationId }
  if (op.operation.summary !== undefined) schema.summary = op.operation.summary
  if (op.operation.tags !== undefined) schema.tags = [...op.operation.tags]
  const objects: Partial<Record<RequestPart, { type: 'object', properties: Record<string, unknown>, required: string[] }>> = {}
  for (const parameter of parametersOf(op)) {
    const part = PARTS[parameter.in]
    if (part === undefined || !validated(parameter) || parameter.schema === undefined) continue
    const target = objects[part] ??= { type: 'object', properties: {}, required: [] }
    const name = part === 'headers' ? parameter.name.toLowerCase() : parameter.name
    target.properties[name] = parameter.schema
    if (parameter.required) target.required.push(name)
  }
  for (const [part, object] of Object.entries(objects)) schema[part as RequestPart] = object
  const body = op.operation.requestBody !== undefined ? resolveRefs(op.operation.requestBody) as OpenAPIV3.RequestBodyObject : undefined
  if (body) {
    const content: Record<string, { schema: unknown }> = {}
    for (const [mediaType, media] of Object.entries(body.content)) {
      if (validated(media) && media.schema !== undefined) content[mediaType] = { schema: media.schema }
    }
    if (Object.keys(content).length > 0) schema.body = { content }
  }
  return schema
}

// --- Validation ---------------------------------------------------------------------------

function copy (data: unknown): unknown {
  if (data === null || typeof data !== 'object') return data
  try {
    return JSON.parse(JSON.stringify(data)) as unknown
  } catch {
    return data
  }
}

/**
 * fastify's validator compiler for the document's schemas. It validates a copy, with fastify's
 * usual coercions (`coerceTypes: 'array'`: `?perPage=5` is an integer, a single `?direction=x` an
 * array of one), and leaves the request's own values as they came.
 *
 * A route's schema is compiled when the route is first validated, not when the server starts: the
 * compiles of every route's schemas (and of the JSON Schema meta-schema, which the shipped document
 * does not need checked at every start) were a good part of the start-up (docs/performance.md).
 */
export function validatorCompiler (): FastifySchemaCompiler<unknown> {
  return ({ schema }) => {
    let strict: ValidateFunction | null | undefined
    let validate: ValidateFunction | undefined
    const check = Object.assign((data: unknown): boolean => {
      // Most requests are valid as they came: checked without coercion they need no copy (a JSON
      // round trip of the body). Only what fails that is checked, on a copy, with coercion.
      strict ??= strictly(schema as object)
      if (strict !== null && strict(data)) {
        check.errors = null
        return true
      }
      validate ??= compiled(schema as object)
      const ok = validate(copy(data))
      check.errors = validate.errors ?? null
      return ok
    }, { errors: null as ValidateFunction['errors'] | null })
    return check
  }
}

/**
 * Keywords under which a subschema may fail while the whole passes: under them coercion could
 * change a verdict (a `oneOf` branch that matches only once coerced), so a schema that has any is
 * always checked with coercion. Without them, data valid as it came is valid once coerced, and
 * coercion changes nothing in it (it only converts values whose type does not match).
 */
const BRANCHING = new Set(['oneOf', 'anyOf', 'not', 'if', 'then', 'else', 'contains', 'dependentSchemas', 'patternProperties', 'propertyNames', 'additionalItems', 'unevaluatedItems', 'unevaluatedProperties', 'discriminator'])

function branches (node: unknown, depth = 0): boolean {
  if (node === null || typeof node !== 'object' || depth > 64) return depth > 64
  if (Array.isArray(node)) return node.some(item => branches(item, depth + 1))
  for (const [key, value] of Object.entries(node)) {
    if (BRANCHING.has(key) || branches(value, depth + 1)) return true
  }
  return false
}

let strictAjv: Ajv | undefined
const strictSchemas = new WeakMap<object, ValidateFunction | null>()
/** The schema's validator without coercion, or null where only the coercing one may judge. */
function strictly (schema: object): ValidateFunction | null {
  let validate = strictSchemas.get(schema)
  if (validate === undefined) {
    validate = branches(schema) ? null : (strictAjv ??= createAjv({ validateSchema: false })).compile(schema)
    strictSchemas.set(schema, validate)
  }
  return validate
}

/**
 * One Ajv and its compiled validators for the whole process: the document's schemas are the same
 * objects for every app (`routeSchema` is memoised), so a second `startMockServer()` in a test
 * suite neither builds an Ajv nor compiles a schema again.
 */
let sharedAjv: Ajv | undefined
const compiledSchemas = new WeakMap<object, ValidateFunction>()
function compiled (schema: object): ValidateFunction {
  let validate = compiledSchemas.get(schema)
  if (validate === undefined) {
    validate = (sharedAjv ??= createAjv({ coerceTypes: 'array', validateSchema: false })).compile(schema)
    compiledSchemas.set(schema, validate)
  }
  return validate
}

/** A route as registered, for the checks that hold the document and the code together. */
export interface RegisteredRoute {
  method: string
  url: string
  /** `config.operationId`, if the route has one. */
  configOperationId?: string
  /** The operation `routeSchema()` was called with, if the route's schema came from there. */
  schemaOperationId?: string
}

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>()

/** The routes registered on an app built by `buildApp` (fastify's implicit HEAD routes left out). */
export function registeredRoutes (app: FastifyInstance): readonly RegisteredRoute[] {
  return registered.get(app) ?? []
}

/**
 * Request validation from the document. Call before any route is registered and after the
 * control hooks, so that rules and rate limits come first. `routes` is the list the app's routes
 * are recorded in (an app and the control API's app share one).
 */
export function installRequestValidation (app: FastifyInstance, ctx: MockContext, routes: RegisteredRoute[] = []): void {
  registered.set(app, routes)
  app.setValidatorCompiler(validatorCompiler())

  app.addHook('onRoute', route => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const schemaOperationId = (route.schema as Partial<RouteSchema> | undefined)?.operationId
    const configOperationId = route.config?.operationId
    for (const method of methods) {
      // fastify adds a HEAD route to every GET one; the mock defines none of its own.
      if (method === 'HEAD' && routes.some(r => r.method === 'GET' && r.url === route.url)) continue
      routes.push({
        method,
        url: route.url,
        ...(configOperationId !== undefined ? { configOperationId } : {}),
        ...(schemaOperationId !== undefined ? { schemaOperationId } : {})
      })
    }
    // RingCentral API routes: the failure waits for the preHandler below.
    if (schemaOperationId !== undefined && route.config?.dialect === 'api') {
      route.attachValidation = true
      const body = operationById(schemaOperationId).operation.requestBody
      const content = body !== undefined ? (resolveRef(body) as OpenAPIV3.RequestBodyObject).content : undefined
      if (content !== undefined) {
        const accepts = Object.keys(content)
        route.config = { ...route.config, accepts }
        // A body of a type the operation does not take (text/plain, a form: what `curl -d` sends
        // without a header) would only fail later as a confusing CMN-101 on its first field.
        const check = (request: FastifyRequest, _reply: unknown, done: (error?: Error) => void): void => {
          const type = request.headers['content-type']
          const essence = type?.split(';')[0]?.trim().toLowerCase()
          if (essence !== undefined && essence !== '' && !accepts.includes(essence)) done(unsupportedMediaType(request))
          else done()
        }
        const existing = route.preValidation
        route.preValidation = existing === undefined ? check : [...(Array.isArray(existing) ? existing : [existing]), check]
      }
    }
  })

  // Callback-style: it runs on every request (an async hook costs a promise and a microtask turn).
  app.addHook('preHandler', (request, _reply, done) => {
    const failure = request.validationError
    if (failure === undefined) {
      done()
      return
    }
    if (dialectOf(request) === 'api') {
      const session = authenticate(ctx, request)
      const operationId = (request.routeOptions.schema as Partial<RouteSchema> | undefined)?.operationId
      const permission = operationId !== undefined ? (operationById(operationId).operation as Record<string, unknown>)['x-app-permission'] : undefined
      if (typeof permission === 'string') requireScope(session, permission)
    }
    done(failure)
  })
}
