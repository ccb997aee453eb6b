/**
 * Throughput and latency, with autocannon, of the mock (the CLI, default scenario) and of the
 * baseline fastify server, each in its own process; autocannon runs in this process.
 *
 * Targets (all on the mock but the first):
 *  - baseline:  POST /restapi/oauth/token on bench/servers/baseline.js, the same request as `password`
 *  - shape:     the same request on bench/servers/shape.js (the mock's response shape, no logic)
 *  - password:  grant_type=password, ada on legacy-password-app (each login a new session; the
 *               5-per-user cap ends the oldest, as it does for any CI suite that logs in a lot)
 *  - jwt:       grant_type=jwt-bearer with the ada-jwt credential on jwt-app (an RS256 verify per request)
 *  - refresh:   grant_type=refresh_token, every request with a fresh, never-used refresh token:
 *               a pool is seeded with one session per (user, app, slot); each request takes a token
 *               from the pool and its response puts the rotated one back. No grace replays.
 *  - extension: GET /restapi/v1.0/account/~/extension/~ with a bearer token (ada, jwt-app)
 *  - sms:       POST /restapi/v1.0/account/~/extension/~/sms (JSON) with that token; "not available"
 *               when the route answers 404 (it is picked up as soon as it exists)
 *
 * Each round measures every target once, each paired with a baseline run right before or after it
 * (alternating); a target's ratio is to its paired baseline run, and the figures kept are those of
 * its median round by that ratio. The server's CPU time per request is read from /proc.
 */
import { execFileSync } from 'node:child_process'
import autocannon from 'autocannon'
import { basic, form, FORM, JWT_APP, json, PASSWORD_APP, passwordLogin, request } from './lib/http.js'
import { processCpuMs, processRss, ROOT, startServer, stopServer } from './lib/process.js'
import { median } from './startup.js'

export const SMS_PATH = '/restapi/v1.0/account/~/extension/~/sms'
export const SMS_BODY = JSON.stringify({ from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+15551230000' }], text: 'hi' })
const EXTENSION_PATH = '/restapi/v1.0/account/~/extension/~'

/** (user, password, app) triples whose sessions seed the refresh pool. */
const REFRESH_SEEDS = [
  ['ada@example.com', 'Ada-Passw0rd'], ['ben@example.com', 'Ben-Passw0rd'], ['cleo@example.com', 'Cleo-Passw0rd']
].flatMap(([user, password]) => [PASSWORD_APP, { id: 'dual-app', secret: 'dual-app-secret' }].map(app => ({ user, password, app })))

function runAutocannon (options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => error ? reject(error) : resolve(result))
    instance.on('error', reject)
  })
}

/** A pool of fresh refresh tokens, each with the Basic header of the app it belongs to. */
async function refreshPool (url, size) {
  const pool = []
  for (let slot = 0; pool.length < size; slot++) {
    const seed = REFRESH_SEEDS[slot % REFRESH_SEEDS.length]
    const token = await json(url, passwordLogin(seed.user, seed.password, seed.app))
    pool.push({ token: token.refresh_token, authorization: basic(seed.app) })
  }
  return pool
}

/** autocannon `requests` that chain refresh tokens through `pool` (see the header). */
function refreshRequests (pool, stats) {
  const received = new Set(pool.map(entry => entry.token))
  return [{
    method: 'POST',
    path: '/restapi/oauth/token',
    setupRequest (req, context) {
      const entry = pool.pop()
      if (!entry) {
        stats.starved++
        return { ...req, headers: { ...req.headers, authorization: basic(PASSWORD_APP), 'content-type': FORM }, body: form({ grant_type: 'refresh_token', refresh_token: 'pool-empty' }) }
      }
      context.entry = entry
      return { ...req, headers: { ...req.headers, authorization: entry.authorization, 'content-type': FORM }, body: form({ grant_type: 'refresh_token', refresh_token: entry.token }) }
    },
    onResponse (status, body, context) {
      const entry = context.entry
      if (!entry) return
      if (status !== 200) { stats.failed++; return }
      const next = JSON.parse(body).refresh_token
      // A rotation mints a new random token; a grace replay answers with a pair issued before.
      if (received.has(next)) stats.replays++
      else stats.rotations++
      received.add(next)
      pool.push({ token: next, authorization: entry.authorization })
    }
  }]
}

const percentile = (sorted, p) => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
const round2 = x => Math.round(x * 100) / 100

