/**
 * The scenario clock: the mock's one source of time.
 *
 * It starts at the scenario's `clock.start` (or the real time), then either runs at real speed or
 * stays frozen, and can be set or advanced at run time. Expiries are lazy comparisons against
 * `now()`; what must *happen* at a clock time (an event's delivery, a retry, a WebSocket timeout)
 * is a task of the scheduler (events/scheduler.ts), which runs it when the clock reaches it: at
 * once when the clock is moved past it, or on a real timer while the clock runs.
 */

export type TimeSource = () => number

export interface ClockOptions {
  /** Epoch ms the clock shows at creation; default: the source's time. */
  start?: number
  /** A frozen clock only moves when set or advanced. */
  frozen?: boolean
  /** Where real elapsed time comes from (tests inject a counter). Default `Date.now`. */
  source?: TimeSource
}

/** The largest instant a JavaScript Date can hold, either side of 1970 (ECMA-262 §21.4.1.1). */
export const MAX_DATE_MS = 8.64e15

export class Clock {
  /** What the clock showed when it was created: the scenario's start. */
  readonly origin: number
  readonly #source: TimeSource
  readonly #listeners = new Set<() => void>()
  /** Clock reading at `#anchor` (source time). */
  #pinned: number
  #anchor: number
  #frozen: boolean

  constructor (options: ClockOptions = {}) {
    this.#source = options.source ?? Date.now
    this.#anchor = this.#source()
    this.#pinned = options.start ?? this.#anchor
    this.origin = this.#pinned
    this.#frozen = options.frozen ?? false
  }

  /** Epoch milliseconds. */
  now (): number {
    return this.#frozen ? this.#pinned : this.#pinned + (this.#source() - this.#anchor)
  }

  get frozen (): boolean {
    return this.#frozen
  }

  /**
   * Moves the clock to `epochMs`; it keeps running (or stays frozen) from there. Refuses (and
   * leaves the clock as it was) anything that is not an instant a Date can hold; the control API's
   * checks (`control/clock-control.ts`) come before this.
   */
  set (epochMs: number): void {
    if (typeof epochMs !== 'number' || !Number.isFinite(epochMs) || Math.abs(epochMs) > MAX_DATE_MS) {
      throw new RangeError(`the clock can only be set to an instant a Date can hold (got ${String(epochMs)})`)
    }
    this.#pinned = epochMs
    this.#anchor = this.#source()
    for (const listener of this.#listeners) listener()
  }

  /**
   * Calls `listener` after every set, advance, freeze and resume: what is due on the scenario
   * clock (deliveries, retries, WebSocket timeouts) runs then. Returns the unsubscribe function.
   */
  onChange (listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  advance (seconds: number): void {
    this.set(this.now() + seconds * 1000)
  }

  freeze (): void {
    const now = this.now()
    this.#frozen = true
    this.set(now)
  }

  resume (): void {
    this.set(this.now())
    this.#frozen = false
    for (const listener of this.#listeners) listener()
  }
}

const DAY_MS = 86_400_000
const YEAR_10000_MS = 253_402_300_800_000
let isoDay = Number.NaN
let isoDayPrefix = ''
const two = (n: number): string => n < 10 ? `0${n}` : String(n)

/**
 * `new Date(epochMs).toISOString()`, built from the last UTC day's `YYYY-MM-DDT` for whole
 * milliseconds from 1970 to 9999 (records, journal entries and events format several per request,
 * mostly of one day); anything else goes through `Date` (and throws as it does for NaN).
 */
export function toIso (epochMs: number): string {
  if (!Number.isInteger(epochMs) || epochMs < 0 || epochMs >= YEAR_10000_MS) return new Date(epochMs).toISOString()
  const day = Math.floor(epochMs / DAY_MS)
  if (day !== isoDay) {
    isoDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11)
    isoDay = day
  }
  const t = epochMs - day * DAY_MS
  const milli = t % 1000
  const seconds = (t - milli) / 1000
  return `${isoDayPrefix}${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`
}

