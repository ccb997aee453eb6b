/**
 * High Volume SMS (`/restapi/v1.0/account/{accountId}/a2p-sms/…`, app permission A2PSMS, the
 * ASG error dialect):
 *
 *   POST …/a2p-sms/batches                  createA2PSMS
 *   GET  …/a2p-sms/batches                  listA2PBatches
 *   GET  …/a2p-sms/batches/{batchId}        readA2PBatch
 *   GET  …/a2p-sms/messages                 listA2PSMS
 *   GET  …/a2p-sms/messages/{messageId}     readA2PSMS
 *   GET  …/a2p-sms/statuses                 aggregateA2PSMSStatuses
 *   GET  …/a2p-sms/opt-outs                 readA2PSMSOptOuts (deprecated)
 *   POST …/a2p-sms/opt-outs/bulk-assign     addA2PSMSOptOuts (deprecated)
 *
 * Lists walk the store newest first within `[dateFrom, dateTo)` (default: the last 24 hours of the
 * scenario clock), so a page costs about its own length.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { authenticate, requireScope } from '../api/bearer.js'
import { resolveAccount } from '../api/resolve.js'
import type { MockContext } from '../context.js'
import { rc } from '../errors.js'
import { routeSchema } from '../openapi.js'
import type { Account } from '../world.js'
import { ANY_NUMBER, type ConsentRecord, type OptStatus } from './consent.js'
import { decodeToken, FIRST, offsetPage, pagingOf } from './paging.js'
import { batchRecord, detailRecord, listRecord } from './service.js'
import { batchView, inboundView, messageState, outboundView, type A2PBatch, type A2PEntry, type A2PStatus } from './store.js'

const A2P = '/restapi/v1.0/account/:accountId/a2p-sms'
const JSON_TYPE = 'application/json; charset=UTF-8'
const DAY_MS = 24 * 60 * 60 * 1000
const E164 = /^\+[1-9]\d{6,14}$/
/** RingCentral's `x-request-max-body-size: 50m` on createA2PSMS. */
export const A2P_BODY_LIMIT = 50 * 1024 * 1024

type Query = Record<string, string | string[] | undefined>

const invalid = (parameterName: string) => rc('CMN-101', { parameterName })

/** Repeated or single values of a query parameter (RCEX repeats the key for arrays). */
export function listParam (query: Query, name: string): string[] | undefined {
  const raw = query[name]
  if (raw === undefined) return undefined
  return Array.isArray(raw) ? raw : [raw]
}

/** A phone number from a query: a literal `+` arrives as a space. */
export const phoneParam = (value: string): string => value.startsWith(' ') ? `+${value.slice(1)}` : value

export function singleParam (query: Query, name: string): string | undefined {
  const raw = query[name]
  if (Array.isArray(raw)) throw invalid(name)
  return raw
}

function dateParam (query: Query, name: string): number | undefined {
  const raw = singleParam(query, name)
  if (raw === undefined || raw === '') return undefined
  const ms = Date.parse(raw)
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(ms)) throw invalid(name)
  return ms
}

/** `perPage`: RingCentral clamps a value above the maximum; below 1 is refused. */
export function perPageParam (query: Query, fallback: number, max = 1000, above: 'clamp' | 'refuse' = 'clamp'): number {
  const raw = singleParam(query, 'perPage')
  if (raw === undefined || raw === '') return fallback
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1 || (above === 'refuse' && Number(raw) > max)) throw invalid('perPage')
  return Math.min(max, Number(raw))
}

function window (ctx: MockContext, query: Query): { from: number, to: number } {
  const to = dateParam(query, 'dateTo') ?? ctx.now() + 1
  const from = dateParam(query, 'dateFrom') ?? to - DAY_MS
  return { from, to }
}

function enumList<T extends string> (query: Query, name: string, allowed: readonly T[]): T[] | undefined {
  const values = listParam(query, name)
  if (values === undefined) return undefined
  for (const v of values) if (!(allowed as readonly string[]).includes(v)) throw invalid(name)
  return values as T[]
}

function phoneList (query: Query, name: string, max: number): string[] | undefined {
  const values = listParam(query, name)?.map(phoneParam)
  if (values === undefined) return undefined
  if (values.length > max || values.some(v => !E164.test(v))) throw invalid(name)
  return values
}

/** The authenticated caller's account, with the app permission A2PSMS. */
function caller (ctx: MockContext, request: FastifyRequest<{ Params: { accountId: string } }>): Account {
  const session = authenticate(ctx, request)
  requireScope(session, 'A2PSMS')
  try {
    return resolveAccount(session, request.params.accountId)
  } catch {
    throw rc('CMN-102', { parameterName: 'accountId', message: 'Resource for parameter [accountId] is not found.' })
  }
}

