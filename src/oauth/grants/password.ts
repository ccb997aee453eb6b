/** grant_type=password (resource owner password credentials; ended by RingCentral on 2024-03-31). */
import { rc } from '../../errors.js'
import { GRANT } from '../../scenario/types.js'
import { secretEquals } from '../../secret.js'
import { required } from '../form.js'
import type { Grant } from './types.js'

export const password: Grant = {
  grantType: GRANT.password,
  handle ({ ctx, form, app, ttls, now }) {
    const eol = ctx.world.policies.passwordGrantEndOfLife
    if (eol !== undefined && now >= eol) throw rc('OAU-251')
    const username = required(form, 'username')
    const secret = required(form, 'password')
    const owner = ctx.world.resolveUsername(username, form.extension)
    // Compared even when there is no such user, so a refusal takes as long either way.
    const matches = secretEquals(secret, owner?.password ?? '')
    if (owner?.password === undefined || !matches) throw rc('OAU-140')
    return ctx.sessions.issue({ owner, app, grant: GRANT.password, ttls, ...endpoint(form) }, now)
  }
}

export const endpoint = (form: { endpoint_id?: string | undefined }): { endpointId?: string } =>
  form.endpoint_id !== undefined ? { endpointId: form.endpoint_id } : {}
