#!/usr/bin/env node
/**
 * High Volume (A2P) SMS: what a 10,000-message batch costs, each figure beside a baseline
 * measured in the same run and process.
 *
 * 1. accept: `POST /restapi/v1.0/account/~/a2p-sms/batches` with 10,000 recipients, each with its
 *    own text (478,786 bytes of JSON), over real HTTP to `startMockServer()` (the shipped
 *    `nightly-batch` world, ops-jwt on batch-app), until the 201 answer has been read; baseline:
 *    the same POST to a minimal fastify server that parses it and answers 201 with a small JSON
 *    (bench/servers/a2p-baseline.js).
 * 2. complete: then `mock.clock.advance(3400)` (the toll-free number sends 180 a minute: the last
 *    message leaves at 3,333 s and is delivered 3 s later), `GET …/batches/{id}` (Completed),
 *    `GET …/statuses?batchId=` and every message through `GET …/messages?batchId=&perPage=1000`
 *    and its `nextPageToken`s; baseline: the same 12 requests to the baseline server, which
 *    answers the mock's own records (the same fields and bytes), sliced and JSON-encoded per page,
 *    so the ratio is what the mock's work costs beyond serving that JSON. For scale, the time to
 *    JSON-encode those 10 pages in process is given too.
 * 3. webhook: 1 and 2 again with a WebHook subscription to `/restapi/v1.0/account/~/a2p-sms/messages`
 *    (a receiver on 127.0.0.1 in this process), then the time until the receiver has every
 *    notification (10,000 × Queued, Sent, Delivered); baseline for that rate: bare `http.request`
 *    POSTs of one of those notifications, one after another on a new connection each, as the mock
 *    sends them.
 * 4. memory: heapUsed and RSS per message after 100,000 messages and a day of clock, in fresh
 *    processes (bench/a2p-memory.js), against 100,000 plain `{ to, text }` objects.
 *
 * Rounds are paired and interleaved (mock first in even rounds, baseline first in odd ones), after
 * a discarded warm-up pair; each mock round starts from `mock.reset()`, so every round sees the
 * same empty store. With --expose-gc the heap is collected before each timed section. Every loop
 * is bounded and every request goes to 127.0.0.1.
 *
 * Prints one JSON object. `node --expose-gc bench/a2p.js [--quick] [--only batch,webhook,memory]
 *   [--rounds N] [--webhook-rounds N] [--memory-rounds N] [--messages N] [--memory-messages N] [--bare-posts N]`
 */
import { spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { parseArgs } from 'node:util'
import { startMockServer } from '../dist/index.js'
import { json, request, webhookReceiver } from './lib/http.js'
import { A2P_PATH, BATCHES_PATH, batchBody, COMPLETE_SECONDS, loginOps, SCENARIO } from './lib/a2p.js'
import { ROOT } from './lib/process.js'
import { startA2PBaseline } from './servers/a2p-baseline.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'batch,webhook,memory' },
    rounds: { type: 'string' },
    'webhook-rounds': { type: 'string' },
    'memory-rounds': { type: 'string' },
    messages: { type: 'string', default: '10000' },
    'memory-messages': { type: 'string', default: '100000' },
    'bare-posts': { type: 'string' }
  }
})
const quick = values.quick
const ROUNDS = Number(values.rounds ?? (quick ? 3 : 7))
const WEBHOOK_ROUNDS = Number(values['webhook-rounds'] ?? (quick ? 1 : 3))
const MEMORY_ROUNDS = Number(values['memory-rounds'] ?? (quick ? 1 : 3))
const MESSAGES = Number(values.messages)
const MEMORY_MESSAGES = Number(values['memory-messages'])
const BARE_POSTS = Number(values['bare-posts'] ?? (quick ? 1000 : 3000))
const PER_PAGE = 1000
const MAX_PAGES = Math.ceil(MESSAGES / PER_PAGE) + 2
/** Real time the receiver may take to get every notification of one batch. */
const DRAIN_TIMEOUT_MS = 180_000
const only = new Set(values.only.split(',').map(s => s.trim()))
const log = line => process.stderr.write(`${line}\n`)
if (!(MESSAGES >= 1 && MESSAGES <= 100_000)) throw new Error('--messages: 1 to 100000')

