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

export class Clock {
  readonly #source: TimeSource
  /** Clock reading at `#anchor` (source time). */
  #pinned: number
  #anchor: number
  #frozen: boolean

  constructor (options: ClockOptions = {}) {
    this.#source = options.source ?? Date.now
    this.#anchor = this.#source()
    this.#pinned = options.start ?? this.#anchor
    this.#frozen = options.frozen ?? false
  }

  /** Epoch milliseconds. */
  now (): number {
    return this.#frozen ? this.#pinned : this.#pinned + (this.#source() - this.#anchor)
  }

  get frozen (): boolean {
    return this.#frozen
  }

  /** Moves the clock to `epochMs`; it keeps running (or stays frozen) from there. */
  set (epochMs: number): void {
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
