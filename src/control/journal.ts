/**
 * The request journal: what the mock was asked and what it answered, bounded, with secrets redacted.
 *
 * Recording runs on every request and keeps references (the parsed body, the payload, the header
 * objects) plus the facts the control hooks learnt; an entry is rendered (ISO time, redaction,
 * bodies bounded to {@link BODY_LIMIT} characters, the answer's RingCentral error codes) only when
 * the journal is read, once, and kept. A body larger than the bound is cut when recorded, so the
 * journal's memory is bounded by its length whatever clients send.
 */
import { isErrorCode, type ErrorCode } from '../errors.js'
import { type OperationId } from '../operations.js'
import { type HeaderBag, isSecretName, mayHoldSecretField, REDACTED, redactForm, redactHeaders, redactUrl, redactValue } from '../redact.js'
import { didYouMean } from '../suggest.js'
import { BoundedLog } from './bounded-log.js'
import { clockInstant } from './clock-control.js'
import { badRequest } from './errors.js'
import { INTERNAL_HEADER, INTERNAL_SECRET } from '../events/ws-sessions.js'
import { secretEquals } from '../secret.js'

/** Bodies are kept up to this many characters (bytes for binary bodies). */
export const BODY_LIMIT = 8192

/** One side of an exchange, as the journal shows it. */
export interface JournalMessage {
  /** Secrets redacted (`Authorization: Bearer [redacted]`). */
  headers: Record<string, string | string[]>
  /** The body as text, secrets redacted, at most {@link BODY_LIMIT} characters; absent when empty. */
  body?: string
  /** The body's full size in bytes, when it was cut. */
  bodySize?: number
  truncated?: boolean
}

export interface JournalEntry {
  /** Stable: increases by one per request, never reused (not even after `clear`). */
  id: number
  /** Scenario-clock time of the request. */
  time: string
  method: string
  /** The URL with secrets redacted. */
  url: string
  operation?: string
  /** 0 for a network fault. */
  status: number
  /** The RingCentral error codes of the answer (`errors[].errorCode`), first first. */
  errorCodes?: string[]
  /** Token requests: the `grant_type` sent. */
  grantType?: string
  /** The app: Basic or `client_id` on OAuth routes, the token's app on the API. */
  clientId?: string
  /** The extension acting: the path's extension (`~` resolved) on API routes. */
  extensionId?: string
  /** `WebSocket` for a REST call made over a WebSocket (`ClientRequest`), absent for HTTP. */
  via?: 'WebSocket'
  /** The rule that answered, if one did. */
  rule?: string
  fault?: string
  durationMs: number
  request: JournalMessage
  response: JournalMessage
}

/** What the journal can be filtered by (each given field must match). */
export interface JournalFilter {
  operation?: OperationId
  /** Matches when any of the answer's error codes is this one. */
  errorCode?: ErrorCode
  status?: number
  method?: string
  clientId?: string
  extensionId?: string
  grantType?: string
  rule?: string
  /** A part of the (redacted) URL. */
  path?: string
  /** Only requests at or after this scenario-clock instant (ISO-8601, a Date or epoch ms). */
  since?: string | Date | number
  /** Only entries with an id above this one (what came after an entry already seen). */
  after?: number | string
  /** At most this many entries: the newest that match (1 to 1000). */
  limit?: number | string
}

/** The filters' names, for the control API's "unknown filter" answer. */
export const JOURNAL_FILTERS = ['operation', 'errorCode', 'status', 'method', 'clientId', 'extensionId', 'grantType', 'rule', 'path', 'since', 'after', 'limit'] as const

/** What the control hooks learnt about a request (`request.mock`). */
export interface JournalFacts {
  operation: string
  rule?: string
  fault?: string
  clientId?: string
  extensionId?: string
  grantType?: string
}