const median = xs => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const r1 = x => Math.round(x * 10) / 10
const r2 = x => Math.round(x * 100) / 100
const stats = xs => ({ medianMs: r1(median(xs)), minMs: r1(Math.min(...xs)), maxMs: r1(Math.max(...xs)), samplesMs: xs.map(r1) })
const gc = () => globalThis.gc?.()
const bearer = token => ({ authorization: `Bearer ${token}` })

async function timed (fn) {
  gc()
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}

/** POST the batch; resolves its answer once read (201 checked). */
async function accept (url, headers, body) {
  const res = await request(url, { method: 'POST', path: BATCHES_PATH, headers: { ...headers, 'content-type': 'application/json' }, body })
  if (res.status !== 201) throw new Error(`POST ${BATCHES_PATH}: ${res.status} ${res.body.slice(0, 300)}`)
  return JSON.parse(res.body)
}

/** The batch, the aggregate and every message page by page (the same requests to either server). */
async function readAll (url, headers, id) {
  const batch = await json(url, { path: `${BATCHES_PATH}/${id}`, headers })
  const statuses = await json(url, { path: `${A2P_PATH}/statuses?batchId=${id}`, headers })
  const records = []
  let bytes = 0
  let pages = 0
  let pageToken
  do {
    const res = await request(url, { path: `${A2P_PATH}/messages?batchId=${id}&perPage=${PER_PAGE}${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`, headers })
    if (res.status !== 200) throw new Error(`GET …/messages: ${res.status} ${res.body.slice(0, 300)}`)
    bytes += Buffer.byteLength(res.body)
    const page = JSON.parse(res.body)
    for (const r of page.records) records.push(r)
    pageToken = page.paging.nextPageToken
  } while (pageToken !== undefined && ++pages < MAX_PAGES)
  return { batch, statuses, records, pages: pages + 1, bytes }
}

function checkCompleted ({ batch, statuses, records }) {
  if (batch.status !== 'Completed' || batch.processedCount !== MESSAGES) throw new Error(`batch not completed: ${JSON.stringify(batch)}`)
  if (statuses.delivered?.count !== MESSAGES) throw new Error(`statuses: ${JSON.stringify(statuses)}`)
  if (records.length !== MESSAGES || records.some(r => r.messageStatus !== 'Delivered')) throw new Error(`listed ${records.length} messages, not ${MESSAGES} Delivered`)
}

