/**
 * Scale: what a second start costs in a warm process, and how start-up and per-request costs grow
 * with the world and with the message store. Every figure is a ratio, to a baseline measured in the
 * same run: a bare fastify server with the mock's own route table for the warm start, the smallest
 * world and store for the growth figures (1.00× everywhere means no growth at all).
 *
 *  - warmStart: `startMockServer()` + its first answer, in a process that has started one before
 *    (a test suite's second test file), against fastify registering the same routes (same methods
 *    and paths, trivial handlers) and answering; rounds alternate.
 *  - worlds:    JSON scenarios of 100, 1,000 and 10,000 extensions (10 numbers and a JWT credential
 *    each): start-up, then the median time of a password login by main number + extension, of a
 *    JWT login and of a bearer-checked GET of the extension.
 *  - stores:    1,000, 100,000 and 1,000,000 messages held: the median time of a message-store list
 *    (perPage=100), a read by id, an SMS send and the outbox's newest 10.
 *
 *   node bench/scale.js [--quick]     prints JSON
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Fastify from 'fastify'
import { buildApp } from '../dist/app.js'
import { MockContext } from '../dist/context.js'
import { registeredRoutes } from '../dist/openapi.js'
import { resolveScenario, startMockServer } from '../dist/index.js'
import { keepAliveSender } from './lib/http.js'
import { median } from './startup.js'

const { send, close: closeAgent } = keepAliveSender()

async function timeEach (n, fn) {
  const samples = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn(i)
    samples.push(performance.now() - t)
  }
  return median(samples)
}

const basic = (id, secret) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64')
const FORM = 'application/x-www-form-urlencoded'

// --- Warm start ---------------------------------------------------------------------------------

async function bareWithRoutes (routes) {
  const app = Fastify({ logger: false })
  for (const r of routes) {
    if (r.method === 'HEAD') continue
    app.route({ method: r.method, url: r.url, handler: async () => ({ ok: true }) })
  }
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

export async function measureWarmStart ({ rounds = 15 } = {}) {
  // The first start of the process (module loading, the document's parse) is not what is measured.
  const first = await startMockServer({ port: 0 })
  await first.close()
  // The route table from tsc's single modules (dist/index.js is a bundle with its own copies of
  // them, so its app is not in dist/openapi.js's registry).
  const listed = await buildApp(await MockContext.create(resolveScenario(undefined), {}), {})
  const routes = registeredRoutes(listed).map(r => ({ method: r.method, url: r.url }))
  await listed.close()
  if (routes.length === 0) throw new Error('no routes listed for the bare server')
  const mock = []
  const bare = []
  for (let i = 0; i < rounds + 1; i++) {
    const runMock = async () => {
      const t = performance.now()
      const m = await startMockServer({ port: 0 })
      await send(m.url, { path: '/__mock/health' })
      const ms = performance.now() - t
      await m.close()
      return ms
    }
    const runBare = async () => {
      const t = performance.now()
      const app = await bareWithRoutes(routes)
      const address = app.server.address()
      await send(`http://127.0.0.1:${address.port}`, { path: '/__mock/health' })
      const ms = performance.now() - t
      await app.close()
      return ms
    }
    const [a, b] = i % 2 === 0 ? [await runMock(), await runBare()] : [await runBare(), await runMock()].reverse()
    if (i === 0) continue
    mock.push(a)
    bare.push(b)
  }
  return { routes: routes.length, mockMs: median(mock), bareMs: median(bare), ratio: median(mock) / median(bare), mockSamplesMs: mock, bareSamplesMs: bare }
}

// --- Worlds -------------------------------------------------------------------------------------

function world (extensions) {
  const list = []
  let k = 0
  for (let i = 0; i < extensions; i++) {
    const phoneNumbers = []
    for (let j = 0; j < 10; j++) { k++; phoneNumbers.push({ phoneNumber: `+1${String(2000000000 + k)}`, features: ['CallerId', 'SmsSender'] }) }
    list.push({ id: String(100000000 + i), extensionNumber: String(1000 + i), name: `User ${i}`, email: `u${i}@scale.example`, password: `Passw0rd-${i}`, phoneNumbers, jwtCredentials: [{ id: `jwt-${i}` }] })
  }
  return {
    name: `scale-${extensions}`,
    environment: 'production',
    clock: { start: '2024-04-01T00:00:00Z', frozen: true },
    accounts: [{ id: '900000000', name: 'Scale', mainNumber: '+19990000000', extensions: list }],
    apps: [{ clientId: 'app', clientSecret: 'app-secret', grantTypes: ['password', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token'], scopes: ['SMS', 'ReadAccounts', 'ReadMessages'] }]
  }
}

export async function measureWorlds ({ sizes = [100, 1000, 10000], requests = 200 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rcmock-scale-'))
  const out = []
  try {
    for (const size of sizes) {
      const file = join(dir, `world-${size}.json`)
      const text = JSON.stringify(world(size))
      writeFileSync(file, text)
      const t = performance.now()
      const mock = await startMockServer({ scenario: file, port: 0 })
      const startMs = performance.now() - t
      const auth = basic('app', 'app-secret')
      const login = i => send(mock.url, { method: 'POST', path: '/restapi/oauth/token', headers: { authorization: auth, 'content-type': FORM }, body: `grant_type=password&username=%2B19990000000&extension=${1000 + ((i * 7919) % size)}&password=Passw0rd-${(i * 7919) % size}` })
      const check = await login(1)
      if (check.status !== 200) throw new Error(`world ${size}: login ${check.status} ${check.body}`)
      // The assertions are read before the timing: a credential is signed when its string is first
      // read (in this process, which is also the client), and that is not the server's work.
      const assertions = Array.from({ length: requests }, (_, i) => mock.jwt(`jwt-${(i * 7919) % size}`))
      const jwtOf = i => assertions[i % assertions.length]
      for (let i = 0; i < 20; i++) await login(i)
      const passwordMs = await timeEach(requests, login)
      const jwtMs = await timeEach(requests, i => send(mock.url, { method: 'POST', path: '/restapi/oauth/token', headers: { authorization: auth, 'content-type': FORM }, body: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=${jwtOf(i)}` }))
      const token = JSON.parse((await login(3)).body).access_token
      const extensionMs = await timeEach(requests, () => send(mock.url, { path: '/restapi/v1.0/account/~/extension/~', headers: { authorization: `Bearer ${token}` } }))
      await mock.close()
      out.push({ extensions: size, numbers: size * 10, scenarioBytes: Buffer.byteLength(text), startMs, passwordMs, jwtMs, extensionMs })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const base = out[0]
  return out.map(r => ({ ...r, growth: { startMs: r.startMs / base.startMs, passwordMs: r.passwordMs / base.passwordMs, jwtMs: r.jwtMs / base.jwtMs, extensionMs: r.extensionMs / base.extensionMs } }))
}

// --- Stores -------------------------------------------------------------------------------------

export async function measureStores ({ sizes = [1000, 100_000, 1_000_000], requests = 50 } = {}) {
  const out = []
  for (const size of sizes) {
    const scenario = structuredClone(resolveScenario('default').scenario)
    scenario.messaging = { ...scenario.messaging, storeLimit: size }
    const mock = await startMockServer({ scenario, port: 0 })
    const ctx = mock.context
    const ada = ctx.world.extension('100200301')
    const t = performance.now()
    for (let i = 0; i < size; i++) ctx.messages.send({ owner: ada, from: '+16505550100', to: ['+16505550199'], text: 'x' }, ctx.now())
    const fillSeconds = (performance.now() - t) / 1000
    const login = await send(mock.url, { method: 'POST', path: '/restapi/oauth/token', headers: { authorization: basic('jwt-app', 'jwt-app-secret'), 'content-type': FORM }, body: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=${mock.jwt('ada-jwt')}` })
    const auth = { authorization: `Bearer ${JSON.parse(login.body).access_token}` }
    const ME = '/restapi/v1.0/account/~/extension/~'
    const newest = ctx.messages.outbox({}, 1)[0].id
    const listMs = await timeEach(requests, () => send(mock.url, { path: `${ME}/message-store?perPage=100`, headers: auth }))
    const readMs = await timeEach(requests, i => send(mock.url, { path: `${ME}/message-store/${newest - i}`, headers: auth }))
    const sendMs = await timeEach(requests, () => send(mock.url, { method: 'POST', path: `${ME}/sms`, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550199' }], text: 'y' }) }))
    const outboxMs = await timeEach(requests, () => send(mock.url, { path: '/__mock/messages?limit=10' }))
    await mock.close()
    out.push({ messages: size, fillSeconds, listMs, readMs, sendMs, outboxMs })
  }
  const base = out[0]
  return out.map(r => ({ ...r, growth: { listMs: r.listMs / base.listMs, readMs: r.readMs / base.readMs, sendMs: r.sendMs / base.sendMs, outboxMs: r.outboxMs / base.outboxMs } }))
}

export async function measureScale ({ quick = false, log = () => {} } = {}) {
  log('scale: warm start')
  const warmStart = await measureWarmStart({ rounds: quick ? 5 : 15 })
  log('scale: worlds of 100, 1,000 and 10,000 extensions')
  const worlds = await measureWorlds({ sizes: quick ? [100, 1000] : [100, 1000, 10000], requests: quick ? 50 : 200 })
  log('scale: stores of 1,000, 100,000 and 1,000,000 messages')
  const stores = await measureStores({ sizes: quick ? [1000, 100_000] : [1000, 100_000, 1_000_000], requests: quick ? 20 : 50 })
  closeAgent()
  return { warmStart, worlds, stores }
}

if (process.argv[1] && process.argv[1].endsWith('scale.js')) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
  const result = await measureScale({ quick: values.quick, log: line => process.stderr.write(`${line}\n`) })
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
}
