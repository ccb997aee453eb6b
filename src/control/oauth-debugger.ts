/**
 * The OAuth debugger: try the authorization-code flow (with or without PKCE) for any app of the
 * scenario without writing an app.
 *
 * 1. `POST /__mock/oauth/flows { clientId, pkce }` starts a flow: a `state`, a PKCE verifier and
 *    its S256 challenge, and the authorization URL, whose `redirect_uri` is the mock's own
 *    callback (`/__mock/ui/callback`, a page of the dashboard).
 * 2. The user opens the URL, signs in on the login page, and lands on the callback with the code.
 * 3. `POST /__mock/oauth/flows/{id}/exchange { code }` sends the token request the app would send
 *    (the app's client secret as Basic authentication for a confidential app, the verifier for
 *    PKCE) through the mock's own token endpoint, so it is journaled and rules apply, and answers
 *    with the exact request (secret redacted) and response.
 *
 * The one change to RingCentral's behaviour: `/restapi/oauth/authorize` accepts the callback as
 * the redirect URI of a request that carries a started flow's `state` for that flow's app. Every
 * other request is checked against the app's registered redirect URIs as before
 * (docs/fidelity.md, "OAuth debugger").
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { baseUrlOf } from '../api/base-url.js'
import { toIso } from '../clock.js'
import type { MockContext } from '../context.js'
import { s256 } from '../oauth/grants/authorization-code.js'
import { routeSchema } from '../openapi.js'
import { GRANT } from '../scenario/types.js'
import { badRequest, notFound } from './errors.js'

/** The dashboard page the debugger's flows come back to. */
export const CALLBACK_PATH = '/__mock/ui/callback'
/** Flows live this long on the scenario clock. */
export const FLOW_TTL_MS = 60 * 60_000
/** At most this many flows are held; the oldest goes first. */
export const MAX_FLOWS = 100

export interface DebuggerFlow {
  readonly id: string
  readonly clientId: string
  readonly state: string
  readonly redirectUri: string
  readonly authorizeUrl: string
  readonly verifier?: string
  readonly challenge?: string
  readonly createdAt: number
  readonly expiresAt: number
  /** The exchanges made so far (a code is single-use: a second one shows RingCentral's refusal). */
  exchanges: number
}

const token = (bytes: number): string => randomBytes(bytes).toString('base64url')

export class DebuggerFlows {
  readonly #byId = new Map<string, DebuggerFlow>()
  readonly #byState = new Map<string, DebuggerFlow>()

  start (input: { clientId: string, origin: string, pkce: boolean, scope?: string }, now: number): DebuggerFlow {
    const id = token(9)
    // The flow's id leads its state, so the callback finds the flow from the redirect alone.
    const state = `${id}.${token(18)}`
    const redirectUri = `${input.origin}${CALLBACK_PATH}`
    // 64 characters of the base64url alphabet: a valid RFC 7636 verifier.
    const verifier = input.pkce ? token(48) : undefined
    const challenge = verifier !== undefined ? s256(verifier) : undefined
    const query = new URLSearchParams({ response_type: 'code', client_id: input.clientId, redirect_uri: redirectUri, state })
    if (challenge !== undefined) {
      query.set('code_challenge', challenge)
      query.set('code_challenge_method', 'S256')
    }
    if (input.scope !== undefined) query.set('scope', input.scope)
    const flow: DebuggerFlow = {
      id,
      clientId: input.clientId,
      state,
      redirectUri,
      authorizeUrl: `${input.origin}/restapi/oauth/authorize?${query.toString()}`,
      ...(verifier !== undefined ? { verifier } : {}),
      ...(challenge !== undefined ? { challenge } : {}),
      createdAt: now,
      expiresAt: now + FLOW_TTL_MS,
      exchanges: 0
    }
    this.#sweep(now)
    while (this.#byId.size >= MAX_FLOWS) {
      const oldest = this.#byId.values().next().value
      if (oldest === undefined) break
      this.#forget(oldest)
    }
    this.#byId.set(flow.id, flow)
    this.#byState.set(state, flow)
    return flow
  }

  get (id: string, now: number): DebuggerFlow | undefined {
    const flow = this.#byId.get(id)
    return flow !== undefined && now < flow.expiresAt ? flow : undefined
  }

  /** Whether an authorization request may come back to `redirectUri`: a live flow's, for its app and state. */
  allows (clientId: string, redirectUri: string, state: string | undefined, now: number): boolean {
    if (state === undefined) return false
    const flow = this.#byState.get(state)
    return flow !== undefined && now < flow.expiresAt && flow.clientId === clientId && flow.redirectUri === redirectUri
  }

  #forget (flow: DebuggerFlow): void {
    this.#byId.delete(flow.id)
    this.#byState.delete(flow.state)
  }

  #sweep (now: number): void {
    for (const flow of [...this.#byId.values()]) if (now >= flow.expiresAt) this.#forget(flow)
  }
}

/** A flow as the control API shows it (the document's `MockOAuthFlow`). */
export interface MockOAuthFlow {
  id: string
  clientId: string
  state: string
  redirectUri: string
  /** Open it in a browser. */
  authorizeUrl: string
  pkce: boolean
  codeVerifier?: string
  codeChallenge?: string
  codeChallengeMethod?: 'S256'
  createdAt: string
  expiresAt: string
  exchanges: number
  /** Why RingCentral would refuse this app's flow. */
  warning?: string
}

