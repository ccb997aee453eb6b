#!/usr/bin/env node
/**
 * Memory of a High Volume SMS day, in a fresh process (bench/a2p.js runs one per kind and round):
 *
 * - `--kind mock`: the `nightly-batch` world in process (buildApp + MockContext, requests through
 *   fastify's inject(), as bench/memory.js), a warm-up batch of 10 messages (the route's schema is
 *   compiled on first use), then MESSAGES messages accepted in batches of BATCH at the scenario's
 *   22:00 (they queue on the toll-free number, 180 a minute: 100,000 take 9 h 16 min), then the
 *   clock moved through the next 24 hours an hour at a time, and the aggregate read
 *   (`GET …/a2p-sms/statuses`) to check that every message is Delivered.
 * - `--kind plain`: the baseline, the same request bodies JSON-parsed and 100,000 minimal plain
 *   objects `{ to, text }` kept from them in an array (the least a fake that remembers each
 *   message's recipient and text can hold).
 *
 * At each reading the heap is collected twice, with pauses (--expose-gc), before RSS and heapUsed
 * are read. Prints one JSON object.
 *
 *   node --expose-gc bench/a2p-memory.js --kind mock|plain [--messages 100000] [--batch 10000]
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { buildApp } from '../dist/app.js'
import { MockContext } from '../dist/context.js'
import { loadScenarioFile } from '../dist/scenario/load.js'
import { basic, FORM, form } from './lib/http.js'
import { A2P_PATH, BATCH_APP, BATCHES_PATH, batchBody, SCENARIO } from './lib/a2p.js'

const { values } = parseArgs({ options: { kind: { type: 'string', default: 'mock' }, messages: { type: 'string', default: '100000' }, batch: { type: 'string', default: '10000' } } })
const KIND = values.kind
const MESSAGES = Number(values.messages)
const BATCH = Number(values.batch)
const WARMUP = 10
const WARMUP_OFFSET = 7_000_000

if (typeof globalThis.gc !== 'function') {
  process.stderr.write('bench/a2p-memory.js needs node --expose-gc\n')
  process.exit(2)
}

async function reading () {
  globalThis.gc()
  await sleep(200)
  globalThis.gc()
  await sleep(200)
  const m = process.memoryUsage()
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed }
}

async function mockDay () {
  const ctx = await MockContext.create(loadScenarioFile(SCENARIO))
  const app = await buildApp(ctx)
  await app.ready()
  const login = async () => {
    const res = await app.inject({ method: 'POST', url: '/restapi/oauth/token', headers: { authorization: basic(BATCH_APP), 'content-type': FORM }, payload: form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: ctx.credentials.get('ops-jwt').jwt }) })
    if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode} ${res.body}`)
    return { authorization: `Bearer ${JSON.parse(res.body).access_token}` }
  }
  const accept = async (auth, n, offset) => {
    const res = await app.inject({ method: 'POST', url: BATCHES_PATH, headers: { ...auth, 'content-type': 'application/json' }, payload: batchBody(n, offset) })
    if (res.statusCode !== 201) throw new Error(`batch: ${res.statusCode} ${res.body.slice(0, 300)}`)
    const batch = JSON.parse(res.body)
    if (batch.batchSize !== n || batch.rejected.length !== 0) throw new Error(`batch: ${res.body.slice(0, 300)}`)
  }
  let auth = await login()
  await accept(auth, WARMUP, WARMUP_OFFSET)
  const start = ctx.now()
  const before = await reading()
  const t0 = performance.now()
  for (let offset = 0; offset < MESSAGES; offset += BATCH) await accept(auth, Math.min(BATCH, MESSAGES - offset), offset)
  const acceptSeconds = (performance.now() - t0) / 1000
  const accepted = await reading()
  for (let hour = 0; hour < 24; hour++) ctx.clock.advance(3600)
  auth = await login()
  const res = await app.inject({ method: 'GET', url: `${A2P_PATH}/statuses?dateFrom=${new Date(start - 60_000).toISOString()}`, headers: auth })
  const statuses = JSON.parse(res.body)
  if (statuses.delivered?.count !== MESSAGES + WARMUP) throw new Error(`after the day: ${res.body}`)
  const endOfDay = await reading()
  const result = { kind: KIND, messages: MESSAGES, batch: BATCH, before, accepted, endOfDay, acceptSeconds, storeMessages: ctx.a2p.store.messageCount, delivered: statuses.delivered.count }
  await app.close()
  return result
}

async function plainDay () {
  const held = []
  const keep = body => { for (const m of JSON.parse(body).messages) held.push({ to: m.to[0], text: m.text }) }
  keep(batchBody(WARMUP, WARMUP_OFFSET))
  const before = await reading()
  const t0 = performance.now()
  for (let offset = 0; offset < MESSAGES; offset += BATCH) keep(batchBody(Math.min(BATCH, MESSAGES - offset), offset))
  const acceptSeconds = (performance.now() - t0) / 1000
  const accepted = await reading()
  return { kind: KIND, messages: MESSAGES, batch: BATCH, before, accepted, endOfDay: accepted, acceptSeconds, storeMessages: held.length }
}

const result = KIND === 'plain' ? await plainDay() : await mockDay()
process.stdout.write(JSON.stringify(result) + '\n')
