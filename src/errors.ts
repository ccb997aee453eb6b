/**
 * RingCentral's error catalogue and the one error type the mock throws.
 *
 * Every failure is an {@link RcError} carrying a RingCentral `errorCode`. Handlers throw it;
 * `error-handler.ts` is the only place that turns it into a response, in one of RingCentral's two
 * body dialects (see `docs/fidelity.md`):
 *
 * - `oauth` (`/restapi/oauth/*`): `{ error, errors: [{ errorCode, message }], error_description }`
 * - `api`   (`/restapi/v1.0/*`):  `{ errorCode, message, errors: [{ errorCode, message, ... }], ... }`
 *
 * Message templates use `${name}` placeholders filled from the error's parameters, as RingCentral's
 * own error table (developers.ringcentral.com/guide/basics/errors) writes them.
 */

export type OAuthErrorName =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'

/**
 * How an error body is shaped: `oauth` (the token endpoints), `api` (the REST API), `asg` (High
 * Volume SMS: `{errorCode, message, errors: [{errorCode, message}]}`), `v2` (the v2 consent API:
 * `{errors: [{errorCode, message, parameterName?, parameterValue?}]}`).
 */
export type Dialect = 'oauth' | 'api' | 'asg' | 'v2'

/** How a catalogued code renders when nothing overrides it. */
export interface ErrorDefinition {
  /** HTTP status on REST API routes. */
  readonly status: number
  /** Message template; `${parameterName}`-style placeholders are filled from the error's params. */
  readonly message: string
  /** RFC 6749 `error` when rendered by an OAuth endpoint. */
  readonly oauthError?: OAuthErrorName
  /** HTTP status on OAuth endpoints; defaults to 400 (the JS SDK repeats a token call that got 401). */
  readonly oauthStatus?: number
  /** Symbolic top-level `errorCode` RingCentral puts on API bodies, when one is known. */
  readonly topLevelCode?: string
  /** Extra headers RingCentral sends with this error. */
  readonly headers?: Readonly<Record<string, string>>
  /** Evidence for this entry: V verified, O observed, I inferred (see docs/fidelity.md). */
  readonly evidence: 'V' | 'O' | 'I'
}

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="RingCentral REST API"' }

/**
 * The catalogue, keyed by RingCentral error code. Sources for each entry are listed in
 * docs/fidelity.md; the `evidence` letter says how sure we are.
 */
