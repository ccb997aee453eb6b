/**
 * OAuth sessions and their tokens: issue, check, rotate, revoke, with RingCentral's rules.
 *
 * - Tokens are opaque random strings looked up here.
 * - A refresh rotates both tokens. The previous access token dies at once: for 10 s it answers
 *   OAU-129 `Access token corrupted`, then OAU-213 `Token not found` (docs/fidelity.md, §refresh).
 * - The previous refresh token keeps a grace period under the `ringcentral` reuse policy: it returns
 *   the same new pair until the new access token has been used and 10 s have passed, or for 60 min
 *   if it is never used. Under `strict`, any reuse fails.
 * - At most `maxSessionsPerUser` sessions live per user and app; a new one ends the oldest.
 *
 * Memory stays bounded: each session holds at most four token entries (its access and refresh
 * tokens, the previous access token's tombstone and the previous refresh token), sessions per user
 * and app are capped, and sessions whose tokens have all expired are swept as the clock moves.
 */
import { rc } from '../errors.js'
import { randomString } from '../random-string.js'
import type { App, Extension, Policies } from '../world.js'

const newToken = randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 56)
const newSessionId = randomString('0123456789', 12)
const newEndpointId = randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-', 22)

/** After a refresh, how long the previous access token answers OAU-129 before OAU-213. */
export const ROTATED_ACCESS_CORRUPTED_MS = 10_000
/** Grace for a rotated refresh token once the new access token has been used. */
export const REFRESH_GRACE_AFTER_USE_MS = 10_000
/** Grace for a rotated refresh token while the new access token is unused. */
export const REFRESH_GRACE_UNUSED_MS = 60 * 60_000

export interface TokenTtls {
  /** Seconds. */
  access: number
  /** Seconds; 0 = no refresh token. */
  refresh: number
}

export interface Session {
  readonly id: string
  readonly owner: Extension
  readonly app: App
  readonly grant: string
  readonly scope: string
  readonly endpointId: string
  readonly createdAt: number
  accessToken: string
  accessExpiresAt: number
  /** When the current access token was first used on the API. */
  accessUsedAt?: number
  refreshToken?: string
  refreshExpiresAt?: number
  lastRefreshAt?: number
  /** The previous tokens, kept for the OAU-129 window and the refresh grace. */
  previous?: { accessToken: string, refreshToken?: string, rotatedAt: number }
  ended: boolean
  /** What happened to the session's refresh tokens, oldest first (the last {@link HISTORY_LIMIT}). */
  history?: SessionEvent[]
  /** Rotations since the session began (the history may hold fewer). */
  rotations: number
}

/**
 * One refresh of a session, as a dashboard shows it: a rotation (a new pair), a reuse of the
 * previous refresh token within the grace (the same new pair again), or a reuse refused (OAU-213).
 */
export interface SessionEvent {
  at: number
  kind: 'rotated' | 'grace-reuse' | 'reuse-refused'
}

/** How many refresh events a session keeps. */
export const HISTORY_LIMIT = 20

type TokenKind = 'access' | 'refresh' | 'previous-access' | 'previous-refresh'

/**
 * Which of its session's tokens `token` is. The token index maps each live token string to its
 * session only (no entry object per token: a login would allocate two, a refresh four); a token is
 * in the index exactly while it is one of these four fields, so the comparison always finds it.
 */
function kindOf (token: string, session: Session): TokenKind | undefined {
  if (token === session.accessToken) return 'access'
  if (token === session.refreshToken) return 'refresh'
  if (token === session.previous?.accessToken) return 'previous-access'
  if (token === session.previous?.refreshToken) return 'previous-refresh'
  return undefined
}

export interface IssueOptions {
  owner: Extension
  app: App
  grant: string
  ttls: TokenTtls
  endpointId?: string
  scope?: string
}

/** The token fields of a TokenInfo response. */
export interface TokenInfo {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  refresh_token?: string
  refresh_token_expires_in?: number
  scope: string
  owner_id: string
  endpoint_id: string
  session_id: string
}

const remaining = (expiresAt: number, now: number): number => Math.max(0, Math.ceil((expiresAt - now) / 1000))

export class SessionStore {
  readonly #tokens = new Map<string, Session>()
  readonly #sessions = new Map<string, Session>()
  /** Live sessions per `${extensionId} ${clientId}`, oldest first. */
  readonly #byUserApp = new Map<string, Session[]>()
  #policies: Policies
  #lastSweep = -Infinity
  readonly #onEnd: ((session: Session) => void) | undefined
  readonly #onChange: (() => void) | undefined