const notFound = (parameterName: string) => rc('CMN-102', { parameterName, message: `Resource for parameter [${parameterName}] is not found.` })

interface MessageFilter {
  batchId?: string
  direction?: Array<'Inbound' | 'Outbound'>
  phoneNumber?: string[]
  from: number
  to: number
}

function messageFilter (ctx: MockContext, query: Query): MessageFilter {
  const batchId = singleParam(query, 'batchId')
  const direction = enumList(query, 'direction', ['Inbound', 'Outbound'] as const)
  const phoneNumber = phoneList(query, 'phoneNumber', 15)
  return { ...(batchId !== undefined && batchId !== '' ? { batchId } : {}), ...(direction ? { direction } : {}), ...(phoneNumber ? { phoneNumber } : {}), ...window(ctx, query) }
}

/** Whether an entry can hold messages that match (its time, batch, direction, numbers). */
function entryMatches (entry: A2PEntry, account: Account, f: MessageFilter): boolean {
  if (entry.account !== account || entry.createdAt < f.from || entry.createdAt >= f.to) return false
  if (entry.type === 'batch') {
    if (f.batchId !== undefined && entry.id !== f.batchId) return false
    if (f.direction !== undefined && !f.direction.includes('Outbound')) return false
    return true
  }
  if (f.batchId !== undefined) return false
  if (f.direction !== undefined && !f.direction.includes('Inbound')) return false
  if (f.phoneNumber !== undefined && !f.phoneNumber.includes(entry.from) && !f.phoneNumber.includes(entry.to)) return false
  return true
}

const batchMessageMatches = (batch: A2PBatch, i: number, f: MessageFilter): boolean =>
  f.phoneNumber === undefined || f.phoneNumber.includes(batch.from) || f.phoneNumber.includes(batch.messages[i]!.to)

/** Walks the matching messages newest first from a position `seq:index` (inclusive). */
function * walkMessages (ctx: MockContext, account: Account, f: MessageFilter, start: string): Generator<{ position: string, view: ReturnType<typeof outboundView> }> {
  const store = ctx.a2p.store
  const now = ctx.now()
  let seq = store.lastSeq
  let index = Infinity
  if (start !== FIRST) {
    const [s, i] = start.slice(2).split(':').map(Number)
    seq = s!
    index = i!
  }
  // A batch filter: straight to it.
  if (f.batchId !== undefined) {
    const batch = store.batch(f.batchId)
    if (batch === undefined || batch.seq > seq) return
    seq = batch.seq
  }
  for (; seq >= store.firstSeq; seq--) {
    const entry = store.at(seq)
    if (entry === undefined) continue
    if (entry.createdAt < f.from && (f.batchId === undefined)) {
      // Entries are in time order: everything older is outside the window too.
      return
    }
    if (entryMatches(entry, account, f)) {
      if (entry.type === 'inbound') {
        if (index >= 0) yield { position: `M:${seq}:0`, view: inboundView(entry) }
      } else {
        for (let i = Math.min(index, entry.messages.length - 1); i >= 0; i--) {
          if (batchMessageMatches(entry, i, f)) yield { position: `M:${seq}:${i}`, view: outboundView(entry, i, now) }
        }
      }
    }
    index = Infinity
    if (f.batchId !== undefined) return
  }
}

const STATUS_KEYS: Record<A2PStatus, 'queued' | 'sent' | 'delivered' | 'deliveryFailed' | 'sendingFailed'> = {
  Queued: 'queued', Sent: 'sent', Delivered: 'delivered', DeliveryFailed: 'deliveryFailed', SendingFailed: 'sendingFailed'
}

/** A consent record as the deprecated v1 opt-outs show it (`Api` was `Account` there). */
function optOutView (r: ConsentRecord): Record<string, unknown> {
  return { from: r.from, to: r.to, status: r.optStatus, source: r.source === 'Api' ? 'Account' : r.source }
}

const csvCell = (value: string): string => /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value

