/**
 * `GET` and `POST /restapi/oauth/authorize`: the authorization-code flow's front half.
 *
 * GET serves a sign-in page. POST is what that page submits (the request's parameters plus
 * `username`, `password`, optional `extension`, and `action=allow|deny`), and what automated tests
 * can send directly. A POST without credentials or action is an authorization request, as
 * RingCentral's POST variant (`authorize2`) is, and also gets the page. Both routes carry the
 * project's one operationId `authorize` (src/operations.ts).
 *
 * Errors follow RFC 6749 §4.1.2.1: while the client or its redirect URI is in doubt (unknown
 * client, OAU-113, OAU-109, a missing `redirect_uri` when several are registered) nothing is
 * redirected: the error renders as a page for browsers and as the OAuth JSON body otherwise. Once
 * the redirect URI is known to be registered, other problems go back to it as `error=…`.
 * Empty parameters count as absent (the JS SDK's `loginUrl()` sends `state=&prompt=&…`); unknown
 * ones are ignored. Codes and statuses are discussed in docs/fidelity-auth-code.md.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { MockContext } from '../context.js'
import { routeSchema } from '../openapi.js'
import { clip, rc, RcError } from '../errors.js'
import { GRANT } from '../scenario/types.js'
import { secretEquals } from '../secret.js'
import type { App } from '../world.js'
import { CODE_TTL_MS, type ChallengeMethod } from './codes.js'
import { type Form, readForm } from './form.js'
import { PKCE_VALUE } from './grants/authorization-code.js'
import { type PageUser, renderErrorPage, renderLoginPage } from './login-page.js'

/** The authorization request's parameters the page carries through its form; others are dropped. */
const CARRIED = [
  'response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method',
  'display', 'prompt', 'ui_locales', 'brand_id', 'nonce'
] as const

/** The longest authorization-request parameter accepted (RFC 6749 sets none; browsers cut URLs long before this matters). */
const MAX_PARAMETER = 2048

interface Client {
  app: App
  redirectUri: string
  redirectUriGiven: boolean
}

/** An error that goes back to the (registered) redirect URI. */
interface RedirectError {
  error: string
  description: string
}

/** Query parameters read like form fields: repeated → OAU-111, empty → absent. */
function readQuery (request: FastifyRequest): Form {
  const params: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(request.query as Record<string, unknown>)) {
    if (Array.isArray(value)) throw rc('OAU-111', { parameterName: name })
    const text = typeof value === 'string' ? value : String(value)
    params[name] = text === '' ? undefined : text
  }
  return params
}

/** The client and where to send the user back; throws (never redirects) while either is in doubt. */
function resolveClient (ctx: MockContext, params: Form): Client {
  const clientId = params.client_id
  if (clientId === undefined) throw rc('CMN-100', { parameterName: 'client_id' })
  const app = ctx.world.app(clientId)
  if (!app) {
    throw rc('OAU-153', { template: { client_id: clientId }, parameters: [{ parameterName: 'client_id', parameterValue: clientId }] })
  }
  // RingCentral's one report of OAU-113 on /authorize is a 403; its spec lists only 400 there.
  if (app.redirectUris.length === 0) throw rc('OAU-113', { status: 403 })
  const given = params.redirect_uri
  if (given !== undefined) {
    // The dashboard's OAuth debugger comes back to the mock's own callback, for its flows only.
    if (!app.redirectUris.includes(given) && !ctx.flows.allows(app.clientId, given, params.state, ctx.now())) throw rc('OAU-109')
    return { app, redirectUri: given, redirectUriGiven: true }
  }
  const [only, ...others] = app.redirectUris
  // The spec: redirect_uri is "required if there are more than one redirect URIs registered".
  if (only === undefined || others.length > 0) throw rc('CMN-100', { parameterName: 'redirect_uri' })
  return { app, redirectUri: only, redirectUriGiven: false }
}