function summarize (result, latencies, serverCpuMs) {
  const total = result.requests.total
  const sorted = Float64Array.from(latencies).sort()
  return {
    rps: result.requests.average,
    requests: total,
    p50Ms: round2(percentile(sorted, 0.5)),
    p99Ms: round2(percentile(sorted, 0.99)),
    meanMs: round2(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    serverCpuUsPerRequest: serverCpuMs !== undefined && total > 0 ? (serverCpuMs * 1000) / total : undefined
  }
}

/**
 * The targets: name → { server, prepare() → autocannon request } or { server, refresh: true }.
 * `baseline` is only included when a baseline server is given.
 */
export async function makeTargets (mock, baseline, shape) {
  const jwt = execFileSync(process.execPath, ['dist/cli.js', 'jwt', 'ada-jwt'], { cwd: ROOT, encoding: 'utf8' }).trim()
  const jwtLogin = {
    method: 'POST',
    path: '/restapi/oauth/token',
    headers: { authorization: basic(JWT_APP), 'content-type': FORM },
    body: form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt })
  }
  // A bearer token of a new session (ada on jwt-app), taken just before a run: the password and
  // jwt runs end older sessions through the 5-per-user cap.
  const freshBearer = async () => `Bearer ${(await json(mock.url, jwtLogin)).access_token}`
  const smsRequest = async () => ({ method: 'POST', path: SMS_PATH, headers: { authorization: await freshBearer(), 'content-type': 'application/json' }, body: SMS_BODY })
  const smsProbe = await request(mock.url, await smsRequest())
  const smsAvailable = smsProbe.status !== 404 && smsProbe.status !== 405
  if (smsAvailable && smsProbe.status !== 200) throw new Error(`POST ${SMS_PATH} answered ${smsProbe.status}: ${smsProbe.body}`)
  return {
    targets: {
      ...(baseline ? { baseline: { server: baseline, prepare: async () => passwordLogin() } } : {}),
      ...(shape ? { shape: { server: shape, prepare: async () => passwordLogin() } } : {}),
      password: { server: mock, prepare: async () => passwordLogin() },
      jwt: { server: mock, prepare: async () => jwtLogin },
      refresh: { server: mock, refresh: true },
      extension: { server: mock, prepare: async () => ({ method: 'GET', path: EXTENSION_PATH, headers: { authorization: await freshBearer() } }) },
      ...(smsAvailable ? { sms: { server: mock, prepare: smsRequest } } : {})
    },
    ...(smsAvailable ? {} : { smsUnavailable: `POST ${SMS_PATH} answered ${smsProbe.status}` })
  }
}

/** One autocannon run of one target; the server's CPU time comes from /proc. */
export async function runTarget ({ server, refresh, prepare }, { seconds, connections }) {
  const latencies = []
  const options = {
    url: server.url,
    connections,
    duration: seconds,
    pipelining: 1,
    // autocannon's histogram keeps whole milliseconds; keep the exact response times as well.
    setupClient (client) { client.on('response', (_status, _bytes, ms) => { latencies.push(ms) }) }
  }
  let stats
  if (refresh) {
    stats = { rotations: 0, replays: 0, failed: 0, starved: 0 }
    const pool = await refreshPool(server.url, connections + 2)
    options.requests = refreshRequests(pool, stats)
  } else {
    options.requests = [await prepare()]
  }
  const cpuBefore = processCpuMs(server.child.pid)
  const result = await runAutocannon(options)
  const cpuAfter = processCpuMs(server.child.pid)
  const summary = summarize(result, latencies, cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined)
  return stats ? { ...summary, refresh: stats } : summary
}

export async function measureThroughput ({ duration = 5, connections = 10, rounds = 3, warmup = 2, log = () => {} } = {}) {
  const baseline = await startServer(['bench/servers/baseline.js'])
  const shape = await startServer(['bench/servers/shape.js'])
  const mock = await startServer(['dist/cli.js', '--port', '0'])
  try {
    const { targets, smsUnavailable } = await makeTargets(mock, baseline, shape)
    const run = (name, seconds) => runTarget(targets[name], { seconds, connections })
    const show = (round, name, s, ratio) => log(`round ${round}/${rounds} ${name.padEnd(9)} ${s.rps.toFixed(0).padStart(6)} req/s${ratio !== undefined ? ` (${ratio.toFixed(2)}x)` : ''}  p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  server ${s.serverCpuUsPerRequest?.toFixed(0) ?? '?'} µs CPU/req${s.non2xx ? `  non-2xx ${s.non2xx}` : ''}${s.errors ? `  errors ${s.errors}` : ''}`)

    for (const name of Object.keys(targets)) await run(name, warmup)
    const names = Object.keys(targets).filter(name => name !== 'baseline')
    const samples = Object.fromEntries(Object.keys(targets).map(name => [name, []]))
    // Paired runs: every target right next to a baseline run (alternating which goes first), so
    // that each ratio compares two runs made under the same conditions; the machine is shared.
    for (let round = 1; round <= rounds; round++) {
      for (const name of names) {
        const pair = {}
        for (const which of round % 2 ? ['baseline', name] : [name, 'baseline']) pair[which] = await run(which, duration)
        const ratio = pair[name].rps / pair.baseline.rps
        samples.baseline.push(pair.baseline)
        samples[name].push({ ...pair[name], ratio, pairedBaselineRps: pair.baseline.rps })
        show(round, 'baseline', pair.baseline)
        show(round, name, pair[name], ratio)
      }
    }
    const results = {}
    for (const [name, list] of Object.entries(samples)) {
      // The run kept for its figures is the median one: by ratio to its paired baseline for the
      // targets, by req/s for the baseline.
      const key = name === 'baseline' ? s => s.rps : s => s.ratio
      const sorted = [...list].sort((a, b) => key(a) - key(b))
      const kept = sorted[Math.floor((sorted.length - 1) / 2)]
      results[name] = {
        ...kept,
        ...(name === 'baseline' ? {} : { roundsRatio: list.map(s => Math.round(s.ratio * 100) / 100) }),
        roundsRps: list.map(s => Math.round(s.rps)),
        medianServerCpuUsPerRequest: median(list.map(s => s.serverCpuUsPerRequest ?? NaN))
      }
    }
    if (smsUnavailable) results.sms = { available: false, reason: smsUnavailable }
    results.mockRssAfterBytes = processRss(mock.child.pid)
    return { connections, durationSeconds: duration, rounds, results }
  } finally {
    await stopServer(mock.child)
    await stopServer(shape.child)
    await stopServer(baseline.child)
  }
}
