/** The scenario policies of the events layer (`policies.webhooks`, `policies.websocket`, `policies.subscriptionsPerUser`). */

export interface WebhookPolicy {
  /** Real milliseconds a receiver has to answer (RingCentral: 3000). */
  responseTimeoutMs: number
  /** Scenario seconds before each retry of a failed delivery; after the last, the event is dropped. */
  retrySeconds: number[]
  /** A subscription whose deliveries have failed for this long (scenario seconds) is blacklisted. */
  blacklistAfterSeconds: number
  /** Whether `http://` addresses beyond loopback are accepted (RingCentral: only in its sandbox). */
  allowHttp: boolean
}

export interface WebSocketPolicy {
  /** Lifetime of a WebSocket token (seconds). */
  tokenTtlSeconds: number
  idleTimeoutSeconds: number
  absoluteTimeoutSeconds: number
  recoveryTimeoutSeconds: number
  recoveryBufferSize: number
  /** Real milliseconds between a reply (or a recovery's ConnectionDetails) and the next notification. */
  notificationGapMs: number
}

export interface EventPolicies {
  subscriptionsPerUser: number
  webhooks: WebhookPolicy
  websocket: WebSocketPolicy
}

export const DEFAULT_EVENT_POLICIES: EventPolicies = {
  subscriptionsPerUser: 30,
  webhooks: { responseTimeoutMs: 3000, retrySeconds: [30, 60, 120, 240], blacklistAfterSeconds: 600, allowHttp: false },
  websocket: { tokenTtlSeconds: 600, idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 86400, recoveryTimeoutSeconds: 180, recoveryBufferSize: 100, notificationGapMs: 20 }
}
