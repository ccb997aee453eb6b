/**
 * The High Volume (A2P) message store: batches and their messages, and inbound messages to A2P
 * numbers, on the scenario clock.
 *
 * A message's status is never stored; it follows from the clock, as ordinary SMS's does. Each
 * sender number sends at its throughput (RingCentral: 60 a minute for a long code, 180 for a
 * toll-free number; `policies.a2p.messagesPerMinute` overrides), in the order of the batches and
 * of their messages: message i of a batch leaves `Queued` at `startAt + i × interval` (to the next whole millisecond), becomes
 * `Sent` (or `SendingFailed`), and `messaging.delivery.sentSeconds` later `Delivered` (or
 * `DeliveryFailed`). Each message's fate is decided when the batch is accepted: the scenario's
 * recipient outcomes, consent (an opted-out pair fails with SMS-RC-413) and the daily cap.
 * A batch is `Processing` until every message has left `Queued`, then `Completed`.
 *
 * Memory: a message is one small object (its number, its own text if it has one, its fate);
 * ids, times and statuses are computed. The store is bounded by `policies.a2p.storeLimit`
 * messages; whole batches go, oldest first.
 */
import { randomUUID } from 'node:crypto'
import type { Account, Extension } from '../world.js'

export type A2PStatus = 'Queued' | 'Sent' | 'Delivered' | 'SendingFailed' | 'DeliveryFailed'
export type BatchStatus = 'Processing' | 'Completed'

export interface A2PFailure {
  status: 'SendingFailed' | 'DeliveryFailed'
  errorCode: string
}

/** An accepted message of a batch. */
export interface A2POutbound {
  readonly to: string
  /** Its own text, when it overrides the batch's. */
  readonly text?: string
  readonly segments: number
  readonly failure?: A2PFailure
}

export interface Rejection {
  /** 1-based position in the request's `messages`. */
  index: number
  to: string[]
  errorCode: string
  description: string
}

export interface A2PBatch {
  readonly type: 'batch'
  /** Position in the store (increases by one per entry, never reused). */
  readonly seq: number
  readonly id: string
  readonly account: Account
  /** The extension that owns the sender number. */
  readonly owner: Extension
  readonly from: string
  readonly text: string | undefined
  readonly createdAt: number
  /** Message `i` has id `firstId + i`. */
  readonly firstId: number
  /** When the first message leaves Queued, and the time between two messages. */
  readonly startAt: number
  readonly intervalMs: number
  readonly sentMs: number
  readonly messages: readonly A2POutbound[]
  /** The recipients refused at acceptance (RingCentral shows them in the create answer only; the control API keeps them). */
  readonly rejected: readonly Rejection[]
  readonly costPerSegment: number
  /** What the batch costs once completed (fixed at acceptance: a message that fails to be sent costs nothing). */
  readonly cost: number
}

export interface A2PInbound {
  readonly type: 'inbound'
  readonly seq: number
  readonly id: number
  readonly account: Account
  readonly from: string
  readonly to: string
  readonly text: string
  readonly segments: number
  readonly createdAt: number
  readonly costPerSegment: number
}

export type A2PEntry = A2PBatch | A2PInbound

/** One message as the API shows it, at an instant. */
export interface A2PMessageView {
  id: string
  batchId?: string
  from: string
  to: string[]
  text: string
  creationTime: number
  lastModifiedTime: number
  messageStatus: A2PStatus
  segmentCount: number
  cost?: number
  direction: 'Inbound' | 'Outbound'
  errorCode?: string
}

/** When message `i` of a batch leaves Queued. */
export const dispatchAt = (batch: A2PBatch, i: number): number => Math.ceil(batch.startAt + i * batch.intervalMs)

/** How many messages of the batch have left Queued at `now` (O(1): an estimate, then corrected for rounding). */
export function processedAt (batch: A2PBatch, now: number): number {
  const n = batch.messages.length
  if (n === 0) return 0
  let k = Math.max(0, Math.min(n, Math.floor((now - batch.startAt) / batch.intervalMs) + 1))
  while (k < n && dispatchAt(batch, k) <= now) k++
  while (k > 0 && dispatchAt(batch, k - 1) > now) k--
  return k
}

/** When the batch's last message leaves Queued (the batch completes then). */
export const completedAt = (batch: A2PBatch): number =>
  batch.messages.length === 0 ? batch.createdAt : dispatchAt(batch, batch.messages.length - 1)

