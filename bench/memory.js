#!/usr/bin/env node
/**
 * Memory under a long run: 1,000,000 token issuances (password, jwt-bearer, refresh and
 * authorization-code grants) against one in-process mock (buildApp + MockContext, requests through
 * fastify's inject()), with bench/scenarios/memory.yaml: access tokens live 60 s, refresh tokens
 * 300 s, the clock is frozen and moved 5 minutes after every batch of 1,000 issuances, and the
 * session cap (1,000 per user and app) is far above what stays alive, so only expiry can keep
 * memory flat. At every checkpoint the heap is collected (--expose-gc) before RSS and heapUsed are
 * read, together with the number of live sessions, token strings, authorization codes and journal
 * entries.
 *
 *   node --expose-gc bench/memory.js [--issuances 1000000] [--every 100000] [--json]
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { buildApp } from '../dist/app.js'
import { MockContext } from '../dist/context.js'
import { loadScenarioFile } from '../dist/scenario/load.js'

const { values } = parseArgs({ options: { issuances: { type: 'string', default: '1000000' }, every: { type: 'string', default: '100000' }, json: { type: 'boolean', default: false } } })
const TOTAL = Number(values.issuances)
const EVERY = Number(values.every)
const BATCH = 1000
const CLOCK_STEP_S = 300
const SCENARIO = new URL('./scenarios/memory.yaml', import.meta.url).pathname
const REDIRECT = 'http://localhost:5173/callback'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const basic = (id, secret) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64')
const APP = basic('mem-app', 'mem-app-secret')
const WEB = basic('mem-web', 'mem-web-secret')
const USERS = Array.from({ length: 8 }, (_, i) => `u${i + 1}@mem.example`)

if (typeof globalThis.gc !== 'function') {
  process.stderr.write('bench/memory.js needs node --expose-gc\n')
  process.exit(2)
}
const log = values.json ? () => {} : line => process.stderr.write(line + '\n')

const ctx = await MockContext.create(loadScenarioFile(SCENARIO))
const app = await buildApp(ctx)
await app.ready()
const JWTS = USERS.map((_, i) => ctx.credentials.get(`u${i + 1}-jwt`).jwt)

async function token (authorization, fields) {
  const res = await app.inject({ method: 'POST', url: '/restapi/oauth/token', headers: { ...FORM, authorization }, payload: new URLSearchParams(fields).toString() })
  if (res.statusCode !== 200) throw new Error(`token ${fields.grant_type}: ${res.statusCode} ${res.body}`)
  return JSON.parse(res.body)
}

async function code (username) {
  const res = await app.inject({
    method: 'POST',
    url: '/restapi/oauth/authorize',
    headers: FORM,
    payload: new URLSearchParams({ response_type: 'code', client_id: 'mem-web', redirect_uri: REDIRECT, username, password: 'Mem-Passw0rd' }).toString()
  })
  if (res.statusCode !== 302) throw new Error(`authorize: ${res.statusCode} ${res.body}`)
  return new URL(res.headers.location).searchParams.get('code')
}

/** One batch: 100 authorization codes redeemed, 350 password and 250 JWT logins, 300 refreshes. */
async function batch (n) {
  const refreshable = []
  for (let i = 0; i < 100; i++) {
    await token(WEB, { grant_type: 'authorization_code', code: await code(USERS[(n + i) % 8]), redirect_uri: REDIRECT })
  }
  for (let i = 0; i < 350; i++) {
    const t = await token(APP, { grant_type: 'password', username: USERS[(n + i) % 8], password: 'Mem-Passw0rd' })
    if (refreshable.length < 300) refreshable.push(t.refresh_token)
  }
  for (let i = 0; i < 250; i++) await token(APP, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: JWTS[(n + i) % 8] })
  for (const refreshToken of refreshable) await token(APP, { grant_type: 'refresh_token', refresh_token: refreshToken })
  return 100 + 350 + 250 + refreshable.length
}

/**
 * Readings after full collections and a pause: V8 gives freed pages back to the system a little
 * after a collection, so RSS read at once can still count memory that is already free.
 */
async function snapshot (issued, startedAt) {
  globalThis.gc()
  await sleep(200)
  globalThis.gc()
  await sleep(200)
  const m = process.memoryUsage()
  return {
    issued,
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    sessions: ctx.sessions.size,
    tokens: ctx.sessions.tokenCount,
    codes: ctx.codes.size,
    journal: ctx.journal.size,
    seconds: Math.round((performance.now() - startedAt - 400 * pauses++) / 100) / 10
  }
}

const MB = b => (b / 1048576).toFixed(1)
let pauses = 0
const startedAt = performance.now()
const checkpoints = [await snapshot(0, startedAt)]
let issued = 0
let n = 0
while (issued < TOTAL) {
  issued += await batch(n++)
  ctx.clock.advance(CLOCK_STEP_S)
  if (issued % EVERY === 0 || issued >= TOTAL) {
    const s = await snapshot(issued, startedAt)
    checkpoints.push(s)
    log(`${String(issued).padStart(8)} issued  rss ${MB(s.rssBytes)} MB  heap ${MB(s.heapUsedBytes)} MB  sessions ${s.sessions}  tokens ${s.tokens}  codes ${s.codes}  journal ${s.journal}  (${s.seconds} s)`)
  }
}

const from = checkpoints.find(c => c.issued >= TOTAL / 5) ?? checkpoints[0]
const last = checkpoints.at(-1)
const window = checkpoints.filter(c => c.issued >= from.issued)
const spread = key => Math.max(...window.map(c => c[key])) / Math.min(...window.map(c => c[key])) - 1
const result = {
  issuances: issued,
  batch: BATCH,
  clockStepSeconds: CLOCK_STEP_S,
  scenario: 'bench/scenarios/memory.yaml',
  checkpoints,
  flatness: {
    from: from.issued,
    to: last.issued,
    rssGrowth: last.rssBytes / from.rssBytes - 1,
    heapUsedGrowth: last.heapUsedBytes / from.heapUsedBytes - 1,
    rssSpread: spread('rssBytes'),
    heapUsedSpread: spread('heapUsedBytes'),
    countsConstant: window.every(c => ['sessions', 'tokens', 'codes', 'journal'].every(k => c[k] === from[k]))
  }
}
await app.close()
process.stdout.write(JSON.stringify(result) + '\n')
