/**
 * RingCentral's published OpenAPI specs, the reference the conformance tests check the mock
 * against. They live outside the project: `../shared/ringcentral-openapi/` beside the repository
 * (as CI provides them), or wherever `RINGCENTRAL_OPENAPI_DIR` says. When they are absent the tests
 * that need them are skipped, and say why.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { OpenAPIV3 } from 'openapi-types'
import { parse } from 'yaml'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/** The directory holding RingCentral's specs. */
export const referenceDir = process.env.RINGCENTRAL_OPENAPI_DIR !== undefined && process.env.RINGCENTRAL_OPENAPI_DIR !== ''
  ? resolve(process.env.RINGCENTRAL_OPENAPI_DIR)
  : resolve(repoRoot, '../shared/ringcentral-openapi')

/** The newest public spec (OpenAPI 3.0.3, RingCentral's `rc-platform.yml`). */
export const latestSpecPath = join(referenceDir, 'rc-public-openapi.yml')
/** The 2021 official spec: per-operation `x-error-codes` and `x-http-examples`. */
export const spec2021Path = join(referenceDir, '2021-03-28', 'ringcentral_openapi3.json')
/** The 2025-09-23 public spec: operations RingCentral has since dropped (DELETE /sms/consents). */
export const spec2025Path = join(referenceDir, '2025-09-23', 'rc-public-openapi.yml')

/** Why the reference cannot be used (a skip message), or false when it is there. */
export function referenceMissing (): string | false {
  const missing = [latestSpecPath, spec2021Path, spec2025Path].filter(p => !existsSync(p))
  if (missing.length === 0) return false
  return `RingCentral's OpenAPI reference is not available (missing ${missing.join(', ')}); ` +
    'put RingCentral\'s specs at ../shared/ringcentral-openapi beside the repository or set RINGCENTRAL_OPENAPI_DIR. ' +
    'Conformance with RingCentral is NOT checked.'
}

export interface ErrorCode2021 { httpCode: string, errorCode: string, message: string }
export interface HttpExample2021 { title?: string, request?: string, response?: string }
export type Operation2021 = OpenAPIV3.OperationObject & { 'x-error-codes'?: ErrorCode2021[], 'x-http-examples'?: HttpExample2021[] }

let latest: OpenAPIV3.Document | undefined
let old: OpenAPIV3.Document | undefined
let of2025: OpenAPIV3.Document | undefined

export const loadLatestSpec = (): OpenAPIV3.Document => (latest ??= parse(readFileSync(latestSpecPath, 'utf8'), { maxAliasCount: -1 }) as OpenAPIV3.Document)
export const loadSpec2025 = (): OpenAPIV3.Document => (of2025 ??= parse(readFileSync(spec2025Path, 'utf8'), { maxAliasCount: -1 }) as OpenAPIV3.Document)
export const loadSpec2021 = (): OpenAPIV3.Document => (old ??= JSON.parse(readFileSync(spec2021Path, 'utf8')) as OpenAPIV3.Document)

export interface SpecOperation<T = OpenAPIV3.OperationObject> {
  method: string
  path: string
  operation: T
  pathItem: OpenAPIV3.PathItemObject
}

/** A spec's operations by operationId. */
export function operationsOf<T = OpenAPIV3.OperationObject> (spec: OpenAPIV3.Document): Map<string, SpecOperation<T>> {
  const map = new Map<string, SpecOperation<T>>()
  for (const [path, item] of Object.entries(spec.paths)) {
    if (!item) continue
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method]
      if (operation?.operationId) map.set(operation.operationId, { method: method.toUpperCase(), path, operation: operation as T, pathItem: item })
    }
  }
  return map
}

// tap runs every file of a directory it is given: run directly, this file checks its own rules.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { default: t } = await import('tap')
  t.test('the reference directory: beside the repository, or RINGCENTRAL_OPENAPI_DIR', async t => {
    t.ok(referenceDir.endsWith('ringcentral-openapi'), referenceDir)
    t.equal(latestSpecPath, join(referenceDir, 'rc-public-openapi.yml'))
    if (process.env.RINGCENTRAL_OPENAPI_DIR === undefined) t.equal(referenceDir, resolve(repoRoot, '..', 'shared', 'ringcentral-openapi'))
    t.type(referenceMissing(), existsSync(latestSpecPath) && existsSync(spec2021Path) && existsSync(spec2025Path) ? 'boolean' : 'string')
  })
}