/** What the hooks hand over per request. */
export interface Exchange {
  timeMs: number
  method: string
  rawUrl: string
  facts: JournalFacts | undefined
  status: number
  elapsedMs: number
  requestHeaders: HeaderBag
  requestBody: unknown
  responseHeaders: HeaderBag
  payload: unknown
}

interface Recorded extends Exchange {
  id: number
  entry?: JournalEntry
}

// --- Rendering bodies -------------------------------------------------------------------

const headerText = (headers: HeaderBag, name: string): string => {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value)
}

const isJsonType = (type: string): boolean => /^application\/(?:[\w.+-]*\+)?json\b/i.test(type)
const isFormType = (type: string): boolean => /^application\/x-www-form-urlencoded\b/i.test(type)
const isTextType = (type: string): boolean => /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|yaml|x-yaml|javascript|x-www-form-urlencoded)\b)/i.test(type)

/** A parsed multipart body (the messaging routes' parser), recognised by shape. */
interface PartsLike { parts: Array<{ name?: string, filename?: string, contentType: string, body: Buffer }> }
const isParts = (v: unknown): v is PartsLike => v !== null && typeof v === 'object' && Array.isArray((v as { parts?: unknown }).parts)

function bounded (text: string): Pick<JournalMessage, 'body' | 'bodySize' | 'truncated'> {
  if (text === '') return {}
  if (text.length <= BODY_LIMIT) return { body: text }
  return { body: text.slice(0, BODY_LIMIT), bodySize: Buffer.byteLength(text), truncated: true }
}

function redactJsonText (text: string): string {
  try {
    return JSON.stringify(redactValue(JSON.parse(text)))
  } catch {
    // Not JSON (or cut): no structure to judge secrets by, so nothing is shown but its size.
    return `[${Buffer.byteLength(text)} bytes that do not parse as JSON]`
  }
}

/** A parsed form written back as it was sent (`a=1&b=2`), with `[redacted]` left readable. */
function formText (form: Record<string, unknown>): string {
  const pairs: string[] = []
  for (const [name, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      const text = String(v)
      pairs.push(`${encodeURIComponent(name)}=${text === REDACTED ? REDACTED : encodeURIComponent(text)}`)
    }
  }
  return pairs.join('&')
}

/** Text of a body for the journal, secrets redacted. */
function bodyText (body: unknown, type: string): string {
  if (body === undefined || body === null || body === '') return ''
  if (body instanceof Rendered) return body.text
  if (isParts(body)) {
    return body.parts.map(p => {
      const label = `--- part${p.name !== undefined ? ` "${p.name}"` : ''}${p.filename !== undefined ? ` (${p.filename})` : ''} ${p.contentType}, ${p.body.length} bytes`
      return isJsonType(p.contentType) || p.name === 'request.json' ? `${label}\n${redactJsonText(p.body.subarray(0, BODY_LIMIT).toString('utf8'))}` : label
    }).join('\n')
  }
  if (typeof body === 'string') {
    if (isFormType(type)) return redactForm(body)
    if (isJsonType(type)) return redactJsonText(body)
    return body
  }
  if (Buffer.isBuffer(body)) {
    if (!isTextType(type)) return `[${body.length} bytes of ${type || 'binary data'}]`
    return bodyText(body.subarray(0, BODY_LIMIT * 4).toString('utf8'), type)
  }
  if (typeof body === 'object' && isFormType(type)) return formText(redactValue(body) as Record<string, unknown>)
  if (typeof body === 'object') {
    try {
      return JSON.stringify(redactValue(body))
    } catch {
      return '[a body that cannot be shown]'
    }
  }
  return String(body)
}

function message (headers: HeaderBag, body: unknown): JournalMessage {
  if (body instanceof Rendered) return { headers: redactHeaders(headers), body: body.text, bodySize: body.size, truncated: true }
  return { headers: redactHeaders(headers), ...bounded(bodyText(body, headerText(headers, 'content-type'))) }
}

const CODE = /^[A-Z]{2,4}-(?:[A-Z]{2,4}-)?\d{2,4}$/

