/**
 * The webhook transport on the wire: the validation handshake RingCentral makes when a webhook
 * subscription is created, and the POST of each notification.
 *
 * The mock only ever sends to the address a subscription names. Every exchange is bounded in real
 * time (`responseTimeoutMs`, RingCentral's 3000 ms by default) and in size (an answer is read up to
 * a cap and then cut), so a receiver that hangs or answers megabytes never stalls a delivery queue.
 */
import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { randomBytes } from 'node:crypto'
import { rc, type RcError } from '../errors.js'

/** The whole answer to the validation handshake (status line, headers, body) must fit in this. */
export const MAX_VALIDATION_RESPONSE_BYTES = 1024
/** How much of a notification's answer is read. */
const MAX_READ_BYTES = 64 * 1024

export const WEBHOOK_USER_AGENT = 'RingCentral-Webhook/8.3'

export interface Exchange {
  /** The answer's status, if there was an answer. */
  status?: number
  /** Bytes of the answer: status line, headers and the body read. */
  responseBytes: number
  headers: IncomingMessage['headers']
  /** Set when the exchange failed below HTTP (refused, reset, timed out, answer too large). */
  error?: 'timeout' | 'refused' | 'network' | 'too-large'
  detail?: string
  latencyMs: number
}

/** One POST, bounded in time and size. */
export async function post (address: string, headers: Record<string, string>, body: Buffer, timeoutMs: number, maxBytes = MAX_READ_BYTES): Promise<Exchange> {
  const started = performance.now()
  const url = new URL(address)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return await new Promise<Exchange>(resolve => {
    let settled = false
    const finish = (exchange: Omit<Exchange, 'latencyMs'>): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ ...exchange, latencyMs: Math.round((performance.now() - started) * 10) / 10 })
    }
    const req = send(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, agent: false }, res => {
      let size = Buffer.byteLength(`HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}\r\n`) + 2
      for (let i = 0; i < res.rawHeaders.length; i += 2) size += Buffer.byteLength(`${res.rawHeaders[i] ?? ''}: ${res.rawHeaders[i + 1] ?? ''}\r\n`)
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          res.destroy()
          finish({ status: res.statusCode ?? 0, responseBytes: size, headers: res.headers, error: 'too-large', detail: `the answer is larger than ${maxBytes} bytes` })
        }
      })
      res.on('end', () => finish({ status: res.statusCode ?? 0, responseBytes: size, headers: res.headers }))
      res.on('error', (error: Error) => finish({ status: res.statusCode ?? 0, responseBytes: size, headers: res.headers, error: 'network', detail: error.message }))
    })
    const timer = setTimeout(() => {
      req.destroy()
      finish({ responseBytes: 0, headers: {}, error: 'timeout', detail: `no answer within ${timeoutMs} ms` })
    }, timeoutMs)
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish({
        responseBytes: 0,
        headers: {},
        error: error.code === 'ECONNREFUSED' ? 'refused' : 'network',
        detail: error.code !== undefined ? `${error.code}: ${error.message}` : error.message
      })
    })
    req.end(body)
  })
}

export interface HandshakeResult {
  ok: boolean
  /** The RingCentral error the create request answers when the handshake fails. */
  error?: RcError
  /** `ok`, or the code (`SUB-520` …), for the delivery log and the dashboard. */
  summary: string
  exchange: Exchange
  token: string
}

/**
 * RingCentral's validation request: a POST with a `Validation-Token` header and an empty JSON
 * body; the receiver must answer 200 within the time limit, echo the header, and keep the whole
 * answer within 1024 bytes.
 */
export async function validateWebhook (address: string, timeoutMs: number): Promise<HandshakeResult> {
  const token = randomBytes(16).toString('hex')
  const exchange = await post(address, {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'User-Agent': WEBHOOK_USER_AGENT,
    'Validation-Token': token
  }, Buffer.alloc(0), timeoutMs, MAX_VALIDATION_RESPONSE_BYTES)
  const fail = (code: 'SUB-520' | 'SUB-521' | 'SUB-525', why: string): HandshakeResult =>
    ({ ok: false, error: rc(code, { message: `${rc(code).message}: ${why}` }), summary: code, exchange, token })
  if (exchange.error === 'timeout' || exchange.error === 'refused' || exchange.error === 'network') {
    return fail('SUB-521', `${address} ${exchange.error === 'timeout' ? `did not answer within ${timeoutMs} ms` : `could not be reached (${exchange.detail ?? exchange.error})`}`)
  }
  if (exchange.error === 'too-large') return fail('SUB-525', `the answer to the validation request is larger than ${MAX_VALIDATION_RESPONSE_BYTES} bytes`)
  if (exchange.status !== 200) return fail('SUB-525', `the validation request was answered ${exchange.status ?? 'with nothing'}, not 200`)
  if (exchange.responseBytes > MAX_VALIDATION_RESPONSE_BYTES) return fail('SUB-525', `the answer to the validation request is ${exchange.responseBytes} bytes, more than ${MAX_VALIDATION_RESPONSE_BYTES}`)
  const echoed = exchange.headers['validation-token']
  if (echoed !== token) return fail('SUB-520', echoed === undefined ? 'the answer has no Validation-Token header' : 'the Validation-Token header does not echo the one sent')
  return { ok: true, summary: 'ok', exchange, token }
}

/** The headers of a notification POST, as receivers see them from RingCentral. */
export function notificationHeaders (verificationToken: string | undefined): Record<string, string> {
  return {
    Accept: 'application/json',
    'Accept-Encoding': 'UTF-8',
    'Content-Type': 'application/json; charset=UTF-8',
    'User-Agent': WEBHOOK_USER_AGENT,
    ...(verificationToken !== undefined ? { 'Verification-Token': verificationToken } : {})
  }
}

/** RingCentral's wording for a failed delivery, as `blacklistedData.reason` shows it. */
export function failureReason (exchange: Exchange): string {
  if (exchange.error === 'timeout') return 'I/O operation is failed. Details: [Read timed out]'
  if (exchange.error === 'refused') return 'I/O operation is failed. Details: [Connection refused]'
  if (exchange.error === 'network') return `I/O operation is failed. Details: [${exchange.detail ?? 'Connection reset'}]`
  if (exchange.error === 'too-large') return 'I/O operation is failed. Details: [Response too large]'
  return `Webhook responses with code: [${exchange.status ?? 0}], reason: [${STATUS_CODES[exchange.status ?? 0] ?? 'Error'}]`
}
