/**
 * The events layer of one world: subscriptions, what fires events (messages sent, changing status
 * on the clock, received), and their delivery by webhook or WebSocket.
 *
 * Everything here runs on the scenario clock through the scheduler: a message's status changes
 * fire `message-store` events at the instants its record shows them; retries, expiry, renewal
 * reminders, inbound messages scripted by the scenario and auto-replies are tasks at clock times.
 * Network work (a POST to a receiver, a frame on a socket) happens in real time, bounded.
 *
 * A hub lives as long as its world: `MockContext.load()` closes it (sockets, timers, waiters) and
 * builds a new one.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from '../clock.js'
import { toIso } from '../clock.js'
import { invalidParameter, rc } from '../errors.js'
import { type MessageFailure, type MessageStatus, type MessageStore, stateAt, type StoredMessage } from '../messaging/message-store.js'
import type { Session } from '../oauth/sessions.js'
import { Queue } from '../queue.js'
import { randomString } from '../random-string.js'
import type { MessagingSpec } from '../scenario/types.js'
import { type App, type Extension, normalizeNumber, type World } from '../world.js'
import { DeliveryLog, type DeliveryRecord } from './deliveries.js'
import { type Occurrence, matches, parseFilter, type ParsedFilter } from './filters.js'
import type { EventPolicies } from './policies.js'
import { Scheduler, type Task } from './scheduler.js'
import { WsRegistry } from './ws-sessions.js'
import { type Exchange, failureReason, notificationHeaders, post, validateWebhook } from './webhook.js'

export type Transport = 'WebHook' | 'WebSocket'

/** Default and largest lifetime of a webhook subscription (seconds). */
export const WEBHOOK_DEFAULT_EXPIRES_IN = 604800
export const WEBHOOK_MAX_EXPIRES_IN = 315360000
/** WebSocket subscriptions always show 24 hours and renew themselves while their session lives. */
export const WEBSOCKET_EXPIRES_IN = 86400

/** What a notification carries. */
export interface Envelope {
  uuid: string
  event: string
  timestamp: string
  subscriptionId: string
  ownerId: string
  body: unknown
}

/** A WebSocket session's side of a subscription, implemented by the gateway (websocket.ts). */
export interface WsSessionLike {
  readonly id: string
  deliver (envelope: Envelope): DeliveryRecord['outcome']
  /** The subscription bound to it was deleted or replaced. */
  unbind (subscription: Subscription): void
}

export interface Subscription {
  readonly id: string
  readonly owner: Extension
  readonly app: App
  /** The OAuth session that created it. */
  readonly sessionId: string
  readonly transport: Transport
  readonly address?: string
  readonly verificationToken?: string
  filters: ParsedFilter[]
  /** Seconds, as requested (or the default). */
  expiresIn: number
  readonly creationTime: number
  expirationTime: number
  status: 'Active' | 'Blacklisted'
  blacklistedData?: { blacklistedAt: number, reason: string }
  /** WebSocket: the session it belongs to. */
  wsSession?: WsSessionLike
  /** Webhooks: when deliveries started failing (cleared by a success). */
  failingSince?: number
  /** Webhooks: envelopes waiting to be sent, in order, and whether one is in flight. */
  /** Webhook notifications waiting to be sent, oldest first (a queue: `shift` is O(1)). */
  queue: Queue<{ envelope: Envelope, attempt: number }>
  sending: boolean
  /** Injected receiver faults (control API): the next deliveries fail this way without a request. */
  faults: Array<{ kind: 'error' | 'timeout', status: number }>
  tasks: Task[]
  ended: boolean
}

/** The subscription request, as the route has read it. */
export interface SubscriptionRequest {
  eventFilters: unknown
  deliveryMode: unknown
  expiresIn?: unknown
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** A notification's `uuid`: 19 decimal digits, the first not 0 (RingCentral's are numbers). */
const firstDigit = randomString('123456789', 1)
const otherDigits = randomString('0123456789', 18)
const notificationUuid = (): string => firstDigit() + otherDigits()

function isLoopbackHost (hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h.endsWith('.localhost') || h.startsWith('127.') || h === '::1'
}

