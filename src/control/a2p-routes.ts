/**
 * The control API's view of High Volume SMS and consent, for tests and the dashboard: every batch
 * of every account with its counts now, one batch with its messages, and the consent records.
 */
import type { FastifyInstance } from 'fastify'
import type { MockContext } from '../context.js'
import { batchRecord, isoMicro, listRecord } from '../a2p/service.js'
import { batchView, messageState, outboundView, type A2PBatch, type A2PStatus } from '../a2p/store.js'
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
  const last = batch.messages.length === 0 ? batch.createdAt : batch.startAt + (batch.messages.length - 1) * batch.intervalMs
  return {
    accountId: batch.account.id,
    extensionId: batch.owner.id,
    batch: batchRecord(batchView(batch, now), []),
    ...counts(batch, now),
    completesAt: isoMicro(last)
  }
}

export async function a2pControlRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  app.get('/__mock/a2p/batches', { schema: routeSchema('listMockA2PBatches') }, async () => {
    const now = ctx.now()
    const records: MockA2PBatch[] = []
    const entries = ctx.a2p.store.entries()
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!
      if (e.type === 'batch') records.push(describeBatch(e, now))
    }
    return { records, messages: ctx.a2p.store.messageCount, dropped: ctx.a2p.store.dropped, limit: ctx.a2p.store.limit }
  })

  app.get<{ Params: { id: string }, Querystring: { limit?: string } }>('/__mock/a2p/batches/:id', { schema: routeSchema('getMockA2PBatch') }, async (request) => {
    const batch = ctx.a2p.store.batch(request.params.id)
    if (!batch) throw notFound(`batch "${request.params.id}"`)
    const limit = request.query.limit
    if (limit !== undefined && (!/^\d{1,6}$/.test(limit) || Number(limit) < 1)) throw badRequest('limit must be a positive whole number')
    const now = ctx.now()
    const n = Math.min(batch.messages.length, limit !== undefined ? Number(limit) : 1000)
    const messages: Array<Record<string, unknown>> = []
    for (let i = 0; i < n; i++) messages.push(listRecord(outboundView(batch, i, now), true))
    return { ...describeBatch(batch, now), messages }
  })

  app.get('/__mock/consents', { schema: routeSchema('listMockConsents') }, async () => ({
    records: ctx.consents.all().map(r => ({
      accountId: r.accountId,
      from: r.from,
      to: r.to,
      optStatus: r.optStatus,
      source: r.source,
      ...(r.coverage !== undefined ? { coverage: r.coverage } : {}),
      ...(r.campaignType !== undefined ? { campaignType: r.campaignType } : {}),
      lastModifiedTime: isoMicro(r.lastModifiedTime)
    }))
  }))
}
