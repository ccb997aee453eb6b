/**
 * A reference point between the baseline and the mock: fastify answering the token request with
 * the mock's response shape and nothing else: the same plugins and options (form body, CORS with
 * the mock's settings), the same headers (RCRequestId, Cache-Control, Pragma) and a TokenInfo body
 * of the same size, but no logic (no hooks of the mock, no sessions). The gap from the baseline to
 * this server is what the answer itself costs; the gap from here to the mock is the mock's logic.
 */
import formbody from '@fastify/formbody'
import cors from '@fastify/cors'
import Fastify from 'fastify'
import { randomUUID } from 'node:crypto'
const app = Fastify({ logger: false, trustProxy: true, forceCloseConnections: true, bodyLimit: 10 * 1024 * 1024 })
await app.register(formbody)
await app.register(cors, { origin: true, methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], exposedHeaders: ['RCRequestId', 'WWW-Authenticate', 'Retry-After', 'X-Rate-Limit-Group', 'X-Rate-Limit-Limit', 'X-Rate-Limit-Remaining', 'X-Rate-Limit-Window', 'X-Mock-Rule'], maxAge: 600 })
app.addHook('onRequest', (_q, reply, done) => { reply.header('RCRequestId', randomUUID()); done() })
const body = { access_token: 'U'.repeat(56), token_type: 'bearer', expires_in: 3600, refresh_token: 'R'.repeat(56), refresh_token_expires_in: 604800, scope: 'ReadAccounts SMS ReadMessages', owner_id: '100200301', endpoint_id: 'E'.repeat(22), session_id: '123456789012' }
app.post('/restapi/oauth/token', async (_q, reply) => { reply.header('Cache-Control', 'no-store'); reply.header('Pragma', 'no-cache'); return { ...body } })
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`)
process.once('SIGTERM', () => app.close().then(() => process.exit(0)))
