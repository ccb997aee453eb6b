/**
 * The control API's records: the server's own types (the page is type-checked against them, so a
 * change on one side that the other does not follow fails `npm run typecheck`).
 */
import type {
  DeliveryRecord, JournalEntry as ServerJournalEntry, JournalMessage as ServerJournalMessage, MockCatalogue, MockOAuthExchange, MockOAuthFlow,
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
