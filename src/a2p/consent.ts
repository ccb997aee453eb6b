/**
 * SMS consent: who may be texted from which number. One store serves ordinary SMS and High
 * Volume (A2P) SMS, the v2 consent API (`/restapi/v2/accounts/{id}/sms/consents`) and the
 * deprecated v1 opt-outs (`/a2p-sms/opt-outs`), as RingCentral's docs describe one consent list.
 *
 * A record is per account and pair: the account's own number (`from`, or `*` for every number of
 * the account) and the external party (`to`). The record for the exact pair decides; without one,
 * the account-wide (`*`) record does (docs/fidelity.md, "Consent"). Every change is kept in a
 * bounded history (`…/sms/consents/history`) and reported to listeners (the events layer).
 */
import { BoundedLog } from '../control/bounded-log.js'

export type OptStatus = 'OptOut' | 'OptIn'
export type OptSource = 'Recipient' | 'Api' | 'Upstream' | 'Carrier'
export type Coverage = 'PhoneNumber' | 'Account' | 'CampaignType'
export type CampaignType = 'Conversational' | 'Informational' | 'Promotional'

export const OPT_STATUSES: readonly OptStatus[] = ['OptOut', 'OptIn']
export const OPT_SOURCES: readonly OptSource[] = ['Recipient', 'Api', 'Upstream', 'Carrier']
export const COVERAGES: readonly Coverage[] = ['PhoneNumber', 'Account', 'CampaignType']
export const CAMPAIGN_TYPES: readonly CampaignType[] = ['Conversational', 'Informational', 'Promotional']

/** Every number of the account. */
export const ANY_NUMBER = '*'

export interface ConsentRecord {
  readonly accountId: string
  readonly from: string
  readonly to: string
  optStatus: OptStatus
  source: OptSource
  coverage?: Coverage
  campaignType?: CampaignType
  lastModifiedTime: number
}

export interface ConsentChange {
  accountId: string
  from: string
  to: string
  optStatus: OptStatus
  source: OptSource
  coverage?: Coverage
  campaignType?: CampaignType
  at: number
}

/** Keywords RingCentral acts on when a recipient texts them (the High Volume opt-out page). */
export const OPT_OUT_KEYWORDS = ['STOP', 'UNSUBSCRIBE', 'QUIT', 'CANCEL', 'END'] as const
export const OPT_IN_KEYWORDS = ['START', 'SUBSCRIBE', 'RESUME', 'CONTINUE', 'UNSTOP'] as const

/** The consent a message's text asks for, if it is one of the keywords (alone, any case). */
export function keywordOf (text: string): OptStatus | undefined {
  const word = text.trim().toUpperCase()
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(word)) return 'OptOut'
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(word)) return 'OptIn'
  return undefined
}

const keyOf = (accountId: string, from: string, to: string): string => `${accountId} ${from} ${to}`

export interface ConsentFilter {
  from?: readonly string[]
  to?: readonly string[]
  optStatus?: readonly OptStatus[]
  coverage?: readonly Coverage[]
  campaignType?: readonly CampaignType[]
}

export class ConsentStore {
  readonly #records = new Map<string, ConsentRecord>()
  readonly #history: BoundedLog<ConsentChange>
  readonly #listeners = new Set<(changes: ConsentRecord[]) => void>()

  constructor (historyLimit = 10_000) {
    this.#history = new BoundedLog(historyLimit)
  }

  get size (): number {
    return this.#records.size
  }

  /** Calls `listener` with the records each change made (one call per request or keyword). */
  onChange (listener: (changes: ConsentRecord[]) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get (accountId: string, from: string, to: string): ConsentRecord | undefined {
    return this.#records.get(keyOf(accountId, from, to))
  }

  /** Whether `to` has opted out of texts from the account's number `from`. */
  optedOut (accountId: string, from: string, to: string): boolean {
    const exact = this.#records.get(keyOf(accountId, from, to))
    if (exact !== undefined) return exact.optStatus === 'OptOut'
    return this.#records.get(keyOf(accountId, ANY_NUMBER, to))?.optStatus === 'OptOut'
  }

  /** Sets several records at once; listeners hear of them together. Returns the records as they now are. */
  apply (changes: ReadonlyArray<Omit<ConsentChange, 'at'>>, now: number): ConsentRecord[] {
    const done: ConsentRecord[] = []
    for (const change of changes) {
      const key = keyOf(change.accountId, change.from, change.to)
      const record: ConsentRecord = {
        accountId: change.accountId,
        from: change.from,
        to: change.to,
        optStatus: change.optStatus,
        source: change.source,
        ...(change.coverage !== undefined ? { coverage: change.coverage } : {}),
        ...(change.campaignType !== undefined ? { campaignType: change.campaignType } : {}),
        lastModifiedTime: now
      }
      this.#records.set(key, record)
      this.#history.push({ ...change, at: now })
      done.push(record)
    }
    if (done.length > 0) for (const listener of this.#listeners) listener(done)
    return done
  }

  /** Forgets records (the older v2 DELETE); returns those that existed. */
  remove (accountId: string, pairs: ReadonlyArray<{ from: string, to: string }>): ConsentRecord[] {
    const removed: ConsentRecord[] = []
    for (const { from, to } of pairs) {
      const key = keyOf(accountId, from, to)
      const record = this.#records.get(key)
      if (record === undefined) continue
      this.#records.delete(key)
      removed.push(record)
    }
    return removed
  }

  /** The account's records that match, most recently changed first. */
  list (accountId: string, filter: ConsentFilter = {}): ConsentRecord[] {
    const out: ConsentRecord[] = []
    for (const r of this.#records.values()) {
      if (r.accountId !== accountId) continue
      if (filter.from !== undefined && !filter.from.includes(r.from)) continue
      if (filter.to !== undefined && !filter.to.includes(r.to)) continue
      if (filter.optStatus !== undefined && !filter.optStatus.includes(r.optStatus)) continue
      if (filter.coverage !== undefined && !filter.coverage.includes(r.coverage ?? (r.from === ANY_NUMBER ? 'Account' : 'PhoneNumber'))) continue
      if (filter.campaignType !== undefined && (r.campaignType === undefined || !filter.campaignType.includes(r.campaignType))) continue
      out.push(r)
    }
    return out.sort((a, b) => b.lastModifiedTime - a.lastModifiedTime)
  }

  /** Every record of every account (the control API). */
  all (): ConsentRecord[] {
    return [...this.#records.values()].sort((a, b) => b.lastModifiedTime - a.lastModifiedTime)
  }

  /** The account's changes, newest first, optionally only for some external parties. */
  history (accountId: string, to?: readonly string[]): ConsentChange[] {
    return this.#history.toArray().filter(c => c.accountId === accountId && (to === undefined || to.includes(c.to))).reverse()
  }
}
