/**
 * The delivery log: every attempt to hand an event to a subscriber (a webhook POST, a validation
 * handshake, a WebSocket notification), bounded, with a way to wait for the next one without
 * sleeping (`wait`), which is how tests and the long-polling control route learn that an event
 * arrived.
 */
import { BoundedLog } from '../control/bounded-log.js'

export type DeliveryKind = 'validation' | 'notification'
/** `delivered`: the receiver took it (2xx, or sent on an open socket); `buffered`: held for a WebSocket session to recover. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'buffered' | 'dropped'

export interface DeliveryRecord {
  /** Increases by one per attempt. */
  id: number
  /** Scenario-clock time of the attempt. */
  time: string
  subscriptionId: string
  transport: 'WebHook' | 'WebSocket'
  kind: DeliveryKind
  /** The event filter the notification answers (`event` of the envelope); absent for a validation. */
  event?: string
  /** The notification's `uuid`. */
  uuid?: string
  /** Webhook address, or the WebSocket session id. */
  address: string
  outcome: DeliveryOutcome
  /** The receiver's HTTP status (webhooks); absent when it never answered. */
  status?: number
  /** Real milliseconds from sending to the answer. */
  latencyMs?: number
  requestBytes?: number
  responseBytes?: number
  /** 1 for the first attempt, then each retry. */
  attempt: number
  error?: string
  /** What the validation handshake found (webhooks): `ok` or the SUB- code it answered. */
  handshake?: string
  /** The envelope sent (notifications). */
  payload?: unknown
}

export interface DeliveryFilter {
  subscriptionId?: string
  transport?: 'WebHook' | 'WebSocket'
  kind?: DeliveryKind
  outcome?: DeliveryOutcome
  /** A part of the event filter. */
  event?: string
  /** Only records with a larger id. */
  after?: number
}

export const matchesDelivery = (filter: DeliveryFilter) => (r: DeliveryRecord): boolean =>
  (filter.subscriptionId === undefined || r.subscriptionId === filter.subscriptionId) &&
  (filter.transport === undefined || r.transport === filter.transport) &&
  (filter.kind === undefined || r.kind === filter.kind) &&
  (filter.outcome === undefined || r.outcome === filter.outcome) &&
  (filter.event === undefined || (r.event?.includes(filter.event) ?? false)) &&
  (filter.after === undefined || r.id > filter.after)

interface Waiter {
  match: (r: DeliveryRecord) => boolean
  resolve: (r: DeliveryRecord | undefined) => void
  timer: NodeJS.Timeout
}

export class DeliveryLog {
  readonly #log: BoundedLog<DeliveryRecord>
  readonly #waiters = new Set<Waiter>()
  #next = 1
  readonly #listeners = new Set<(record: DeliveryRecord) => void>()

  constructor (limit = 1000) {
    this.#log = new BoundedLog(limit)
  }

  record (fields: Omit<DeliveryRecord, 'id'>): DeliveryRecord {
    const record: DeliveryRecord = { id: this.#next++, ...fields }
    this.#log.push(record)
    for (const waiter of [...this.#waiters]) {
      if (!waiter.match(record)) continue
      clearTimeout(waiter.timer)
      this.#waiters.delete(waiter)
      waiter.resolve(record)
    }
    for (const listener of this.#listeners) listener(record)
    return record
  }

  /** Calls `listener` for every new record (the dashboard's live view). */
  onRecord (listener: (record: DeliveryRecord) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  list (filter: DeliveryFilter = {}): DeliveryRecord[] {
    return this.#log.toArray().filter(matchesDelivery(filter))
  }

  /** The last id handed out (0 before any), to wait for what comes after now. */
  get lastId (): number {
    return this.#next - 1
  }

  /**
   * The first record matching `filter` (with `after`, one newer than that id), now or when it is
   * recorded; undefined after `timeoutMs` of real time.
   */
  async wait (filter: DeliveryFilter, timeoutMs: number): Promise<DeliveryRecord | undefined> {
    const match = matchesDelivery(filter)
    const found = this.#log.toArray().find(match)
    if (found) return found
    return await new Promise(resolve => {
      const waiter: Waiter = {
        match,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter)
          resolve(undefined)
        }, timeoutMs)
      }
      this.#waiters.add(waiter)
    })
  }

  get size (): number {
    return this.#log.size
  }

  get dropped (): number {
    return this.#log.dropped
  }

  get limit (): number {
    return this.#log.limit
  }

  clear (): void {
    this.#log.clear()
  }

  /** Ends every wait (with no record): the world is being replaced. */
  close (): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer)
      waiter.resolve(undefined)
    }
    this.#waiters.clear()
    this.#listeners.clear()
  }
}
