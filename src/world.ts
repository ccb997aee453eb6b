/**
 * The world: a checked scenario turned into indexed, read-only data the routes look things up in.
 */
import type { AccountSpec, AppSpec, Environment, ExtensionSpec, GrantType, JwtCredentialSpec, PhoneNumberSpec, Scenario } from './scenario/types.js'
import { GRANT } from './scenario/types.js'
import { DEFAULT_LIMITS, type RateLimitPolicy } from './control/rate-limit.js'
import { DEFAULT_EVENT_POLICIES, type EventPolicies } from './events/policies.js'

export const PLATFORM_URL: Record<Environment, string> = {
  production: 'https://platform.ringcentral.com',
  sandbox: 'https://platform.devtest.ringcentral.com'
}

export interface Account extends AccountSpec {
  extensions: Extension[]
}

export interface Extension extends Omit<ExtensionSpec, 'phoneNumbers' | 'jwtCredentials'> {
  account: Account
  admin: boolean
  phoneNumbers: PhoneNumber[]
  jwtCredentials: JwtCredentialSpec[]
}

export interface PhoneNumber extends PhoneNumberSpec {
  id: string
  owner: Extension
  features: string[]
}

export interface App extends AppSpec {
  name: string
  scopes: string[]
  redirectUris: string[]
  accessTokenTtl: number
  refreshTokenTtl: number
  confidential: boolean
  /** Whether tokens from this app carry a refresh token at all. */
  issuesRefreshTokens: boolean
}

export interface JwtCredential extends JwtCredentialSpec {
  owner: Extension
}

export interface Policies {
  passwordGrantEndOfLife?: number
  refreshTokenReuse: 'ringcentral' | 'strict'
  maxSessionsPerUser: number
  rateLimits: RateLimitPolicy
  journalLimit: number
  controlToken?: string
  events: EventPolicies
  a2p: A2PPolicies
}

/** `policies.a2p` with its defaults. */
export interface A2PPolicies {
  /** Per sender number; undefined: RingCentral's (60 a minute, toll-free 180). */
  messagesPerMinute?: number
  dailyLimit?: number
  dailyLimitErrorCode: string
  maxBatchSize?: number
  costPerSegment: number
  storeLimit: number
}

/** RingCentral's throughput for High Volume SMS: 60 messages a minute from a long code, 180 from a toll-free number. */
export const A2P_LONG_CODE_PER_MINUTE = 60
export const A2P_TOLL_FREE_PER_MINUTE = 180

/** US and Canadian toll-free numbers: +1 800, 833, 844, 855, 866, 877, 888. */
export const isTollFree = (number: PhoneNumber): boolean => /^\+1(800|833|844|855|866|877|888)\d{7}$/.test(number.phoneNumber)

export class World {
  readonly scenario: Scenario
  readonly name: string
  readonly environment: Environment
  readonly accounts: Account[] = []
  readonly policies: Policies
  readonly #extensions = new Map<string, Extension>()
  readonly #byEmail = new Map<string, Extension>()
  readonly #numbers = new Map<string, PhoneNumber>()
  /** Accounts by main number (the first account that has it), and each account's position. */
  readonly #byMainNumber = new Map<string, Account>()
  readonly #accountIndex = new Map<Account, number>()
  /** Extensions by `${accountId} ${extensionNumber}`. */
  readonly #byExtensionNumber = new Map<string, Extension>()
  readonly #apps = new Map<string, App>()
  readonly #credentials = new Map<string, JwtCredential>()