/** The token request the debugger sent for a flow's code, and RingCentral's answer as it came. */
export interface MockOAuthExchange {
  request: { method: string, url: string, headers: Record<string, string>, body: string }
  response: { status: number, body: unknown }
  journalId?: number
}

function describeFlow (flow: DebuggerFlow): MockOAuthFlow {
  return {
    id: flow.id,
    clientId: flow.clientId,
    state: flow.state,
    redirectUri: flow.redirectUri,
    authorizeUrl: flow.authorizeUrl,
    pkce: flow.verifier !== undefined,
    ...(flow.verifier !== undefined && flow.challenge !== undefined ? { codeVerifier: flow.verifier, codeChallenge: flow.challenge, codeChallengeMethod: 'S256' as const } : {}),
    createdAt: toIso(flow.createdAt),
    expiresAt: toIso(flow.expiresAt),
    exchanges: flow.exchanges
  }
}

const USER_AGENT = 'ringcentral-mock-oauth-debugger'

/** `api`: the app that serves RingCentral's routes (the exchange is made against it), if not `app`. */
export async function oauthDebuggerRoutes (app: FastifyInstance, { ctx, api = app }: { ctx: MockContext, api?: FastifyInstance }): Promise<void> {
  app.post('/__mock/oauth/flows', { schema: routeSchema('startMockOAuthFlow') }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('the flow must be a JSON object')
    const unknown = Object.keys(body).filter(k => !['clientId', 'pkce', 'scope'].includes(k))
    if (unknown.length > 0) throw badRequest(`unknown field ${JSON.stringify(unknown[0])}: give clientId, pkce and scope`)
    const { clientId, pkce, scope } = body
    if (typeof clientId !== 'string') throw badRequest('clientId (a string) is required')
    const appSpec = ctx.world.app(clientId)
    if (!appSpec) throw badRequest(`no app "${clientId}" in scenario ${ctx.world.name} (have: ${ctx.world.apps.map(a => a.clientId).join(', ')})`)
    if (pkce !== undefined && typeof pkce !== 'boolean') throw badRequest('pkce must be true or false')
    if (scope !== undefined && (typeof scope !== 'string' || scope.length > 1000)) throw badRequest('scope must be a space-separated string')
    // A public client must use PKCE (RingCentral's rule): the default follows the app.
    const usePkce = pkce ?? !appSpec.confidential
    const flow = ctx.flows.start({ clientId, origin: baseUrlOf(ctx, request), pkce: usePkce, ...(scope !== undefined ? { scope } : {}) }, ctx.now())
    return reply.code(201).send({
      ...describeFlow(flow),
      ...(!appSpec.grantTypes.includes(GRANT.authorizationCode) ? { warning: `${clientId} is not allowed the authorization_code grant: the login page will send back unauthorized_client` } : {}),
      ...(appSpec.redirectUris.length === 0 ? { warning: `${clientId} has no redirect URI registered: RingCentral refuses its authorization requests (OAU-113)` } : {})
    })
  })

  app.get<{ Params: { id: string } }>('/__mock/oauth/flows/:id', { schema: routeSchema('getMockOAuthFlow') }, async (request) => {
    const flow = ctx.flows.get(request.params.id, ctx.now())
    if (!flow) throw notFound(`OAuth flow "${request.params.id}" (flows last ${FLOW_TTL_MS / 60_000} minutes of scenario time; start another)`)
    return describeFlow(flow)
  })

  app.post<{ Params: { id: string } }>('/__mock/oauth/flows/:id/exchange', { schema: routeSchema('exchangeMockOAuthCode') }, async (request): Promise<MockOAuthExchange> => {
    const flow = ctx.flows.get(request.params.id, ctx.now())
    if (!flow) throw notFound(`OAuth flow "${request.params.id}" (flows last ${FLOW_TTL_MS / 60_000} minutes of scenario time; start another)`)
    const body = (request.body ?? {}) as Record<string, unknown>
    const code = typeof body === 'object' && !Array.isArray(body) ? body.code : undefined
    if (typeof code !== 'string' || code === '' || code.length > 2048) throw badRequest('code (the authorization code from the callback) is required')
    const appSpec = ctx.world.app(flow.clientId)
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri })
    if (flow.verifier !== undefined) form.set('code_verifier', flow.verifier)
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': `${USER_AGENT}/${flow.id}` }
    if (appSpec?.clientSecret !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${flow.clientId}:${appSpec.clientSecret}`).toString('base64')}`
    } else {
      form.set('client_id', flow.clientId)
    }
    flow.exchanges++
    const before = ctx.journal.nextId
    const response = await api.inject({ method: 'POST', url: '/restapi/oauth/token', headers, payload: form.toString() })
    const entry = ctx.journal.list({ after: before - 1 }).find(e => e.request.headers['user-agent'] === headers['user-agent'] && e.operation === 'getToken')
    let answer: unknown = response.body
    try {
      answer = JSON.parse(response.body)
    } catch {}
    return {
      request: {
        method: 'POST',
        url: '/restapi/oauth/token',
        headers: { ...headers, ...(headers.authorization !== undefined ? { authorization: 'Basic [redacted]' } : {}) },
        body: form.toString()
      },
      response: { status: response.statusCode, body: answer },
      ...(entry !== undefined ? { journalId: entry.id } : {})
    }
  })
}
