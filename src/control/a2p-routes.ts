/**
 * The control API's view of High Volume SMS and consent, for tests and the dashboard: every batch
 * of every account with its counts now, one batch with its messages, and the consent records.
 */
import type { FastifyInstance } from 'fastify'
import type { MockContext } from '../context.js'
import { batchRecord, consentView, isoMicro, listRecord } from '../a2p/service.js'
import { batchView, completedAt, messageState, outboundView, type A2PBatch, type A2PStatus, type Rejection } from '../a2p/store.js'
import { ANY_NUMBER, OPT_SOURCES, type OptSource, type OptStatus } from '../a2p/consent.js'
import { routeSchema } from '../openapi.js'
import { badRequest, notFound } from './errors.js'

type Counts = Record<A2PStatus, number>

/** A batch with whose it is and how many of its messages are in each status now. */
export interface MockA2PBatch {
  accountId: string
  extensionId: string
  batch: Record<string, unknown>
  counts: Counts
  /** Per failure code, how many messages have it. */
  errorCodes: Record<string, number>
  /** When its last message leaves the queue (the batch completes then). */
  completesAt: string
  /** The recipients refused at acceptance (RingCentral's API shows them in the create answer only). */
  rejected: Rejection[]
}

function counts (batch: A2PBatch, now: number): { counts: Counts, errorCodes: Record<string, number> } {
  const c: Counts = { Queued: 0, Sent: 0, Delivered: 0, SendingFailed: 0, DeliveryFailed: 0 }
  const errorCodes: Record<string, number> = {}
  for (let i = 0; i < batch.messages.length; i++) {
    const { status } = messageState(batch, i, now)
    c[status]++
    const code = batch.messages[i]!.failure?.errorCode
    if (code !== undefined && (status === 'SendingFailed' || status === 'DeliveryFailed')) errorCodes[code] = (errorCodes[code] ?? 0) + 1
  }
  return { counts: c, errorCodes }
}

export function describeBatch (batch: A2PBatch, now: number): MockA2PBatch {
  const last = completedAt(batch)
  return {
    accountId: batch.account.id,
    extensionId: batch.owner.id,
    batch: batchRecord(batchView(batch, now), []),
    ...counts(batch, now),
    completesAt: isoMicro(last),
    rejected: batch.rejected.map(r => ({ ...r, to: [...r.to] }))
  }
}

/** A consent record of the control API: the v2 record with its account. */
export interface MockConsentRecord {
  accountId: string
  from: string
  to: string
  optStatus: 'OptIn' | 'OptOut'
  source: string
  coverage?: string
  campaignType?: string
  lastModifiedTime: string
}

/** A consent change from the control API: the scenario's `messaging.consents` item. */
export interface ConsentInput {
  accountId?: string
  from: string
  to: string
  optStatus: OptStatus
  source?: OptSource
}

const E164 = /^\+[1-9]\d{1,14}$/

/** Applies consent changes as the scenario's records are (checked the same way); events fire. */
export function setConsents (ctx: MockContext, records: readonly ConsentInput[]): void {
  const changes = records.map((r, i) => {
    const at = `records[${i}]`
    if (r === null || typeof r !== 'object') throw badRequest(`${at} must be an object with from, to and optStatus`)
    if (r.optStatus !== 'OptOut' && r.optStatus !== 'OptIn') throw badRequest(`${at}.optStatus must be OptOut or OptIn (got ${JSON.stringify(r.optStatus)})`)
    if (r.source !== undefined && !(OPT_SOURCES as readonly unknown[]).includes(r.source)) throw badRequest(`${at}.source must be one of ${OPT_SOURCES.join(', ')}`)
    if (typeof r.to !== 'string' || !E164.test(r.to)) throw badRequest(`${at}.to must be an E.164 number, like +15550100013 (got ${JSON.stringify(r.to)})`)
    let accountId: string
    if (r.from === ANY_NUMBER) {
      const accounts = ctx.world.accounts
      const named = r.accountId !== undefined ? accounts.find(a => a.id === r.accountId) : accounts.length === 1 ? accounts[0] : undefined
      if (!named) throw badRequest(`${at}.accountId: ${r.accountId === undefined ? 'the scenario has several accounts; say which one "*" means' : `names no account of this scenario (got ${JSON.stringify(r.accountId)})`}`)
      accountId = named.id
    } else {
      const number = typeof r.from === 'string' ? ctx.world.phoneNumber(r.from) : undefined
      if (!number) throw badRequest(`${at}.from: no extension of this scenario owns ${JSON.stringify(r.from)}; give one of the scenario's numbers, or "*" for all of an account's`)
      if (r.accountId !== undefined && r.accountId !== number.owner.account.id) throw badRequest(`${at}.accountId: ${r.from} belongs to account ${number.owner.account.id}`)
      accountId = number.owner.account.id
    }
    return { accountId, from: r.from, to: r.to, optStatus: r.optStatus, source: r.source ?? 'Recipient' as const }
  })
  ctx.consents.apply(changes, ctx.now())
}

/** Every batch of every account, newest first, with the store's size. */
export function listBatches (ctx: MockContext): { records: MockA2PBatch[], messages: number, dropped: number, limit: number } {
  const now = ctx.now()
  const records: MockA2PBatch[] = []
  const entries = ctx.a2p.store.entries()
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!
    if (e.type === 'batch') records.push(describeBatch(e, now))
  }
  return { records, messages: ctx.a2p.store.messageCount, dropped: ctx.a2p.store.dropped, limit: ctx.a2p.store.limit }
}

/** One batch with its first `limit` messages (Detailed records), or undefined. */
export function batchDetail (ctx: MockContext, id: string, limit = 1000): (MockA2PBatch & { messages: Array<Record<string, unknown>> }) | undefined {
  const batch = ctx.a2p.store.batch(id)
  if (!batch) return undefined
  const now = ctx.now()
  const n = Math.min(batch.messages.length, limit)
  const messages: Array<Record<string, unknown>> = []
  for (let i = 0; i < n; i++) messages.push(listRecord(outboundView(batch, i, now), true))
  return { ...describeBatch(batch, now), messages }
}

export function consentRecords (ctx: MockContext): MockConsentRecord[] {
  // The v2 record, with whose it is.
  return ctx.consents.all().map(r => ({ accountId: r.accountId, ...consentView(r) }) as MockConsentRecord)
}

export async function a2pControlRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  app.get('/__mock/a2p/batches', { schema: routeSchema('listMockA2PBatches') }, async () => listBatches(ctx))

  app.get<{ Params: { id: string }, Querystring: { limit?: string } }>('/__mock/a2p/batches/:id', { schema: routeSchema('getMockA2PBatch') }, async (request) => {
    const limit = request.query.limit
    if (limit !== undefined && (!/^\d{1,6}$/.test(limit) || Number(limit) < 1)) throw badRequest('limit must be a positive whole number')
    const detail = batchDetail(ctx, request.params.id, limit !== undefined ? Number(limit) : undefined)
    if (!detail) throw notFound(`batch "${request.params.id}"`)
    return detail
  })

  app.get('/__mock/consents', { schema: routeSchema('listMockConsents') }, async () => ({ records: consentRecords(ctx) }))

  app.post<{ Body: { records?: ConsentInput[] } | undefined }>('/__mock/consents', { schema: routeSchema('setMockConsents') }, async (request) => {
    const records = request.body?.records
    if (!Array.isArray(records) || records.length === 0) throw badRequest('give { "records": [{ "from", "to", "optStatus" }] } (one to 1000 records)')
    setConsents(ctx, records)
    return { records: consentRecords(ctx) }
  })
}