/** The RingCentral error codes of an error answer (`errors[].errorCode`, else a numbered top-level code). */
export function errorCodesOf (status: number, payload: unknown): string[] {
  if (status < 400 || payload === undefined || payload === null) return []
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined
  if (text === undefined || text.length > 65536 || !text.trimStart().startsWith('{')) return []
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return []
  }
  const codes: string[] = []
  const errors = (body as { errors?: unknown }).errors
  if (Array.isArray(errors)) {
    for (const e of errors) {
      const code = (e as { errorCode?: unknown } | null)?.errorCode
      if (typeof code === 'string' && !codes.includes(code)) codes.push(code)
    }
  }
  const top = (body as { errorCode?: unknown }).errorCode
  if (codes.length === 0 && typeof top === 'string' && (CODE.test(top) || isErrorCode(top))) codes.push(top)
  return codes
}

function render (r: Recorded): JournalEntry {
  const facts = r.facts
  const errorCodes = errorCodesOf(r.status, r.payload)
  return {
    id: r.id,
    time: new Date(r.timeMs).toISOString(),
    method: r.method,
    url: redactUrl(r.rawUrl),
    ...(facts ? { operation: facts.operation } : {}),
    status: r.status,
    ...(errorCodes.length > 0 ? { errorCodes } : {}),
    ...(facts?.grantType !== undefined ? { grantType: facts.grantType } : {}),
    ...(facts?.clientId !== undefined ? { clientId: facts.clientId } : {}),
    ...(facts?.extensionId !== undefined ? { extensionId: facts.extensionId } : {}),
    ...(facts?.rule !== undefined ? { rule: facts.rule } : {}),
    ...(facts?.fault !== undefined ? { fault: facts.fault } : {}),
    ...(overSocket(r.requestHeaders) ? { via: 'WebSocket' as const } : {}),
    durationMs: Math.round(r.elapsedMs * 10) / 10,
    request: message(r.requestHeaders, r.requestBody),
    response: message(r.responseHeaders, r.payload)
  }
}

/** Whether a request came over a WebSocket (a `ClientRequest` the gateway routed, with its mark). */
function overSocket (headers: HeaderBag): boolean {
  const mark = headers[INTERNAL_HEADER]
  return typeof mark === 'string' && secretEquals(mark.split(' ')[0] ?? '', INTERNAL_SECRET)
}

/** A body already rendered (and cut) when it was recorded. */
class Rendered {
  constructor (readonly text: string, readonly size: number) {}
}

const copy = (text: string): string => Buffer.from(text, 'utf8').toString('utf8')

function sizeOf (body: unknown, headers: HeaderBag): number {
  if (typeof body === 'string') return body.length
  if (Buffer.isBuffer(body)) return body.length
  if (isParts(body)) return body.parts.reduce((n, p) => n + p.body.length, 0)
  if (body !== null && typeof body === 'object') return Number(headerText(headers, 'content-length')) || 0
  return 0
}

/**
 * A body kept as recorded (rendered only if the journal is read), or, if it is large, rendered and
 * cut now: then 1000 entries never hold 1000 large bodies, and secrets are redacted before the cut.
 */
function keep (body: unknown, headers: HeaderBag): unknown {
  const size = sizeOf(body, headers)
  if (size <= BODY_LIMIT) return body
  const type = headerText(headers, 'content-type')
  const text = largeBodyPrefix(body, type) ?? bodyText(body, type)
  return new Rendered(copy(text.slice(0, BODY_LIMIT)), Buffer.isBuffer(body) || typeof body === 'string' ? Buffer.byteLength(body) : size)
}

/**
 * The first {@link BODY_LIMIT} characters of a large JSON body without rendering all of it (a
 * 10,000-message batch, a page of 1,000 records): a JSON text in which no key can be a secret is
 * cut as it is; a parsed body is written out, redacted, only as far as the limit. Undefined when
 * neither applies (the full rendering decides then).
 */
