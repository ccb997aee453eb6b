/** The scenario file's shape, as `scenarios/scenario.schema.json` defines it. */

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
}
