/**
 * WebSocket sessions of one world, as RingCentral's WebSocket gateway keeps them: tokens from
 * `/restapi/oauth/wstoken`, sessions with their context (`wsc`), the subscription each holds, the
 * notifications buffered while a session's socket is gone, and the idle, absolute and recovery
 * timeouts on the scenario clock. The socket side is gateway.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import { toIso } from '../clock.js'
import type { MockContext } from '../context.js'
import type { Session } from '../oauth/sessions.js'
import type { Envelope, EventHub, Subscription, WsSessionLike } from './hub.js'
import type { WebSocketPolicy } from './policies.js'
import type { Task } from './scheduler.js'

const urlSafe = (bytes: number): string => randomBytes(bytes).toString('base64url')
/** What a session context token looks like (a malformed one is WSG-400). */
export const WSC = /^[A-Za-z0-9_-]{10,200}$/

export interface WsToken {
  readonly token: string
  readonly session: Session
  readonly expiresAt: number
  /** The WebSocket session this token opened (a token opens one session, and may recover it). */
  openedSession?: WsSession
}

export type Frame = [Record<string, unknown>] | [Record<string, unknown>, unknown]

/** One connection: a socket, and the session it carries. */
export class Connection {
  readonly socket: WebSocket
  session: WsSession | undefined
  /** Requests being answered; notifications wait meanwhile. */
  pending = 0
  /** Real time (performance.now) before which no notification is sent. */
  holdUntil = 0
  readonly outbox: Array<{ envelope: Envelope, queuedAt: number }> = []
  #flushTimer: NodeJS.Timeout | undefined
  /** Incoming frames are handled one after another, in order. */
  chain: Promise<void> = Promise.resolve()
  readonly #registry: WsRegistry

  constructor (socket: WebSocket, registry: WsRegistry) {
    this.socket = socket
    this.#registry = registry
  }

  get open (): boolean {
    return this.socket.readyState === this.socket.OPEN
  }

  send (frame: Frame): boolean {
    return this.sendText(JSON.stringify(frame))
  }

  sendText (frame: string): boolean {
    if (!this.open) return false
    try {
      this.socket.send(frame)
      return true
    } catch {
      return false
    }
  }

  /** After an answer or a recovery: hold notifications for the gap, then send them. */
  hold (): void {
    this.holdUntil = performance.now() + this.#registry.policy.notificationGapMs
    this.flush()
  }

  push (envelope: Envelope): void {
    this.outbox.push({ envelope, queuedAt: performance.now() })
    this.flush()
  }

  flush (): void {
    if (this.#flushTimer !== undefined) return
    const wait = this.holdUntil - performance.now()
    if (this.pending > 0 || wait > 0) {
      if (this.pending === 0) {
        this.#flushTimer = setTimeout(() => {
          this.#flushTimer = undefined
          this.flush()
        }, Math.ceil(wait))
      }
      return
    }
    while (this.outbox.length > 0 && this.open) {
      const next = this.outbox.shift()
      if (!next) break
      this.#registry.sendNotification(this, next.envelope, performance.now() - next.queuedAt)
    }
  }

  close (): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer)
    this.#flushTimer = undefined
  }
}

/** A WebSocket session: what outlives a dropped socket until `recoveryTimeout`. */
export class WsSession implements WsSessionLike {
  readonly id = randomUUID()
  wsc = urlSafe(24)
  sequence: number
  readonly oauth: Session
  readonly createdAt: number
  lastActivity: number
  connection: Connection | undefined
  /** Notifications for a disconnected session, newest kept. */
  readonly buffer: Envelope[] = []
  disconnectedAt: number | undefined
  failNextRecovery = false
  subscription: Subscription | undefined
  ended = false
  tasks: { idle?: Task, absolute?: Task, expiry?: Task } = {}
  readonly #registry: WsRegistry

  constructor (registry: WsRegistry, oauth: Session, now: number) {
    this.#registry = registry
    this.oauth = oauth
    this.createdAt = now
    this.lastActivity = now
    this.sequence = registry.nextSequence()
  }

