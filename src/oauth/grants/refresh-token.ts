/** grant_type=refresh_token: rotation, RingCentral's reuse grace, the old access token's death. */
import { GRANT } from '../../scenario/types.js'
import { required } from '../form.js'
import type { Grant } from './types.js'

export const refreshToken: Grant = {
  grantType: GRANT.refreshToken,
  handle ({ ctx, form, app, ttls, now }) {
    return ctx.sessions.refresh(required(form, 'refresh_token'), app, ttls, now)
  }
}
