/**
 * RingCentral's WebSocket gateway (WSG), as `@rc-ex/ws` and `@ringcentral/subscriptions` use it.
 *
 * - `POST /restapi/oauth/wstoken` gives a WebSocket token and the gateway's `uri`; the client
 *   connects to `${uri}?access_token=TOKEN`, adding `&wsc=WSC` to recover a session.
 * - Every frame is a JSON array, `[meta]` or `[meta, body]`. The server speaks first:
 *   `ConnectionDetails` (with the session context `wsc`). The client sends `ClientRequest`s (a REST
 *   call over the socket: subscriptions, or any `/restapi/v1.0` call) and `Heartbeat`s; the server
 *   answers each request with a `ClientRequest` frame carrying the same `messageId`, echoes
 *   heartbeats, and pushes `ServerNotification`s.
 * - A session outlives its socket for `recoveryTimeout`: reconnecting with its `wsc` recovers it
 *   (`recoveryState: Successful`, the same subscription, missed events replayed, at most
 *   `recoveryBufferSize`); an unknown or lost one gives `Failed` and a new session on the same socket.
 * - Idle (`idleTimeout`) and absolute (`absoluteTimeout`) timeouts run on the scenario clock:
 *   an `Error` frame WSG-902 / WSG-903, then the socket closes.
 *
 * The upgrade is never refused with an HTTP error (both clients crash on that): problems are an
 * `Error` frame and a close with a 4xxx code. Frames to a client are serialised and paced: nothing
 * is pushed while one of its requests is being answered, and a gap follows each answer and each
 * recovery, as the clients need (see docs/fidelity.md, WebSocket). The `ws` library is loaded on
 * the first upgrade, so a mock that never sees a WebSocket does not pay for it.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { RawData, WebSocket, WebSocketServer } from 'ws'
import type { MockContext } from '../context.js'
import { Connection, connectionDetails, errorFrame, type Frame, INTERNAL_HEADER, INTERNAL_SECRET, WSC, type WsSession } from './ws-sessions.js'

/** The gateway's path on the mock's own port. */
export const GATEWAY_PATH = '/ws'

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'])
/** Headers a client may pass through a ClientRequest (the rest are the gateway's to set). */
const PASSED = /^(x-user-agent|accept|accept-language|x-rc-[\w-]+)$/i

