/**
 * The message store: every SMS the mock accepted or received, per owning extension, with its
 * delivery lifecycle.
 *
 * An outbound record's status is never stored: it derives from the scenario clock. A message is
 * `Queued` for `delivery.queuedSeconds`, then `Sent` for `delivery.sentSeconds`, then `Delivered`,
 * unless a recipient is marked in the scenario as failing (`SendingFailed` when it leaves Queued,
 * `DeliveryFailed` when it leaves Sent, with that recipient's `deliveryErrorCode`), or a failure was
 * forced at run time. Moving the clock moves every message; polling shows the change, and the
 * events layer fires the matching `message-store` events at the same instants. Inbound records are
 * `Received` and `Unread`.
 *
 * Runtime state only: `MockContext.load()` replaces the store. Bounded: past `limit` messages the
 * oldest are dropped (and counted), so a day-long CI run never grows memory without end.
 */
import { createHash } from 'node:crypto'
import type { MessagingRecipientSpec, MessagingSpec } from '../scenario/types.js'
import type { Extension } from '../world.js'
import { Queue, type ReadonlyQueue } from '../queue.js'

export type MessageStatus = 'Queued' | 'Sent' | 'Delivered' | 'DeliveryFailed' | 'SendingFailed' | 'Received'
export type MessageDirection = 'Inbound' | 'Outbound'

export const DEFAULT_QUEUED_SECONDS = 2
export const DEFAULT_SENT_SECONDS = 3
export const DEFAULT_ERROR_CODE = { SendingFailed: 'SMS-RC-410', DeliveryFailed: 'SMS-CAR-411' } as const
/** "The destination subscriber opted out" (RingCentral's SMS errors): a send to an opted-out pair. */
export const OPTED_OUT_CODE = 'SMS-RC-413'

export interface MmsAttachment {
  id: number
  contentType: string
  fileName?: string
  body: Buffer
}

export interface MessageFailure {
  status: 'SendingFailed' | 'DeliveryFailed'
  errorCode: string
}

export interface StoredMessage {
  readonly id: number
  /** The extension whose message store holds it: the sender of an outbound message, the receiver of an inbound one. */
  readonly owner: Extension
  readonly direction: MessageDirection
  readonly from: string
  readonly to: readonly string[]
  readonly text: string
  readonly attachments: readonly MmsAttachment[]
  /** A 19-digit decimal string, as RingCentral's conversation ids are (above 2^53). */
  readonly conversationId: string
  readonly createdAt: number
  readStatus: 'Read' | 'Unread'
  /** Outbound: when it leaves Queued and when it leaves Sent (epoch ms), fixed at send time. */
  sentAt: number
  deliveredAt: number
  /** Outbound: the first failing recipient's outcome, from the scenario (or forced at run time). */
  failure?: MessageFailure
}

/** What a record looks like at one instant. */
export interface MessageState {
  messageStatus: MessageStatus
  lastModifiedTime: number
  smsDeliveryTime?: number
  deliveryErrorCode?: string
}

export interface NewMessage {
  owner: Extension
  from: string
  to: string[]
  text: string
  attachments?: Array<Omit<MmsAttachment, 'id'>>
}

/** What the control API's message list can be filtered by. */
export interface OutboxFilter {
  extensionId?: string
  /** Matches the sender or any recipient. */
  phoneNumber?: string
  direction?: MessageDirection
}

export const DEFAULT_STORE_LIMIT = 10_000

const EMPTY: ReadonlyQueue<StoredMessage> = new Queue<StoredMessage>()
const NO_ATTACHMENTS: readonly MmsAttachment[] = Object.freeze([])

export class MessageStore {
  readonly limit: number
  /** Every stored message, oldest first (each owner's list is in the same order). */
  #all = new Queue<StoredMessage>()
  #dropped = 0
  readonly #queuedMs: number
  readonly #sentMs: number
  readonly #recipients = new Map<string, MessagingRecipientSpec>()
  readonly #byOwner = new Map<Extension, Queue<StoredMessage>>()
  /** Owners whose list is not in creation-time order (the clock was moved backwards). */
  readonly #unsorted = new Set<Extension>()
  readonly #byId = new Map<number, StoredMessage>()
  #nextId = 402000000001
  readonly #onChange: (() => void) | undefined