const round = (n: number): number => Math.round(n * 1e6) / 1e6

/** The status of message `i` at `now`, and since when. */
export function messageState (batch: A2PBatch, i: number, now: number): { status: A2PStatus, since: number } {
  const m = batch.messages[i]!
  const leaves = dispatchAt(batch, i)
  if (now < leaves) return { status: 'Queued', since: batch.createdAt }
  if (m.failure?.status === 'SendingFailed') return { status: 'SendingFailed', since: leaves }
  const delivered = leaves + batch.sentMs
  if (now < delivered) return { status: 'Sent', since: leaves }
  return { status: m.failure?.status === 'DeliveryFailed' ? 'DeliveryFailed' : 'Delivered', since: delivered }
}

/** What a message costs once it left Queued (a message that failed to be sent costs nothing). */
export function messageCost (batch: A2PBatch, i: number, status: A2PStatus): number | undefined {
  if (status === 'Queued' || status === 'SendingFailed') return undefined
  return round(batch.messages[i]!.segments * batch.costPerSegment)
}

export function outboundView (batch: A2PBatch, i: number, now: number): A2PMessageView {
  const m = batch.messages[i]!
  const { status, since } = messageState(batch, i, now)
  const cost = messageCost(batch, i, status)
  return {
    id: String(batch.firstId + i),
    batchId: batch.id,
    from: batch.from,
    to: [m.to],
    text: m.text ?? batch.text ?? '',
    creationTime: batch.createdAt,
    lastModifiedTime: since,
    messageStatus: status,
    segmentCount: m.segments,
    ...(cost !== undefined ? { cost } : {}),
    direction: 'Outbound',
    ...(m.failure !== undefined && (status === 'SendingFailed' || status === 'DeliveryFailed') ? { errorCode: m.failure.errorCode } : {})
  }
}

export function inboundView (message: A2PInbound): A2PMessageView {
  return {
    id: String(message.id),
    from: message.from,
    to: [message.to],
    text: message.text,
    creationTime: message.createdAt,
    lastModifiedTime: message.createdAt,
    messageStatus: 'Delivered',
    segmentCount: message.segments,
    cost: round(message.segments * message.costPerSegment),
    direction: 'Inbound'
  }
}

/** A batch as the API shows it, at an instant. */
export interface BatchView {
  id: string
  from: string
  batchSize: number
  processedCount: number
  status: BatchStatus
  creationTime: number
  lastModifiedTime: number
  cost?: number
}

export function batchView (batch: A2PBatch, now: number): BatchView {
  const n = batch.messages.length
  const processed = processedAt(batch, now)
  const completed = processed === n
  return {
    id: batch.id,
    from: batch.from,
    batchSize: n,
    processedCount: processed,
    status: completed ? 'Completed' : 'Processing',
    creationTime: batch.createdAt,
    lastModifiedTime: processed === 0 ? batch.createdAt : dispatchAt(batch, processed - 1),
    ...(completed ? { cost: batch.cost } : {})
  }
}

export interface NewBatch {
  account: Account
  owner: Extension
  from: string
  text: string | undefined
  messages: A2POutbound[]
  rejected?: Rejection[]
  /** Messages per minute from this number. */
  perMinute: number
  sentSeconds: number
  costPerSegment: number
}

export const DEFAULT_A2P_STORE_LIMIT = 1_000_000

export class A2PStore {
  readonly limit: number
  /** Oldest first; entry `seq` is at index `seq - #firstSeq`. */
  #entries: A2PEntry[] = []
  #firstSeq = 1
  #nextSeq = 1
  #nextMessageId = 10_000_001
  #messages = 0
  #dropped = 0
  readonly #byBatchId = new Map<string, A2PBatch>()
  /** When each sender number is free to send its next message. */
  readonly #nextFree = new Map<string, number>()
  /** Messages each account sends per UTC day (for the daily cap). */
  readonly #daily = new Map<string, number>()
  #keyDay = Number.NaN
  #keyAccount = ''
  #key = ''
  readonly #onChange: (() => void) | undefined

  constructor (limit = DEFAULT_A2P_STORE_LIMIT, onChange?: () => void) {
    this.limit = limit
    this.#onChange = onChange
  }

  /** How many messages the account has sent, or will have, on the UTC day of `at` (the daily cap). */
  sentOnDay (accountId: string, at: number): number {
    return this.#daily.get(this.#dayKey(accountId, at)) ?? 0
  }

