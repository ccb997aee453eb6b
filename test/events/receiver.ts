/**
 * A webhook receiver on 127.0.0.1 for the tests: it answers RingCentral's validation request by
 * echoing `Validation-Token` (unless told otherwise), records every request, and lets a test
 * await the next one without sleeping.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'

export interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
  json: any
}

export type Behaviour = (request: Received, response: ServerResponse) => void | 'hang'

/** Echo the validation token and answer 200: what a correct receiver does. */
export const correct: Behaviour = (request, response) => {
  const token = request.headers['validation-token']
  if (typeof token === 'string') response.setHeader('Validation-Token', token)
  response.statusCode = 200
  response.end()
}

export interface Receiver {
  url: string
  received: Received[]
  /** Notifications only (not the validation request). */
  readonly notifications: Received[]
  behaviour: Behaviour
  /** Resolves with the `n`th request (1-based) once it has arrived. */
  nth (n: number): Promise<Received>
  close (): Promise<void>
}

export async function startReceiver (t: { teardown (fn: () => unknown): void }, behaviour: Behaviour = correct): Promise<Receiver> {
  const received: Received[] = []
  const waiters: Array<{ n: number, resolve: (r: Received) => void }> = []
  const hanging = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try { json = body === '' ? undefined : JSON.parse(body) } catch { json = undefined }
      const record: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json }
      received.push(record)
      for (const w of [...waiters]) {
        if (received.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(received[w.n - 1] as Received)
        }
      }
      if (r.behaviour(record, res) === 'hang') hanging.add(res)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const r: Receiver = {
    url: `http://127.0.0.1:${port}/ringcentral/events`,
    received,
    get notifications () { return received.filter(x => x.headers['validation-token'] === undefined) },
    behaviour,
    nth: async (n) => received.length >= n ? received[n - 1] as Received : await new Promise(resolve => waiters.push({ n, resolve })),
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
  t.teardown(() => r.close())
  return r
}