/** Problems with a request whose redirect URI is fine; these go back to the app. */
function checkRequest (app: App, params: Form): RedirectError | undefined {
  const responseType = params.response_type
  if (responseType === undefined) return { error: 'invalid_request', description: 'Mandatory parameter [response_type] not specified' }
  if (responseType !== 'code') return { error: 'unsupported_response_type', description: `Unsupported response type: ${clip(responseType)} (only "code" is supported)` }
  if (!app.grantTypes.includes(GRANT.authorizationCode)) return { error: 'unauthorized_client', description: 'Unauthorized for this grant type' }
  const challenge = params.code_challenge
  const method = params.code_challenge_method
  if (method !== undefined && method !== 'plain' && method !== 'S256') {
    return { error: 'invalid_request', description: `Parameter [code_challenge_method] value is invalid: ${clip(method)} (use S256 or plain)` }
  }
  if (challenge === undefined) {
    if (method !== undefined) return { error: 'invalid_request', description: 'code_challenge_method was given without code_challenge' }
    if (!app.confidential) return { error: 'invalid_request', description: 'Mandatory parameter [code_challenge] not specified: a public client must use PKCE' }
  } else if (!PKCE_VALUE.test(challenge)) {
    return { error: 'invalid_request', description: 'Parameter [code_challenge] value is invalid: it must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.2)' }
  }
  // OIDC Core §3.1.2.6: the mock never has a signed-in browser session to reuse.
  if (params.prompt?.split(' ').includes('none')) return { error: 'login_required', description: 'prompt=none: no user is signed in' }
  return undefined
}

/** `uri?a=1&b=2`, keeping the registered URI byte for byte. */
function withQuery (uri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value)
  return `${uri}${uri.includes('?') ? '&' : '?'}${query.toString()}`
}

const redirect = (reply: FastifyReply, location: string): FastifyReply => reply.code(302).header('Location', location).send()

const wantsHtml = (request: FastifyRequest): boolean => /\btext\/html\b/i.test(request.headers.accept ?? '')

/**
 * Pages allow only their inline CSS and the one nonce'd script. No `form-action`: browsers apply it
 * to the redirect that follows the form post too, and that goes to the app's own origin.
 */
