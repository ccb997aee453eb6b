/**
 * RingCentral's TTL rules for token requests (developers.ringcentral.com, "auth-token-params"):
 * `access_token_ttl` below 600 s gives 600 s, above the app's value gives the app's value;
 * `refresh_token_ttl` above the app's value gives the app's value. The JS SDK sends
 * `access_token_ttl=-1` after a 401, so negative values are clamped, never refused.
 * An app whose own limit is below 600 s (a test scenario's short TTL) gets its own limit.
 */
import { invalidParameter } from '../errors.js'
import type { App } from '../world.js'
import type { Form } from './form.js'
import type { TokenTtls } from './sessions.js'

export const MIN_ACCESS_TOKEN_TTL = 600

function integer (form: Form, name: string): number | undefined {
  const raw = form[name]
  if (raw === undefined) return undefined
  if (!/^[+-]?\d{1,12}$/.test(raw.trim())) throw invalidParameter(name, raw)
  return Number.parseInt(raw, 10)
}

export function clampTtls (form: Form, app: App): TokenTtls {
  const access = integer(form, 'access_token_ttl')
  const refresh = integer(form, 'refresh_token_ttl')
  return {
    access: access === undefined ? app.accessTokenTtl : Math.min(Math.max(access, MIN_ACCESS_TOKEN_TTL), app.accessTokenTtl),
    // 0 asks for no refresh token (RingCentral staff, community article 9514); negative = default.
    refresh: refresh === undefined || refresh < 0 ? app.refreshTokenTtl : Math.min(refresh, app.refreshTokenTtl)
  }
}