export async function a2pRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  type P = { Params: { accountId: string }, Querystring: Query }
  const config = (operationId: string) => ({ operationId, dialect: 'asg' as const })

  app.post<P>(`${A2P}/batches`, { schema: routeSchema('createA2PSMS'), config: config('createA2PSMS'), bodyLimit: A2P_BODY_LIMIT }, async (request, reply) => {
    const account = caller(ctx, request)
    const { batch, rejected } = ctx.a2p.createBatch(account, request.body)
    return reply.code(201).type(JSON_TYPE).send(ctx.a2p.batchRecord(batch, rejected))
  })

  app.get<P>(`${A2P}/batches`, { schema: routeSchema('listA2PBatches'), config: config('listA2PBatches') }, async (request, reply) => {
    const account = caller(ctx, request)
    const query = request.query
    const { from: since, to: until } = window(ctx, query)
    const fromRaw = singleParam(query, 'from')
    const from = fromRaw !== undefined && fromRaw !== '' ? phoneParam(fromRaw) : undefined
    const statuses = enumList(query, 'status', ['Queued', 'Processing', 'Sent', 'Completed'] as const)
    const perPage = perPageParam(query, 1000)
    const start = decodeToken(singleParam(query, 'pageToken'), 'asg', /^B:\d{1,15}$/)
    const store = ctx.a2p.store
    const now = ctx.now()
    const records: Array<Record<string, unknown>> = []
    let next: string | undefined
    for (let seq = start === FIRST ? store.lastSeq : Number(start.slice(2)); seq >= store.firstSeq; seq--) {
      const entry = store.at(seq)
      if (entry === undefined || entry.type !== 'batch' || entry.account !== account) continue
      if (entry.createdAt < since) break
      if (entry.createdAt >= until || (from !== undefined && entry.from !== from)) continue
      const view = batchView(entry, now)
      if (statuses !== undefined && !statuses.includes(view.status)) continue
      if (records.length === perPage) {
        next = `B:${seq}`
        break
      }
      records.push(batchRecord(view, []))
    }
    return reply.type(JSON_TYPE).send({ records, paging: pagingOf(perPage, start, next) })
  })

  app.get<P & { Params: { batchId: string } }>(`${A2P}/batches/:batchId`, { schema: routeSchema('readA2PBatch'), config: config('readA2PBatch') }, async (request, reply) => {
    const account = caller(ctx, request)
    const batch = ctx.a2p.store.batch(request.params.batchId)
    if (batch === undefined || batch.account !== account) throw notFound('batchId')
    // Rejections are in the create answer only (RingCentral's docs).
    return reply.type(JSON_TYPE).send(ctx.a2p.batchRecord(batch, []))
  })

  app.get<P>(`${A2P}/messages`, { schema: routeSchema('listA2PSMS'), config: config('listA2PSMS') }, async (request, reply) => {
    const account = caller(ctx, request)
    const query = request.query
    const filter = messageFilter(ctx, query)
    const view = singleParam(query, 'view') ?? 'Simple'
    if (view !== 'Simple' && view !== 'Detailed') throw invalid('view')
    const perPage = perPageParam(query, 1000)
    const start = decodeToken(singleParam(query, 'pageToken'), 'asg', /^M:\d{1,15}:\d{1,9}$/)
    const records: Array<Record<string, unknown>> = []
    let next: string | undefined
    for (const { position, view: message } of walkMessages(ctx, account, filter, start)) {
      if (records.length === perPage) {
        next = position
        break
      }
      records.push(listRecord(message, view === 'Detailed'))
    }
    return reply.type(JSON_TYPE).send({ records, paging: pagingOf(perPage, start, next) })
  })

  app.get<P & { Params: { messageId: string } }>(`${A2P}/messages/:messageId`, { schema: routeSchema('readA2PSMS'), config: config('readA2PSMS') }, async (request, reply) => {
    const account = caller(ctx, request)
    const found = ctx.a2p.store.message(request.params.messageId)
    if (found === undefined || found.entry.account !== account) throw notFound('messageId')
    const message = found.entry.type === 'batch' ? outboundView(found.entry, found.index, ctx.now()) : inboundView(found.entry)
    return reply.type(JSON_TYPE).send(detailRecord(message))
  })

  app.get<P>(`${A2P}/statuses`, { schema: routeSchema('aggregateA2PSMSStatuses'), config: config('aggregateA2PSMSStatuses') }, async (request, reply) => {
    const account = caller(ctx, request)
    const filter = messageFilter(ctx, request.query)
    const now = ctx.now()
    const buckets = {
      queued: { count: 0, cost: 0 },
      delivered: { count: 0, cost: 0 },
      deliveryFailed: { count: 0, cost: 0, errorCodeCounts: {} as Record<string, number> },
      sent: { count: 0, cost: 0 },
      sendingFailed: { count: 0, cost: 0, errorCodeCounts: {} as Record<string, number> }
    }
    const store = ctx.a2p.store
    for (let seq = store.lastSeq; seq >= store.firstSeq; seq--) {
      const entry = store.at(seq)
      if (entry === undefined) continue
      if (entry.createdAt < filter.from) break
      if (!entryMatches(entry, account, filter)) continue
      if (entry.type === 'inbound') {
        const v = inboundView(entry)
        buckets.delivered.count++
        buckets.delivered.cost += v.cost ?? 0
        continue
      }
      for (let i = 0; i < entry.messages.length; i++) {
        if (!batchMessageMatches(entry, i, filter)) continue
        const { status } = messageState(entry, i, now)
        const bucket = buckets[STATUS_KEYS[status]]
        bucket.count++
        if (status !== 'Queued' && status !== 'SendingFailed') bucket.cost += entry.messages[i]!.segments * entry.costPerSegment
        const code = entry.messages[i]!.failure?.errorCode
        if (code !== undefined && 'errorCodeCounts' in bucket) bucket.errorCodeCounts[code] = (bucket.errorCodeCounts[code] ?? 0) + 1
      }
    }
    for (const b of Object.values(buckets)) b.cost = Math.round(b.cost * 1e6) / 1e6
    return reply.type(JSON_TYPE).send(buckets)
  })

  app.get<P>(`${A2P}/opt-outs`, { schema: routeSchema('readA2PSMSOptOuts'), config: config('readA2PSMSOptOuts') }, async (request, reply) => {
    const account = caller(ctx, request)
    const query = request.query
    const fromRaw = singleParam(query, 'from')
    const from = fromRaw !== undefined && fromRaw !== '' ? phoneParam(fromRaw) : undefined
    if (from !== undefined && from !== ANY_NUMBER && !E164.test(from)) throw invalid('from')
    const toRaw = singleParam(query, 'to')
    const to = toRaw !== undefined && toRaw !== '' ? phoneParam(toRaw) : undefined
    if (to !== undefined && !E164.test(to)) throw invalid('to')
    const status = singleParam(query, 'status') ?? 'optout'
    if (!['optout', 'optin', 'all'].includes(status)) throw invalid('status')
    const optStatus: OptStatus[] = status === 'all' ? ['OptOut', 'OptIn'] : status === 'optin' ? ['OptIn'] : ['OptOut']
    // `from=*` means any number of the account.
    const list = ctx.consents.list(account.id, {
      ...(from !== undefined && from !== ANY_NUMBER ? { from: [from, ANY_NUMBER] } : {}),
      ...(to !== undefined ? { to: [to] } : {}),
      optStatus
    })
    const page = offsetPage(list, singleParam(query, 'pageToken'), perPageParam(query, 1000), 'asg')
    if (/\btext\/csv\b/i.test(request.headers.accept ?? '')) {
      const rows = page.records.map(r => { const v = optOutView(r); return [v.from, v.to, v.status, v.source].map(x => csvCell(String(x))).join(',') })
      return reply.type('text/csv; charset=UTF-8').send(['from,to,status,source', ...rows].join('\n') + '\n')
    }
    return reply.type(JSON_TYPE).send({ records: page.records.map(optOutView), paging: page.paging })
  })

  app.post<P>(`${A2P}/opt-outs/bulk-assign`, { schema: routeSchema('addA2PSMSOptOuts'), config: config('addA2PSMSOptOuts') }, async (request, reply) => {
    const account = caller(ctx, request)
    const body = request.body as Record<string, unknown> | null
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw rc('CMN-104')
    const from = body.from
    const number = typeof from === 'string' ? ctx.world.phoneNumber(from) : undefined
    if (number === undefined || number.owner.account !== account) throw rc('CMN-101', { parameterName: 'from', message: 'Parameter [from] value is invalid.' })
    const lists = { optOuts: body.optOuts, optIns: body.optIns }
    for (const [name, list] of Object.entries(lists)) if (list !== undefined && (!Array.isArray(list) || list.some(x => typeof x !== 'string'))) throw invalid(name)
    const optOuts = (lists.optOuts ?? []) as string[]
    const optIns = (lists.optIns ?? []) as string[]
    if (optOuts.length === 0 && optIns.length === 0) throw invalid('optOuts')
    const result = (numbers: string[], optStatus: OptStatus, verb: string) => {
      const successful: string[] = []
      const failed: Array<{ to: string, errorMessage: string }> = []
      const changes = []
      for (const to of numbers) {
        if (!E164.test(to)) {
          failed.push({ to, errorMessage: `Unexpected issue on ${verb} from bulk-assign request` })
          continue
        }
        successful.push(to)
        changes.push({ accountId: account.id, from: number.phoneNumber, to, optStatus, source: 'Api' as const })
      }
      ctx.consents.apply(changes, ctx.now())
      return { successful, failed }
    }
    return reply.type(JSON_TYPE).send({
      optIns: result(optIns, 'OptIn', 'removing an opt-out'),
      optOuts: result(optOuts, 'OptOut', 'creating an opt-out')
    })
  })
}
