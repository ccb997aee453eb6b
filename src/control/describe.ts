/**
 * How the control API (and `startMockServer()`) shows live state: sessions and sent messages, as
 * typed records. The shapes are the OpenAPI document's `MockSession` and `OutboxMessage`.
 */
import { toIso } from '../clock.js'
import { stateAt, type MessageStatus, type StoredMessage } from '../messaging/message-store.js'
import type { Session } from '../oauth/sessions.js'

export interface MockSessionRecord {
  id: string
  accountId: string
  extensionId: string
  extensionNumber: string
  name: string
  clientId: string
  appName: string
  /** The grant that created the session (wire value, e.g. `urn:ietf:params:oauth:grant-type:jwt-bearer`). */
  grant: string
  createdAt: string
  lastRefreshAt: string | null
  accessTokenExpiresAt: string
  accessTokenExpired: boolean
  refreshTokenExpiresAt: string | null
}

export interface OutboxMessageRecord {
  id: number
  accountId: string
  extensionId: string
  from: string
  to: string[]
  text: string
  /** How many MMS attachments. */
  attachments: number
  creationTime: string
  messageStatus: MessageStatus
  lastModifiedTime: string
  deliveryErrorCode?: string
}

export function describeSession (session: Session, now: number): MockSessionRecord {
  return {
    id: session.id,
    accountId: session.owner.account.id,
    extensionId: session.owner.id,
    extensionNumber: session.owner.extensionNumber,
    name: session.owner.name,
    clientId: session.app.clientId,
    appName: session.app.name,
    grant: session.grant,
    createdAt: toIso(session.createdAt),
    lastRefreshAt: session.lastRefreshAt !== undefined ? toIso(session.lastRefreshAt) : null,
    accessTokenExpiresAt: toIso(session.accessExpiresAt),
    accessTokenExpired: now >= session.accessExpiresAt,
    refreshTokenExpiresAt: session.refreshExpiresAt !== undefined ? toIso(session.refreshExpiresAt) : null
  }
}

/** A sent message as the outbox shows it, with its status at `now`. */
export function describeMessage (message: StoredMessage, now: number): OutboxMessageRecord {
  const state = stateAt(message, now)
  return {
    id: message.id,
    accountId: message.owner.account.id,
    extensionId: message.owner.id,
    from: message.from,
    to: [...message.to],
    text: message.text,
    attachments: message.attachments.length,
    creationTime: toIso(message.createdAt),
    messageStatus: state.messageStatus,
    lastModifiedTime: toIso(state.lastModifiedTime),
    ...(state.deliveryErrorCode !== undefined ? { deliveryErrorCode: state.deliveryErrorCode } : {})
  }
}