export const catalogue = {
  // --- Common -----------------------------------------------------------------------------
  'CMN-100': { status: 400, message: 'Mandatory parameter [${parameterName}] not specified', oauthError: 'invalid_request', evidence: 'V' },
  'CMN-101': { status: 400, message: 'Parameter [${parameterName}] value is invalid.', oauthError: 'invalid_request', evidence: 'V' },
  'CMN-102': { status: 404, message: 'Resource for parameter [${parameterName}] is not found', evidence: 'V' },
  'CMN-103': { status: 400, message: "JSON can't be parsed.", evidence: 'V' },
  'CMN-104': { status: 400, message: 'Cannot parse request', evidence: 'V' },
  'CMN-120': { status: 404, message: 'Invalid URI', evidence: 'V' },
  'CMN-301': { status: 429, message: 'Request rate exceeded', oauthStatus: 429, headers: { 'Retry-After': '60' }, evidence: 'V' },
  'CMN-401': {
    status: 403,
    message: 'In order to call this API endpoint, application needs to have [${permissionName}] permission',
    topLevelCode: 'InsufficientPermissions',
    evidence: 'V'
  },
  'CMN-405': { status: 401, message: 'Login to extension required', headers: BEARER_CHALLENGE, evidence: 'V' },
  'CMN-408': { status: 403, message: 'In order to call this API endpoint, user needs to have [${permissionName}] permission.', evidence: 'V' },
  'CMN-415': { status: 415, message: 'Unsupported Media Type', oauthStatus: 415, evidence: 'I' },
  // The 500 of the High Volume SMS service (every a2p-sms operation's documented example).
  'CMN-203': { status: 500, message: 'Internal Server Error', oauthError: 'server_error', oauthStatus: 500, evidence: 'V' },
  'CMN-500': { status: 500, message: 'Internal Server Error', oauthError: 'server_error', oauthStatus: 500, evidence: 'I' },

  // --- OAuth: token endpoint --------------------------------------------------------------
  'OAU-111': { status: 400, message: 'Request parameter duplication detected', oauthError: 'invalid_request', evidence: 'V' },
  'OAU-123': {
    status: 401,
    message: 'Authorization header is not specified',
    oauthError: 'invalid_client',
    headers: BEARER_CHALLENGE,
    evidence: 'O'
  },
  'OAU-140': { status: 401, message: 'Invalid resource owner credentials', oauthError: 'invalid_grant', evidence: 'O' },
  'OAU-146': { status: 401, message: 'Invalid client credentials', oauthError: 'invalid_client', evidence: 'V' },
  'OAU-149': { status: 401, message: 'Invalid token', oauthError: 'invalid_grant', headers: BEARER_CHALLENGE, evidence: 'O' },
  'OAU-153': { status: 400, message: 'Invalid client: ${client_id}', oauthError: 'invalid_client', evidence: 'O' },
  'OAU-210': { status: 400, message: 'Token expired', oauthError: 'invalid_grant', evidence: 'O' },
  'OAU-250': { status: 400, message: 'Unsupported grant type', oauthError: 'invalid_request', evidence: 'O' },
  'OAU-251': { status: 400, message: 'Unauthorized for this grant type', oauthError: 'unauthorized_client', evidence: 'O' },
  'OAU-347': {
    status: 400,
    message: 'An algorithm which is used for assertion signing is not supported for JWT Bearer grant type',
    oauthError: 'invalid_grant',
    evidence: 'V'
  },

  // --- OAuth: authorization code ----------------------------------------------------------
  'OAU-106': { status: 403, message: 'Invalid authorization code', oauthError: 'invalid_grant', evidence: 'V' },
  'OAU-108': { status: 403, message: 'Authorization code is expired', oauthError: 'invalid_grant', evidence: 'V' },
  'OAU-109': { status: 403, message: 'Redirect URIs do not match', oauthError: 'invalid_grant', evidence: 'O' },
  'OAU-110': { status: 403, message: 'Authorization code was not issued for this application', oauthError: 'invalid_grant', evidence: 'V' },
  'OAU-113': { status: 403, message: 'No redirect uri is registered for the client', oauthError: 'invalid_client', evidence: 'O' },

  // --- Access tokens on REST calls --------------------------------------------------------
  'AGW-402': { status: 401, message: 'Invalid Authorization header', headers: BEARER_CHALLENGE, evidence: 'O' },
  'OAU-128': { status: 401, message: 'Access token expired', oauthError: 'invalid_grant', headers: BEARER_CHALLENGE, evidence: 'V' },
  'OAU-129': { status: 401, message: 'Access token corrupted', oauthError: 'invalid_grant', headers: BEARER_CHALLENGE, evidence: 'O' },
  'OAU-151': { status: 401, message: 'Authorization method not supported', headers: BEARER_CHALLENGE, evidence: 'V' },
  'OAU-213': {
    status: 401,
    message: 'Token not found',
    oauthError: 'invalid_grant',
    topLevelCode: 'TokenInvalid',
    headers: BEARER_CHALLENGE,
    evidence: 'O'
  },

  // --- Messaging: user permissions (docs/fidelity-messaging.md) ----------------------------
  'CMN-419': {
    status: 403,
    message: 'In order to call this API endpoint for another extension, user needs to have [${permissionName}] permission granted with extended scope',
    evidence: 'V'
  },

  // --- Messaging: SMS (docs/fidelity-messaging.md) ---------------------------------------
  // Codes, statuses and messages are RingCentral's (error table, 2021 spec x-error-codes); the
  // top-level FeatureNotAvailable on MSG-242/MSG-304 is inferred (a forum report), see that file.
  'MSG-240': { status: 403, message: 'International SMS is not available for account.', evidence: 'V' },
  'MSG-241': { status: 403, message: 'Cannot send SMS from Fax number', evidence: 'V' },
  'MSG-242': { status: 403, message: 'The requested feature is not available', topLevelCode: 'FeatureNotAvailable', evidence: 'V' },
  'MSG-243': { status: 400, message: 'Parameter [${parameterName}] value [${value}] is invalid [Phone number is blocked]', evidence: 'V' },
  'MSG-245': {
    status: 400,
    message: 'Parameter [${parameterName}] value [${value}] is invalid [Cannot find the phone number which belongs to user]',
    evidence: 'V'
  },
  'MSG-246': { status: 400, message: 'Sending SMS from/to extension numbers is not available', topLevelCode: 'InvalidParameter', evidence: 'V' },
  'MSG-247': { status: 400, message: 'Sending SMS to short numbers is not available', evidence: 'V' },
  'MSG-304': { status: 403, message: "Phone number doesn't belong to extension", topLevelCode: 'FeatureNotAvailable', evidence: 'V' },
  'MSG-337': { status: 400, message: 'Attachment size limit exceeded', evidence: 'V' },
  'MSG-338': { status: 400, message: 'Message size limit exceeded', evidence: 'V' },
  'MSG-365': { status: 400, message: 'Parameters [country.id] and [country.isoCode] can not be specified simultaneously', evidence: 'V' },
  'MSG-380': { status: 403, message: 'The MMS feature is not available', evidence: 'V' },
  'MSG-381': { status: 400, message: 'Exceeded maximum number of recipients for a Group MMS: [10]', evidence: 'V' },

  // --- Subscriptions (docs/fidelity.md, Events) -------------------------------------------
  // Codes and messages from the 2021 spec's x-error-codes for createSubscription and RingCentral's
  // error table; SUB-515 and SUB-528 from an older RingCentral Swagger (wording adapted to the transport).
  'OAU-232': { status: 400, message: 'Extension not found', evidence: 'V' },
  'SUB-405': { status: 403, message: 'Not allowed subscribe for messages to other extensions', evidence: 'V' },
  'SUB-406': { status: 403, message: 'Not allowed subscribe for events to extensions of other account', evidence: 'V' },
  'SUB-505': { status: 403, message: 'Subscriptions limit exceeded', evidence: 'V' },
  'SUB-508': { status: 400, message: 'Invalid event filters', evidence: 'V' },
  'SUB-515': { status: 400, message: 'Subscription containing only reminder filter is not allowed', evidence: 'O' },
  'SUB-516': { status: 400, message: 'Invalid reminder parameters', evidence: 'V' },
  'SUB-520': { status: 400, message: 'Validation Token is not returned', evidence: 'V' },
  'SUB-521': { status: 400, message: 'WebHook is not reachable', evidence: 'V' },
  'SUB-523': { status: 400, message: 'HTTPS is required', evidence: 'V' },
  'SUB-525': { status: 400, message: 'WebHook server response is invalid', evidence: 'V' },
  'SUB-528': { status: 403, message: '[${permissionName}] application permission is required for [${transport}] transport', evidence: 'O' }
} as const satisfies Record<string, ErrorDefinition>

