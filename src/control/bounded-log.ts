/**
 * A log that keeps at most `limit` entries: the oldest are dropped, and counted, so that a day-long
 * CI run never grows memory without bound.
 */
export class BoundedLog<T> {
  readonly limit: number
  #items: Array<T | undefined>
  #start = 0
  #size = 0
  #dropped = 0

  constructor (limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`)
    this.limit = limit
    this.#items = []
  }

  push (item: T): void {
    if (this.#size < this.limit) {
      this.#items.push(item)
      this.#size++
      return
    }
    this.#items[this.#start] = item
    this.#start = (this.#start + 1) % this.limit
    this.#dropped++
  }

  /** Oldest first; from position `from` (0 is the oldest held) when given. */
  toArray (from = 0): T[] {
    const out: T[] = []
    for (let i = Math.max(0, from); i < this.#size; i++) out.push(this.#items[(this.#start + i) % this.limit] as T)
    return out
  }

  /** The entry at position `index` (0 is the oldest held), in O(1). */
  at (index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.#size) return undefined
    return this.#items[(this.#start + index) % this.limit]
  }

  get size (): number {
    return this.#size
  }

  /** How many entries were dropped to stay within the limit. */
  get dropped (): number {
    return this.#dropped
  }

  clear (): void {
    this.#items = []
    this.#start = 0
    this.#size = 0
    this.#dropped = 0
  }
}
