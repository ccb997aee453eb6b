/** The scenario file's shape, as `scenarios/scenario.schema.json` defines it. */
import type { RuleSpec } from '../control/rules.js'

export const GRANT = {
  password: 'password',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  refreshToken: 'refresh_token',
  authorizationCode: 'authorization_code'
} as const

export type GrantType = typeof GRANT[keyof typeof GRANT]

export type Environment = 'sandbox' | 'production'

export interface PhoneNumberSpec {
  id?: string
  phoneNumber: string
  usageType?: string
  type?: string
  paymentType?: string
  status?: string
  label?: string
  features?: string[]
}

export interface JwtCredentialSpec {
  id: string
  issuedAt?: string
  expiresAt?: string
  apps?: string[]
  revoked?: boolean
}

export interface ExtensionSpec {
  id: string
  extensionNumber: string
  name: string
  email?: string
  admin?: boolean
  password?: string
  phoneNumbers?: PhoneNumberSpec[]
  jwtCredentials?: JwtCredentialSpec[]
  permissions?: Partial<Record<UserPermissionName, PermissionScope>>
}

export interface AccountSpec {
  id: string
  name?: string
  mainNumber: string
  extensions: ExtensionSpec[]
}

export interface AppSpec {
  clientId: string
  clientSecret?: string
  name?: string
  grantTypes: GrantType[]
  scopes?: string[]
  redirectUris?: string[]
  accessTokenTtl?: number
  refreshTokenTtl?: number
}

export interface PoliciesSpec {
  passwordGrantEndOfLife?: string
  refreshTokenReuse?: 'ringcentral' | 'strict'
  maxSessionsPerUser?: number
  rateLimits?: {
    enabled: boolean
    limits?: Partial<Record<'Light' | 'Medium' | 'Heavy' | 'Auth', number>>
    windowSeconds?: number
    penaltySeconds?: number
  }
  journalLimit?: number
  controlToken?: string
  /** Subscriptions per user and app (RingCentral: 30). */
  subscriptionsPerUser?: number
  webhooks?: {
    responseTimeoutMs?: number
    retrySeconds?: number[]
    blacklistAfterSeconds?: number
    allowHttp?: boolean
  }
  a2p?: A2PPolicySpec
  websocket?: {
    tokenTtlSeconds?: number
    idleTimeoutSeconds?: number
    absoluteTimeoutSeconds?: number
    recoveryTimeoutSeconds?: number
    recoveryBufferSize?: number
    notificationGapMs?: number
  }
}

/** High Volume (A2P) SMS: throughput, limits and cost (`policies.a2p`). */
export interface A2PPolicySpec {
  messagesPerMinute?: number
  dailyLimit?: number
  dailyLimitErrorCode?: string
  maxBatchSize?: number
  costPerSegment?: number
  storeLimit?: number
}

/** A consent record at the scenario's start (`messaging.consents`). */
export interface ConsentSpec {
  from: string
  to: string
  optStatus: 'OptOut' | 'OptIn'
  source?: 'Recipient' | 'Api' | 'Upstream' | 'Carrier'
  accountId?: string
}

/** RingCentral user permissions the messaging routes check, and how far each reaches. */
export type UserPermissionName = 'OutboundSMS' | 'ReadMessages' | 'ReadUserPhoneNumbers'
export type PermissionScope = 'None' | 'Self' | 'Account'

export type RecipientOutcome = 'SendingFailed' | 'DeliveryFailed' | 'Blocked'

export interface MessagingRecipientSpec {
  phoneNumber: string
  outcome: RecipientOutcome
  errorCode?: string
}

/** An inbound SMS the scenario scripts, at a clock time. */
export interface ScriptedInboundSpec {
  /** When (scenario clock); or `afterSeconds` from the scenario's start. */
  at?: string
  afterSeconds?: number
  from: string
  to: string
  text: string
}

/** When an SMS is delivered to `from`, that number answers with `text`. */
export interface AutoReplySpec {
  from: string
  text: string
  /** Seconds after the delivery (default 5). */
  afterSeconds?: number
  /** Only when the SMS's text matches this regular expression. */
  whenText?: string
  /** At most this many replies (default: every time). */
  times?: number
}

export interface MessagingSpec {
  delivery?: { queuedSeconds?: number, sentSeconds?: number }
  recipients?: MessagingRecipientSpec[]
  /** How many messages are kept (default 10000); the oldest are dropped. */
  storeLimit?: number
  inbound?: ScriptedInboundSpec[]
  autoReplies?: AutoReplySpec[]
  consents?: ConsentSpec[]
}

export interface Scenario {
  name: string
  description?: string
  environment?: Environment
  signingKey?: string
  clock?: { start?: string, frozen?: boolean }
  accounts: AccountSpec[]
  apps: AppSpec[]
  policies?: PoliciesSpec
  messaging?: MessagingSpec
  rules?: RuleSpec[]
}
