/**
 * Tasks on the scenario clock: what must happen at a given scenario time (an event fired by a
 * message's status change, a webhook retry, a subscription's expiry or reminder, a WebSocket idle
 * timeout). A task runs once the clock reaches its time: at once, in time order, when the clock is
 * set or advanced past it; and, while the clock runs at real speed, on a real timer armed for the
 * next task (unref'd, so it never keeps the process alive). A frozen clock runs nothing until it
 * is moved, which is what makes tests deterministic.
 */
import TinyQueue from 'tinyqueue'
import type { Clock } from '../clock.js'

export interface Task {
  readonly due: number
  cancel (): void
}

interface Entry {
  due: number
  seq: number
  run: () => void
  cancelled: boolean
}

/** setTimeout's largest delay; later tasks are re-armed in steps. */
const MAX_DELAY = 2 ** 31 - 1

export class Scheduler {
  readonly #clock: Clock
  readonly #onError: (error: unknown) => void
  /** tinyqueue: a small binary heap (mourner's), ordered by (due, seq). */
  readonly #queue = new TinyQueue<Entry>([], (a, b) => a.due - b.due || a.seq - b.seq)
  #seq = 0
  #timer: NodeJS.Timeout | undefined
  #armedFor = Infinity
  #pumping = false
  #again = false
  #closed = false
  #running: number | undefined
  readonly #unsubscribe: () => void

  constructor (clock: Clock, onError: (error: unknown) => void) {
    this.#clock = clock
    this.#onError = onError
    this.#unsubscribe = clock.onChange(() => this.pump())
  }

  /** While a task runs, the time it was due; undefined otherwise. */
  get running (): number | undefined {
    return this.#running
  }

  /** How many tasks wait. */
  get size (): number {
    return this.#queue.length
  }

  /** Runs `run` when the clock reaches `due` (at once, on the next pump, if it already has). */
  at (due: number, run: () => void): Task {
    const entry: Entry = { due, seq: this.#seq++, run, cancelled: false }
    if (this.#closed) return { due, cancel () {} }
    this.#queue.push(entry)
    if (due <= this.#clock.now()) queueMicrotask(() => this.pump())
    else this.#arm()
    return { due, cancel: () => { entry.cancelled = true } }
  }

  /** Runs `run` `ms` scenario milliseconds from now. */
  after (ms: number, run: () => void): Task {
    return this.at((this.#running ?? this.#clock.now()) + ms, run)
  }

  /** Runs every task that is due, in time order (then in the order they were added). */
  pump (): void {
    if (this.#closed) return
    if (this.#pumping) {
      this.#again = true
      return
    }
    this.#pumping = true
    try {
      do {
        this.#again = false
        for (;;) {
          const next = this.#queue.peek()
          if (next === undefined || next.due > this.#clock.now()) break
          this.#queue.pop()
          if (next.cancelled) continue
          this.#running = next.due
          try {
            next.run()
          } catch (error) {
            this.#onError(error)
          } finally {
            this.#running = undefined
          }
        }
      } while (this.#again)
    } finally {
      this.#pumping = false
    }
    this.#arm()
  }

  /** Stops: no task runs any more, and no timer is left. */
  close (): void {
    this.#closed = true
    this.#unsubscribe()
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    while (this.#queue.length > 0) this.#queue.pop()
  }

  #arm (): void {
    const next = this.#queue.peek()
    if (next === undefined || this.#clock.frozen) {
      if (this.#timer) clearTimeout(this.#timer)
      this.#timer = undefined
      this.#armedFor = Infinity
      return
    }
    if (this.#timer && this.#armedFor <= next.due) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#armedFor = next.due
    const delay = Math.min(MAX_DELAY, Math.max(0, next.due - this.#clock.now()))
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#armedFor = Infinity
      this.pump()
    }, delay)
    this.#timer.unref()
  }
}