  deliver (envelope: Envelope): 'delivered' | 'buffered' | 'dropped' {
    if (this.ended) return 'dropped'
    const connection = this.connection
    if (connection?.open) {
      connection.push(envelope)
      return 'delivered'
    }
    this.buffer.push(envelope)
    while (this.buffer.length > this.#registry.policy.recoveryBufferSize) this.buffer.shift()
    return 'buffered'
  }

  unbind (subscription: Subscription): void {
    if (this.subscription === subscription) this.subscription = undefined
  }
}

/** The WebSocket tokens and sessions of one world (a hub's). */
export class WsRegistry {
  readonly policy: WebSocketPolicy
  readonly tokens = new Map<string, WsToken>()
  readonly sessions = new Map<string, WsSession>()
  readonly #byWsc = new Map<string, WsSession>()
  readonly #hub: EventHub
  #sequence = 0
  readonly #connections = new Set<Connection>()

  constructor (hub: EventHub) {
    this.#hub = hub
    this.policy = hub.policies.websocket
    hub.onClose(() => this.close())
  }

  get hub (): EventHub {
    return this.#hub
  }

  nextSequence (): number {
    return ++this.#sequence
  }

  issueToken (session: Session): WsToken {
    this.#sweepTokens()
    const token: WsToken = { token: urlSafe(32), session, expiresAt: this.#hub.now + this.policy.tokenTtlSeconds * 1000 }
    this.tokens.set(token.token, token)
    return token
  }

  #sweepTokens (): void {
    const now = this.#hub.now
    for (const [key, token] of this.tokens) if (now >= token.expiresAt) this.tokens.delete(key)
  }

  byWsc (wsc: string): WsSession | undefined {
    return this.#byWsc.get(wsc)
  }

  newSession (oauth: Session): WsSession {
    const session = new WsSession(this, oauth, this.#hub.now)
    this.sessions.set(session.id, session)
    this.#byWsc.set(session.wsc, session)
    session.tasks.absolute = this.#hub.scheduler.after(this.policy.absoluteTimeoutSeconds * 1000, () => this.timeout(session, 'absolute'))
    this.touch(session)
    this.#hub.changed('websockets')
    return session
  }

  /** Client activity: the idle timeout starts again. */
  touch (session: WsSession): void {
    session.lastActivity = this.#hub.now
    session.tasks.idle?.cancel()
    session.tasks.idle = this.#hub.scheduler.after(this.policy.idleTimeoutSeconds * 1000, () => this.timeout(session, 'idle'))
  }

  /** WSG-902 / WSG-903: an Error frame, then the socket closes; the session stays recoverable. */
  timeout (session: WsSession, kind: 'idle' | 'absolute'): void {
    const connection = session.connection
    if (!connection || session.ended) return
    const [code, message, close] = kind === 'idle' ? ['WSG-902', 'Idle timeout expired', 4902] : ['WSG-903', 'Absolute timeout expired', 4903]
    connection.send(errorFrame(code, message, 408))
    connection.socket.close(close, message)
  }

  /** Ends a session: its subscription goes, and a connection still open is closed. */
  end (session: WsSession, reason?: { code: string, message: string }): void {
    if (session.ended) return
    session.ended = true
    for (const task of Object.values(session.tasks)) task?.cancel()
    this.sessions.delete(session.id)
    this.#byWsc.delete(session.wsc)
    if (session.subscription) this.#hub.remove(session.subscription)
    const connection = session.connection
    if (connection?.open) {
      if (reason) connection.send(errorFrame(reason.code, reason.message, 401))
      connection.socket.close(4401, reason?.message ?? 'session ended')
    }
    this.#hub.changed('websockets')
  }

  /** An OAuth session ended (revoked, evicted): its WebSocket sessions end with it. */
  oauthEnded (oauth: Session): void {
    for (const session of [...this.sessions.values()]) if (session.oauth.id === oauth.id) this.end(session, { code: 'OAU-213', message: 'Token not found' })
    for (const [key, token] of this.tokens) if (token.session.id === oauth.id) this.tokens.delete(key)
  }

  /** A socket went away: the session waits `recoveryTimeout` to be recovered. */
  disconnected (connection: Connection): void {
    connection.close()
    this.#connections.delete(connection)
    const session = connection.session
    if (!session || session.connection !== connection) return
    session.connection = undefined
    session.disconnectedAt = this.#hub.now
    session.tasks.idle?.cancel()
    // What was queued for the socket is kept for the recovery.
    for (const { envelope } of connection.outbox) session.buffer.push(envelope)
    connection.outbox.length = 0
    session.tasks.expiry = this.#hub.scheduler.after(this.policy.recoveryTimeoutSeconds * 1000, () => this.end(session))
    this.#hub.changed('websockets')
  }

  attach (connection: Connection, session: WsSession): void {
    session.connection = connection
    connection.session = session
    delete session.disconnectedAt
    session.tasks.expiry?.cancel()
    delete session.tasks.expiry
    this.touch(session)
    this.#hub.changed('websockets')
  }

  /** A fresh session context for a session: its `wsc` changes (the sequence keeps growing). */
  renewContext (session: WsSession): void {
    this.#byWsc.delete(session.wsc)
    session.wsc = urlSafe(24)
    session.sequence = this.nextSequence()
    this.#byWsc.set(session.wsc, session)
  }

  track (connection: Connection): void {
    this.#connections.add(connection)
  }

  sendNotification (connection: Connection, envelope: Envelope, queuedMs: number): void {
    const body = JSON.stringify(envelope)
    const frame = `[${JSON.stringify({ type: 'ServerNotification', messageId: envelope.uuid, status: 200, headers: { RCRequestId: randomUUID() } })},${body}]`
    const sent = connection.sendText(frame)
    const session = connection.session
    this.#hub.deliveries.record({
      time: toIso(this.#hub.now),
      subscriptionId: envelope.subscriptionId,
      transport: 'WebSocket',
      kind: 'notification',
      event: envelope.event,
      uuid: envelope.uuid,
      address: session?.id ?? '-',
      outcome: sent ? 'delivered' : 'failed',
      latencyMs: Math.round(queuedMs * 10) / 10,
      requestBytes: Buffer.byteLength(body),
      attempt: 1,
      ...(sent ? {} : { error: 'the socket closed first' }),
      payload: envelope
    })
  }

