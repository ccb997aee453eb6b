/**
 * RingCentral user permissions (role permissions), as the messaging routes check them.
 *
 * A permission is missing (`None`: 403 CMN-408), limited to the user's own extension (`Self`: another
 * extension in the path is 403 CMN-419), or extended to the account (`Account`). Admins read every
 * extension's messages and numbers by default; nobody sends SMS as another extension by default
 * ("even a super admin user cannot send a text message on behalf of other user extensions").
 */
import { rc } from '../errors.js'
import type { Session } from '../oauth/sessions.js'
import type { PermissionScope, UserPermissionName } from '../scenario/types.js'
import type { Extension } from '../world.js'

export function permissionScope (ext: Extension, name: UserPermissionName): PermissionScope {
  const given = ext.permissions?.[name]
  if (given !== undefined) return given
  return ext.admin && name !== 'OutboundSMS' ? 'Account' : 'Self'
}

/** Throws CMN-408 or CMN-419 unless the caller may use `name` on `target`. */
export function requireUserPermission (session: Session, target: Extension, name: UserPermissionName): void {
  const scope = permissionScope(session.owner, name)
  if (scope === 'None') throw rc('CMN-408', { permissionName: name })
  if (target !== session.owner && scope !== 'Account') throw rc('CMN-419', { permissionName: name })
}
