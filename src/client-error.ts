/**
 * Answers to requests Node's HTTP parser refuses before any route sees them (headers too large,
 * a malformed request line, a request that times out): RingCentral's error body, and never a body
 * for a HEAD request, whose answer has none by definition (a body there breaks the connection's
 * framing for the client). When the request's method cannot be read, no body is sent either.
 */
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { rc } from './errors.js'

/** Node's `clientError` error; `rawPacket` is the Buffer the parser refused. */
type ClientError = Error & { code?: string, rawPacket?: unknown }

/** The request's method, if the refused bytes start with a request line. */
function methodOf (raw: unknown): string | undefined {
  return Buffer.isBuffer(raw) ? /^([A-Z]{3,10}) /.exec(raw.subarray(0, 16).toString('latin1'))?.[1] : undefined
}

export function clientErrorHandler (error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const message = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Cannot parse request'
  const method = methodOf(error.rawPacket)
  const body = method !== undefined && method !== 'HEAD' ? JSON.stringify(rc('CMN-104', { message, status }).body('api')) : ''
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
      (body !== '' ? `Content-Type: application/json; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` : 'Content-Length: 0\r\n\r\n'))
  }
  socket.destroy()
}
