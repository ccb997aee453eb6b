/**
 * Client authentication at the token and revoke endpoints.
 *
 * Confidential apps authenticate with HTTP Basic (`client_secret_basic`); public apps name
 * themselves with `client_id` in the body. The SDKs send both at once (`@rc-ex/core` always adds
 * `client_id`), so a body `client_id` that agrees with Basic is accepted.
 */
import { rc } from '../errors.js'
import { secretEquals } from '../secret.js'
import type { App, World } from '../world.js'

const invalidClient = (clientId: string) => rc('OAU-153', {
  template: { client_id: clientId },
  parameters: [{ parameterName: 'client_id', parameterValue: clientId }]
})

const authenticationRequired = () => rc('OAU-123', { message: 'Client authentication is required' })

/**
 * Decoded Basic headers: clients send the same one on every token request, and decoding it
 * (regular expression, base64, UTF-8) is a measurable part of a login (docs/performance.md).
 * Bounded: emptied when full, so odd clients cannot grow it.
 */
const basicHeaders = new Map<string, { id: string, secret: string } | undefined>()

export function parseBasic (header: string | undefined): { id: string, secret: string } | undefined {
  if (header === undefined) return undefined
  if (basicHeaders.has(header)) return basicHeaders.get(header)
  const parsed = decodeBasic(header)
  if (basicHeaders.size >= 64) basicHeaders.clear()
  basicHeaders.set(header, parsed)
  return parsed
}

function decodeBasic (header: string): { id: string, secret: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header)
  if (!match?.[1]) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

export function authenticateClient (world: World, authorization: string | undefined, bodyClientId: string | undefined): App {
  const basic = parseBasic(authorization)
  if (basic) {
    const app = world.app(basic.id)
    if (!app) throw invalidClient(basic.id)
    if (bodyClientId !== undefined && bodyClientId !== basic.id) throw invalidClient(bodyClientId)
    if (!secretEquals(basic.secret, app.clientSecret ?? '')) throw rc('OAU-146')
    return app
  }
  if (authorization !== undefined && bodyClientId === undefined) {
    throw rc('OAU-123', { message: 'Client authentication is required: the Authorization header is not HTTP Basic' })
  }
  if (bodyClientId === undefined) throw authenticationRequired()
  const app = world.app(bodyClientId)
  if (!app) throw invalidClient(bodyClientId)
  if (app.confidential) throw authenticationRequired()
  return app
}