export interface HubDependencies {
  world: World
  clock: Clock
  messages: MessageStore
  messaging: MessagingSpec | undefined
  policies: EventPolicies
  onError: (error: unknown) => void
  /** The mock's public URL, for absolute `uri`s in event bodies. */
  baseUrl: () => string
  /** Hears of every change to subscriptions, deliveries and WebSocket sessions (the change feed). */
  changed?: (topic: 'subscriptions' | 'deliveries' | 'websockets') => void
}

export class EventHub {
  readonly scheduler: Scheduler
  readonly deliveries = new DeliveryLog()
  readonly policies: EventPolicies
  /** WebSocket tokens and sessions (the gateway's side of this world). */
  readonly ws: WsRegistry
  readonly #subscriptions = new Map<string, Subscription>()
  readonly #deps: HubDependencies
  /** The status each outbound message's last `message-store` event announced. */
  readonly #announced = new WeakMap<StoredMessage, MessageStatus>()
  readonly #autoReplies: Array<NonNullable<MessagingSpec['autoReplies']>[number] & { used: number }>
  readonly #closers = new Set<() => void>()
  readonly #inboundListeners = new Set<(message: StoredMessage) => void>()
  readonly #subscribedListeners = new Set<(subscription: Subscription) => void>()
  #closed = false

  constructor (deps: HubDependencies) {
    this.#deps = deps
    this.policies = deps.policies
    this.scheduler = new Scheduler(deps.clock, deps.onError)
    this.ws = new WsRegistry(this)
    this.#autoReplies = (deps.messaging?.autoReplies ?? []).map(r => ({ ...r, used: 0 }))
    this.#scheduleScriptedInbound()
    if (deps.changed !== undefined) {
      const changed = deps.changed
      // A delivery also changes its subscription (pending, failing since, status).
      this.deliveries.onRecord(() => { changed('deliveries'); changed('subscriptions') })
    }
  }

  /** Tells the change feed (subscriptions, deliveries, WebSocket sessions). */
  changed (topic: 'subscriptions' | 'deliveries' | 'websockets'): void {
    this.#deps.changed?.(topic)
  }

  /** The scenario time: while a scheduled task runs, the time it was due (so a jump of the clock past several tasks dates each at its own instant). */
  get now (): number {
    return this.scheduler.running ?? this.#deps.clock.now()
  }

  /** Runs `close` when the hub closes (the gateway's sockets). */
  onClose (close: () => void): void {
    this.#closers.add(close)
  }