  /** `onChange` hears of every message stored, failed or forgotten. */
  constructor (spec: MessagingSpec = {}, onChange?: () => void) {
    this.#onChange = onChange
    this.limit = spec.storeLimit ?? DEFAULT_STORE_LIMIT
    this.#queuedMs = (spec.delivery?.queuedSeconds ?? DEFAULT_QUEUED_SECONDS) * 1000
    this.#sentMs = (spec.delivery?.sentSeconds ?? DEFAULT_SENT_SECONDS) * 1000
    for (const r of spec.recipients ?? []) if (!this.#recipients.has(r.phoneNumber)) this.#recipients.set(r.phoneNumber, r)
  }

  /** How long a message stays Sent before it is Delivered (or DeliveryFailed). */
  get sentMs (): number {
    return this.#sentMs
  }

  /** What the scenario says about a recipient, if anything. */
  recipient (phoneNumber: string): MessagingRecipientSpec | undefined {
    return this.#recipients.get(phoneNumber)
  }

  /**
   * An outbound message. `optedOut` says which recipients have opted out of texts from the sender
   * (consent): such a message fails to be sent with SMS-RC-413, as RingCentral blocks it.
   */
  send (input: NewMessage, now: number, optedOut?: (to: string) => boolean): StoredMessage {
    let failure: MessageFailure | undefined
    if (optedOut !== undefined && input.to.some(optedOut)) failure = { status: 'SendingFailed', errorCode: OPTED_OUT_CODE }
    for (const number of input.to) {
      if (failure?.status === 'SendingFailed') break
      const r = this.#recipients.get(number)
      if (r === undefined || r.outcome === 'Blocked') continue
      const candidate = { status: r.outcome, errorCode: r.errorCode ?? DEFAULT_ERROR_CODE[r.outcome] }
      // A sending failure shows before a delivery failure, so it wins.
      if (failure === undefined || candidate.status === 'SendingFailed') failure = candidate
    }
    return this.#add({
      owner: input.owner,
      direction: 'Outbound',
      from: input.from,
      to: [...input.to],
      text: input.text,
      attachments: input.attachments ?? [],
      conversationId: conversationIdOf(input.owner.account.id, input.from, input.to),
      createdAt: now,
      readStatus: 'Read',
      sentAt: now + this.#queuedMs,
      deliveredAt: now + this.#queuedMs + this.#sentMs,
      ...(failure ? { failure } : {})
    })
  }

  /** An inbound message, in the store of `owner` (who owns the `to` number). */
  receive (input: NewMessage, now: number): StoredMessage {
    const own = input.to[0] ?? ''
    return this.#add({
      owner: input.owner,
      direction: 'Inbound',
      from: input.from,
      to: [...input.to],
      text: input.text,
      attachments: input.attachments ?? [],
      conversationId: conversationIdOf(input.owner.account.id, own, [input.from]),
      createdAt: now,
      readStatus: 'Unread',
      sentAt: now,
      deliveredAt: now
    })
  }

  #add (fields: Omit<StoredMessage, 'id' | 'attachments'> & { attachments: ReadonlyArray<Omit<MmsAttachment, 'id'>> }): StoredMessage {
    const id = this.#nextId++
    const attachments = fields.attachments.length === 0 ? NO_ATTACHMENTS : fields.attachments.map(a => ({ ...a, id: this.#nextId++ }))
    // Built field by field: an object spread of `fields` was a good part of a send's cost.
    const message: StoredMessage = {
      id,
      owner: fields.owner,
      direction: fields.direction,
      from: fields.from,
      to: fields.to,
      text: fields.text,
      attachments,
      conversationId: fields.conversationId,
      createdAt: fields.createdAt,
      readStatus: fields.readStatus,
      sentAt: fields.sentAt,
      deliveredAt: fields.deliveredAt
    }
    if (fields.failure !== undefined) message.failure = fields.failure
    let list = this.#byOwner.get(message.owner)
    if (list === undefined) this.#byOwner.set(message.owner, list = new Queue())
    const newest = list.at(list.length - 1)
    if (newest !== undefined && newest.createdAt > message.createdAt) this.#unsorted.add(message.owner)
    list.push(message)
    this.#all.push(message)
    this.#byId.set(id, message)
    while (this.#all.length > this.limit) this.#drop()
    this.#onChange?.()
    return message
  }

  /**
   * Forces an outbound message that is not final yet to fail now (`SendingFailed` or
   * `DeliveryFailed`), as the carrier would report it; returns false if it is final already.
   */
  fail (message: StoredMessage, failure: MessageFailure, now: number): boolean {
    if (message.direction !== 'Outbound' || now >= message.deliveredAt) return false
    if (failure.status === 'SendingFailed' && now >= message.sentAt) return false
    message.failure = failure
    // It becomes final at once: the record shows the failure from now on.
    if (now < message.sentAt) message.sentAt = now
    message.deliveredAt = now
    this.#onChange?.()
    return true
  }

  /** Drops the oldest message; it is also the oldest of its owner's. */
  #drop (): void {
    const oldest = this.#all.shift()
    if (!oldest) return
    const list = this.#byOwner.get(oldest.owner)
    list?.shift()
    if (list?.length === 0) {
      this.#byOwner.delete(oldest.owner)
      this.#unsorted.delete(oldest.owner)
    }
    this.#byId.delete(oldest.id)
    this.#dropped++
  }

  /**
   * Every message held, oldest first, optionally only an extension's, a number's or one
   * direction's; with `limit`, only the newest `limit` of them (found from the newest end, so a
   * page of the outbox costs about its own length).
   */
  outbox (filter: OutboxFilter = {}, limit = Infinity): StoredMessage[] {
    const found: StoredMessage[] = []
    for (let i = this.#all.length - 1; i >= 0 && found.length < limit; i--) {
      const m = this.#all.at(i)!
      if ((filter.extensionId === undefined || m.owner.id === filter.extensionId) &&
        (filter.direction === undefined || m.direction === filter.direction) &&
        (filter.phoneNumber === undefined || m.from === filter.phoneNumber || m.to.includes(filter.phoneNumber))) found.push(m)
    }
    return found.reverse()
  }

  /** How many messages were dropped to stay within the limit. */
  get dropped (): number {
    return this.#dropped
  }

  /** Forgets every message (the outbox and the message store are the same data). */
  clear (): void {
    this.#all = new Queue()
    this.#byOwner.clear()
    this.#unsorted.clear()
    this.#byId.clear()
    this.#dropped = 0
    this.#onChange?.()
  }

  get (owner: Extension, id: number): StoredMessage | undefined {
    const message = this.#byId.get(id)
    return message?.owner === owner ? message : undefined
  }

  /** A message by id, whoever owns it. */
  byId (id: number): StoredMessage | undefined {
    return this.#byId.get(id)
  }

  /** The owner's messages, oldest first. */
  list (owner: Extension): ReadonlyQueue<StoredMessage> {
    return this.#byOwner.get(owner) ?? EMPTY
  }

  /** Whether the owner's messages are in creation-time order (they are unless the clock went back). */
  inTimeOrder (owner: Extension): boolean {
    return !this.#unsorted.has(owner)
  }

  get size (): number {
    return this.#all.length
  }
}

/** The record's status, times and error code at `now`. */
export function stateAt (message: StoredMessage, now: number): MessageState {
  if (message.direction === 'Inbound') return { messageStatus: 'Received', lastModifiedTime: message.createdAt }
  if (now < message.sentAt) return { messageStatus: 'Queued', lastModifiedTime: message.createdAt }
  if (message.failure?.status === 'SendingFailed') {
    return { messageStatus: 'SendingFailed', lastModifiedTime: message.sentAt, deliveryErrorCode: message.failure.errorCode }
  }
  if (now < message.deliveredAt) return { messageStatus: 'Sent', lastModifiedTime: message.sentAt }
  if (message.failure?.status === 'DeliveryFailed') {
    return { messageStatus: 'DeliveryFailed', lastModifiedTime: message.deliveredAt, deliveryErrorCode: message.failure.errorCode }
  }
  return { messageStatus: 'Delivered', lastModifiedTime: message.deliveredAt, smsDeliveryTime: message.deliveredAt }
}

/** A status a message has had, and since when (epoch ms). */
export interface StatusChange {
  status: MessageStatus
  at: number
}

/** Every status the record has had up to `now`, oldest first: Queued → Sent → Delivered (or a failure). */
export function historyAt (message: StoredMessage, now: number): StatusChange[] {
  if (message.direction === 'Inbound') return [{ status: 'Received', at: message.createdAt }]
  const history: StatusChange[] = [{ status: 'Queued', at: message.createdAt }]
  if (now < message.sentAt) return history
  if (message.failure?.status === 'SendingFailed') return [...history, { status: 'SendingFailed', at: message.sentAt }]
  history.push({ status: 'Sent', at: message.sentAt })
  if (now < message.deliveredAt) return history
  history.push({ status: message.failure?.status === 'DeliveryFailed' ? 'DeliveryFailed' : 'Delivered', at: message.deliveredAt })
  return history
}

/**
 * The same participants always share one conversation: a stable 19-digit id from the account, the
 * account's own number and the set of the other numbers. An outbound message (own = from) and
 * the reply to it (own = to) are in the same conversation.
 */
export function conversationIdOf (accountId: string, own: string, others: readonly string[]): string {
  const key = others.length === 1 ? `${accountId}\n${own}\n${others[0] as string}` : [accountId, own, ...[...others].sort()].join('\n')
  let id = conversationIds.get(key)
  if (id === undefined) {
    const digest = createHash('sha256').update(key).digest()
    id = (1000000000000000000n + digest.readBigUInt64BE(0) % 8000000000000000000n).toString()
    // The same few conversations over and over (a hash and a bigint each): remembered, a bounded few.
    if (conversationIds.size >= CONVERSATION_IDS) conversationIds.clear()
    conversationIds.set(key, id)
  }
  return id
}

const conversationIds = new Map<string, string>()
const CONVERSATION_IDS = 4096