/** Attaches the gateway to the fastify server's upgrades. */
export function installGateway (app: FastifyInstance, ctx: MockContext): void {
  let wss: Promise<WebSocketServer> | undefined
  const server = app.server as Server

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== GATEWAY_PATH && url.pathname !== `${GATEWAY_PATH}/`) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    socket.on('error', () => {})
    wss ??= import('ws').then(({ WebSocketServer }) => new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 }))
    wss.then(gateway => {
      if (socket.destroyed) return
      gateway.handleUpgrade(request, socket, head, ws => { connected(ws, url) })
    }, error => {
      ctx.reportError(error)
      socket.destroy()
    })
  }
  server.on('upgrade', onUpgrade)
  app.addHook('onClose', (_instance, done) => {
    server.off('upgrade', onUpgrade)
    if (!wss) {
      done()
      return
    }
    wss.then(gateway => {
      for (const client of gateway.clients) client.terminate()
      gateway.close(() => done())
    }, () => done())
  })

  function connected (socket: WebSocket, url: URL): void {
    const registry = ctx.events.ws
    const hub = registry.hub
    const connection = new Connection(socket, registry)
    registry.track(connection)
    socket.on('error', () => {})
    socket.on('close', () => registry.disconnected(connection))
    const refuse = (code: string, message: string, close: number): void => {
      connection.send(errorFrame(code, message, close === 4400 ? 400 : 401))
      socket.close(close, message)
    }
    const tokenText = url.searchParams.get('access_token')
    if (tokenText === null || tokenText === '') {
      refuse('WSG-400', 'Missing WebSocket access token (?access_token=)', 4400)
      return
    }
    const token = registry.tokens.get(tokenText)
    if (!token || hub.now >= token.expiresAt || token.session.ended) {
      refuse('WSG-401', token ? 'Unauthorized: the WebSocket token has expired' : 'Unauthorized: unknown WebSocket token', 4401)
      return
    }
    const wsc = url.searchParams.get('wsc')
    let session: WsSession
    let recovery: { state: 'Successful' | 'Failed', errorCode?: string } | undefined
    if (wsc !== null) {
      if (!WSC.test(wsc)) {
        refuse('WSG-400', 'Malformed WebSocket session context token', 4400)
        return
      }
      const known = registry.byWsc(wsc)
      if (known && !known.ended && known.oauth === token.session && !known.failNextRecovery) {
        // Taken over from a socket still open, or recovered within the recovery timeout.
        const previous = known.connection
        if (previous && previous !== connection) {
          previous.session = undefined
          previous.socket.close(4409, 'session recovered on another connection')
        }
        session = known
        registry.renewContext(session)
        recovery = { state: 'Successful' }
      } else {
        if (known && known.failNextRecovery) registry.end(known)
        recovery = { state: 'Failed', errorCode: known && known.oauth !== token.session ? 'WSG-1003' : 'WSG-1005' }
        session = registry.newSession(token.session)
      }
    } else {
      if (token.openedSession && !token.openedSession.ended) {
        refuse('WSG-401', 'Unauthorized: this WebSocket token has opened a session already; recover it with its wsc, or get a new token', 4401)
        return
      }
      session = registry.newSession(token.session)
    }
    token.openedSession ??= session
    registry.attach(connection, session)
    connection.send(connectionDetails(session, registry.policy, recovery))
    if (recovery?.state === 'Successful') {
      for (const envelope of session.buffer.splice(0)) connection.outbox.push({ envelope, queuedAt: performance.now() })
    } else {
      session.buffer.length = 0
    }
    connection.hold()

    socket.on('message', (data: RawData, isBinary: boolean) => {
      connection.chain = connection.chain.then(async () => { await handle(connection, data, isBinary) }, () => {})
    })
  }

  async function handle (connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
    const registry = ctx.events.ws
    const session = connection.session
    if (!session || session.ended) return
    registry.touch(session)
    let frame: unknown
    try {
      frame = JSON.parse((Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8'))
    } catch {
      frame = undefined
    }
    const [meta, body] = Array.isArray(frame) ? frame as [unknown, unknown] : []
    if (isBinary || !Array.isArray(frame) || meta === null || typeof meta !== 'object') {
      connection.send(errorFrame('WSG-400', 'Malformed message: a frame is a JSON array [meta] or [meta, body]', 400))
      return
    }
    const m = meta as Record<string, unknown>
    const messageId = typeof m.messageId === 'string' && m.messageId.length <= 256 ? m.messageId : undefined
    if (m.type === 'Heartbeat') {
      connection.send([{ type: 'Heartbeat', messageId: messageId ?? randomUUID(), status: 200 }])
      return
    }
    if (m.type !== 'ClientRequest' || messageId === undefined) {
      connection.send(errorFrame('WSG-400', `Malformed message: unknown type ${JSON.stringify(String(m.type)).slice(0, 60)}, or no messageId`, 400))
      return
    }
    connection.pending++
    try {
      connection.send(await clientRequest(session, messageId, m, body))
    } finally {
      connection.pending--
      connection.hold()
    }
  }

  /** A REST call over the socket, answered by the mock's own routes (auth, rules, journal included). */
  async function clientRequest (session: WsSession, messageId: string, meta: Record<string, unknown>, body: unknown): Promise<Frame> {
    const method = typeof meta.method === 'string' ? meta.method.toUpperCase() : ''
    const rawPath = typeof meta.path === 'string' ? meta.path : ''
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): Frame => {
      const head = { type: 'ClientRequest', messageId, status, headers: { 'Content-Type': 'application/json', RCRequestId: randomUUID(), ...headers } }
      return payload === undefined ? [head] : [head, payload]
    }
    if (!METHODS.has(method) || !rawPath.startsWith('/restapi/') || rawPath.startsWith('/restapi/oauth/') || rawPath.length > 2048) {
      return reply(400, { errorCode: 'CMN-101', message: 'Parameter [path] value is invalid.', errors: [{ errorCode: 'CMN-101', message: 'Parameter [path] value is invalid.', parameterName: 'path' }], parameterName: 'path' })
    }
    const path = rawPath.length > 1 ? rawPath.replace(/\/+(\?|$)/, '$1') : rawPath
    const query = meta.query !== null && typeof meta.query === 'object' ? meta.query as Record<string, unknown> : undefined
    const search = query ? new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, String(x)]))).toString() : ''
    const headers: Record<string, string> = { [INTERNAL_HEADER]: `${INTERNAL_SECRET} ${session.id}` }
    const given = meta.headers !== null && typeof meta.headers === 'object' ? meta.headers as Record<string, unknown> : {}
    for (const [name, value] of Object.entries(given)) if (PASSED.test(name) && typeof value === 'string') headers[name.toLowerCase()] = value.slice(0, 512)
    const hasBody = body !== undefined && method !== 'GET' && method !== 'DELETE'
    if (hasBody) headers['content-type'] = 'application/json'
    const res = await app.inject({
      method: method as 'GET',
      url: `${path}${search ? `${path.includes('?') ? '&' : '?'}${search}` : ''}`,
      headers,
      ...(hasBody ? { payload: JSON.stringify(body) } : {})
    })
    let payload: unknown
    if (res.body !== '') {
      try {
        payload = JSON.parse(res.body)
      } catch {
        payload = res.body
      }
    }
    const type = res.headers['content-type']
    const requestId = res.headers.rcrequestid
    return reply(res.statusCode, payload, {
      ...(typeof type === 'string' ? { 'Content-Type': type } : {}),
      ...(typeof requestId === 'string' ? { RCRequestId: requestId } : {})
    })
  }
}