export type ErrorCode = keyof typeof catalogue

export function isErrorCode (code: string): code is ErrorCode {
  return Object.hasOwn(catalogue, code)
}

/** Attributes RingCentral attaches to an error entry (and hoists to the top level on API bodies). */
export interface ErrorParams {
  parameterName?: string
  parameterValue?: string
  permissionName?: string
  /** Extra template values that are not rendered as body attributes. */
  template?: Record<string, string>
}

export interface RcErrorOptions extends ErrorParams {
  /** Replaces the catalogue's message (after template filling). */
  message?: string
  status?: number
  oauthError?: OAuthErrorName
  headers?: Record<string, string>
  /** OAuth bodies: RingCentral's `parameters: [{ parameterName, parameterValue }]` list. */
  parameters?: Array<{ parameterName: string, parameterValue: string }>
}

function fill (template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\$\{(\w+)\}/g, (_, name: string) => values[name] ?? '')
}

/** Longest echo of a request value (a name, a value) in an error; longer ones end in `…`. */
export const MAX_ECHO = 200
/** Longest message of an error. */
export const MAX_MESSAGE = 1000

/** `text`, cut to `max` characters (with `…`) when longer: every value a request can make the mock echo goes through this. */
export const clip = (text: string, max = MAX_ECHO): string => text.length > max ? `${text.slice(0, max)}…` : text

