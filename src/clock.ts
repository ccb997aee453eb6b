/**
 * The scenario clock: the mock's one source of time.
 *
 * It starts at the scenario's `clock.start` (or the real time), then either runs at real speed or
 * stays frozen, and can be set or advanced at run time. Every expiry in the mock is a lazy
 * comparison against `now()`; nothing waits on a timer, so moving the clock moves everything.
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
  }

  advance (seconds: number): void {
    this.set(this.now() + seconds * 1000)
  }

  freeze (): void {
    this.set(this.now())
    this.#frozen = true
  }

  resume (): void {
    this.set(this.now())
    this.#frozen = false
  }
}

export const toIso = (epochMs: number): string => new Date(epochMs).toISOString()
