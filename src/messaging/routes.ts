/**
 * The messaging routes: phone numbers, sending SMS, and the message store.
 *
 *   GET  …/extension/{extensionId}/phone-number                              listExtensionPhoneNumbers
 *   POST …/extension/{extensionId}/sms                                       createSMSMessage
 *   GET  …/extension/{extensionId}/message-store                             listMessages
 *   GET  …/extension/{extensionId}/message-store/{messageId}                 readMessage
 *   GET  …/extension/{extensionId}/message-store/{messageId}/content/{id}    readMessageContent
 *
 * `/sms` takes `application/json` (the JS SDK), `multipart/form-data` with a `request.json` part
 * (`@rc-ex/core`) and `multipart/mixed`; the multipart parser is registered in this plugin's scope only.
 */
import type { FastifyInstance } from 'fastify'
import { baseUrlOf } from '../api/base-url.js'
import { authenticate, requireScope } from '../api/bearer.js'
import { phoneNumberRoutes } from '../api/phone-number.js'
import { resolveExtension } from '../api/resolve.js'
import type { MockContext } from '../context.js'
import { routeSchema } from '../openapi.js'
import { invalidParameter, notFound, rc } from '../errors.js'
import { normalizeNumber } from '../world.js'
import { stringifyExact } from './json.js'
import { boundaryOf, MultipartError, parseMultipart } from './multipart.js'
import { many, navigation, pageRequest, paging, type Query, queryString, single } from './paging.js'
import { requireUserPermission } from './permissions.js'
import type { StoredMessage } from './message-store.js'
import type { ReadonlyQueue } from '../queue.js'
import { creationTimeOf, messageInfo, messageStoreUri } from './render.js'
import { checkSms, MultipartBody, readSmsBody } from './sms.js'

const EXT = '/restapi/v1.0/account/:accountId/extension/:extensionId'
const DAY_MS = 24 * 60 * 60 * 1000
const JSON_TYPE = 'application/json; charset=UTF-8'

type ExtParams = { accountId: string, extensionId: string }

const AVAILABILITY = ['Alive', 'Deleted', 'Purged'] as const
const MESSAGE_TYPES = ['Fax', 'SMS', 'VoiceMail', 'Pager', 'Text'] as const
const DIRECTIONS = ['Inbound', 'Outbound'] as const
const READ_STATUSES = ['Read', 'Unread'] as const

function dateParam (query: Query, name: string): number | undefined {
  const raw = single(query, name)
  if (raw === undefined) return undefined
  const ms = Date.parse(raw)
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(ms)) throw invalidParameter(name)
  return ms
}

function booleanParam (query: Query, name: string): boolean | undefined {
  const raw = single(query, name)
  if (raw === undefined) return undefined
  if (raw !== 'true' && raw !== 'false') throw invalidParameter(name)
  return raw === 'true'
}