function clipAll (values: Record<string, string> | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(values)) out[name] = clip(value)
  return out
}

/** The options with every echoed request value bounded. */
function bounded (options: RcErrorOptions): RcErrorOptions {
  const out: RcErrorOptions = { ...options }
  if (options.parameterName !== undefined) out.parameterName = clip(options.parameterName)
  if (options.parameterValue !== undefined) out.parameterValue = clip(options.parameterValue)
  if (options.permissionName !== undefined) out.permissionName = clip(options.permissionName)
  const template = clipAll(options.template)
  if (template !== undefined) out.template = template
  if (options.parameters !== undefined) out.parameters = options.parameters.map(p => ({ parameterName: clip(p.parameterName), parameterValue: clip(p.parameterValue) }))
  return out
}

/** A RingCentral error, thrown as a value and rendered by the error handler. */
export class RcError extends Error {
  readonly code: ErrorCode
  readonly definition: ErrorDefinition
  readonly options: RcErrorOptions

  constructor (code: ErrorCode, given: RcErrorOptions = {}) {
    const definition: ErrorDefinition = catalogue[code]
    const options = bounded(given)
    const message = options.message ??
      fill(definition.message, { ...options.template, parameterName: options.parameterName, permissionName: options.permissionName })
    super(clip(message, MAX_MESSAGE))
    this.name = 'RcError'
    this.code = code
    this.definition = definition
    this.options = options
  }

  /** The status this error is sent with in the given dialect. */
  status (dialect: Dialect): number {
    if (this.options.status !== undefined) return this.options.status
    return dialect === 'oauth' ? (this.definition.oauthStatus ?? 400) : this.definition.status
  }

  headers (dialect: Dialect): Record<string, string> {
    const headers: Record<string, string> = { ...this.definition.headers, ...this.options.headers }
    // A bearer challenge belongs to REST API answers, not to the token endpoint's.
    if (dialect === 'oauth' && this.options.headers?.['WWW-Authenticate'] === undefined) delete headers['WWW-Authenticate']
    return headers
  }

  body (dialect: Dialect): Record<string, unknown> {
    const { parameterName, parameterValue, permissionName, parameters } = this.options
    const attributes: Record<string, string> = {}
    if (parameterName !== undefined) attributes.parameterName = parameterName
    if (parameterValue !== undefined) attributes.parameterValue = parameterValue
    if (permissionName !== undefined) attributes.permissionName = permissionName
    if (dialect === 'oauth') {
      const entry: Record<string, unknown> = { errorCode: this.code, message: this.message, ...attributes }
      if (parameters) entry.parameters = parameters
      return {
        error: this.options.oauthError ?? this.definition.oauthError ?? 'invalid_request',
        errors: [entry],
        error_description: this.message
      }
    }
    if (dialect === 'asg') {
      return { errorCode: this.code, message: this.message, errors: [{ errorCode: this.code, message: this.message }] }
    }
    if (dialect === 'v2') {
      const { permissionName: _permission, ...named } = attributes
      return { errors: [{ errorCode: this.code, message: this.message, ...named }] }
    }
    return {
      errorCode: this.definition.topLevelCode ?? this.code,
      message: this.message,
      errors: [{ errorCode: this.code, message: this.message, ...attributes }],
      ...attributes
    }
  }
}

/** Shorthand for `new RcError(...)`, so call sites read `throw rc('OAU-140')`. */
export function rc (code: ErrorCode, options?: RcErrorOptions): RcError {
  return new RcError(code, options)
}

export const invalidParameter = (parameterName: string, parameterValue?: string): RcError =>
  rc('CMN-101', { parameterName, ...(parameterValue !== undefined ? { parameterValue } : {}) })

export const notFound = (parameterName: string): RcError => rc('CMN-102', { parameterName })
