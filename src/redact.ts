/**
 * Removing secrets from everything the mock shows: the request log, the journal, the dashboard.
 *
 * A parameter is secret by its *decoded* name, compared case-insensitively: `access_token`,
 * `access%5Ftoken` and `ACCESS_TOKEN` are one name, because the server reads them as one
 * (fastify decodes query and form names). Names are decoded repeatedly, so a double encoding
 * (`access%255Ftoken`) cannot smuggle a value past. Values are replaced with `[redacted]`; the
 * rest of the URL, form or JSON document is left as it was sent.
 */

export const REDACTED = '[redacted]'

/** Query, form and JSON field names whose values are secrets. */
const SECRET_NAMES: ReadonlySet<string> = new Set([
  'access_token', 'refresh_token', 'id_token', 'ws_access_token', 'token', 'code', 'code_verifier',
  'assertion', 'client_assertion', 'password', 'client_secret', 'verificationtoken', 'validationtoken', 'controltoken'
])

/** Headers whose values are secrets (lower case). `authorization` keeps its scheme. */
const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-mock-control-token',
  'verification-token', 'validation-token', 'x-mock-ws-session'
])

function decodeOnce (text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** The name as the server would read it (decoded, up to a few layers), lower case, without a `[]` suffix. */
function canonicalName (raw: string): string {
  let name = raw
  for (let i = 0; i < 4; i++) {
    const next = decodeOnce(name)
    if (next === name) break
    name = next
  }
  return name.trim().toLowerCase().replace(/\[\]$/, '')
}

export const isSecretName = (name: string): boolean => SECRET_NAMES.has(canonicalName(name))

/** `a=1&token=x` → `a=1&token=[redacted]`, judging each name decoded. */
export function redactQuery (query: string): string {
  return query.split('&').map(pair => {
    const eq = pair.indexOf('=')
    const name = eq === -1 ? pair : pair.slice(0, eq)
    return eq !== -1 && isSecretName(name) ? `${name}=${REDACTED}` : pair
  }).join('&')
}

/** A URL (absolute or a path) with the values of secret query parameters redacted. */
export function redactUrl (url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const hash = url.indexOf('#', q)
  const query = hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash)
  return `${url.slice(0, q + 1)}${redactQuery(query)}${hash === -1 ? '' : url.slice(hash)}`
}

/**
 * Whether JSON text may hold a field whose name is a secret (judged as {@link isSecretName} would
 * judge its keys): false only when no key could be one. Conservative: any `%`, `\u` escape or a
 * key that is a secret name (with spaces, `+` or `[]` around it) says it may. It lets a large
 * answer be shown cut without parsing it.
 */
export function mayHoldSecretField (json: string): boolean {
  if (json.includes('%') || json.includes('\\u')) return true
  return SECRET_KEY.test(json)
}

const SECRET_KEY = new RegExp(`"(?:\\s|\\\\[tnrbf]|\\+)*(?:${[...SECRET_NAMES].join('|')})(?:\\s|\\\\[tnrbf]|\\+)*(?:\\[\\])?"\\s*:`, 'i')

/** A copy of a parsed form or JSON value with every secret field's value redacted, at any depth. */
export function redactValue (value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(item => redactValue(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = isSecretName(key) ? REDACTED : redactValue(item, depth + 1)
  return out
}

/** One header value, redacted if the header carries a secret; `Bearer abc` → `Bearer [redacted]`. */
export function redactHeader (name: string, value: string): string {
  const lower = name.toLowerCase()
  if (lower === 'location' || lower === 'content-location' || lower === 'referer') return redactUrl(value)
  if (!SECRET_HEADERS.has(lower)) return value
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const scheme = /^(\S+)\s+\S/.exec(value)?.[1]
    return scheme !== undefined && scheme.length <= 16 ? `${scheme} ${REDACTED}` : REDACTED
  }
  return REDACTED
}

export type HeaderBag = Record<string, string | string[] | number | undefined>

/** Headers as plain strings (arrays kept), with secrets redacted. */
export function redactHeaders (headers: HeaderBag): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.map(v => redactHeader(name, String(v))) : redactHeader(name, String(value))
  }
  return out
}

/** Form-encoded text with secret values redacted (same rule as query strings). */
export const redactForm = redactQuery