  /**
   * `onEnd` hears of every session that ends (revoked, evicted, expired, ended by the control API);
   * `onChange` of every session that begins, refreshes or ends.
   */
  constructor (policies: Policies, onEnd?: (session: Session) => void, onChange?: () => void) {
    this.#policies = policies
    this.#onEnd = onEnd
    this.#onChange = onChange
  }

  get size (): number {
    return this.#sessions.size
  }

  sessions (): IterableIterator<Session> {
    return this.#sessions.values()
  }

  session (id: string): Session | undefined {
    return this.#sessions.get(id)
  }

  issue (options: IssueOptions, now: number): Session {
    this.#sweep(now)
    const key = `${options.owner.id} ${options.app.clientId}`
    const live = this.#byUserApp.get(key) ?? []
    while (live.length >= this.#policies.maxSessionsPerUser) {
      const oldest = live[0]
      if (oldest) this.end(oldest)
    }
    const session: Session = {
      id: newSessionId(),
      owner: options.owner,
      app: options.app,
      grant: options.grant,
      scope: options.scope ?? options.app.scopes.join(' '),
      endpointId: options.endpointId ?? newEndpointId(),
      createdAt: now,
      accessToken: '',
      accessExpiresAt: 0,
      ended: false,
      rotations: 0
    }
    this.#mint(session, options.ttls, now)
    this.#sessions.set(session.id, session)
    live.push(session)
    this.#byUserApp.set(key, live)
    this.#onChange?.()
    return session
  }