function sendHtml (reply: FastifyReply, status: number, html: string, nonce?: string): FastifyReply {
  return reply.code(status)
    .header('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'${nonce !== undefined ? `; script-src 'nonce-${nonce}'` : ''}`)
    .type('text/html; charset=utf-8')
    .send(html)
}

const ERROR_HINTS: Record<string, string> = {
  'OAU-113': 'This app has no redirect URI registered, so the result cannot be sent back to it. Add one to the app in the scenario (apps[].redirectUris).',
  'OAU-109': 'The redirect_uri in the request is not one of the URIs registered for this app. It must match one of them exactly, character for character.',
  'OAU-153': 'No app with this client_id exists in the scenario.',
  'CMN-100': 'A parameter this request needs is missing.'
}

export async function authorizeRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store')
    reply.header('Pragma', 'no-cache')
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('Referrer-Policy', 'no-referrer')
  })

  /** RcErrors render as RingCentral's OAuth JSON (the error handler), or as a page for browsers. */
  function guard (request: FastifyRequest, reply: FastifyReply, params: () => Form, step: (params: Form) => FastifyReply): FastifyReply {
    let form: Form = {}
    try {
      form = params()
      return step(form)
    } catch (error) {
      if (!(error instanceof RcError) || !wantsHtml(request)) throw error
      const status = error.status('oauth')
      const registered = form.client_id !== undefined ? ctx.world.app(form.client_id)?.redirectUris : undefined
      const details: Array<[string, string]> = []
      if (form.client_id !== undefined) details.push(['client_id', clip(form.client_id)])
      if (form.redirect_uri !== undefined) details.push(['redirect_uri in the request', clip(form.redirect_uri, 2048)])
      if (registered) details.push(['Registered redirect URIs', registered.length > 0 ? registered.join('\n') : '(none)'])
      return sendHtml(reply, status, renderErrorPage({
        status,
        errorCode: error.code,
        message: error.message,
        hint: ERROR_HINTS[error.code] ?? 'The request is malformed.',
        details,
        scenario: ctx.world.name
      }))
    }
  }

  function page (reply: FastifyReply, client: Client, params: Form, status = 200, extra: { username?: string, extension?: string, error?: string } = {}): FastifyReply {
    const hidden: Array<[string, string]> = []
    for (const name of CARRIED) {
      const value = params[name]
      if (value !== undefined) hidden.push([name, value])
    }
    const hint = extra.username ?? params.login_hint
    const hinted = hint !== undefined ? ctx.world.resolveUsername(hint) : undefined
    const users: PageUser[] = []
    for (const account of ctx.world.accounts) {
      for (const ext of account.extensions) {
        if (ext.password === undefined) continue
        const username = ext.email ?? `${account.mainNumber}*${ext.extensionNumber}`
        const query = new URLSearchParams([...hidden, ['login_hint', username]])
        users.push({
          name: ext.name,
          extensionNumber: ext.extensionNumber,
          username,
          ...(ext.email !== undefined ? { email: ext.email } : {}),
          accountName: account.name ?? `Account ${account.id}`,
          href: `authorize?${query.toString()}`,
          selected: hinted === ext
        })
      }
    }
    const nonce = randomBytes(16).toString('base64')
    return sendHtml(reply, status, renderLoginPage({
      appName: client.app.name,
      clientId: client.app.clientId,
      scopes: client.app.scopes,
      scenario: ctx.world.name,
      redirectUri: client.redirectUri,
      hidden,
      users,
      nonce,
      ...(hint !== undefined ? { username: hint } : {}),
      ...(extra.extension !== undefined ? { extension: extra.extension } : {}),
      ...(extra.error !== undefined ? { error: extra.error } : {})
    }), nonce)
  }

  /** Validates a request; answers with the error redirect, or hands over to `next`. */
  function start (reply: FastifyReply, params: Form, next: (client: Client) => FastifyReply): FastifyReply {
    // Values that go back in the redirect (state) or into the page are bounded; a longer one is
    // refused here, never sent back in a Location header no client can read.
    for (const name of CARRIED) {
      const value = params[name]
      if (value !== undefined && value.length > MAX_PARAMETER) throw rc('CMN-101', { parameterName: name, message: `Parameter [${name}] value is invalid: longer than ${MAX_PARAMETER} characters` })
    }
    const client = resolveClient(ctx, params)
    const problem = checkRequest(client.app, params)
    if (problem) {
      return redirect(reply, withQuery(client.redirectUri, { error: problem.error, error_description: problem.description, state: params.state }))
    }
    return next(client)
  }

  app.get('/restapi/oauth/authorize', { schema: routeSchema('authorize'), config: { operationId: 'authorize', dialect: 'oauth' } }, async (request, reply) =>
    guard(request, reply, () => readQuery(request), params => start(reply, params, client => page(reply, client, params))))

  app.post('/restapi/oauth/authorize', { schema: routeSchema('authorize2'), config: { operationId: 'authorize', dialect: 'oauth' } }, async (request, reply) =>
    guard(request, reply, () => readForm(request), form => start(reply, form, client => {
      const { action, username, password, extension } = form
      if (action === 'deny') {
        return redirect(reply, withQuery(client.redirectUri, { error: 'access_denied', error_description: 'The user denied access to the app', state: form.state }))
      }
      if (action !== undefined && action !== 'allow') throw rc('CMN-101', { parameterName: 'action', parameterValue: action })
      // Without credentials or a button, this is RingCentral's POST form of the authorization request.
      if (action === undefined && username === undefined && password === undefined) return page(reply, client, form)
      const keep = { ...(username !== undefined ? { username } : {}), ...(extension !== undefined ? { extension } : {}) }
      if (username === undefined || password === undefined) {
        return page(reply, client, form, 400, { ...keep, error: 'Enter your email or phone number and your password.' })
      }
      const owner = ctx.world.resolveUsername(username, extension)
      const matches = secretEquals(password, owner?.password ?? '')
      if (owner?.password === undefined || !matches) {
        return page(reply, client, form, 401, { ...keep, error: 'The username or password is incorrect. Check them and try again.' })
      }
      const method: ChallengeMethod = form.code_challenge_method === 'S256' ? 'S256' : 'plain'
      const code = ctx.codes.issue({
        app: client.app,
        owner,
        redirectUri: client.redirectUri,
        redirectUriGiven: client.redirectUriGiven,
        ...(form.code_challenge !== undefined ? { challenge: { value: form.code_challenge, method } } : {})
      }, ctx.now())
      // RingCentral's order: code, state, expires_in (auth-code-flow.md, step 2).
      return redirect(reply, withQuery(client.redirectUri, { code: code.code, state: form.state, expires_in: String(CODE_TTL_MS / 1000) }))
    })))
}
