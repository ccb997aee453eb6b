/** Resolving `{accountId}` and `{extensionId}` path parameters, where `~` means the caller's own. */
import { notFound } from '../errors.js'
import type { Session } from '../oauth/sessions.js'
import type { Account, Extension } from '../world.js'

export function resolveAccount (session: Session, accountId: string): Account {
  const own = session.owner.account
  // Another account's data is never visible: RingCentral answers 404 for it as for a missing one.
  if (accountId !== '~' && accountId !== own.id) throw notFound('accountId')
  return own
}

export function resolveExtension (session: Session, accountId: string, extensionId: string): Extension {
  const account = resolveAccount(session, accountId)
  if (extensionId === '~' || extensionId === session.owner.id) return session.owner
  const ext = account.extensions.find(x => x.id === extensionId)
  if (!ext) throw notFound('extensionId')
  return ext
}

/** `https://host/restapi/v1.0/account/123/extension/456`: absolute, with numeric ids. */
export const extensionUri = (baseUrl: string, ext: Extension): string =>
  `${baseUrl}/restapi/v1.0/account/${ext.account.id}/extension/${ext.id}`
