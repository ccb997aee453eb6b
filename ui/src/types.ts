/**
 * The control API's records: the server's own types (the page is type-checked against them, so a
 * change on one side that the other does not follow fails `npm run typecheck`).
 */
import type {
  DeliveryRecord, JournalEntry as ServerJournalEntry, JournalMessage as ServerJournalMessage, MockA2PBatch, MockCatalogue, MockConsentRecord, MockOAuthExchange, MockOAuthFlow,
  MockSessionRecord, MockSubscriptionRecord, MockWebSocketRecord, MockWorld, OutboxMessageRecord, RuleRecord, Topic as ServerTopic
} from '../../src/index.js'

export type Topic = ServerTopic
export type World = MockWorld
export type Extension = MockWorld['accounts'][number]['extensions'][number]
export type Credential = MockWorld['credentials'][number]
export type Session = MockSessionRecord
export type Message = OutboxMessageRecord
export type MessageStatus = OutboxMessageRecord['messageStatus']
export type Delivery = DeliveryRecord
export type WsSession = MockWebSocketRecord
export type JournalEntry = ServerJournalEntry
export type JournalMessage = ServerJournalMessage
export type Rule = RuleRecord
export type Catalogue = MockCatalogue
export type Flow = MockOAuthFlow
export type Exchange = MockOAuthExchange

/** RingCentral's SubscriptionInfo, the fields the page reads. */
export interface SubscriptionInfo {
  eventFilters?: string[]
  disabledFilters?: Array<{ filter: string, reason: string }>
  expirationTime?: string
  expiresIn?: number
  deliveryMode?: { transportType?: string, address?: string }
  blacklistedData?: { blacklistedAt?: string, reason?: string }
}

export type Subscription = Omit<MockSubscriptionRecord, 'info'> & { info: SubscriptionInfo }

/** A High Volume SMS message's status (the batch's counts are per status). */
export type A2PStatus = keyof MockA2PBatch['counts']

/** RingCentral's MessageBatchResponse (the server builds it as a plain record). */
export interface A2PBatchInfo {
  id: string
  from: string
  batchSize: number
  processedCount: number
  status: 'Processing' | 'Completed'
  creationTime: string
  lastModifiedTime: string
  rejected: Array<{ index: number, to: string[], errorCode: string, description: string }>
  /** Once Completed. */
  cost?: number
}

export type A2PBatch = Omit<MockA2PBatch, 'batch'> & { batch: A2PBatchInfo }

/** `GET /__mock/a2p/batches`. */
export interface A2PBatchList { records: A2PBatch[], messages: number, dropped: number, limit: number }

/** RingCentral's MessageListMessageResponse, in its Detailed view (with the text). */
export interface A2PMessage {
  id: string
  batchId?: string
  from: string
  to: string[]
  creationTime: string
  lastModifiedTime: string
  messageStatus: A2PStatus
  /** Absent for a message that was never sent (SendingFailed). */
  segmentCount?: number
  text?: string
  cost?: number
  direction: 'Inbound' | 'Outbound'
  errorCode?: string
}

/** `GET /__mock/a2p/batches/{id}`: the batch with its first messages. */
export type A2PBatchDetail = A2PBatch & { messages: A2PMessage[] }

export type Consent = MockConsentRecord