/** A receiver on 127.0.0.1 that echoes the validation token and counts notifications. */
async function startReceiver () {
  const state = { count: 0, target: Infinity, done: () => {}, last: undefined }
  const { server, url } = await webhookReceiver(body => {
    state.last = body
    if (++state.count === state.target) state.done()
  }, '/a2p-events')
  return {
    url,
    state,
    /** Resolves when `n` notifications have arrived since the last call (rejects after the timeout). */
    expect (n) {
      state.count = 0
      state.target = n
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the receiver got ${state.count} of ${n} notifications in ${DRAIN_TIMEOUT_MS} ms`)), DRAIN_TIMEOUT_MS)
        state.done = () => { clearTimeout(timer); resolve() }
      })
    },
    close: () => new Promise(resolve => server.close(resolve))
  }
}

/** `n` bare POSTs of `body`, one after another, a new connection each (as the mock delivers). */
async function barePosts (url, body, n) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json; charset=UTF-8', 'User-Agent': 'RingCentral-Webhook/8.3', 'Content-Length': String(body.length) }
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    await new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers, agent: false }, res => { res.resume(); res.on('end', resolve) })
      req.on('error', reject)
      req.end(body)
    })
  }
  return performance.now() - t0
}

// --- 1 and 2: accept, then complete on the clock -----------------------------------------------

async function mockRound (mock, body, receiver) {
  await mock.reset()
  const auth = bearer(await loginOps(mock))
  let drained
  if (receiver) {
    const sub = await json(mock.url, { method: 'POST', path: '/restapi/v1.0/subscription', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ eventFilters: ['/restapi/v1.0/account/~/a2p-sms/messages'], deliveryMode: { transportType: 'WebHook', address: receiver.url } }) })
    if (sub.status !== 'Active') throw new Error(`subscription: ${JSON.stringify(sub)}`)
    // Every message: Queued (on acceptance), Sent, Delivered.
    drained = receiver.expect(3 * MESSAGES)
  }
  const startedAt = performance.now()
  const accepted = await timed(() => accept(mock.url, auth, body))
  if (accepted.value.batchSize !== MESSAGES || accepted.value.rejected.length !== 0) throw new Error(`accepted: ${JSON.stringify(accepted.value).slice(0, 300)}`)
  const complete = await timed(async () => {
    const t0 = performance.now()
    mock.clock.advance(COMPLETE_SECONDS)
    const advanceMs = performance.now() - t0
    return { advanceMs, ...(await readAll(mock.url, auth, accepted.value.id)) }
  })
  checkCompleted(complete.value)
  const round = { acceptMs: accepted.ms, completeMs: complete.ms, advanceMs: complete.value.advanceMs, readMs: complete.ms - complete.value.advanceMs, pages: complete.value.pages, bytes: complete.value.bytes, listing: complete.value }
  if (drained) {
    await drained
    round.drainMs = performance.now() - startedAt
  }
  return round
}

/** A round without the records it read (so that rounds do not pile up 10,000 records each). */
const withoutListing = ({ listing: _listing, ...round }) => round

async function baselineRound (baseline, body, headers) {
  const accepted = await timed(() => accept(baseline.url, headers, body))
  if (accepted.value.batchSize !== MESSAGES) throw new Error(`baseline accepted: ${JSON.stringify(accepted.value)}`)
  const complete = await timed(() => readAll(baseline.url, headers, accepted.value.id))
  checkCompleted(complete.value)
  return { acceptMs: accepted.ms, completeMs: complete.ms, bytes: complete.value.bytes }
}

/** For scale: JSON-encoding the same pages in process, no HTTP. */
function encodePages (records) {
  gc()
  const t0 = performance.now()
  let bytes = 0
  for (let offset = 0; offset < records.length; offset += PER_PAGE) {
    bytes += JSON.stringify({ records: records.slice(offset, offset + PER_PAGE), paging: { perPage: PER_PAGE, pageToken: 'Rg==', firstPageToken: 'Rg==', nextPageToken: 'TToxOjk5OQ==' } }).length
  }
  return { ms: performance.now() - t0, bytes }
}

async function batchPart () {
  const body = batchBody(MESSAGES)
  const mock = await startMockServer({ scenario: SCENARIO })
  const baseline = await startA2PBaseline()
  // The warm-up pair (not recorded) also gives the baseline the mock's records to answer.
  const warm = await mockRound(mock, body)
  baseline.hold({ records: warm.listing.records, batch: warm.listing.batch, statuses: warm.listing.statuses })
  const sameHeaders = bearer('x'.repeat(56))
  await baselineRound(baseline, body, sameHeaders)
  const mockRounds = []
  const baseRounds = []
  const encode = []
  for (let i = 0; i < ROUNDS; i++) {
    const pair = async () => {
      if (i % 2 === 0) {
        mockRounds.push(withoutListing(await mockRound(mock, body)))
        baseRounds.push(await baselineRound(baseline, body, sameHeaders))
      } else {
        baseRounds.push(await baselineRound(baseline, body, sameHeaders))
        mockRounds.push(withoutListing(await mockRound(mock, body)))
      }
    }
    await pair()
    encode.push(encodePages(warm.listing.records).ms)
    const m = mockRounds.at(-1)
    const b = baseRounds.at(-1)
    log(`a2p batch round ${i + 1}/${ROUNDS}: accept ${m.acceptMs.toFixed(0)} ms (baseline ${b.acceptMs.toFixed(0)}), complete ${m.completeMs.toFixed(0)} ms = advance ${m.advanceMs.toFixed(1)} + reads ${m.readMs.toFixed(0)} (baseline ${b.completeMs.toFixed(0)}, JSON-encoding alone ${encode.at(-1).toFixed(0)})`)
  }
  await mock.close()
  await baseline.close()
  const ratios = key => mockRounds.map((m, i) => r2(m[key] / baseRounds[i][key]))
  return {
    messages: MESSAGES,
    bodyBytes: Buffer.byteLength(body),
    rounds: ROUNDS,
    pages: mockRounds[0].pages,
    responseBytes: { mock: mockRounds[0].bytes, baseline: baseRounds[0].bytes },
    accept: { mock: stats(mockRounds.map(r => r.acceptMs)), baseline: stats(baseRounds.map(r => r.acceptMs)), roundsRatio: ratios('acceptMs'), ratio: median(ratios('acceptMs')) },
    complete: {
      mock: stats(mockRounds.map(r => r.completeMs)),
      advance: stats(mockRounds.map(r => r.advanceMs)),
      reads: stats(mockRounds.map(r => r.readMs)),
      baseline: stats(baseRounds.map(r => r.completeMs)),
      encodeOnly: stats(encode),
      roundsRatio: ratios('completeMs'),
      ratio: median(ratios('completeMs')),
      ratioToEncodeOnly: r2(median(mockRounds.map(r => r.completeMs)) / median(encode))
    }
  }
}

// --- 3: the same with a webhook subscription -----------------------------------------------------

async function webhookPart () {
  const body = batchBody(MESSAGES)
  const receiver = await startReceiver()
  const mock = await startMockServer({ scenario: SCENARIO })
  const baseline = await startA2PBaseline()
  const sameHeaders = bearer('x'.repeat(56))
  const mockRounds = []
  const baseRounds = []
  const bare = []
  for (let i = 0; i < WEBHOOK_ROUNDS; i++) {
    const m = await mockRound(mock, body, receiver)
    mockRounds.push(withoutListing(m))
    if (i === 0) baseline.hold({ records: m.listing.records, batch: m.listing.batch, statuses: m.listing.statuses })
    const envelope = receiver.state.last
    baseRounds.push(await baselineRound(baseline, body, sameHeaders))
    receiver.state.target = Infinity
    gc()
    bare.push(await barePosts(receiver.url, envelope, BARE_POSTS))
    const rate = (3 * MESSAGES) / (m.drainMs / 1000)
    log(`a2p webhook round ${i + 1}/${WEBHOOK_ROUNDS}: accept ${m.acceptMs.toFixed(0)} ms, advance ${m.advanceMs.toFixed(0)} ms, reads ${m.readMs.toFixed(0)} ms, all ${3 * MESSAGES} notifications in ${(m.drainMs / 1000).toFixed(1)} s (${rate.toFixed(0)}/s; bare POSTs ${(BARE_POSTS / (bare.at(-1) / 1000)).toFixed(0)}/s)`)
  }
  const envelopeBytes = receiver.state.last.length
  await mock.close()
  await baseline.close()
  await receiver.close()
  const notifications = 3 * MESSAGES
  const mockRates = mockRounds.map(r => notifications / (r.drainMs / 1000))
  const bareRates = bare.map(ms => BARE_POSTS / (ms / 1000))
  return {
    messages: MESSAGES,
    rounds: WEBHOOK_ROUNDS,
    notifications,
    envelopeBytes,
    barePosts: BARE_POSTS,
    accept: { mock: stats(mockRounds.map(r => r.acceptMs)), baseline: stats(baseRounds.map(r => r.acceptMs)), roundsRatio: mockRounds.map((m, i) => r2(m.acceptMs / baseRounds[i].acceptMs)) },
    complete: {
      mock: stats(mockRounds.map(r => r.completeMs)),
      advance: stats(mockRounds.map(r => r.advanceMs)),
      reads: stats(mockRounds.map(r => r.readMs)),
      baseline: stats(baseRounds.map(r => r.completeMs)),
      roundsRatio: mockRounds.map((m, i) => r2(m.completeMs / baseRounds[i].completeMs))
    },
    delivery: {
      mockSeconds: mockRounds.map(r => r1(r.drainMs / 1000)),
      mockPerSecond: Math.round(median(mockRates)),
      barePerSecond: Math.round(median(bareRates)),
      roundsRatio: mockRates.map((x, i) => r2(x / bareRates[i]))
    }
  }
}

// --- 4: memory ----------------------------------------------------------------------------------

function memoryChild (kind) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', 'bench/a2p-memory.js', '--kind', kind, '--messages', String(MEMORY_MESSAGES), '--batch', String(Math.min(MESSAGES, MEMORY_MESSAGES))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', chunk => { out += chunk })
    child.once('error', reject)
    child.once('exit', code => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench/a2p-memory.js --kind ${kind} exited ${code}`)))
  })
}