  constructor (scenario: Scenario) {
    this.scenario = scenario
    this.name = scenario.name
    this.environment = scenario.environment ?? 'production'
    const p = scenario.policies ?? {}
    this.policies = {
      ...(p.passwordGrantEndOfLife !== undefined ? { passwordGrantEndOfLife: Date.parse(p.passwordGrantEndOfLife) } : {}),
      refreshTokenReuse: p.refreshTokenReuse ?? 'ringcentral',
      maxSessionsPerUser: p.maxSessionsPerUser ?? 5,
      rateLimits: {
        enabled: p.rateLimits?.enabled ?? false,
        limits: { ...DEFAULT_LIMITS, ...p.rateLimits?.limits },
        windowSeconds: p.rateLimits?.windowSeconds ?? 60,
        penaltySeconds: p.rateLimits?.penaltySeconds ?? 60
      },
      journalLimit: p.journalLimit ?? 1000,
      ...(p.controlToken !== undefined ? { controlToken: p.controlToken } : {}),
      events: {
        subscriptionsPerUser: p.subscriptionsPerUser ?? DEFAULT_EVENT_POLICIES.subscriptionsPerUser,
        webhooks: { ...DEFAULT_EVENT_POLICIES.webhooks, ...p.webhooks },
        websocket: { ...DEFAULT_EVENT_POLICIES.websocket, ...p.websocket }
      },
      a2p: {
        ...(p.a2p?.messagesPerMinute !== undefined ? { messagesPerMinute: p.a2p.messagesPerMinute } : {}),
        ...(p.a2p?.dailyLimit !== undefined ? { dailyLimit: p.a2p.dailyLimit } : {}),
        dailyLimitErrorCode: p.a2p?.dailyLimitErrorCode ?? 'SMS-CAR-450',
        ...(p.a2p?.maxBatchSize !== undefined ? { maxBatchSize: p.a2p.maxBatchSize } : {}),
        costPerSegment: p.a2p?.costPerSegment ?? 0.007,
        storeLimit: p.a2p?.storeLimit ?? 1_000_000
      }
    }
    let numberId = 0
    for (const spec of scenario.accounts) {
      const account: Account = { ...spec, extensions: [] }
      this.accounts.push(account)
      this.#accountIndex.set(account, this.accounts.length - 1)
      if (!this.#byMainNumber.has(account.mainNumber)) this.#byMainNumber.set(account.mainNumber, account)
      for (const e of spec.extensions) {
        const ext: Extension = { ...e, account, admin: e.admin ?? false, phoneNumbers: [], jwtCredentials: e.jwtCredentials ?? [] }
        account.extensions.push(ext)
        this.#extensions.set(ext.id, ext)
        const byNumber = `${account.id} ${ext.extensionNumber}`
        if (!this.#byExtensionNumber.has(byNumber)) this.#byExtensionNumber.set(byNumber, ext)
        if (ext.email) this.#byEmail.set(ext.email.toLowerCase(), ext)
        for (const n of e.phoneNumbers ?? []) {
          numberId++
          const number = phoneNumberOf(n, n.id ?? String(numberId * 1000 + Number(ext.id.slice(-3))), ext)
          ext.phoneNumbers.push(number)
          this.#numbers.set(number.phoneNumber, number)
        }
        for (const c of ext.jwtCredentials) this.#credentials.set(c.id, { ...c, owner: ext })
      }
    }
    for (const a of scenario.apps) {
      const refreshTokenTtl = a.refreshTokenTtl ?? 604800
      this.#apps.set(a.clientId, {
        ...a,
        name: a.name ?? a.clientId,
        scopes: a.scopes ?? [],
        redirectUris: a.redirectUris ?? [],
        accessTokenTtl: a.accessTokenTtl ?? 3600,
        refreshTokenTtl,
        confidential: a.clientSecret !== undefined,
        issuesRefreshTokens: refreshTokenTtl > 0 && a.grantTypes.includes(GRANT.refreshToken)
      })
    }
  }

  /** `https://platform.ringcentral.com` or the sandbox's, as this world's JWT `iss`. */
  get platformUrl (): string {
    return PLATFORM_URL[this.environment]
  }

  get apps (): App[] {
    return [...this.#apps.values()]
  }

  get credentials (): JwtCredential[] {
    return [...this.#credentials.values()]
  }

  app (clientId: string): App | undefined {
    return this.#apps.get(clientId)
  }

  extension (id: string): Extension | undefined {
    return this.#extensions.get(id)
  }

  extensionByEmail (email: string): Extension | undefined {
    return this.#byEmail.get(email.toLowerCase())
  }

  phoneNumber (e164: string): PhoneNumber | undefined {
    return this.#numbers.get(e164)
  }

  credential (id: string): JwtCredential | undefined {
    return this.#credentials.get(id)
  }

  allows (app: App, grant: GrantType): boolean {
    return app.grantTypes.includes(grant)
  }

  /**
   * Resolves a password-grant username as RingCentral accepts it: an email, a direct number,
   * the main number plus `extension`, or `+16505550100*101`.
   */
  resolveUsername (username: string, extensionNumber?: string): Extension | undefined {
    const trimmed = username.trim()
    if (trimmed.includes('@')) return this.extensionByEmail(trimmed)
    let [number, ext] = trimmed.split('*', 2) as [string, string | undefined]
    ext = ext ?? extensionNumber
    const e164 = normalizeNumber(number)
    if (e164 === undefined) return undefined
    if (ext !== undefined && ext !== '') {
      // Indexed: a login costs the same in a world of 10 numbers and of 100,000. The account is the
      // first (in the scenario's order) whose main number or any extension's number it is.
      const byMain = this.#byMainNumber.get(e164)
      const byOwner = this.#numbers.get(e164)?.owner.account
      const account = byMain === undefined || (byOwner !== undefined && this.#accountIndex.get(byOwner)! < this.#accountIndex.get(byMain)!) ? byOwner : byMain
      return account !== undefined ? this.#byExtensionNumber.get(`${account.id} ${ext}`) : undefined
    }
    const owned = this.#numbers.get(e164)
    if (owned) return owned.owner
    return undefined
  }
}

/**
 * A number of the world from its spec: built property by property (an object spread of the parsed
 * spec costs several times as much, and a 100,000-number world builds 100,000 of them), with only
 * the properties the spec has.
 */
function phoneNumberOf (n: PhoneNumberSpec, id: string, owner: Extension): PhoneNumber {
  const number: PhoneNumber = { id, phoneNumber: n.phoneNumber, owner, features: n.features ?? [] }
  if (n.usageType !== undefined) number.usageType = n.usageType
  if (n.type !== undefined) number.type = n.type
  if (n.paymentType !== undefined) number.paymentType = n.paymentType
  if (n.status !== undefined) number.status = n.status
  if (n.label !== undefined) number.label = n.label
  return number
}

/** Accepts `+16505550100`, `16505550100`, `(650) 555-0100`; returns E.164 or undefined. */
export function normalizeNumber (input: string): string | undefined {
  const digits = input.replace(/[\s().-]/g, '')
  if (/^\+[1-9]\d{6,14}$/.test(digits)) return digits
  if (/^1\d{10}$/.test(digits)) return `+${digits}`
  if (/^[2-9]\d{9}$/.test(digits)) return `+1${digits}`
  return undefined
}