  close (): void {
    if (this.#closed) return
    this.#closed = true
    for (const close of this.#closers) {
      try {
        close()
      } catch (error) {
        this.#deps.onError(error)
      }
    }
    this.scheduler.close()
    this.deliveries.close()
    // A closed world sends nothing more: what its webhooks still had queued is dropped.
    for (const subscription of this.#subscriptions.values()) subscription.queue = new Queue()
    this.#subscriptions.clear()
  }

  // --- Subscriptions ------------------------------------------------------------------------

  get size (): number {
    return this.#subscriptions.size
  }

  all (): Subscription[] {
    return [...this.#subscriptions.values()]
  }

  get (id: string): Subscription | undefined {
    return this.#subscriptions.get(id)
  }

  /** The caller's subscriptions (the same user and app), oldest first. */
  listFor (owner: Extension, app: App): Subscription[] {
    return this.all().filter(s => s.owner === owner && s.app.clientId === app.clientId)
  }

  #parseFilters (raw: unknown, session: Session, expiresIn: number): ParsedFilter[] {
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > 1000 || !raw.every(f => typeof f === 'string' && f !== '')) throw invalidParameter('eventFilters')
    const filters = (raw as string[]).map(f => parseFilter(f, { session, expiresIn }))
    if (filters.every(f => f.kind === 'reminder')) throw rc('SUB-515')
    return filters
  }

  #expiresIn (raw: unknown, transport: Transport): number {
    if (transport === 'WebSocket') return WEBSOCKET_EXPIRES_IN
    if (raw === undefined || raw === null) return WEBHOOK_DEFAULT_EXPIRES_IN
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) throw invalidParameter('expiresIn')
    // "Maximum value: WebHook 315360000": a longer lifetime is lowered to it.
    return Math.min(raw, WEBHOOK_MAX_EXPIRES_IN)
  }

  /**
   * Creates a subscription (webhooks: after the validation handshake), or throws RingCentral's
   * refusal. `wsSession` is set when the request came over a WebSocket.
   */
  async create (session: Session, request: SubscriptionRequest, wsSession?: WsSessionLike): Promise<Subscription> {
    const mode = request.deliveryMode
    if (mode === undefined || mode === null) throw rc('CMN-100', { parameterName: 'deliveryMode' })
    if (!isObject(mode)) throw invalidParameter('deliveryMode')
    const transport = mode.transportType
    if (transport !== 'WebHook' && transport !== 'WebSocket') throw invalidParameter('deliveryMode.transportType')
    // WebSocket subscriptions are made over the WebSocket itself, not through this REST call.
    if (transport === 'WebSocket' && wsSession === undefined) throw invalidParameter('deliveryMode.transportType')
    const scope = transport === 'WebHook' ? 'SubscriptionWebhook' : 'WebSocket'
    if (!session.app.scopes.includes(scope)) throw rc('SUB-528', { permissionName: scope, template: { transport } })
    const expiresIn = this.#expiresIn(request.expiresIn, transport)
    if (request.eventFilters === undefined) throw rc('CMN-100', { parameterName: 'eventFilters' })
    const filters = this.#parseFilters(request.eventFilters, session, expiresIn)
    // A WebSocket session holds one subscription, replaced by the next one.
    const replaced = wsSession !== undefined ? this.all().find(s => s.wsSession === wsSession) : undefined
    const mine = this.listFor(session.owner, session.app).filter(s => s !== replaced)
    if (mine.length >= this.policies.subscriptionsPerUser) throw rc('SUB-505')

    const id = randomUUID()
    let address: string | undefined
    let verificationToken: string | undefined
    if (transport === 'WebHook') {
      address = this.#checkAddress(mode.address)
      const token = mode.verificationToken ?? mode.validationToken
      if (token !== undefined && (typeof token !== 'string' || token.length > 64 || !/^[\x21-\x7e]*$/.test(token))) throw invalidParameter('deliveryMode.verificationToken')
      verificationToken = token as string | undefined
      const handshake = await validateWebhook(address, this.policies.webhooks.responseTimeoutMs)
      this.#logExchange({ subscriptionId: id, kind: 'validation', address, exchange: handshake.exchange, ok: handshake.ok, handshake: handshake.summary, attempt: 1, requestBytes: 0 })
      if (!handshake.ok && handshake.error) throw handshake.error
      if (this.#closed) throw rc('CMN-500')
    }
    if (replaced) this.remove(replaced)
    const now = this.now
    const subscription: Subscription = {
      id,
      owner: session.owner,
      app: session.app,
      sessionId: session.id,
      transport,
      ...(address !== undefined ? { address } : {}),
      ...(verificationToken !== undefined ? { verificationToken } : {}),
      filters,
      expiresIn,
      creationTime: now,
      expirationTime: now + expiresIn * 1000,
      status: 'Active',
      ...(wsSession !== undefined ? { wsSession } : {}),
      queue: new Queue(),
      sending: false,
      faults: [],
      tasks: [],
      ended: false
    }
    this.#subscriptions.set(subscription.id, subscription)
    this.#schedule(subscription)
    this.changed('subscriptions')
    for (const listener of this.#subscribedListeners) listener(subscription)
    return subscription
  }

  /** Calls `listener` for every new subscription (and for new filters of one: the High Volume walkers). */
  onSubscribed (listener: (subscription: Subscription) => void): () => void {
    this.#subscribedListeners.add(listener)
    return () => this.#subscribedListeners.delete(listener)
  }

  /** Whether an active subscription of the account asks for any of these kinds of events. */
  wants (accountId: string, ...kinds: string[]): boolean {
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.status !== 'Active' || subscription.owner.account.id !== accountId) continue
      if (subscription.filters.some(f => f.disabled === undefined && kinds.includes(f.kind))) return true
    }
    return false
  }

  #checkAddress (raw: unknown): string {
    if (raw === undefined) throw rc('CMN-100', { parameterName: 'deliveryMode.address' })
    if (typeof raw !== 'string' || raw.length > 2048 || !URL.canParse(raw)) throw invalidParameter('deliveryMode.address')
    const url = new URL(raw)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidParameter('deliveryMode.address')
    if (url.username !== '' || url.password !== '') throw invalidParameter('deliveryMode.address')
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !this.policies.webhooks.allowHttp) throw rc('SUB-523')
    return raw
  }

  /** PUT: new filters and/or lifetime, and a renewal. */
  update (subscription: Subscription, session: Session, request: { eventFilters?: unknown, expiresIn?: unknown }): Subscription {
    const expiresIn = request.expiresIn !== undefined ? this.#expiresIn(request.expiresIn, subscription.transport) : subscription.expiresIn
    if (request.eventFilters !== undefined) subscription.filters = this.#parseFilters(request.eventFilters, session, expiresIn)
    subscription.expiresIn = expiresIn
    const renewed = this.renew(subscription)
    if (request.eventFilters !== undefined) for (const listener of this.#subscribedListeners) listener(subscription)
    return renewed
  }

  /** The subscription lives `expiresIn` more seconds from now (changelog 1.0.38: `expiresIn` is kept). */
  renew (subscription: Subscription): Subscription {
    subscription.expirationTime = this.now + subscription.expiresIn * 1000
    this.#schedule(subscription)
    this.changed('subscriptions')
    return subscription
  }

  remove (subscription: Subscription): void {
    if (subscription.ended) return
    subscription.ended = true
    for (const task of subscription.tasks) task.cancel()
    subscription.tasks = []
    subscription.queue = new Queue()
    this.#subscriptions.delete(subscription.id)
    subscription.wsSession?.unbind(subscription)
    this.changed('subscriptions')
  }

  /** Blacklists a webhook subscription: it delivers nothing more until deleted and created again. */
  blacklist (subscription: Subscription, reason: string): void {
    if (subscription.status === 'Blacklisted') return
    subscription.status = 'Blacklisted'
    subscription.blacklistedData = { blacklistedAt: this.now, reason }
    subscription.queue = new Queue()
    this.changed('subscriptions')
  }

  /** Expiry and renewal reminders, on the clock. WebSocket subscriptions live with their session. */
  #schedule (subscription: Subscription): void {
    for (const task of subscription.tasks) task.cancel()
    subscription.tasks = []
    if (subscription.transport === 'WebSocket') return
    const expiry = subscription.expirationTime
    subscription.tasks.push(this.scheduler.at(expiry, () => this.remove(subscription)))
    for (const filter of subscription.filters) {
      if (!filter.reminder) continue
      const { threshold, interval } = filter.reminder
      const first = expiry - threshold * 1000
      for (let at = first; at < expiry; at += interval * 1000) {
        if (at < this.now) continue
        subscription.tasks.push(this.scheduler.at(at, () => {
          this.#send(subscription, filter.given, { expiresIn: Math.max(0, Math.round((subscription.expirationTime - this.now) / 1000)) })
        }))
      }
    }
  }

  /** Seconds left: WebSocket subscriptions always show a full day while they live. */
  expiresInNow (subscription: Subscription): number {
    if (subscription.transport === 'WebSocket') return WEBSOCKET_EXPIRES_IN - 1
    return Math.max(0, Math.floor((subscription.expirationTime - this.now) / 1000))
  }

  expirationOf (subscription: Subscription): number {
    return subscription.transport === 'WebSocket' ? this.now + WEBSOCKET_EXPIRES_IN * 1000 : subscription.expirationTime
  }

  /** Ends what an OAuth session made over WebSockets (the gateway closes the sockets); webhooks stay, as they belong to the user and app. */
  sessionEnded (session: Session): void {
    this.ws.oauthEnded(session)
    for (const subscription of this.all()) {
      if (subscription.transport === 'WebSocket' && subscription.sessionId === session.id) this.remove(subscription)
    }
  }

  // --- Publishing ---------------------------------------------------------------------------

  /** Delivers an occurrence to every active subscription with a filter that asks for it (once each). */
  publish (occurrence: Occurrence): void {
    if (this.#closed) return
    let body: unknown
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.status !== 'Active' || subscription.owner.account.id !== occurrence.accountId) continue
      const filter = subscription.filters.find(f => matches(f, occurrence))
      if (!filter) continue
      body ??= occurrence.body()
      this.#send(subscription, filter.expanded, body)
    }
  }

  #send (subscription: Subscription, event: string, body: unknown): void {
    if (subscription.ended || subscription.status !== 'Active') return
    const envelope: Envelope = {
      uuid: notificationUuid(),
      event,
      timestamp: toIso(this.now),
      subscriptionId: subscription.id,
      ownerId: subscription.owner.id,
      body
    }
    if (subscription.transport === 'WebSocket') {
      const outcome = subscription.wsSession?.deliver(envelope) ?? 'dropped'
      // `delivered` is recorded by the session once the frame is on the socket.
      if (outcome !== 'delivered') {
        this.deliveries.record({ time: toIso(this.now), subscriptionId: subscription.id, transport: 'WebSocket', kind: 'notification', event, uuid: envelope.uuid, address: subscription.wsSession?.id ?? '-', outcome, attempt: 1, payload: envelope })
      }
      return
    }
    subscription.queue.push({ envelope, attempt: 1 })
    this.#drain(subscription)
  }

  /** Sends a webhook subscription's queued notifications one at a time, in order. */
  #drain (subscription: Subscription): void {
    if (this.#closed || subscription.sending || subscription.ended || subscription.status !== 'Active') return
    const next = subscription.queue.shift()
    if (!next) return
    subscription.sending = true
    this.#deliverWebhook(subscription, next.envelope, next.attempt).then(() => {
      subscription.sending = false
      this.#drain(subscription)
    }, error => {
      subscription.sending = false
      this.#deps.onError(error)
      this.#drain(subscription)
    })
  }

  async #deliverWebhook (subscription: Subscription, envelope: Envelope, attempt: number): Promise<void> {
    const address = subscription.address as string
    const body = Buffer.from(JSON.stringify(envelope))
    const fault = subscription.faults.shift()
    const exchange: Exchange = fault !== undefined
      ? (fault.kind === 'timeout'
          ? { responseBytes: 0, headers: {}, error: 'timeout', detail: 'an injected receiver timeout', latencyMs: this.policies.webhooks.responseTimeoutMs }
          : { status: fault.status, responseBytes: 0, headers: {}, latencyMs: 0 })
      : await post(address, notificationHeaders(subscription.verificationToken), body, this.policies.webhooks.responseTimeoutMs)
    if (subscription.ended || this.#closed) return
    const ok = exchange.error === undefined && exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300
    this.#logExchange({ subscriptionId: subscription.id, kind: 'notification', address, exchange, ok, attempt, requestBytes: body.length, envelope, ...(fault ? { error: `injected: ${fault.kind === 'timeout' ? 'receiver timeout' : `receiver answered ${fault.status}`}` } : {}) })
    if (ok) {
      delete subscription.failingSince
      return
    }
    const now = this.now
    subscription.failingSince ??= now
    const policy = this.policies.webhooks
    if (now - subscription.failingSince >= policy.blacklistAfterSeconds * 1000) {
      this.blacklist(subscription, failureReason(exchange))
      return
    }
    const delay = policy.retrySeconds[attempt - 1]
    if (delay === undefined) return
    subscription.tasks.push(this.scheduler.after(delay * 1000, () => {
      if (subscription.ended || subscription.status !== 'Active') return
      subscription.queue.push({ envelope, attempt: attempt + 1 })
      this.#drain(subscription)
    }))
  }

  #logExchange (o: { subscriptionId: string, kind: 'validation' | 'notification', address: string, exchange: Exchange, ok: boolean, attempt: number, requestBytes: number, envelope?: Envelope, handshake?: string, error?: string }): void {
    this.deliveries.record({
      time: toIso(this.now),
      subscriptionId: o.subscriptionId,
      transport: 'WebHook',
      kind: o.kind,
      ...(o.envelope ? { event: o.envelope.event, uuid: o.envelope.uuid, payload: o.envelope } : {}),
      address: o.address,
      outcome: o.ok ? 'delivered' : 'failed',
      ...(o.exchange.status !== undefined ? { status: o.exchange.status } : {}),
      latencyMs: o.exchange.latencyMs,
      requestBytes: o.requestBytes,
      responseBytes: o.exchange.responseBytes,
      attempt: o.attempt,
      ...(o.error !== undefined ? { error: o.error } : o.exchange.detail !== undefined ? { error: o.exchange.detail } : {}),
      ...(o.handshake !== undefined ? { handshake: o.handshake } : {})
    })
  }

  // --- Messages -----------------------------------------------------------------------------

  /** An outbound message was accepted: its store changed now, and its status will change on the clock. */
  messageSent (message: StoredMessage): void {
    this.#announced.set(message, 'Queued')
    this.#messageStoreEvent(message, { newCount: 1, updatedCount: 0, newMessageIds: [message.id] })
    this.#watch(message)
  }

  #watch (message: StoredMessage): void {
    this.scheduler.at(message.sentAt, () => this.#announce(message))
    if (message.deliveredAt !== message.sentAt) this.scheduler.at(message.deliveredAt, () => this.#announce(message))
  }

  /** Fires the `message-store` update for a status change, once per status. */
  #announce (message: StoredMessage): void {
    const status = stateAt(message, this.now).messageStatus
    if (this.#announced.get(message) === status) return
    this.#announced.set(message, status)
    this.#messageStoreEvent(message, { newCount: 0, updatedCount: 1, newMessageIds: [] })
    if (status === 'Delivered') this.#delivered(message)
  }

  /** Forces a delivery failure now (control API), and fires its update. */
  failMessage (message: StoredMessage, failure: MessageFailure): boolean {
    if (!this.#deps.messages.fail(message, failure, this.now)) return false
    this.#announce(message)
    return true
  }

  /** A delivered message reaches numbers of the world (an inbound copy) and the scenario's auto-replies. */
  #delivered (message: StoredMessage): void {
    for (const to of message.to) {
      const number = this.#deps.world.phoneNumber(to)
      if (number) this.receive({ owner: number.owner, from: message.from, to, text: message.text, attachments: message.attachments.map(({ id: _id, ...a }) => a) })
    }
    for (const reply of this.#autoReplies) {
      if (!message.to.includes(reply.from) || (reply.times !== undefined && reply.used >= reply.times)) continue
      if (reply.whenText !== undefined && !safeRegExp(reply.whenText).test(message.text)) continue
      reply.used++
      this.scheduler.at(message.deliveredAt + (reply.afterSeconds ?? 5) * 1000, () => {
        this.receive({ owner: message.owner, from: reply.from, to: message.from, text: reply.text })
      })
    }
  }

  /** An inbound SMS for `owner` (who owns `to`): stored Unread, and its events fired. */
  receive (input: { owner: Extension, from: string, to: string, text: string, attachments?: Array<{ contentType: string, fileName?: string, body: Buffer }> }): StoredMessage {
    const message = this.#deps.messages.receive({ owner: input.owner, from: input.from, to: [input.to], text: input.text, ...(input.attachments ? { attachments: input.attachments } : {}) }, this.now)
    this.#messageStoreEvent(message, { newCount: 1, updatedCount: 0, newMessageIds: [message.id] })
    this.publish({
      kind: 'instant-message',
      accountId: message.owner.account.id,
      extensionId: message.owner.id,
      attributes: { type: 'SMS' },
      body: () => this.#instantBody(message)
    })
    for (const listener of this.#inboundListeners) listener(message)
    return message
  }

  /** Calls `listener` for every inbound message (consent keywords, the dashboard). */
  onInbound (listener: (message: StoredMessage) => void): () => void {
    this.#inboundListeners.add(listener)
    return () => this.#inboundListeners.delete(listener)
  }

  /** An inbound SMS by its numbers (control API): the extension owning `to` receives it. */
  inbound (input: { from: unknown, to: unknown, text?: unknown, attachments?: unknown }): StoredMessage {
    const from = typeof input.from === 'string' ? normalizeNumber(input.from) : undefined
    if (from === undefined) throw new InboundError(`from must be a phone number such as "+16505550177" (got ${JSON.stringify(input.from)})`)
    const to = typeof input.to === 'string' ? normalizeNumber(input.to) : undefined
    if (to === undefined) throw new InboundError(`to must be a phone number of the scenario (got ${JSON.stringify(input.to)})`)
    const number = this.#deps.world.phoneNumber(to)
    if (!number) {
      const numbers = this.#deps.world.accounts.flatMap(a => a.extensions.flatMap(e => e.phoneNumbers.map(n => n.phoneNumber)))
      throw new InboundError(`no extension of scenario ${this.#deps.world.name} owns ${to}; numbers that can receive: ${numbers.join(', ') || 'none'}`)
    }
    if (input.text !== undefined && typeof input.text !== 'string') throw new InboundError('text must be a string')
    const text = (input.text as string | undefined) ?? ''
    if (text.length > 1000) throw new InboundError('text is longer than 1000 characters')
    const attachments = readAttachments(input.attachments)
    if (text === '' && attachments.length === 0) throw new InboundError('give text, attachments, or both')
    return this.receive({ owner: number.owner, from, to, text, attachments })
  }

  #messageStoreEvent (message: StoredMessage, change: { newCount: number, updatedCount: number, newMessageIds: number[] }): void {
    const owner = message.owner
    this.publish({
      kind: 'message-store',
      accountId: owner.account.id,
      extensionId: owner.id,
      attributes: { type: 'SMS', direction: message.direction },
      body: () => ({
        accountId: owner.account.id,
        extensionId: owner.id,
        lastUpdated: toIso(this.now),
        changes: [{ type: 'SMS', ...change }],
        ownerId: owner.id
      })
    })
  }

  #instantBody (message: StoredMessage): Record<string, unknown> {
    const owner = message.owner
    const baseUrl = this.#deps.baseUrl()
    const uri = `${baseUrl}/restapi/v1.0/account/${owner.account.id}/extension/${owner.id}/message-store/${message.id}`
    return {
      id: String(message.id),
      to: message.to.map(phoneNumber => ({ phoneNumber, name: owner.name, target: true })),
      from: { phoneNumber: message.from },
      type: 'SMS',
      creationTime: toIso(message.createdAt),
      lastModifiedTime: toIso(message.createdAt),
      readStatus: message.readStatus,
      priority: 'Normal',
      attachments: [
        { id: String(message.id), type: 'Text', contentType: 'text/plain' },
        ...message.attachments.map(a => ({ id: String(a.id), type: 'MmsAttachment', uri: `${uri}/content/${a.id}`, contentType: a.contentType, size: a.body.length, ...(a.fileName !== undefined ? { fileName: a.fileName } : {}) }))
      ],
      direction: 'Inbound',
      availability: 'Alive',
      subject: message.text,
      messageStatus: 'Received',
      conversation: { id: message.conversationId },
      eventType: 'Create',
      owner: { extensionId: owner.id, extensionType: 'User', name: owner.name }
    }
  }

  /** The scenario's scripted inbound messages, each at its clock time. */
  #scheduleScriptedInbound (): void {
    for (const spec of this.#deps.messaging?.inbound ?? []) {
      const at = spec.at !== undefined ? Date.parse(spec.at) : this.#deps.clock.origin + (spec.afterSeconds ?? 0) * 1000
      this.scheduler.at(at, () => {
        try {
          this.inbound(spec)
        } catch (error) {
          this.#deps.onError(error)
        }
      })
    }
  }
}

/** A refused inbound message (control API: 400 with this message). */
export class InboundError extends Error {}

function readAttachments (raw: unknown): Array<{ contentType: string, fileName?: string, body: Buffer }> {
  if (raw === undefined) return []
  if (!Array.isArray(raw) || raw.length > 10) throw new InboundError('attachments must be a list of at most 10 { contentType, content (base64), fileName? }')
  let total = 0
  return raw.map((a: unknown, i) => {
    if (!isObject(a) || typeof a.contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(a.contentType) || typeof a.content !== 'string') {
      throw new InboundError(`attachments[${i}] must be { "contentType": "image/png", "content": "<base64>", "fileName"?: "…" }`)
    }
    const body = Buffer.from(a.content, 'base64')
    total += body.length
    if (total > 1_500_000) throw new InboundError('attachments are larger than 1500000 bytes in all')
    return { contentType: a.contentType, body, ...(typeof a.fileName === 'string' ? { fileName: a.fileName.slice(0, 200) } : {}) }
  })
}

/** A scenario's `whenText` pattern; an invalid one matches nothing (the loader refuses those anyway). */
function safeRegExp (pattern: string): RegExp {
  try {
    return new RegExp(pattern)
  } catch {
    return /$^/
  }
}

