import type { MockContext } from '../../context.js'
import type { GrantType } from '../../scenario/types.js'
import type { App } from '../../world.js'
import type { Form } from '../form.js'
import type { Session, TokenTtls } from '../sessions.js'

export interface GrantRequest {
  ctx: MockContext
  form: Form
  /** The authenticated client. */
  app: App
  /** Requested lifetimes, already clamped to RingCentral's rules and the app's maximums. */
  ttls: TokenTtls
  now: number
}

/** One grant type: its wire value and what it does. Dispatched by `grants/index.ts`. */
export interface Grant {
  readonly grantType: GrantType
  handle (request: GrantRequest): Promise<Session> | Session
}
