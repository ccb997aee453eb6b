/**
 * Plain HTTP against a running mock, without any SDK: to look behind an SDK's back (is that old
 * token really dead?) or to act out of band (another process refreshing the same session).
 */

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

export const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

export interface RawResponse {
  status: number
  headers: Headers
  body: any
  text: string
}

async function read (res: Response): Promise<RawResponse> {
  const text = await res.text()
  let body: unknown
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: res.status, headers: res.headers, body, text }
}

/** `POST /restapi/oauth/token` with Basic client authentication. */
export async function token (url: string, form: Record<string, string>, client: { id: string, secret: string }): Promise<RawResponse> {
  return await read(await fetch(`${url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic(client.id, client.secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString()
  }))
}

/** `GET` a REST API path with a bearer token. */
export async function api (url: string, path: string, accessToken: string): Promise<RawResponse> {
  return await read(await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } }))
}

export const OWN_EXTENSION = '/restapi/v1.0/account/~/extension/~'

/** One HTTP exchange an SDK made, as seen on the wire. */
export interface WireEntry {
  method: string
  path: string
  authorization: string | null
  /** The request body, for form posts. */
  form: URLSearchParams | undefined
  status: number
}

/** What a recorder needs of a request: the standard Request API (the JS SDK's is node-fetch's). */
interface RequestLike {
  method: string
  url: string
  headers: { get (name: string): string | null }
  clone (): { text (): Promise<string> }
}

/**
 * Wraps an SDK's own transport so that every exchange is recorded: tests then check what the SDK
 * really sent and what it got back. The wrapped `fetch` must be called with a Request object.
 */
export function recordingFetch<F extends (request: any, ...rest: any[]) => Promise<{ status: number }>> (inner: F): { fetch: F, wire: WireEntry[] } {
  const wire: WireEntry[] = []
  const recorder = async (request: RequestLike, ...rest: unknown[]) => {
    const type = request.headers.get('content-type') ?? ''
    const form = type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(await request.clone().text()) : undefined
    const response = await inner(request, ...rest)
    const url = new URL(request.url)
    wire.push({ method: request.method, path: url.pathname + url.search, authorization: request.headers.get('authorization'), form, status: response.status })
    return response
  }
  return { fetch: recorder as unknown as F, wire }
}
