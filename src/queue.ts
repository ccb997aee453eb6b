/**
 * An append-only sequence that drops from the front in O(1): the message store's lists, which a
 * bounded store trims by one at every send once it is full (an array's `shift` copies the whole
 * array, milliseconds per send at a million messages). Positions are 0 for the oldest held.
 */
export interface ReadonlyQueue<T> {
  readonly length: number
  /** The item at position `i` (0 is the oldest), or undefined. */
  at (i: number): T | undefined
  /** Oldest first. */
  [Symbol.iterator] (): Iterator<T>
}

export class Queue<T> implements ReadonlyQueue<T> {
  #items: Array<T | undefined> = []
  #head = 0

  get length (): number {
    return this.#items.length - this.#head
  }

  push (item: T): void {
    this.#items.push(item)
  }

  shift (): T | undefined {
    if (this.#head >= this.#items.length) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head++] = undefined
    // Compact once the dropped prefix is most of the array: amortised O(1) per shift.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return item
  }

  at (i: number): T | undefined {
    return i >= 0 && i < this.length ? this.#items[this.#head + i] : undefined
  }

  * [Symbol.iterator] (): Iterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as T
  }
}
