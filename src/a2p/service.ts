/**
 * High Volume SMS on the world: accepting a batch (what is rejected, what each message's fate
 * is), inbound messages to A2P numbers and the STOP/START keywords, and the events (batches,
 * messages, opt-outs, consent), on the same clock, subscriptions and delivery as the others.
 *
 * Events are computed lazily too: a batch's message events are walked by one scheduler task that
 * wakes at the batch's next transition, and only while some subscription of the account asks for
 * High Volume events (one that subscribes later picks up from where the batch is).
 */
import { toIso } from '../clock.js'
import { rc, type RcError } from '../errors.js'
import type { EventHub } from '../events/hub.js'
import { DEFAULT_ERROR_CODE, OPTED_OUT_CODE, type MessageStore, type StoredMessage } from '../messaging/message-store.js'
import type { A2PPolicies, Account, PhoneNumber, World } from '../world.js'
import { A2P_LONG_CODE_PER_MINUTE, A2P_TOLL_FREE_PER_MINUTE, isTollFree } from '../world.js'
import { ANY_NUMBER, type ConsentRecord, type ConsentStore, keywordOf } from './consent.js'
import { registerA2PFilters } from './filters.js'
import { segmentCount } from './segments.js'
import {
  A2PStore, batchView, completedAt, dispatchAt, inboundView, outboundView,
  type A2PBatch, type A2PFailure, type A2PInbound, type A2POutbound, type A2PStatus, type BatchView, type Rejection
} from './store.js'

registerA2PFilters()

/** The longest text of one message (`MessageCreateRequest.text`, maxLength 1000). */
export const MAX_TEXT = 1000
const E164 = /^\+[1-9]\d{6,14}$/

/**
 * RingCentral's time format on these APIs: microseconds and `Z` (`toIso`'s milliseconds, padded).
 */
export function isoMicro (ms: number): string {
  return toIso(ms).replace('Z', '000Z')
}

/** The High Volume event kinds (the filters of events/filters.ts register them). */
export const A2P_KINDS = ['a2p-batch', 'a2p-message'] as const

export interface A2PDependencies {
  world: World
  hub: EventHub
  messages: MessageStore
  consents: ConsentStore
  policies: A2PPolicies
  onChange?: () => void
}

/** A request refused as a whole (400 CMN-101/CMN-100 in the ASG dialect). */
const invalid = (parameterName: string): RcError => rc('CMN-101', { parameterName })
const missing = (parameterName: string): RcError => rc('CMN-100', { parameterName })

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

interface Walker {
  /** Next message to leave Queued, next to be delivered. */
  dispatch: number
  deliver: number
  completedAnnounced: boolean
}

export class A2PService {
  readonly store: A2PStore
  readonly #deps: A2PDependencies
  readonly #walkers = new Map<A2PBatch, Walker>()

  constructor (deps: A2PDependencies) {
    this.#deps = deps
    this.store = new A2PStore(deps.policies.storeLimit, deps.onChange)
    deps.hub.onInbound(message => this.#inbound(message))
    deps.hub.onSubscribed(subscription => {
      if (subscription.filters.some(f => (A2P_KINDS as readonly string[]).includes(f.kind))) this.#watchAccount(subscription.owner.account)
    })
    deps.consents.onChange(records => this.#consentChanged(records))
  }

  get #now (): number {
    return this.#deps.hub.now
  }

  /** The sender number: one of the account's, with the A2PSmsSender feature. */
  sender (account: Account, raw: unknown): PhoneNumber {
    if (raw === undefined) throw missing('from')
    if (typeof raw !== 'string' || !E164.test(raw)) throw invalid('from')
    const number = this.#deps.world.phoneNumber(raw)
    if (!number || number.owner.account !== account || !number.features.includes('A2PSmsSender')) throw invalid('from')
    return number
  }

  #perMinute (number: PhoneNumber): number {
    return this.#deps.policies.messagesPerMinute ?? (isTollFree(number) ? A2P_TOLL_FREE_PER_MINUTE : A2P_LONG_CODE_PER_MINUTE)
  }

