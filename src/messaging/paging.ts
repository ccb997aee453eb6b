/**
 * Paged lists as RingCentral answers them: `records`, `paging` and `navigation`, with a list `uri`
 * that echoes the request with the server's defaults filled in. Also the query-parameter readers
 * those lists share (each refusal is 400 CMN-101 naming the parameter).
 */
import { invalidParameter } from '../errors.js'

export interface PageRequest {
  page: number
  perPage: number
}

/** `paging` in RingCentral's key order; `pageStart`/`pageEnd` (zero-based) only for a non-empty page. */
export function paging (total: number, { page, perPage }: PageRequest): Record<string, number> {
  const totalPages = Math.ceil(total / perPage)
  const start = (page - 1) * perPage
  const end = Math.min(total, start + perPage) - 1
  return {
    page,
    totalPages,
    perPage,
    totalElements: total,
    ...(start < total ? { pageStart: start, pageEnd: end } : {})
  }
}

/** `navigation`: first and last always, next and previous where they exist. */
export function navigation (uriForPage: (page: number) => string, total: number, { page, perPage }: PageRequest): Record<string, { uri: string }> {
  const last = Math.max(1, Math.ceil(total / perPage))
  return {
    firstPage: { uri: uriForPage(1) },
    ...(page < last ? { nextPage: { uri: uriForPage(page + 1) } } : {}),
    ...(page > 1 ? { previousPage: { uri: uriForPage(Math.min(page - 1, last)) } } : {}),
    lastPage: { uri: uriForPage(last) }
  }
}

/** Builds `?a=1&b=x&b=y` in the given order; `:` stays readable as in RingCentral's echoes. */
export function queryString (params: Array<[string, string | number | boolean | undefined]>): string {
  const parts = params
    .filter((p): p is [string, string | number | boolean] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v)).replace(/%3A/gi, ':')}`)
  return parts.length > 0 ? `?${parts.join('&')}` : ''
}

export type Query = Record<string, string | string[] | undefined>

/** One value of a parameter sent once (a repeated one is refused). */
export function single (query: Query, name: string): string | undefined {
  const value = query[name]
  if (Array.isArray(value)) throw invalidParameter(name)
  return value
}

/** A repeatable enum parameter (`direction=Inbound&direction=Outbound`), checked against `allowed`. */
export function many<T extends string> (query: Query, name: string, allowed: readonly T[]): T[] | undefined {
  const raw = query[name]
  if (raw === undefined) return undefined
  const values = Array.isArray(raw) ? raw : [raw]
  for (const v of values) if (!(allowed as readonly string[]).includes(v)) throw invalidParameter(name)
  return values as T[]
}

/** A positive integer parameter with a default; values above `clampAt` are lowered to it. */
export function positiveInt (query: Query, name: string, fallback: number, clampAt?: number): number {
  const raw = single(query, name)
  if (raw === undefined) return fallback
  if (!/^\d{1,9}$/.test(raw.trim()) || Number(raw) < 1) throw invalidParameter(name)
  const n = Number(raw)
  return clampAt !== undefined && n > clampAt ? clampAt : n
}

export function pageRequest (query: Query, options: { maxPerPage: number, clamp: boolean }): PageRequest {
  const page = positiveInt(query, 'page', 1)
  const perPage = positiveInt(query, 'perPage', 100, options.clamp ? options.maxPerPage : undefined)
  if (perPage > options.maxPerPage) throw invalidParameter('perPage')
  return { page, perPage }
}