  close (): void {
    for (const connection of [...this.#connections]) {
      connection.close()
      if (connection.open) connection.socket.close(1001, 'the scenario was replaced')
    }
    this.#connections.clear()
    this.sessions.clear()
    this.#byWsc.clear()
    this.tokens.clear()
  }
}

export function errorFrame (errorCode: string, message: string, status: number): Frame {
  return [{ type: 'Error', messageId: randomUUID(), status, headers: { RCRequestId: randomUUID() } }, { errorCode, message }]
}

export function connectionDetails (session: WsSession, policy: WebSocketPolicy, recovery?: { state: 'Successful' | 'Failed', errorCode?: string }): Frame {
  const id = randomUUID()
  return [
    { type: 'ConnectionDetails', messageId: id, status: 200, wsc: { token: session.wsc, sequence: session.sequence }, headers: { RCRequestId: id } },
    {
      creationTime: toIso(session.createdAt),
      maxConnectionsPerSession: 50,
      recoveryBufferSize: policy.recoveryBufferSize,
      recoveryTimeout: policy.recoveryTimeoutSeconds,
      idleTimeout: policy.idleTimeoutSeconds,
      absoluteTimeout: policy.absoluteTimeoutSeconds,
      maxActiveRequests: 10,
      ...(recovery ? { recoveryState: recovery.state } : {}),
      ...(recovery?.errorCode !== undefined ? { recoveryErrorCode: recovery.errorCode } : {})
    }
  ]
}

/** A secret only this process knows: it marks the REST calls the gateway makes for a socket. */
export const INTERNAL_SECRET = urlSafe(24)
export const INTERNAL_HEADER = 'x-mock-ws-session'

/** The WebSocket session a REST request was made for (over its socket), if it carries the gateway's mark. */
export function internalSession (ctx: MockContext, header: string | string[] | undefined): WsSession | undefined {
  if (typeof header !== 'string') return undefined
  const [secret, id] = header.split(' ')
  if (secret !== INTERNAL_SECRET || id === undefined) return undefined
  return ctx.events.ws.sessions.get(id)
}