function largeBodyPrefix (body: unknown, type: string): string | undefined {
  if (typeof body === 'string') return isJsonType(type) && !mayHoldSecretField(body) ? body.slice(0, BODY_LIMIT) : undefined
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body) || isParts(body) || body instanceof Rendered || isFormType(type)) return undefined
  return jsonPrefix(body, BODY_LIMIT)
}

const FULL = Symbol('full')

/**
 * `JSON.stringify(redactValue(value))` cut to `limit` characters, writing only that far. Plain JSON
 * data only (what a JSON body parses to): anything else (a `toJSON`, a class instance, a bigint)
 * gives undefined.
 */
export function jsonPrefix (value: unknown, limit: number): string | undefined {
  let out = ''
  const write = (text: string): void => {
    out += text
    if (out.length >= limit) throw FULL
  }
  const unsupported = new Error('not plain JSON data')
  const visit = (v: unknown, depth: number): void => {
    if (v === null) return write('null')
    switch (typeof v) {
      case 'string': {
        if (v.length <= limit) return write(JSON.stringify(v))
        // Longer than the limit: its escaped prefix is the escaped whole's prefix (escaping goes
        // character by character; a surrogate pair is not split), and it fills the limit.
        const cut = /[\ud800-\udbff]/.test(v[limit - 1] ?? '') ? limit - 1 : limit
        return write(JSON.stringify(v.slice(0, cut)).slice(0, -1))
      }
      case 'number': return write(Number.isFinite(v) ? String(v) : 'null')
      case 'boolean': return write(v ? 'true' : 'false')
      case 'object': break
      default: throw unsupported
    }
    if (depth > 32) {
      // redactValue leaves what is deeper as it is.
      const text = JSON.stringify(v)
      if (text === undefined) throw unsupported
      return write(text)
    }
    if (Array.isArray(v)) {
      write('[')
      for (let i = 0; i < v.length; i++) {
        if (i > 0) write(',')
        const item: unknown = v[i]
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') write('null')
        else visit(item, depth + 1)
      }
      return write(']')
    }
    const proto = Object.getPrototypeOf(v) as unknown
    if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') throw unsupported
    write('{')
    let first = true
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key]
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
      write(`${first ? '' : ','}${JSON.stringify(key)}:`)
      first = false
      if (isSecretName(key)) write(JSON.stringify(REDACTED))
      else visit(item, depth + 1)
    }
    return write('}')
  }
  try {
    visit(value, 0)
    return out
  } catch (error) {
    if (error === FULL) return out.slice(0, limit)
    if (error === unsupported) return undefined
    throw error
  }
}

// --- The journal ------------------------------------------------------------------------

export interface CheckedFilter {
  operation?: string
  errorCode?: string
  status?: number
  method?: string
  clientId?: string
  extensionId?: string
  grantType?: string
  rule?: string
  path?: string
  sinceMs?: number
  after?: number
  limit?: number
}

export class Journal {
  readonly #log: BoundedLog<Recorded>
  #next = 1
  readonly #onChange: (() => void) | undefined

  /** `onChange` hears of every entry recorded and of `clear`. */
  constructor (limit: number, firstId = 1, onChange?: () => void) {
    this.#log = new BoundedLog(limit)
    this.#next = firstId
    this.#onChange = onChange
  }

  /** The id the next request will get (a reloaded world keeps counting). */
  get nextId (): number {
    return this.#next
  }

  /** Takes over `exchange` (a fresh object per request: it becomes the record, with no copy). */
  record (exchange: Exchange): void {
    const recorded = exchange as Recorded
    recorded.id = this.#next++
    recorded.requestBody = keep(exchange.requestBody, exchange.requestHeaders)
    recorded.payload = keep(exchange.payload, exchange.responseHeaders)
    this.#log.push(recorded)
    this.#onChange?.()
  }

