/**
 * The floor: a minimal fastify server that answers a form-encoded POST with a small JSON body,
 * with the same fastify version and body parser as the mock. Every mock figure is a ratio to it.
 * Prints `listening on URL` once it listens; stops on SIGTERM.
 */
import formbody from '@fastify/formbody'
import Fastify from 'fastify'

const app = Fastify({ logger: false })
await app.register(formbody)
app.post('/restapi/oauth/token', async () => ({ access_token: 'x', token_type: 'bearer', expires_in: 3600 }))
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`)
process.once('SIGTERM', () => { app.close().then(() => process.exit(0)) })