  /** `POST …/a2p-sms/batches`: the batch, and what was rejected (create answer only). */
  createBatch (account: Account, body: unknown): { batch: A2PBatch, rejected: Rejection[] } {
    if (!isObject(body)) throw rc('CMN-104')
    const number = this.sender(account, body.from)
    const text = body.text
    if (text !== undefined && typeof text !== 'string') throw invalid('text')
    const list = body.messages
    if (list === undefined) throw missing('messages')
    if (!Array.isArray(list) || list.length === 0) throw invalid('messages')
    const policies = this.#deps.policies
    if (policies.maxBatchSize !== undefined && list.length > policies.maxBatchSize) {
      throw rc('CMN-101', { parameterName: 'messages', message: `Parameter [messages] value is invalid: at most ${policies.maxBatchSize} messages per batch` })
    }
    const now = this.#now
    const perMinute = this.#perMinute(number)
    const { startAt, intervalMs } = this.store.schedule(number.phoneNumber, perMinute, now)
    const messages: A2POutbound[] = []
    const rejected: Rejection[] = []
    const accountId = account.id
    const recipients = this.#deps.messages
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i]
      if (!isObject(item)) throw invalid(`messages[${i}]`)
      const own = item.text
      if (own !== undefined && typeof own !== 'string') throw invalid('text')
      const resolved = (own as string | undefined) ?? text
      if (resolved === undefined || resolved === '') throw missing('text')
      if (resolved.length > MAX_TEXT) throw rc('CMN-101', { parameterName: 'text', message: `Parameter [text] value is invalid: longer than ${MAX_TEXT} characters` })
      const to = item.to
      if (!Array.isArray(to) || to.some(x => typeof x !== 'string')) throw invalid(`messages[${i}].to`)
      const reject = (errorCode: string, description: string): void => { rejected.push({ index: i + 1, to: [...to as string[]], errorCode, description }) }
      if (to.length !== 1) {
        reject('CMN-101', 'Only one recipient per message is supported')
        continue
      }
      const recipient = to[0] as string
      if (!E164.test(recipient)) {
        reject('SMS-RC-410', 'The recipient number is invalid')
        continue
      }
      const outcome = recipients.recipient(recipient)
      if (outcome?.outcome === 'Blocked') {
        reject(outcome.errorCode ?? 'SMS-RC-410', 'The recipient number is invalid')
        continue
      }
      const leaves = startAt + messages.length * intervalMs
      let failure: A2PFailure | undefined
      if (this.#deps.consents.optedOut(accountId, number.phoneNumber, recipient)) {
        failure = { status: 'SendingFailed', errorCode: OPTED_OUT_CODE }
      } else if (policies.dailyLimit !== undefined && this.store.sentOnDay(accountId, leaves) >= policies.dailyLimit) {
        const code = policies.dailyLimitErrorCode
        failure = { status: code.startsWith('SMS-RC-') ? 'SendingFailed' : 'DeliveryFailed', errorCode: code }
      } else if (outcome !== undefined) {
        failure = { status: outcome.outcome as A2PFailure['status'], errorCode: outcome.errorCode ?? DEFAULT_ERROR_CODE[outcome.outcome as A2PFailure['status']] }
      }
      // What the carriers count against the cap: the messages handed to them.
      if (failure === undefined || (failure.status === 'DeliveryFailed' && failure.errorCode !== policies.dailyLimitErrorCode)) this.store.countOnDay(accountId, leaves)
      messages.push({
        to: recipient,
        ...(own !== undefined ? { text: own as string } : {}),
        segments: segmentCount(resolved),
        ...(failure !== undefined ? { failure } : {})
      })
    }
    if (messages.length === 0) {
      // Nothing to send: RingCentral's answer for a batch whose every recipient is invalid is not
      // documented; the mock refuses it as a whole, naming the first rejection.
      throw rc('CMN-101', { parameterName: 'messages', message: `Parameter [messages] value is invalid: every recipient was rejected (${rejected[0]?.description ?? 'none given'})` })
    }
    const batch = this.store.addBatch({
      account,
      owner: number.owner,
      from: number.phoneNumber,
      text: text as string | undefined,
      messages,
      rejected,
      perMinute,
      sentSeconds: this.#deps.messages.sentMs / 1000,
      costPerSegment: policies.costPerSegment
    }, now)
    this.#announceBatch(batch)
    if (this.#deps.hub.wants(accountId, 'a2p-message')) {
      for (let i = 0; i < batch.messages.length; i++) this.#announceMessage(batch, i)
    }
    if (this.#deps.hub.wants(accountId, ...A2P_KINDS)) this.#watch(batch)
    return { batch, rejected }
  }

  // --- Inbound and consent ------------------------------------------------------------------

  #inbound (message: StoredMessage): void {
    const to = message.to[0]
    if (to === undefined) return
    const account = message.owner.account
    const number = this.#deps.world.phoneNumber(to)
    if (number?.features.includes('A2PSmsSender') === true) {
      const entry = this.store.addInbound({ account, from: message.from, to, text: message.text, segments: segmentCount(message.text), costPerSegment: this.#deps.policies.costPerSegment }, this.#now)
      this.#publishMessage(account.id, inboundView(entry), { direction: 'Inbound', to })
    }
    const wanted = keywordOf(message.text)
    if (wanted !== undefined) {
      this.#deps.consents.apply([{ accountId: account.id, from: to, to: message.from, optStatus: wanted, source: 'Recipient' }], this.#now)
    }
  }

  #consentChanged (records: ConsentRecord[]): void {
    const hub = this.#deps.hub
    const byAccount = new Map<string, ConsentRecord[]>()
    for (const r of records) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r])
    for (const [accountId, list] of byAccount) {
      for (const r of list) {
        hub.publish({ kind: 'a2p-opt-out', accountId, attributes: { from: r.from }, body: () => ({ from: r.from, to: r.to, active: r.optStatus === 'OptOut' }) })
      }
      hub.publish({ kind: 'sms-consent', accountId, attributes: {}, body: () => ({ records: list.map(consentView) }) })
    }
  }

  // --- Events -------------------------------------------------------------------------------

  #announceBatch (batch: A2PBatch): void {
    const view = batchView(batch, this.#now)
    this.#deps.hub.publish({ kind: 'a2p-batch', accountId: batch.account.id, attributes: { from: batch.from, batchId: batch.id }, body: () => batchEventBody(view) })
  }

  #announceMessage (batch: A2PBatch, i: number): void {
    this.#publishMessage(batch.account.id, outboundView(batch, i, this.#now), { direction: 'Outbound', batchId: batch.id, from: batch.from })
  }

  #publishMessage (accountId: string, view: ReturnType<typeof outboundView>, attributes: Record<string, string>): void {
    this.#deps.hub.publish({ kind: 'a2p-message', accountId, attributes, body: () => messageEventBody(view) })
  }

  #watchAccount (account: Account): void {
    for (const entry of this.store.entries()) if (entry.type === 'batch' && entry.account === account) this.#watch(entry)
  }

  /** Walks a batch's transitions as the clock reaches them (from now on), firing their events. */
  #watch (batch: A2PBatch): void {
    if (this.#walkers.has(batch)) return
    const now = this.#now
    const n = batch.messages.length
    if (now >= completedAt(batch) + batch.sentMs) return
    // Transitions already past are not replayed: a subscription sees what happens from now on.
    let dispatch = 0
    while (dispatch < n && dispatchAt(batch, dispatch) <= now) dispatch++
    let deliver = 0
    while (deliver < n && dispatchAt(batch, deliver) + batch.sentMs <= now) deliver++
    const walker: Walker = { dispatch, deliver, completedAnnounced: dispatch === n }
    this.#walkers.set(batch, walker)
    this.#wake(batch, walker)
  }

  #nextAt (batch: A2PBatch, w: Walker): number | undefined {
    const n = batch.messages.length
    // Messages that fail to be sent have no delivery: skip them.
    while (w.deliver < n && w.deliver < w.dispatch && batch.messages[w.deliver]!.failure?.status === 'SendingFailed') w.deliver++
    const a = w.dispatch < n ? dispatchAt(batch, w.dispatch) : undefined
    const b = w.deliver < n ? dispatchAt(batch, w.deliver) + batch.sentMs : undefined
    if (a === undefined) return b
    if (b === undefined) return a
    return Math.min(a, b)
  }

  #wake (batch: A2PBatch, w: Walker): void {
    const at = this.#nextAt(batch, w)
    if (at === undefined) {
      this.#walkers.delete(batch)
      return
    }
    this.#deps.hub.scheduler.at(at, () => this.#step(batch, w))
  }

  #step (batch: A2PBatch, w: Walker): void {
    if (this.store.batch(batch.id) !== batch) {
      this.#walkers.delete(batch)
      return
    }
    const now = this.#now
    const n = batch.messages.length
    const wantsMessages = this.#deps.hub.wants(batch.account.id, 'a2p-message')
    for (;;) {
      const nextDispatch = w.dispatch < n ? dispatchAt(batch, w.dispatch) : Infinity
      const nextDeliver = w.deliver < n ? dispatchAt(batch, w.deliver) + batch.sentMs : Infinity
      if (Math.min(nextDispatch, nextDeliver) > now) break
      if (nextDeliver < nextDispatch || (nextDeliver === nextDispatch && w.deliver < w.dispatch)) {
        const i = w.deliver++
        if (batch.messages[i]!.failure?.status !== 'SendingFailed' && wantsMessages) this.#announceMessage(batch, i)
      } else {
        const i = w.dispatch++
        if (wantsMessages) this.#announceMessage(batch, i)
        if (w.dispatch === n && !w.completedAnnounced) {
          w.completedAnnounced = true
          this.#announceBatch(batch)
        }
      }
      while (w.deliver < w.dispatch && batch.messages[w.deliver]!.failure?.status === 'SendingFailed') w.deliver++
    }
    this.#wake(batch, w)
  }

  // --- Reading ------------------------------------------------------------------------------

  batchRecord (batch: A2PBatch, rejected: Rejection[] = []): Record<string, unknown> {
    return batchRecord(batchView(batch, this.#now), rejected)
  }
}

/** The batch in RingCentral's field order (the create answer and the docs' samples). */
export function batchRecord (view: BatchView, rejected: Rejection[]): Record<string, unknown> {
  return {
    id: view.id,
    from: view.from,
    batchSize: view.batchSize,
    processedCount: view.processedCount,
    status: view.status,
    creationTime: isoMicro(view.creationTime),
    lastModifiedTime: isoMicro(view.lastModifiedTime),
    rejected,
    ...(view.cost !== undefined ? { cost: view.cost } : {})
  }
}

/** The batch event's body: the batch without `rejected` (the docs' sample). */
function batchEventBody (view: BatchView): Record<string, unknown> {
  const { rejected: _rejected, ...rest } = batchRecord(view, [])
  return rest
}

type MessageView = ReturnType<typeof outboundView>

/** A message of `GET …/a2p-sms/messages`: `text` only in the Detailed view. */
export function listRecord (m: MessageView, detailed: boolean): Record<string, unknown> {
  return {
    id: m.id,
    ...(m.batchId !== undefined ? { batchId: m.batchId } : {}),
    from: m.from,
    to: m.to,
    creationTime: isoMicro(m.creationTime),
    lastModifiedTime: isoMicro(m.lastModifiedTime),
    messageStatus: m.messageStatus,
    ...(m.messageStatus !== 'SendingFailed' ? { segmentCount: m.segmentCount } : {}),
    ...(detailed ? { text: m.text } : {}),
    ...(m.cost !== undefined ? { cost: m.cost } : {}),
    direction: m.direction,
    ...(m.errorCode !== undefined ? { errorCode: m.errorCode } : {})
  }
}

/** `GET …/a2p-sms/messages/{id}` (MessageDetailsResponse's field order). */
export function detailRecord (m: MessageView): Record<string, unknown> {
  return {
    id: m.id,
    from: m.from,
    to: m.to,
    text: m.text,
    creationTime: isoMicro(m.creationTime),
    lastModifiedTime: isoMicro(m.lastModifiedTime),
    messageStatus: m.messageStatus,
    ...(m.messageStatus !== 'SendingFailed' ? { segmentCount: m.segmentCount } : {}),
    ...(m.cost !== undefined ? { cost: m.cost } : {}),
    ...(m.batchId !== undefined ? { batchId: m.batchId } : {}),
    direction: m.direction,
    ...(m.errorCode !== undefined ? { errorCode: m.errorCode } : {})
  }
}

/** A message event's body: the record with its text (the docs' samples). */
function messageEventBody (m: MessageView): Record<string, unknown> {
  return listRecord(m, true)
}

/** A consent record as the v2 API shows it. */
export function consentView (r: ConsentRecord): Record<string, unknown> {
  return {
    from: r.from,
    to: r.to,
    optStatus: r.optStatus,
    source: r.source,
    ...(r.coverage !== undefined ? { coverage: r.coverage } : {}),
    ...(r.campaignType !== undefined ? { campaignType: r.campaignType } : {}),
    lastModifiedTime: isoMicro(r.lastModifiedTime)
  }
}

export type { A2PBatch, A2PInbound, A2PStatus, Rejection }
export { ANY_NUMBER }
