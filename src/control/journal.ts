/** The request journal: what the mock was asked and what it answered, bounded. */
import { BoundedLog } from './bounded-log.js'

export interface JournalEntry {
  id: number
  /** Scenario-clock time of the request. */
  time: string
  method: string
  /** The URL with secrets redacted. */
  url: string
  operation?: string
  status: number
  /** The rule that answered, if one did. */
  rule?: string
  fault?: string
  clientId?: string
  extensionId?: string
  durationMs: number
}

export interface JournalFilter {
  operation?: string
  method?: string
  status?: number
  rule?: string
  clientId?: string
  path?: string
}

export class Journal {
  readonly #log: BoundedLog<JournalEntry>
  #next = 1

  constructor (limit: number) {
    this.#log = new BoundedLog(limit)
  }

  record (entry: Omit<JournalEntry, 'id'>): void {
    this.#log.push({ id: this.#next++, ...entry })
  }

  list (filter: JournalFilter = {}): JournalEntry[] {
    return this.#log.toArray().filter(e =>
      (filter.operation === undefined || e.operation === filter.operation) &&
      (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
      (filter.status === undefined || e.status === filter.status) &&
      (filter.rule === undefined || e.rule === filter.rule) &&
      (filter.clientId === undefined || e.clientId === filter.clientId) &&
      (filter.path === undefined || e.url.includes(filter.path)))
  }

  get limit (): number {
    return this.#log.limit
  }

  get dropped (): number {
    return this.#log.dropped
  }

  get size (): number {
    return this.#log.size
  }

  clear (): void {
    this.#log.clear()
  }
}
