/**
 * Authorization codes issued by `/restapi/oauth/authorize` and redeemed at the token endpoint.
 *
 * - A code lives 60 s on the scenario clock (RingCentral's redirect says `expires_in=60`).
 * - It is single-use. A redeemed code is remembered, with the session its first use created, so a
 *   replay can be refused and that session ended (RFC 6749 §4.1.2).
 * - Memory stays bounded: every code, used or not, is forgotten `REPLAY_MEMORY_MS` after its
 *   expiry. Expiry is a lazy comparison against the clock; a sweep drops forgotten codes at most
 *   once per clock second, so nothing waits on a timer.
 */
import { randomString } from '../random-string.js'
import type { App, Extension } from '../world.js'

/** Lifetime of an authorization code. */
export const CODE_TTL_MS = 60_000
/** How long a code is remembered after it expires, to detect replays (and to answer OAU-108). */
export const REPLAY_MEMORY_MS = 10 * 60_000

const newCode = randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 40)

export type ChallengeMethod = 'plain' | 'S256'

export interface AuthorizationCode {
  readonly code: string
  readonly app: App
  readonly owner: Extension
  /** The redirect URI the code was sent to (given, or the app's only registered one). */
  readonly redirectUri: string
  /** Whether `redirect_uri` was in the authorization request (then the token request must repeat it). */
  readonly redirectUriGiven: boolean
  /** PKCE (RFC 7636): the challenge and its method, when the request had one. */
  readonly challenge?: string
  readonly method?: ChallengeMethod
  readonly issuedAt: number
  readonly expiresAt: number
  used: boolean
  /** The session the code's one successful exchange created. */
  sessionId?: string
}

export interface IssueCodeOptions {
  app: App
  owner: Extension
  redirectUri: string
  redirectUriGiven: boolean
  challenge?: { value: string, method: ChallengeMethod }
}

export class CodeStore {
  readonly #codes = new Map<string, AuthorizationCode>()
  #lastSweep = -Infinity

  /** How many codes are remembered (tests and the memory benchmark). */
  get size (): number {
    return this.#codes.size
  }

  issue (options: IssueCodeOptions, now: number): AuthorizationCode {
    this.#sweep(now)
    const entry: AuthorizationCode = {
      code: newCode(),
      app: options.app,
      owner: options.owner,
      redirectUri: options.redirectUri,
      redirectUriGiven: options.redirectUriGiven,
      ...(options.challenge ? { challenge: options.challenge.value, method: options.challenge.method } : {}),
      issuedAt: now,
      expiresAt: now + CODE_TTL_MS,
      used: false
    }
    this.#codes.set(entry.code, entry)
    return entry
  }

  /** A remembered code (live, expired or used), or undefined once it is forgotten. */
  find (code: string, now: number): AuthorizationCode | undefined {
    this.#sweep(now)
    const entry = this.#codes.get(code)
    if (entry && now >= forgetAt(entry)) {
      this.#codes.delete(code)
      return undefined
    }
    return entry
  }

  /** Marks a code redeemed by the session it created. */
  redeem (entry: AuthorizationCode, sessionId: string): void {
    entry.used = true
    entry.sessionId = sessionId
  }

  clear (): void {
    this.#codes.clear()
    this.#lastSweep = -Infinity
  }

  #sweep (now: number): void {
    // At most once per clock second, and again whenever the clock has been set back.
    if (now >= this.#lastSweep && now - this.#lastSweep < 1000) return
    this.#lastSweep = now
    // Codes are held in issue order, so the forgettable ones come first: stop at the first keeper.
    for (const [code, entry] of this.#codes) {
      if (now < forgetAt(entry)) break
      this.#codes.delete(code)
    }
  }
}

const forgetAt = (entry: AuthorizationCode): number => entry.expiresAt + REPLAY_MEMORY_MS