  #mint (session: Session, ttls: TokenTtls, now: number): void {
    session.accessToken = newToken()
    session.accessExpiresAt = now + ttls.access * 1000
    delete session.accessUsedAt
    this.#tokens.set(session.accessToken, session)
    if (ttls.refresh > 0 && session.app.issuesRefreshTokens) {
      session.refreshToken = newToken()
      session.refreshExpiresAt = now + ttls.refresh * 1000
      this.#tokens.set(session.refreshToken, session)
    } else {
      delete session.refreshToken
      delete session.refreshExpiresAt
    }
  }

  /** The TokenInfo for a session's current tokens, with lifetimes counted from `now`. */
  tokenInfo (session: Session, now: number): TokenInfo {
    // Field order as RingCentral sends it.
    // Two literals rather than a conditional spread: this runs on every token response.
    if (session.refreshToken !== undefined && session.refreshExpiresAt !== undefined) {
      return {
        access_token: session.accessToken,
        token_type: 'bearer',
        expires_in: remaining(session.accessExpiresAt, now),
        refresh_token: session.refreshToken,
        refresh_token_expires_in: remaining(session.refreshExpiresAt, now),
        scope: session.scope,
        owner_id: session.owner.id,
        endpoint_id: session.endpointId,
        session_id: session.id
      }
    }
    return {
      access_token: session.accessToken,
      token_type: 'bearer',
      expires_in: remaining(session.accessExpiresAt, now),
      scope: session.scope,
      owner_id: session.owner.id,
      endpoint_id: session.endpointId,
      session_id: session.id
    }
  }

  /** Checks an access token presented to the REST API; throws RingCentral's 401 errors. */
  authenticate (token: string, now: number): Session {
    const session = this.#tokens.get(token)
    if (!session) throw rc('OAU-213')
    const kind = kindOf(token, session)
    if (kind === 'previous-access') {
      const rotatedAt = session.previous?.rotatedAt ?? 0
      if (now < rotatedAt + ROTATED_ACCESS_CORRUPTED_MS) throw rc('OAU-129')
      throw rc('OAU-213')
    }
    if (kind !== 'access') throw rc('OAU-213')
    if (now >= session.accessExpiresAt) throw rc('OAU-128')
    session.accessUsedAt ??= now
    return session
  }

  /** The refresh grant. `app` is the authenticated client. */
  refresh (token: string, app: App, ttls: TokenTtls, now: number): Session {
    const session = this.#tokens.get(token)
    const kind = session ? kindOf(token, session) : undefined
    if (!session || (kind !== 'refresh' && kind !== 'previous-refresh')) throw rc('OAU-213')
    if (session.app.clientId !== app.clientId) throw rc('OAU-213')
    if (kind === 'previous-refresh') {
      if (this.#policies.refreshTokenReuse === 'strict' || !this.#inGrace(session, now)) {
        this.#tokens.delete(token)
        this.#remember(session, 'reuse-refused', now)
        throw rc('OAU-213')
      }
      this.#remember(session, 'grace-reuse', now)
      return session
    }
    if (now >= (session.refreshExpiresAt ?? 0)) {
      this.end(session)
      throw rc('OAU-210')
    }
    // Rotate: the old pair becomes "previous"; what was previous before is forgotten.
    if (session.previous) {
      this.#tokens.delete(session.previous.accessToken)
      if (session.previous.refreshToken !== undefined) this.#tokens.delete(session.previous.refreshToken)
    }
    // The old pair stays in the index (same strings, same session), now as the previous pair.
    session.previous = { accessToken: session.accessToken, refreshToken: token, rotatedAt: now }
    session.lastRefreshAt = now
    session.rotations++
    this.#mint(session, ttls, now)
    this.#remember(session, 'rotated', now)
    return session
  }

  #remember (session: Session, kind: SessionEvent['kind'], at: number): void {
    const history = session.history ??= []
    if (history.length >= HISTORY_LIMIT) history.shift()
    history.push({ at, kind })
    this.#onChange?.()
  }

  #inGrace (session: Session, now: number): boolean {
    const end = this.#graceEnd(session)
    return end !== undefined && now < end
  }

  #graceEnd (session: Session): number | undefined {
    const rotatedAt = session.previous?.rotatedAt
    if (rotatedAt === undefined) return undefined
    return session.accessUsedAt !== undefined
      ? Math.min(rotatedAt + REFRESH_GRACE_UNUSED_MS, session.accessUsedAt + REFRESH_GRACE_AFTER_USE_MS)
      : rotatedAt + REFRESH_GRACE_UNUSED_MS
  }

  /**
   * Until when the previous refresh token still answers (with the same new pair), if it still
   * does at `now`: never under the `strict` policy, nor once a reuse was refused.
   */
  graceEndsAt (session: Session, now: number): number | undefined {
    const previous = session.previous?.refreshToken
    if (this.#policies.refreshTokenReuse === 'strict' || previous === undefined || this.#tokens.get(previous) !== session) return undefined
    const end = this.#graceEnd(session)
    return end !== undefined && now < end ? end : undefined
  }

  /** The session a current access token belongs to, without counting it as used (rate limits, rules). */
  peek (accessToken: string, now: number): Session | undefined {
    const session = this.#tokens.get(accessToken)
    return session !== undefined && kindOf(accessToken, session) === 'access' && now < session.accessExpiresAt ? session : undefined
  }

  /** Finds the live session a token (access or refresh, current or previous) belongs to. */
  find (token: string): Session | undefined {
    return this.#tokens.get(token)
  }

  /** Ends a session: every token it ever had stops working (OAU-213). */
  end (session: Session): void {
    if (session.ended) return
    session.ended = true
    this.#tokens.delete(session.accessToken)
    if (session.refreshToken !== undefined) this.#tokens.delete(session.refreshToken)
    if (session.previous) {
      this.#tokens.delete(session.previous.accessToken)
      if (session.previous.refreshToken !== undefined) this.#tokens.delete(session.previous.refreshToken)
    }
    this.#sessions.delete(session.id)
    const key = `${session.owner.id} ${session.app.clientId}`
    const live = this.#byUserApp.get(key)
    if (live) {
      const i = live.indexOf(session)
      if (i >= 0) live.splice(i, 1)
      if (live.length === 0) this.#byUserApp.delete(key)
    }
    this.#onEnd?.(session)
    this.#onChange?.()
  }

  clear (): void {
    this.#tokens.clear()
    this.#sessions.clear()
    this.#byUserApp.clear()
    this.#lastSweep = -Infinity
    this.#onChange?.()
  }

  /** How many token strings are held (for the memory benchmark and tests). */
  get tokenCount (): number {
    return this.#tokens.size
  }

  /** Ends sessions none of whose tokens can still be used; runs at most once per clock minute. */
  #sweep (now: number): void {
    if (now - this.#lastSweep < 60_000) return
    this.#lastSweep = now
    for (const session of this.#sessions.values()) {
      const deadline = Math.max(session.accessExpiresAt, session.refreshExpiresAt ?? 0) +
        (session.previous ? REFRESH_GRACE_UNUSED_MS : 0)
      if (now >= deadline) this.end(session)
    }
  }
}
