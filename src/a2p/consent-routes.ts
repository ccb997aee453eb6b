/**
 * The v2 consent API (`/restapi/v2/accounts/{accountId}/sms/consents`, app permission SMS, the v2
 * error dialect `{errors: [...]}`), on the consent store ordinary and High Volume SMS share:
 *
 *   GET    …/sms/consents           listSmsConsentRecords (optStatus defaults to OptOut)
 *   PATCH  …/sms/consents           editSmsConsentRecords
 *   DELETE …/sms/consents           deleteSmsConsentRecords (in RingCentral's 2025 spec, gone since)
 *   POST   …/sms/consents/search    searchSmsConsentRecords
 *   GET    …/sms/consents/export    exportSmsConsentRecords (text/csv)
 *   GET    …/sms/consents/history   listSmsConsentHistoryRecords
 *
 * Every 200 has an `ETag`. `perPage` defaults to 100 and must be 1..1000 (RingCentral's schema).
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authenticate, requireScope } from '../api/bearer.js'
import { resolveAccount } from '../api/resolve.js'
import type { MockContext } from '../context.js'
import { rc } from '../errors.js'
import { routeSchema } from '../openapi.js'
import type { Account } from '../world.js'
import {
  ANY_NUMBER, CAMPAIGN_TYPES, COVERAGES, OPT_SOURCES, OPT_STATUSES,
  type CampaignType, type ConsentChange, type ConsentFilter, type Coverage, type OptSource, type OptStatus
} from './consent.js'
import { offsetPage } from './paging.js'
import { listParam, perPageParam, phoneParam, singleParam } from './routes.js'
import { consentView, isoMicro } from './service.js'

const CONSENTS = '/restapi/v2/accounts/:accountId/sms/consents'
const JSON_TYPE = 'application/json; charset=UTF-8'
const E164 = /^\+[1-9]\d{1,14}$/

type Query = Record<string, string | string[] | undefined>

const invalid = (parameterName: string, parameterValue?: unknown) =>
  rc('CMN-101', { parameterName, ...(typeof parameterValue === 'string' ? { parameterValue } : {}) })

function caller (ctx: MockContext, request: FastifyRequest<{ Params: { accountId: string } }>): Account {
  const session = authenticate(ctx, request)
  requireScope(session, 'SMS')
  return resolveAccount(session, request.params.accountId)
}

/** Sends JSON with the ETag every v2 consent answer carries. */
function withETag (reply: FastifyReply, body: string, type = JSON_TYPE): FastifyReply {
  const tag = `"${createHash('sha1').update(body).digest('base64url')}"`
  return reply.header('ETag', tag).type(type).send(body)
}

/** Case-insensitive enum values (`phoneNumber` → `PhoneNumber`, as RingCentral's samples send). */
function enumValue<T extends string> (allowed: readonly T[], value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined
  return allowed.find(a => a.toLowerCase() === value.toLowerCase())
}

function enumQuery<T extends string> (query: Query, name: string, allowed: readonly T[]): T[] | undefined {
  const values = listParam(query, name)
  if (values === undefined) return undefined
  return values.map(v => enumValue(allowed, v) ?? (() => { throw invalid(name, v) })())
}

function phoneQuery (query: Query, name: string, max: number): string[] | undefined {
  const values = listParam(query, name)?.map(phoneParam)
  if (values === undefined) return undefined
  if (values.length > max) throw invalid(name)
  for (const v of values) if (!E164.test(v) && !(name === 'from' && v === ANY_NUMBER)) throw invalid(name, v)
  return values
}

