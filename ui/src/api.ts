/**
 * The control API, as the page calls it: every button of the dashboard is one of these calls, so
 * whatever the page does a script can do too (the paths are in /__mock/docs).
 */
import { signal } from '@preact/signals'

const TOKEN_KEY = 'ringcentral-mock:control-token'

/** The control token, when the mock wants one (asked for once per browser tab). */
export const controlToken = signal<string | undefined>(readToken())
/** Set when the control API answered 401: the page asks for the token. */
export const needsToken = signal(false)

function readToken (): string | undefined {
  // A link may carry it (`/__mock/ui?controlToken=…`): keep it for this tab, and out of the address bar.
  const url = new URL(location.href)
  const given = url.searchParams.get('controlToken')
  if (given !== null && given !== '') {
    sessionStorage.setItem(TOKEN_KEY, given)
    url.searchParams.delete('controlToken')
    history.replaceState(history.state, '', url.toString())
    return given
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined
}

export function setControlToken (token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token)
  controlToken.value = token
  needsToken.value = false
}

/** Whether the mock takes this control token (asked before the page starts using it). */
export async function tokenWorks (token: string): Promise<boolean> {
  const res = await fetch('/__mock/clock', { headers: { accept: 'application/json', 'x-mock-control-token': token } })
  return res.ok
}

/** A refusal of the control API, with its message and the problems it listed. */
export class ApiError extends Error {
  constructor (readonly status: number, message: string, readonly problems: Array<{ path?: string, message: string }> = []) {
    super(message)
  }
}

function headers (body: boolean): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json' }
  if (body) out['content-type'] = 'application/json'
  const token = controlToken.value
  if (token !== undefined) out['x-mock-control-token'] = token
  return out
}

async function call<T> (method: string, path: string, body?: unknown, as: 'json' | 'text' = 'json'): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, { method, headers: headers(body !== undefined), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  } catch {
    throw new ApiError(0, 'The mock does not answer (is it still running?)')
  }
  if (res.status === 401) needsToken.value = true
  if (!res.ok) {
    let message = `${method} ${path}: ${res.status}`
    let problems: ApiError['problems'] = []
    try {
      const error = await res.json() as { message?: string, problems?: ApiError['problems'] }
      if (error.message !== undefined) message = error.message
      problems = error.problems ?? []
    } catch {}
    throw new ApiError(res.status, message, problems)
  }
  if (res.status === 204) return undefined as T
  return (as === 'text' ? await res.text() : await res.json()) as T
}

export const api = {
  get: async <T>(path: string): Promise<T> => await call<T>('GET', path),
  text: async (path: string): Promise<string> => await call<string>('GET', path, undefined, 'text'),
  post: async <T>(path: string, body: unknown = {}): Promise<T> => await call<T>('POST', path, body),
  del: async (path: string): Promise<void> => { await call<void>('DELETE', path) }
}

/** The stream's URL: EventSource sends no headers, so the token goes in the query. */
export function streamUrl (): string {
  const token = controlToken.value
  return token !== undefined ? `/__mock/stream?controlToken=${encodeURIComponent(token)}` : '/__mock/stream'
}

/** A path with a query from the given values (empty ones left out). */
export function withQuery (path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value))
  const text = params.toString()
  return text === '' ? path : `${path}?${text}`
}
