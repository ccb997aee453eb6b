/** The request journal: what the mock was asked and what it answered, bounded. */
import { redactUrl } from '../redact.js'
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

/** What the control hooks learnt about a request (`request.mock`). */
export interface JournalFacts {
  operation: string
  rule?: string
  fault?: string
  clientId?: string
  extensionId?: string
}

/**
 * One request as recorded: the raw facts, made into a JournalEntry (ISO time, redacted URL, rounded
 * duration) only when the journal is listed. Recording runs on every request; listing seldom.
 */
interface Recorded {
  id: number
  /** Scenario-clock epoch milliseconds. */
  timeMs: number
  method: string
  /** As requested: secrets are redacted when listed. */
  rawUrl: string
  facts: JournalFacts | undefined
  status: number
  /** Unrounded. */
  elapsedMs: number
}

function toEntry (r: Recorded): JournalEntry {
  const facts = r.facts
  return {
    id: r.id,
    time: new Date(r.timeMs).toISOString(),
    method: r.method,
    url: redactUrl(r.rawUrl),
    ...(facts ? { operation: facts.operation } : {}),
    status: r.status,
    ...(facts?.rule !== undefined ? { rule: facts.rule } : {}),
    ...(facts?.fault !== undefined ? { fault: facts.fault } : {}),
    ...(facts?.clientId !== undefined ? { clientId: facts.clientId } : {}),
    ...(facts?.extensionId !== undefined ? { extensionId: facts.extensionId } : {}),
    durationMs: Math.round(r.elapsedMs * 10) / 10
  }
}

export class Journal {
  readonly #log: BoundedLog<Recorded>
  #next = 1

  constructor (limit: number) {
    this.#log = new BoundedLog(limit)
  }

  record (timeMs: number, method: string, rawUrl: string, facts: JournalFacts | undefined, status: number, elapsedMs: number): void {
    this.#log.push({ id: this.#next++, timeMs, method, rawUrl, facts, status, elapsedMs })
  }

  list (filter: JournalFilter = {}): JournalEntry[] {
    return this.#log.toArray().map(toEntry).filter(e =>
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
