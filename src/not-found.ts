/**
 * What the mock answers for a path it does not serve.
 *
 * Under `/restapi/` RingCentral answers `404 CMN-120 Invalid URI`, and so does the mock, with
 * `X-Mock-Unmodelled: true` and a message that says which case it is: a served path with another
 * method, a near miss of a served path (a typo), or an operation the mock does not model. A user
 * migrating real code can then tell "not modelled" from "mistyped". Under `/__mock/` the answer is
 * the control API's own error shape.
 */
import { distance } from 'fastest-levenshtein'
import type { FastifyRequest } from 'fastify'
import { rc, type RcError } from './errors.js'
import { documentOperations } from './openapi.js'

const MAX_SHOWN = 200

const clip = (text: string): string => text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text

/** RingCentral's routes the mock serves, as path templates split into segments. */
let served: Array<{ id: string, method: string, path: string, segments: string[] }> | undefined

function servedRoutes (): NonNullable<typeof served> {
  served ??= documentOperations
    .filter(op => !op.control)
    .map(op => ({ id: op.routeOperationId, method: op.method, path: op.path, segments: op.path.split('/').filter(Boolean) }))
  return served
}

const isParam = (segment: string): boolean => segment.startsWith('{')

/** How far a concrete path is from a template (segment by segment; Infinity when the shapes differ). */
function gap (segments: string[], template: string[]): number {
  if (segments.length !== template.length) return Infinity
  let total = 0
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string
    if (!isParam(t)) total += distance((segments[i] ?? '').toLowerCase(), t.toLowerCase())
  }
  return total
}

/** The 404 for an unserved RingCentral path, naming what the mock knows about it. */
export function unmodelled (request: FastifyRequest): RcError {
  const path = (request.url.split('?')[0] ?? request.url)
  const segments = path.split('/').filter(Boolean).map(s => { try { return decodeURIComponent(s) } catch { return s } })
  const routes = servedRoutes()
  const same = routes.filter(r => gap(segments, r.segments) === 0)
  let detail: string
  if (same.length > 0) {
    detail = `${clip(path)} is served for ${[...new Set(same.map(r => r.method))].join(', ')} only (${same.map(r => r.id).join(', ')}), not ${request.method}`
  } else {
    const near = routes
      .map(r => ({ r, d: gap(segments, r.segments) }))
      .filter(x => x.d > 0 && x.d <= 3)
      .sort((a, b) => a.d - b.d)[0]
    detail = near !== undefined
      ? `did you mean ${near.r.method} ${near.r.path} (${near.r.id})?`
      : `ringcentral-mock does not model ${request.method} ${clip(path)}; the operations it serves are listed at /__mock/docs`
  }
  return rc('CMN-120', { message: `Invalid URI: ${detail}`, headers: { 'X-Mock-Unmodelled': 'true' } })
}