/** A record of a PATCH body, checked; the reason when it is refused (it goes to failedRecords). */
function readRecord (ctx: MockContext, account: Account, raw: unknown): { change?: Omit<ConsentChange, 'at'>, problem?: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { problem: 'record' }
  const r = raw as Record<string, unknown>
  const from = r.from
  if (typeof from !== 'string' || (from !== ANY_NUMBER && (!E164.test(from) || ctx.world.phoneNumber(from)?.owner.account !== account))) return { problem: 'from' }
  if (typeof r.to !== 'string' || !E164.test(r.to)) return { problem: 'to' }
  const optStatus = enumValue(OPT_STATUSES, r.optStatus)
  if (optStatus === undefined) return { problem: 'optStatus' }
  const source = enumValue(OPT_SOURCES, r.source)
  if (source === undefined) return { problem: 'source' }
  const coverage = r.coverage !== undefined ? enumValue(COVERAGES, r.coverage) : undefined
  if (r.coverage !== undefined && coverage === undefined) return { problem: 'coverage' }
  const campaignType = r.campaignType !== undefined ? enumValue(CAMPAIGN_TYPES, r.campaignType) : undefined
  if (r.campaignType !== undefined && campaignType === undefined) return { problem: 'campaignType' }
  return { change: { accountId: account.id, from, to: r.to, optStatus, source, ...(coverage ? { coverage } : {}), ...(campaignType ? { campaignType } : {}) } }
}

function recordsOf (body: unknown): unknown[] {
  const records = (body as { records?: unknown } | null)?.records
  if (!Array.isArray(records)) throw rc('CMN-100', { parameterName: 'records' })
  if (records.length === 0 || records.length > 1000) throw invalid('records')
  return records
}

const CSV_HEADER = ['External Party Number', 'Internal Party Number', 'Consent Status', 'Source', 'Coverage', 'Campaign Type', 'Notes', 'Last Modified Time']
const csvCell = (value: string): string => /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value

