/**
 * grant_type=authorization_code (RFC 6749 §4.1.3), with PKCE (RFC 7636 §4.6).
 *
 * Checks, in order: the code exists (OAU-106), was issued to this app (OAU-110), has not been
 * redeemed before (OAU-106; a replay also ends the session the first exchange created), has not
 * expired (OAU-108), the redirect URI is the one used at authorize (OAU-109), then PKCE. RingCentral
 * has no published code for a PKCE failure, so those answer OAU-106 with a message that names the
 * check that failed (docs/fidelity-auth-code.md). A failed exchange does not use up the code.
 */
import { createHash } from 'node:crypto'
import { rc } from '../../errors.js'
import { secretEquals } from '../../secret.js'
import { GRANT } from '../../scenario/types.js'
import type { AuthorizationCode } from '../codes.js'
import { type Form, required } from '../form.js'
import { endpoint } from './password.js'
import type { Grant } from './types.js'

/** RFC 7636 §4.1: 43-128 characters of the unreserved set. Also the shape of a challenge. */
export const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/

/** BASE64URL(SHA256(ASCII(verifier))), RFC 7636 §4.2. */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url')

const invalidCode = (detail: string) => rc('OAU-106', { message: `Invalid authorization code: ${detail}` })

export function checkPkce (code: AuthorizationCode, form: Form): void {
  const verifier = form.code_verifier
  if (code.challenge === undefined) {
    // A verifier without a challenge means the client believes PKCE is on when it is not (a downgrade).
    if (verifier !== undefined) throw invalidCode('code_verifier was sent, but the authorization request had no code_challenge')
    if (!code.app.confidential) throw invalidCode('a public client must use PKCE (the authorization request had no code_challenge)')
    return
  }
  if (verifier === undefined) throw rc('CMN-100', { parameterName: 'code_verifier' })
  if (!PKCE_VALUE.test(verifier)) {
    throw rc('CMN-101', {
      parameterName: 'code_verifier',
      message: 'Parameter [code_verifier] value is invalid: it must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)'
    })
  }
  if (code.method === 'S256' && !secretEquals(s256(verifier), code.challenge)) {
    throw invalidCode('code_verifier does not match code_challenge (S256: BASE64URL(SHA256(code_verifier)) differs from code_challenge)')
  }
  if (code.method === 'plain' && !secretEquals(verifier, code.challenge)) {
    throw invalidCode('code_verifier does not match code_challenge (plain: code_verifier differs from code_challenge)')
  }
}

export const authorizationCode: Grant = {
  grantType: GRANT.authorizationCode,
  handle ({ ctx, form, app, ttls, now }) {
    const code = ctx.codes.find(required(form, 'code'), now)
    if (!code) throw rc('OAU-106')
    if (code.app.clientId !== app.clientId) throw rc('OAU-110')
    if (code.used) {
      // RFC 6749 §4.1.2: refuse, and revoke what the first exchange issued.
      const session = code.sessionId !== undefined ? ctx.sessions.session(code.sessionId) : undefined
      if (session) ctx.sessions.end(session)
      throw rc('OAU-106')
    }
    if (now >= code.expiresAt) throw rc('OAU-108')
    const redirectUri = form.redirect_uri
    if (redirectUri === undefined ? code.redirectUriGiven : redirectUri !== code.redirectUri) throw rc('OAU-109')
    checkPkce(code, form)
    const session = ctx.sessions.issue({ owner: code.owner, app, grant: GRANT.authorizationCode, ttls, ...endpoint(form) }, now)
    ctx.codes.redeem(code, session.id)
    return session
  }
}