  list (filter: CheckedFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase()
    // Ids are consecutive along the log: what came after an id is a tail, found by arithmetic.
    const oldest = this.#log.at(0)?.id ?? this.#next
    const records = this.#log.toArray(filter.after !== undefined ? filter.after + 1 - oldest : 0)
    const matching = records.map(r => (r.entry ??= render(r))).filter(e =>
      (filter.operation === undefined || e.operation === filter.operation) &&
      (filter.errorCode === undefined || (e.errorCodes?.includes(filter.errorCode) ?? false)) &&
      (filter.status === undefined || e.status === filter.status) &&
      (method === undefined || e.method === method) &&
      (filter.clientId === undefined || e.clientId === filter.clientId) &&
      (filter.extensionId === undefined || e.extensionId === filter.extensionId) &&
      (filter.grantType === undefined || e.grantType === filter.grantType) &&
      (filter.rule === undefined || e.rule === filter.rule) &&
      (filter.path === undefined || e.url.includes(filter.path)) &&
      (filter.sinceMs === undefined || Date.parse(e.time) >= filter.sinceMs))
    return filter.limit !== undefined && matching.length > filter.limit ? matching.slice(-filter.limit) : matching
  }

  get (id: number): JournalEntry | undefined {
    // Ids are consecutive along the log (one per record, in order): O(1).
    const oldest = this.#log.at(0)
    const found = oldest !== undefined ? this.#log.at(id - oldest.id) : undefined
    return found?.id === id ? (found.entry ??= render(found)) : undefined
  }

  get limit (): number {
    return this.#log.limit
  }

  get dropped (): number {
    return this.#log.dropped
  }

  get size (): number {
    return this.#log.size
  }

  clear (): void {
    this.#log.clear()
    this.#onChange?.()
  }
}

// --- Filters ------------------------------------------------------------------------------

/**
 * Checks a journal filter (the query of `GET /__mock/requests`, or `mock.requests.list()`'s
 * argument): an unknown filter or operation is refused with the valid names. Values from a query
 * string are text; the JavaScript API may also give `status` as a number and `since` as a Date or
 * epoch milliseconds.
 */
export function checkJournalFilter (input: Record<string, unknown>, operations: readonly string[]): CheckedFilter {
  const filter: CheckedFilter = {}
  for (const [name, raw] of Object.entries(input)) {
    if (raw === undefined || raw === '') continue
    if (!(JOURNAL_FILTERS as readonly string[]).includes(name)) {
      throw badRequest(`unknown filter "${name}"${didYouMean(name, JOURNAL_FILTERS)}; the filters are ${JOURNAL_FILTERS.join(', ')}`)
    }
    if (name === 'status') {
      const status = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN
      if (!Number.isInteger(status) || status < 0 || status > 999) throw badRequest(`status must be an HTTP status code (got ${JSON.stringify(raw)})`)
      filter.status = status
      continue
    }
    if (name === 'since') {
      filter.sinceMs = clockInstant(raw, 'since')
      continue
    }
    if (name === 'after' || name === 'limit') {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN
      const least = name === 'after' ? 0 : 1
      if (!Number.isSafeInteger(value) || value < least || (name === 'limit' && value > 1000)) {
        throw badRequest(name === 'after' ? `after must be a journal entry id (got ${JSON.stringify(raw)})` : `limit must be an integer from 1 to 1000 (got ${JSON.stringify(raw)})`)
      }
      filter[name] = value
      continue
    }
    if (typeof raw !== 'string') throw badRequest(`${name} must be a string (got ${JSON.stringify(raw)})`)
    if (name === 'operation' && !operations.includes(raw)) {
      throw badRequest(`unknown operation "${raw}"${didYouMean(raw, operations)}; the operations are ${operations.join(', ')}`)
    }
    filter[name as Exclude<typeof JOURNAL_FILTERS[number], 'status' | 'since' | 'after' | 'limit'>] = raw
  }
  return filter
}