async function memoryPart () {
  const runs = { mock: [], plain: [] }
  for (let i = 0; i < MEMORY_ROUNDS; i++) {
    for (const kind of i % 2 === 0 ? ['mock', 'plain'] : ['plain', 'mock']) runs[kind].push(await memoryChild(kind))
    const m = runs.mock.at(-1)
    const p = runs.plain.at(-1)
    log(`a2p memory round ${i + 1}/${MEMORY_ROUNDS}: mock +${((m.endOfDay.heapUsedBytes - m.before.heapUsedBytes) / 1048576).toFixed(1)} MB heapUsed, plain objects +${((p.endOfDay.heapUsedBytes - p.before.heapUsedBytes) / 1048576).toFixed(1)} MB`)
  }
  const per = (r, at, key) => (r[at][key] - r.before[key]) / r.messages
  const summary = (list, at) => ({
    heapUsedBytesPerMessage: Math.round(median(list.map(r => per(r, at, 'heapUsedBytes')))),
    rssBytesPerMessage: Math.round(median(list.map(r => per(r, at, 'rssBytes')))),
    heapUsedBytes: Math.round(median(list.map(r => r[at].heapUsedBytes))),
    rssBytes: Math.round(median(list.map(r => r[at].rssBytes))),
    beforeHeapUsedBytes: Math.round(median(list.map(r => r.before.heapUsedBytes))),
    beforeRssBytes: Math.round(median(list.map(r => r.before.rssBytes)))
  })
  const mock = { accepted: summary(runs.mock, 'accepted'), endOfDay: summary(runs.mock, 'endOfDay'), acceptSeconds: r2(median(runs.mock.map(r => r.acceptSeconds))), storeMessages: runs.mock[0].storeMessages }
  const plain = summary(runs.plain, 'endOfDay')
  return {
    messages: MEMORY_MESSAGES,
    batch: Math.min(MESSAGES, MEMORY_MESSAGES),
    rounds: MEMORY_ROUNDS,
    mock,
    plain,
    heapRatio: r2(mock.endOfDay.heapUsedBytesPerMessage / plain.heapUsedBytesPerMessage),
    rssRatio: r2(mock.endOfDay.rssBytesPerMessage / plain.rssBytesPerMessage),
    roundsHeapRatio: runs.mock.map((m, i) => r2(per(m, 'endOfDay', 'heapUsedBytes') / per(runs.plain[i], 'endOfDay', 'heapUsedBytes')))
  }
}

const startedAt = performance.now()
const result = { gcBeforeSections: typeof globalThis.gc === 'function' }
if (only.has('batch')) {
  log(`a2p: accept and complete a ${MESSAGES}-message batch, ${ROUNDS} rounds`)
  result.batch = await batchPart()
}
if (only.has('webhook')) {
  log(`a2p: the same with a webhook subscription, ${WEBHOOK_ROUNDS} rounds`)
  result.webhook = await webhookPart()
}
if (only.has('memory')) {
  log(`a2p: memory of ${MEMORY_MESSAGES} messages, ${MEMORY_ROUNDS} rounds`)
  result.memory = await memoryPart()
}
result.seconds = r1((performance.now() - startedAt) / 1000)
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
