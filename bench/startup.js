/**
 * Start-up: from spawn() to the first successful (200) token response, in fresh processes.
 *
 *  - cli:      `node dist/cli.js --port 0` (default scenario, request log on, as users run it), then a password-grant login
 *  - cliCold:  the same with an empty TMPDIR, so without the cached parse of the OpenAPI document
 *  - api:      a fresh `node` that imports dist/index.js and calls startMockServer(), then the same login
 *  - baseline: the minimal fastify server of bench/servers/baseline.js, then the same request
 *  - node:     `node -e 0`, spawn to exit (what any Node program pays before its first line runs)
 *
 * The kinds are measured round-robin (one of each per round) so that noise from other work on the
 * machine spreads over all of them; the first round is a discarded warm-up (disk cache).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { passwordLogin, request } from './lib/http.js'
import { ROOT, startServer, stopServer } from './lib/process.js'

const KINDS = {
  // After the first token, the first dashboard page (its HTML and script): what opening it costs.
  cli: { args: ['dist/cli.js', '--port', '0'], dashboard: true },
  // The same, with an empty temp directory: no cached parse of the OpenAPI document (the first
  // start on a machine, or after the document changed).
  cliCold: { args: ['dist/cli.js', '--port', '0'], coldCache: true },
  api: { args: ['bench/servers/start-api.js'] },
  baseline: { args: ['bench/servers/baseline.js'] }
}

async function timeToFirstToken ({ args, coldCache = false, dashboard = false }) {
  const dir = coldCache ? mkdtempSync(join(tmpdir(), 'ringcentral-mock-bench-')) : undefined
  try {
    return await timed(args, dir !== undefined ? { TMPDIR: dir } : {}, dashboard)
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  }
}

async function timed (args, env, dashboard = false) {
  const { child, url, startedAt } = await startServer(args, { env })
  const listeningAt = performance.now()
  try {
    const res = await request(url, passwordLogin())
    if (res.status !== 200) throw new Error(`${args.join(' ')}: first token request answered ${res.status} ${res.body}`)
    const done = performance.now()
    return { ms: done - startedAt, listeningMs: listeningAt - startedAt, ...(dashboard ? { dashboardMs: await firstDashboard(url) } : {}) }
  } finally {
    await stopServer(child)
  }
}

/** The first GET /__mock/ui and its script, in a process that has not served the page yet. */
async function firstDashboard (url) {
  const t0 = performance.now()
  const page = await request(url, { path: '/__mock/ui' })
  if (page.status !== 200) throw new Error(`GET /__mock/ui answered ${page.status} (is dist/ui built?)`)
  const script = /src="([^"]+\.js)"/.exec(page.body)?.[1]
  if (script === undefined) throw new Error('the dashboard page names no script')
  const js = await request(url, { path: script })
  if (js.status !== 200) throw new Error(`${script} answered ${js.status}`)
  return performance.now() - t0
}

function timeNodeBoot () {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now()
    const child = spawn(process.execPath, ['-e', '0'], { cwd: ROOT, stdio: 'ignore' })
    child.once('error', reject)
    child.once('exit', () => resolve({ ms: performance.now() - startedAt }))
  })
}

export const median = values => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export async function measureStartup ({ runs = 9, log = () => {} } = {}) {
  const samples = { cli: [], cliCold: [], api: [], baseline: [], node: [] }
  const listening = { cli: [], cliCold: [], api: [], baseline: [] }
  const dashboard = []
  // Warm the client side (node:http) and the disk cache; not recorded.
  for (const kind of Object.values(KINDS)) await timeToFirstToken(kind)
  await timeNodeBoot()
  for (let i = 0; i < runs; i++) {
    for (const [kind, spec] of Object.entries(KINDS)) {
      const { ms, listeningMs, dashboardMs } = await timeToFirstToken(spec)
      samples[kind].push(ms)
      listening[kind].push(listeningMs)
      if (dashboardMs !== undefined) dashboard.push(dashboardMs)
    }
    samples.node.push((await timeNodeBoot()).ms)
    log(`start-up round ${i + 1}/${runs}: cli ${samples.cli.at(-1).toFixed(0)} ms (cold cache ${samples.cliCold.at(-1).toFixed(0)} ms), api ${samples.api.at(-1).toFixed(0)} ms, baseline ${samples.baseline.at(-1).toFixed(0)} ms, node ${samples.node.at(-1).toFixed(0)} ms`)
  }
  const summary = {}
  for (const [kind, values] of Object.entries(samples)) {
    summary[kind] = {
      medianMs: median(values),
      minMs: Math.min(...values),
      maxMs: Math.max(...values),
      ...(listening[kind] ? { medianListeningMs: median(listening[kind]) } : {}),
      samplesMs: values.map(v => Math.round(v * 10) / 10)
    }
  }
  summary.dashboard = { medianMs: median(dashboard), minMs: Math.min(...dashboard), maxMs: Math.max(...dashboard), samplesMs: dashboard.map(v => Math.round(v * 10) / 10) }
  return summary
}
