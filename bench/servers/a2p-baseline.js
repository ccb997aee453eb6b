/**
 * The floor for the High Volume SMS measures (bench/a2p.js): a minimal fastify server, the same
 * fastify version and JSON body parser as the mock, no logic.
 *
 * - `POST /restapi/v1.0/account/~/a2p-sms/batches` (50 MB body limit, as the mock's route):
 *   parses the JSON body and answers 201 with a small JSON (id, batchSize from the body, status).
 * - `GET …/a2p-sms/batches/:id`, `GET …/a2p-sms/statuses`: answer the objects given to `hold()`.
 * - `GET …/a2p-sms/messages?perPage=N&pageToken=T`: pages of the records given to `hold()` (the
 *   mock's own records, so the pages have the same fields and bytes), sliced and JSON-encoded on
 *   every request, with the same paging object (base64 offset tokens).
 *
 * In process (`startA2PBaseline()`), beside the in-process mock; or on its own
 * (`node bench/servers/a2p-baseline.js` prints `listening on URL`; stops on SIGTERM).
 */
import Fastify from 'fastify'
import { fileURLToPath } from 'node:url'

const A2P = '/restapi/v1.0/account/:accountId/a2p-sms'
const token = position => Buffer.from(position, 'utf8').toString('base64')

export async function startA2PBaseline ({ port = 0 } = {}) {
  let held = { records: [], batch: {}, statuses: {} }
  let next = 1
  const app = Fastify({ logger: false })
  app.post(`${A2P}/batches`, { bodyLimit: 50 * 1024 * 1024 }, async (request, reply) => {
    const messages = request.body?.messages
    return reply.code(201).send({ id: String(next++), from: request.body?.from, batchSize: Array.isArray(messages) ? messages.length : 0, processedCount: 0, status: 'Processing', rejected: [] })
  })
  app.get(`${A2P}/batches/:batchId`, async () => held.batch)
  app.get(`${A2P}/statuses`, async () => held.statuses)
  app.get(`${A2P}/messages`, async request => {
    const perPage = Math.min(1000, Number(request.query.perPage ?? 1000))
    const position = request.query.pageToken ? Buffer.from(request.query.pageToken, 'base64').toString('utf8') : 'F'
    const offset = position === 'F' ? 0 : Number(position.slice(2))
    const records = held.records.slice(offset, offset + perPage)
    const more = offset + perPage < held.records.length
    return { records, paging: { perPage, pageToken: token(position), firstPageToken: token('F'), ...(more ? { nextPageToken: token(`O:${offset + perPage}`) } : {}) } }
  })
  await app.listen({ port, host: '127.0.0.1' })
  const address = app.server.address()
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    /** What the GET routes answer from now on. */
    hold (listing) { held = listing },
    close: () => app.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startA2PBaseline({ port: Number(process.env.PORT ?? 0) })
  process.stdout.write(`listening on ${server.url}\n`)
  process.once('SIGTERM', () => { server.close().then(() => process.exit(0)) })
}