export async function messagingRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  app.addContentTypeParser(/^multipart\/(?:form-data|mixed)(?:\s*;|$)/i, { parseAs: 'buffer' }, (request, body, done) => {
    const boundary = boundaryOf(request.headers['content-type'] ?? '')
    if (boundary === undefined) return done(rc('CMN-104'), undefined)
    try {
      done(null, new MultipartBody(parseMultipart(body as Buffer, boundary)))
    } catch (error) {
      done(error instanceof MultipartError ? rc('CMN-104') : error as Error, undefined)
    }
  })

  await phoneNumberRoutes(app, { ctx })

  app.post<{ Params: ExtParams }>(`${EXT}/sms`, { schema: routeSchema('createSMSMessage'), config: { operationId: 'createSMSMessage', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    requireScope(session, 'SMS')
    const sender = resolveExtension(session, request.params.accountId, request.params.extensionId)
    requireUserPermission(session, sender, 'OutboundSMS')
    const input = checkSms(ctx.world, ctx.messages, sender, readSmsBody(request.body))
    const message = ctx.messages.send(input, ctx.now(), to => ctx.consents.optedOut(sender.account.id, input.from, to))
    ctx.events.messageSent(message)
    return reply.type(JSON_TYPE).send(stringifyExact(messageInfo(baseUrlOf(ctx, request), message, ctx.now())))
  })

  app.get<{ Params: ExtParams }>(`${EXT}/message-store`, { schema: routeSchema('listMessages'), config: { operationId: 'listMessages', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    requireScope(session, 'ReadMessages')
    const owner = resolveExtension(session, request.params.accountId, request.params.extensionId)
    requireUserPermission(session, owner, 'ReadMessages')

    const query = request.query as Query
    const availability = many(query, 'availability', AVAILABILITY) ?? ['Alive']
    const messageType = many(query, 'messageType', MESSAGE_TYPES)
    const direction = many(query, 'direction', DIRECTIONS)
    const readStatus = many(query, 'readStatus', READ_STATUSES)
    const conversationId = single(query, 'conversationId')
    if (conversationId !== undefined && !/^\d{1,19}$/.test(conversationId)) throw invalidParameter('conversationId')
    const phoneNumber = single(query, 'phoneNumber')
    const phoneE164 = phoneNumber !== undefined ? normalizeNumber(phoneNumber) ?? phoneNumber : undefined
    const distinct = booleanParam(query, 'distinctConversations')
    const dateToGiven = dateParam(query, 'dateTo')
    const now = ctx.now()
    const dateTo = dateToGiven ?? now
    // "The default value is dateTo minus 24 hours".
    const dateFrom = dateParam(query, 'dateFrom') ?? dateTo - DAY_MS
    const page = pageRequest(query, { maxPerPage: 1000, clamp: true })

    // Newest first, within [dateFrom, dateTo] (creation times in whole seconds). The owner's list
    // is in creation order (unless the clock went back): the window's ends are found by binary
    // search, and without other filters the page is read straight out of the window, so a page
    // costs about its own length whatever the store holds.
    const list = ctx.messages.list(owner)
    const sorted = ctx.messages.inTimeOrder(owner)
    const lo = sorted ? firstIndex(list, m => creationTimeOf(m) >= dateFrom) : 0
    const hi = sorted ? firstIndex(list, m => creationTimeOf(m) > dateTo) - 1 : list.length - 1
    const filtered = !availability.includes('Alive') || (messageType !== undefined && !messageType.includes('SMS')) ||
      direction !== undefined || readStatus !== undefined || conversationId !== undefined || phoneE164 !== undefined || distinct === true || !sorted
    const window = {
      length: Math.max(0, hi - lo + 1),
      at: (i: number): StoredMessage => list.at(hi - i)!
    }
    let matching: { length: number, at: (i: number) => StoredMessage } = window
    if (filtered) {
      const seen = new Set<string>()
      const found: StoredMessage[] = []
      for (let i = 0; i < window.length; i++) {
        const m = window.at(i)
        const created = creationTimeOf(m)
        if (availability.includes('Alive') &&
          (messageType === undefined || messageType.includes('SMS')) &&
          (direction === undefined || direction.includes(m.direction)) &&
          (readStatus === undefined || readStatus.includes(m.readStatus)) &&
          (conversationId === undefined || m.conversationId === conversationId) &&
          (phoneE164 === undefined || m.from === phoneE164 || m.to.includes(phoneE164)) &&
          created >= dateFrom && created <= dateTo &&
          (!distinct || (!seen.has(m.conversationId) && seen.add(m.conversationId) !== undefined))) found.push(m)
      }
      matching = { length: found.length, at: i => found[i]! }
    }

    const baseUrl = baseUrlOf(ctx, request)
    // The request echoed with RingCentral's defaults filled in (availability, dateFrom, page, perPage).
    const uriFor = (p: number): string => messageStoreUri(baseUrl, owner) + queryString([
      ['conversationId', conversationId],
      ...(messageType ?? []).map((v): [string, string] => ['messageType', v]),
      ...(direction ?? []).map((v): [string, string] => ['direction', v]),
      ['distinctConversations', distinct],
      ...(readStatus ?? []).map((v): [string, string] => ['readStatus', v]),
      ['phoneNumber', phoneNumber],
      ...availability.map((v): [string, string] => ['availability', v]),
      ['dateFrom', new Date(dateFrom).toISOString()],
      ['dateTo', dateToGiven !== undefined ? new Date(dateToGiven).toISOString() : undefined],
      ['page', p],
      ['perPage', page.perPage]
    ])
    const start = (page.page - 1) * page.perPage
    return reply.type(JSON_TYPE).send(stringifyExact({
      uri: uriFor(page.page),
      records: pageOf(matching, start, page.perPage).map(m => messageInfo(baseUrl, m, now)),
      paging: paging(matching.length, page),
      navigation: navigation(uriFor, matching.length, page)
    }))
  })

  app.get<{ Params: ExtParams & { messageId: string } }>(`${EXT}/message-store/:messageId`, { schema: routeSchema('readMessage'), config: { operationId: 'readMessage', dialect: 'api' } }, async (request, reply) => {
    const session = authenticate(ctx, request)
    requireScope(session, 'ReadMessages')
    const owner = resolveExtension(session, request.params.accountId, request.params.extensionId)
    requireUserPermission(session, owner, 'ReadMessages')
    const id = request.params.messageId
    const message = /^\d{1,15}$/.test(id) ? ctx.messages.get(owner, Number(id)) : undefined
    if (!message) throw notFound('messageId')
    return reply.type(JSON_TYPE).send(stringifyExact(messageInfo(baseUrlOf(ctx, request), message, ctx.now())))
  })

  app.get<{ Params: ExtParams & { messageId: string, attachmentId: string } }>(
    `${EXT}/message-store/:messageId/content/:attachmentId`,
    { schema: routeSchema('readMessageContent'), config: { operationId: 'readMessageContent', dialect: 'api' } },
    async (request, reply) => {
      const session = authenticate(ctx, request)
      requireScope(session, 'ReadMessages')
      const owner = resolveExtension(session, request.params.accountId, request.params.extensionId)
      requireUserPermission(session, owner, 'ReadMessages')
      const { messageId, attachmentId } = request.params
      const message = /^\d{1,15}$/.test(messageId) ? ctx.messages.get(owner, Number(messageId)) : undefined
      if (!message) throw notFound('messageId')
      if (attachmentId === String(message.id)) return reply.type('text/plain; charset=UTF-8').send(message.text)
      const attachment = message.attachments.find(a => String(a.id) === attachmentId)
      if (!attachment) throw notFound('attachmentId')
      return reply.type(attachment.contentType).send(attachment.body)
    }
  )
}

/** The first position whose item passes `test` (items that pass come after those that do not). */
function firstIndex (list: ReadonlyQueue<StoredMessage>, test: (m: StoredMessage) => boolean): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (test(list.at(mid)!)) hi = mid
    else lo = mid + 1
  }
  return lo
}

function pageOf (matching: { length: number, at: (i: number) => StoredMessage }, start: number, perPage: number): StoredMessage[] {
  const out: StoredMessage[] = []
  for (let i = start; i < Math.min(matching.length, start + perPage); i++) out.push(matching.at(i))
  return out
}