export async function consentRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  type P = { Params: { accountId: string }, Querystring: Query }
  const config = (operationId: string) => ({ operationId, dialect: 'v2' as const })

  const list = (account: Account, filter: ConsentFilter, token: string | undefined, perPage: number): string => {
    const page = offsetPage(ctx.consents.list(account.id, filter), token, perPage, 'v2')
    return JSON.stringify({ records: page.records.map(consentView), paging: page.paging })
  }

  app.get<P>(CONSENTS, { schema: routeSchema('listSmsConsentRecords'), config: config('listSmsConsentRecords') }, async (request, reply) => {
    const account = caller(ctx, request)
    const q = request.query
    const from = phoneQuery(q, 'from', 1000)
    const to = phoneQuery(q, 'to', 1000)
    const coverage = enumQuery<Coverage>(q, 'coverage', COVERAGES)
    const campaignType = enumQuery<CampaignType>(q, 'campaignType', CAMPAIGN_TYPES)
    const filter: ConsentFilter = {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      optStatus: enumQuery<OptStatus>(q, 'optStatus', OPT_STATUSES) ?? ['OptOut'],
      ...(coverage ? { coverage } : {}),
      ...(campaignType ? { campaignType } : {})
    }
    return withETag(reply, list(account, filter, singleParam(q, 'pageToken'), perPageParam(q, 100, 1000, 'refuse')))
  })

  app.post<P>(`${CONSENTS}/search`, { schema: routeSchema('searchSmsConsentRecords'), config: config('searchSmsConsentRecords') }, async (request, reply) => {
    const account = caller(ctx, request)
    const body = request.body
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw rc('CMN-100', { parameterName: 'body' })
    const b = body as Record<string, unknown>
    const phones = (name: 'from' | 'to'): string[] | undefined => {
      const v = b[name]
      if (v === undefined) return undefined
      if (!Array.isArray(v) || v.length === 0 || v.length > 20 || v.some(x => typeof x !== 'string' || (!E164.test(x) && !(name === 'from' && x === ANY_NUMBER)))) throw invalid(name)
      return v as string[]
    }
    const enums = <T extends string>(name: string, allowed: readonly T[]): T[] | undefined => {
      const v = b[name]
      if (v === undefined) return undefined
      if (!Array.isArray(v) || v.length === 0) throw invalid(name)
      return v.map(x => enumValue(allowed, x) ?? (() => { throw invalid(name) })())
    }
    const optStatus = b.optStatus !== undefined ? enumValue(OPT_STATUSES, b.optStatus) : undefined
    if (b.optStatus !== undefined && optStatus === undefined) throw invalid('optStatus')
    if (b.perPage !== undefined && (!Number.isInteger(b.perPage) || (b.perPage as number) < 1 || (b.perPage as number) > 1000)) throw invalid('perPage')
    if (b.pageToken !== undefined && typeof b.pageToken !== 'string') throw invalid('pageToken')
    const from = phones('from')
    const to = phones('to')
    const coverage = enums('coverage', COVERAGES)
    const campaignType = enums('campaignType', CAMPAIGN_TYPES)
    const filter: ConsentFilter = {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      // As the list's default: without optStatus, the opt-outs.
      optStatus: [optStatus ?? 'OptOut'],
      ...(coverage ? { coverage } : {}),
      ...(campaignType ? { campaignType } : {})
    }
    return withETag(reply, list(account, filter, b.pageToken as string | undefined, (b.perPage as number | undefined) ?? 100))
  })

  app.patch<P>(CONSENTS, { schema: routeSchema('editSmsConsentRecords'), config: config('editSmsConsentRecords') }, async (request, reply) => {
    const account = caller(ctx, request)
    const failedRecords: Array<Record<string, unknown>> = []
    const changes: Array<Omit<ConsentChange, 'at'>> = []
    for (const raw of recordsOf(request.body)) {
      const { change, problem } = readRecord(ctx, account, raw)
      if (change) changes.push(change)
      else failedRecords.push({ ...(raw !== null && typeof raw === 'object' ? raw : {}), error: { errorCode: 'CMN-101', message: `Parameter [${problem ?? 'record'}] value is invalid.` } })
    }
    ctx.consents.apply(changes, ctx.now())
    return withETag(reply, JSON.stringify(failedRecords.length > 0 ? { failedRecords } : {}))
  })

  app.delete<P>(CONSENTS, { schema: routeSchema('deleteSmsConsentRecords'), config: config('deleteSmsConsentRecords') }, async (request, reply) => {
    const account = caller(ctx, request)
    const failedRecords: Array<Record<string, unknown>> = []
    const pairs: Array<{ from: string, to: string }> = []
    for (const raw of recordsOf(request.body)) {
      const r = (raw ?? {}) as Record<string, unknown>
      if (typeof r.from !== 'string' || typeof r.to !== 'string') {
        failedRecords.push({ ...r, error: { errorCode: 'CMN-101', message: `Parameter [${typeof r.from !== 'string' ? 'from' : 'to'}] value is invalid.` } })
        continue
      }
      pairs.push({ from: r.from, to: r.to })
    }
    const removed = ctx.consents.remove(account.id, pairs)
    for (const p of pairs) {
      if (!removed.some(r => r.from === p.from && r.to === p.to)) failedRecords.push({ ...p, error: { errorCode: 'CMN-102', message: 'Resource for parameter [records] is not found' } })
    }
    return withETag(reply, JSON.stringify(failedRecords.length > 0 ? { failedRecords } : {}))
  })

  app.get<P>(`${CONSENTS}/export`, { schema: routeSchema('exportSmsConsentRecords'), config: config('exportSmsConsentRecords') }, async (request, reply) => {
    const account = caller(ctx, request)
    const rows = ctx.consents.list(account.id).map(r => [
      r.to, r.from, r.optStatus, r.source,
      // "Account is returned as Company".
      r.from === ANY_NUMBER || r.coverage === 'Account' ? 'Company' : r.coverage ?? 'PhoneNumber',
      r.campaignType ?? '', '', isoMicro(r.lastModifiedTime)
    ].map(csvCell).join(','))
    return withETag(reply, [CSV_HEADER.join(','), ...rows].join('\n') + '\n', 'text/csv; charset=UTF-8')
  })

  app.get<P>(`${CONSENTS}/history`, { schema: routeSchema('listSmsConsentHistoryRecords'), config: config('listSmsConsentHistoryRecords') }, async (request, reply) => {
    const account = caller(ctx, request)
    const q = request.query
    const to = phoneQuery(q, 'to', 20)
    const history = ctx.consents.history(account.id, to)
    const page = offsetPage(history, singleParam(q, 'pageToken'), perPageParam(q, 100, 1000, 'refuse'), 'v2')
    const records = page.records.map(c => ({
      from: c.from,
      to: c.to,
      optStatus: c.optStatus,
      source: c.source as OptSource,
      ...(c.coverage !== undefined ? { coverage: c.coverage } : {}),
      ...(c.campaignType !== undefined ? { campaignType: c.campaignType } : {}),
      createdAt: isoMicro(c.at)
    }))
    return withETag(reply, JSON.stringify({ records, paging: page.paging }))
  })
}
