/** grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523), RingCentral's JWT flow. */
import { verifyAssertion } from '../../jwt-credentials.js'
import { GRANT } from '../../scenario/types.js'
import { required } from '../form.js'
import { endpoint } from './password.js'
import type { Grant } from './types.js'

export const jwtBearer: Grant = {
  grantType: GRANT.jwtBearer,
  async handle ({ ctx, form, app, ttls, now }) {
    const assertion = required(form, 'assertion')
    const { owner } = await verifyAssertion(assertion, app, ctx.world, ctx.key, now, ctx.credentials.byJti)
    return ctx.sessions.issue({ owner, app, grant: GRANT.jwtBearer, ttls, ...endpoint(form) }, now)
  }
}