  countOnDay (accountId: string, at: number): void {
    const key = this.#dayKey(accountId, at)
    this.#daily.set(key, (this.#daily.get(key) ?? 0) + 1)
  }

  /**
   * The daily-cap key of an account and instant. The last one is kept: a batch's messages almost
   * all fall on one day, and building (and hashing) a new string per message was a quarter of
   * accepting a batch.
   */
  #dayKey (accountId: string, at: number): string {
    const day = Math.floor(at / 86_400_000)
    if (day !== this.#keyDay || accountId !== this.#keyAccount) {
      this.#keyDay = day
      this.#keyAccount = accountId
      this.#key = `${accountId} ${day}`
    }
    return this.#key
  }

  /**
   * When the next message from `from` leaves, and the interval between its messages: one interval
   * after acceptance at the earliest (a new batch answers `processedCount: 0`, as RingCentral's
   * sample does), after the number's earlier batches otherwise.
   */
  schedule (from: string, perMinute: number, now: number): { startAt: number, intervalMs: number } {
    const intervalMs = 60_000 / perMinute
    return { startAt: Math.max(now + intervalMs, this.#nextFree.get(from) ?? 0), intervalMs }
  }

  addBatch (input: NewBatch, now: number): A2PBatch {
    const { startAt, intervalMs } = this.schedule(input.from, input.perMinute, now)
    let cost = 0
    for (const m of input.messages) if (m.failure?.status !== 'SendingFailed') cost += m.segments * input.costPerSegment
    const batch: A2PBatch = {
      type: 'batch',
      seq: this.#nextSeq++,
      id: randomUUID(),
      account: input.account,
      owner: input.owner,
      from: input.from,
      text: input.text,
      createdAt: now,
      firstId: this.#nextMessageId,
      startAt,
      intervalMs,
      sentMs: input.sentSeconds * 1000,
      messages: input.messages,
      rejected: input.rejected ?? [],
      costPerSegment: input.costPerSegment,
      cost: round(cost)
    }
    this.#nextMessageId += input.messages.length
    if (input.messages.length > 0) this.#nextFree.set(input.from, startAt + input.messages.length * intervalMs)
    this.#byBatchId.set(batch.id, batch)
    this.#push(batch, input.messages.length)
    return batch
  }

  addInbound (input: { account: Account, from: string, to: string, text: string, segments: number, costPerSegment: number }, now: number): A2PInbound {
    const message: A2PInbound = { type: 'inbound', seq: this.#nextSeq++, id: this.#nextMessageId++, createdAt: now, ...input }
    this.#push(message, 1)
    return message
  }

  #push (entry: A2PEntry, messages: number): void {
    this.#entries.push(entry)
    this.#messages += messages
    // Whole entries go, oldest first, but never the one just added.
    while (this.#messages > this.limit && this.#entries.length > 1) {
      const oldest = this.#entries.shift()!
      this.#firstSeq++
      const size = oldest.type === 'batch' ? oldest.messages.length : 1
      this.#messages -= size
      this.#dropped += size
      if (oldest.type === 'batch') this.#byBatchId.delete(oldest.id)
    }
    this.#onChange?.()
  }

  batch (id: string): A2PBatch | undefined {
    return this.#byBatchId.get(id)
  }

  /** A message by id: binary search over the entries (ids increase with them). */
  message (id: string): { entry: A2PEntry, index: number } | undefined {
    if (!/^\d{1,15}$/.test(id)) return undefined
    const n = Number(id)
    let lo = 0
    let hi = this.#entries.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const e = this.#entries[mid]!
      const first = e.type === 'batch' ? e.firstId : e.id
      const last = e.type === 'batch' ? e.firstId + e.messages.length - 1 : e.id
      if (n < first) hi = mid - 1
      else if (n > last) lo = mid + 1
      else return { entry: e, index: e.type === 'batch' ? n - e.firstId : 0 }
    }
    return undefined
  }

  /** The entry at a store position, if still held. */
  at (seq: number): A2PEntry | undefined {
    return this.#entries[seq - this.#firstSeq]
  }

  /** The newest entry's position (0 when empty). */
  get lastSeq (): number {
    return this.#nextSeq - 1
  }

  get firstSeq (): number {
    return this.#firstSeq
  }

  /** Entries, oldest first. */
  entries (): readonly A2PEntry[] {
    return this.#entries
  }

  get messageCount (): number {
    return this.#messages
  }

  get dropped (): number {
    return this.#dropped
  }
}
