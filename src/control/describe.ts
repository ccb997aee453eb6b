/**
 * How the control API (and `startMockServer()`) shows live state: sessions and sent messages, as
 * typed records. The shapes are the OpenAPI document's `MockSession` and `OutboxMessage`.
 */
import { toIso } from '../clock.js'
import { historyAt, stateAt, type MessageDirection, type MessageStatus, type StoredMessage } from '../messaging/message-store.js'
import type { Session, SessionStore } from '../oauth/sessions.js'
import type { EventHub, Subscription } from '../events/hub.js'
import { subscriptionInfo } from '../events/routes.js'
import type { WsSession } from '../events/ws-sessions.js'

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
  /** The scopes granted (space-separated, as in TokenInfo). */
  scope: string
  /** Refreshes that rotated the tokens. */
  rotations: number
  /** The last refreshes: rotations, reuses of the previous refresh token within its grace, reuses refused. */
  refreshHistory: Array<{ at: string, kind: 'rotated' | 'grace-reuse' | 'reuse-refused' }>
  /** Until when the previous refresh token still answers with the same new pair (the grace), if it does. */
  previousRefreshUsableUntil: string | null
}

export interface OutboxMessageRecord {
  id: number
  accountId: string
  /** The extension whose store holds it (the sender, or for an inbound message the receiver). */
  extensionId: string
  direction: MessageDirection
  from: string
  to: string[]
  text: string
  /** How many MMS attachments. */
  attachments: number
  creationTime: string
  messageStatus: MessageStatus
  readStatus: 'Read' | 'Unread'
  lastModifiedTime: string
  deliveryErrorCode?: string
  /** Every status it has had so far, oldest first. */
  history: Array<{ status: MessageStatus, at: string }>
}

export function describeSession (session: Session, now: number, store: SessionStore): MockSessionRecord {
  const graceEnd = store.graceEndsAt(session, now)
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
    refreshTokenExpiresAt: session.refreshExpiresAt !== undefined ? toIso(session.refreshExpiresAt) : null,
    scope: session.scope,
    rotations: session.rotations,
    refreshHistory: (session.history ?? []).map(e => ({ at: toIso(e.at), kind: e.kind })),
    previousRefreshUsableUntil: graceEnd !== undefined ? toIso(graceEnd) : null
  }
}

/** A sent message as the outbox shows it, with its status at `now`. */
export function describeMessage (message: StoredMessage, now: number): OutboxMessageRecord {
  const state = stateAt(message, now)
  return {
    id: message.id,
    accountId: message.owner.account.id,
    extensionId: message.owner.id,
    direction: message.direction,
    from: message.from,
    to: [...message.to],
    text: message.text,
    attachments: message.attachments.length,
    creationTime: toIso(message.createdAt),
    messageStatus: state.messageStatus,
    readStatus: message.readStatus,
    lastModifiedTime: toIso(state.lastModifiedTime),
    ...(state.deliveryErrorCode !== undefined ? { deliveryErrorCode: state.deliveryErrorCode } : {}),
    history: historyAt(message, now).map(h => ({ status: h.status, at: toIso(h.at) }))
  }
}

/** A subscription as the control API shows it: RingCentral's SubscriptionInfo plus whose it is and how its deliveries stand. */
export interface MockSubscriptionRecord {
  id: string
  accountId: string
  extensionId: string
  clientId: string
  transport: 'WebHook' | 'WebSocket'
  status: 'Active' | 'Blacklisted'
  /** As RingCentral answers it. */
  info: Record<string, unknown>
  /** WebSocket: its session. */
  webSocketSessionId?: string
  /** Webhook: notifications waiting to be sent. */
  pending: number
  /** Webhook: since when deliveries fail (cleared by a success). */
  failingSince?: string
  /** Injected receiver faults still to come. */
  faults: number
}

export function describeSubscription (hub: EventHub, subscription: Subscription, baseUrl: string): MockSubscriptionRecord {
  return {
    id: subscription.id,
    accountId: subscription.owner.account.id,
    extensionId: subscription.owner.id,
    clientId: subscription.app.clientId,
    transport: subscription.transport,
    status: subscription.status,
    info: subscriptionInfo(hub, subscription, baseUrl),
    ...(subscription.wsSession !== undefined ? { webSocketSessionId: subscription.wsSession.id } : {}),
    pending: subscription.queue.length,
    ...(subscription.failingSince !== undefined ? { failingSince: toIso(subscription.failingSince) } : {}),
    faults: subscription.faults.length
  }
}

/** A WebSocket session as the control API shows it. */
export interface MockWebSocketRecord {
  id: string
  /** The OAuth session it was opened with. */
  sessionId: string
  accountId: string
  extensionId: string
  clientId: string
  connected: boolean
  createdAt: string
  lastActivity: string
  disconnectedAt?: string
  /** When an unrecovered session ends (its socket gone, `recoveryTimeout` later). */
  endsAt?: string
  subscriptionId?: string
  /** Notifications held for the recovery. */
  buffered: number
  wscSequence: number
  failNextRecovery: boolean
}

export function describeWsSession (session: WsSession, recoveryTimeoutSeconds: number): MockWebSocketRecord {
  return {
    id: session.id,
    sessionId: session.oauth.id,
    accountId: session.oauth.owner.account.id,
    extensionId: session.oauth.owner.id,
    clientId: session.oauth.app.clientId,
    connected: session.connection?.open ?? false,
    createdAt: toIso(session.createdAt),
    lastActivity: toIso(session.lastActivity),
    ...(session.disconnectedAt !== undefined ? { disconnectedAt: toIso(session.disconnectedAt), endsAt: toIso(session.disconnectedAt + recoveryTimeoutSeconds * 1000) } : {}),
    ...(session.subscription !== undefined ? { subscriptionId: session.subscription.id } : {}),
    buffered: session.buffer.length,
    wscSequence: session.sequence,
    failNextRecovery: session.failNextRecovery
  }
}
