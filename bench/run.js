#!/usr/bin/env node
/**
 * `npm run bench`: is the mock fast enough to forget about? One run, on one machine, side by side
 * with a minimal fastify server (the floor any fastify app pays):
 *
 *  1. start-up: spawn → first 200 token response, for the CLI and for startMockServer() (bench/startup.js)
 *  2. throughput and latency of the token grants, GET …/extension/~ and POST …/sms (bench/throughput.js)
 *  3. memory over 1,000,000 token issuances under a moving clock (bench/memory.js, its own process)
 *  4. events: inbound SMS → webhook and → WebSocket latency, and throughput to 100 subscriptions,
 *     beside bare Node.js HTTP and WebSocket baselines (bench/events.js, its own process)
 *
 * Writes bench/results/latest.json and bench/results/latest.md and prints the Markdown tables.
 * Needs a build (`npm run bench` builds first). Method and figures: docs/performance.md.
 *
 *   node bench/run.js [--quick] [--only startup,throughput,memory] [--rounds N] [--duration S]
 *                     [--connections N] [--startup-runs N] [--memory-issuances N] [--event-samples N]
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT } from './lib/process.js'
import { measureStartup } from './startup.js'
import { measureThroughput, SMS_PATH } from './throughput.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'startup-runs': { type: 'string' },
    'memory-issuances': { type: 'string' },
    'event-samples': { type: 'string' }
  }
})
const quick = values.quick
const settings = {
  startupRuns: Number(values['startup-runs'] ?? (quick ? 3 : 11)),
  rounds: Number(values.rounds ?? (quick ? 1 : 5)),
  duration: Number(values.duration ?? (quick ? 2 : 5)),
  warmup: quick ? 1 : 2,
  connections: Number(values.connections ?? 10),
  memoryIssuances: Number(values['memory-issuances'] ?? (quick ? 20_000 : 1_000_000)),
  eventSamples: Number(values['event-samples'] ?? (quick ? 50 : 500)),
  eventCount: quick ? 10 : 50
}
const only = new Set((values.only ?? 'startup,throughput,memory,events').split(',').map(s => s.trim()))

/** The targets of the issue, as ratios to the baseline measured in the same run. */
export const TARGETS = {
  startupMs: 300,
  tokenRpsRatio: 0.6,
  memoryFlatWithin: 0.10
}

const log = line => process.stderr.write(`${line}\n`)

function runMemory (issuances) {
  return new Promise((resolve, reject) => {
    const every = Math.max(1000, Math.round(issuances / 10 / 1000) * 1000)
    const child = spawn(process.execPath, ['--expose-gc', 'bench/memory.js', '--issuances', String(issuances), '--every', String(every)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', chunk => { out += chunk })
    child.once('error', reject)
    child.once('exit', code => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench/memory.js exited ${code}`)))
  })
}

function runEvents (samples, events) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/events.js', '--samples', String(samples), '--events', String(events)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', chunk => { out += chunk })
    child.once('error', reject)
    child.once('exit', code => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench/events.js exited ${code}`)))
  })
}

function environment () {
  const git = args => { try { return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim() } catch { return undefined } }
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    commit: git(['rev-parse', '--short', 'HEAD']),
    uncommittedChanges: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    loadAverageAtStart: loadavg().map(x => Math.round(x * 100) / 100)
  }
}

// --- Markdown ----------------------------------------------------------------------------------

const fmt = (x, digits = 0) => x === undefined || Number.isNaN(x) ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const ratio = (x, base) => x !== undefined && base ? `${(x / base).toFixed(2)}×` : '–'
const verdict = ok => ok === undefined ? '' : ok ? 'met' : '**missed**'
const MB = bytes => fmt(bytes / 1048576, 1)

function startupTable (s) {
  const base = s.baseline.medianMs
  const row = (label, r, target) => `| ${label} | ${fmt(r.medianMs)} | ${fmt(r.minMs)}–${fmt(r.maxMs)} | ${ratio(r.medianMs, base)} | ${target ? `< ${TARGETS.startupMs} ms: ${verdict(r.medianMs < TARGETS.startupMs)}` : ''} |`
  return [
    `### Start-up: spawn → first 200 token response (median of ${s.cli.samplesMs.length})`,
    '',
    '| process | median ms | range ms | × baseline | target |',
    '| --- | ---: | ---: | ---: | --- |',
    row('CLI `node dist/cli.js --port 0 --quiet`', s.cli, true),
    row('CLI, first start (empty cache: the OpenAPI YAML is parsed)', s.cliCold, true),
    row('`startMockServer()` in a fresh `node`', s.api, true),
    row('baseline: minimal fastify server', s.baseline),
    row('`node -e 0` (spawn → exit, for scale)', s.node),
    '',
    ...(s.dashboard
      ? [`Opening the dashboard afterwards (the first \`GET /__mock/ui\` and its script, read from \`dist/ui/\` then): median ${fmt(s.dashboard.medianMs, 1)} ms (${fmt(s.dashboard.minMs, 1)}–${fmt(s.dashboard.maxMs, 1)}). Start-up reads none of it.`, '']
      : [])
  ].join('\n')
}

const LABELS = {
  baseline: 'baseline: fastify, form POST → small JSON',
  shape: 'reference: fastify with the mock\'s token answer, no logic',
  password: 'POST /restapi/oauth/token, password',
  jwt: 'POST /restapi/oauth/token, jwt-bearer',
  refresh: 'POST /restapi/oauth/token, refresh_token',
  extension: 'GET …/extension/~ (bearer)',
  sms: 'POST …/extension/~/sms (JSON)'
}

function throughputTable (t) {
  const r = t.results
  const base = r.baseline
  const lines = [
    `### Throughput and latency (autocannon, ${t.connections} connections, ${t.rounds} round${t.rounds > 1 ? 's' : ''} of ${t.durationSeconds} s per target, each paired with a baseline run)`,
    '',
    '| target | req/s | × baseline | p50 ms (×) | p99 ms (×) | server CPU µs/req (×) | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |'
  ]
  for (const name of Object.keys(LABELS)) {
    const x = r[name]
    if (!x) continue
    if (x.available === false) {
      lines.push(`| ${LABELS[name]} | not available | | | | | ${x.reason} |`)
      continue
    }
    const rpsRatio = name === 'baseline' ? 1 : x.ratio
    const target = name === 'password' || name === 'refresh' ? `≥ ${TARGETS.tokenRpsRatio.toFixed(2)}×: ${verdict(rpsRatio >= TARGETS.tokenRpsRatio)}` : ''
    lines.push(`| ${LABELS[name]} | ${fmt(x.rps)} | ${rpsRatio.toFixed(2)}× | ${fmt(x.p50Ms, 2)} (${ratio(x.p50Ms, base.p50Ms)}) | ${fmt(x.p99Ms, 2)} (${ratio(x.p99Ms, base.p99Ms)}) | ${fmt(x.medianServerCpuUsPerRequest)} (${ratio(x.medianServerCpuUsPerRequest, base.medianServerCpuUsPerRequest)}) | ${target} |`)
  }
  lines.push('', 'Each target run is paired with a baseline run made just before or after it; "× baseline" is the median over the rounds of target req/s ÷ paired baseline req/s, and the row shows that median round. Latency ratios compare with the median baseline run.', '',
    `Ratio to the paired baseline, per round: ${Object.entries(r).filter(([, x]) => x?.roundsRatio).map(([k, x]) => `${k} ${x.roundsRatio.join(' / ')}`).join('; ')}.`, '',
    `Baseline req/s over its ${r.baseline.roundsRps.length} runs: ${Math.min(...r.baseline.roundsRps).toLocaleString('en-US')} to ${Math.max(...r.baseline.roundsRps).toLocaleString('en-US')} (the machine is shared).`)
  if (r.refresh?.refresh) {
    const s = r.refresh.refresh
    lines.push(`Refresh run: ${fmt(s.rotations)} rotations, ${s.replays} grace replays, ${s.failed} failed, ${s.starved} with an empty pool.`)
  }
  lines.push('')
  return lines.join('\n')
}

function memoryTable (m) {
  const f = m.flatness
  const lines = [
    `### Memory: ${fmt(m.issuances)} token issuances, clock moved ${m.clockStepSeconds / 60} min every ${fmt(m.batch)} (GC forced before each reading)`,
    '',
    '| issued | RSS MB | heapUsed MB | live sessions | token strings | auth codes | journal entries |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...m.checkpoints.map(c => `| ${fmt(c.issued)} | ${MB(c.rssBytes)} | ${MB(c.heapUsedBytes)} | ${fmt(c.sessions)} | ${fmt(c.tokens)} | ${fmt(c.codes)} | ${fmt(c.journal)} |`),
    '',
    `From ${fmt(f.from)} to ${fmt(f.to)} issuances: RSS ${signed(f.rssGrowth)}, heapUsed ${signed(f.heapUsedGrowth)}; largest spread between those checkpoints: RSS ${pct(f.rssSpread)}, heapUsed ${pct(f.heapUsedSpread)}; live sessions, token strings, codes and journal entries ${f.countsConstant ? 'the same at every one of them' : '**not constant**'}. ` +
      `Target, no growth beyond ${pct(TARGETS.memoryFlatWithin)}: ${verdict(f.rssGrowth <= TARGETS.memoryFlatWithin && f.heapUsedGrowth <= TARGETS.memoryFlatWithin)}.`,
    ''
  ]
  return lines.join('\n')
}
function eventsTable (e) {
  const latency = (label, x) => `| ${label} | ${fmt(x.mock.p50Ms, 3)} | ${fmt(x.mock.p99Ms, 3)} | ${fmt(x.baseline.p50Ms, 3)} | ${fmt(x.baseline.p99Ms, 3)} | ${ratio(x.mock.p50Ms, x.baseline.p50Ms)} | ${ratio(x.mock.p99Ms, x.baseline.p99Ms)} |`
  const rate = (label, x) => `| ${label} | ${fmt(x.deliveries)} | ${fmt(x.mockPerSecond)} | ${fmt(x.baselinePerSecond)} | ${ratio(x.mockPerSecond, x.baselinePerSecond)} |`
  return [
    `### Events: latency (${e.samples} inbound SMS, one after another) and throughput (${e.events} inbound SMS to ${e.subscribers} subscriptions)`,
    '',
    '| path | p50 ms | p99 ms | baseline p50 ms | baseline p99 ms | p50 × | p99 × |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    latency('inbound SMS → webhook POST received (baseline: a bare `http.request` POST, new connection)', e.webhookLatency),
    latency('inbound SMS → WebSocket notification received (baseline: a bare `ws` frame)', e.socketLatency),
    '',
    '| path | deliveries | per second | baseline per second | × baseline |',
    '| --- | ---: | ---: | ---: | ---: |',
    rate('100 webhook subscriptions (baseline: 100 bare senders, one POST after another)', e.webhookThroughput),
    rate('100 WebSocket sessions (baseline: a bare `ws` server sending to 100 clients)', e.socketThroughput),
    ''
  ].join('\n')
}

const pct = x => `${(x * 100).toFixed(1)}%`
const signed = x => `${x >= 0 ? '+' : ''}${pct(x)}`

// --- run ---------------------------------------------------------------------------------------

const results = { environment: environment(), settings, targets: TARGETS }
if (only.has('startup')) {
  log(`start-up: ${settings.startupRuns} rounds`)
  results.startup = await measureStartup({ runs: settings.startupRuns, log })
}
if (only.has('throughput')) {
  log(`throughput: ${settings.rounds} rounds of ${settings.duration} s, ${settings.connections} connections (POST ${SMS_PATH} is measured if the route exists)`)
  results.throughput = await measureThroughput({ duration: settings.duration, rounds: settings.rounds, warmup: settings.warmup, connections: settings.connections, log })
}
if (only.has('memory')) {
  log(`memory: ${settings.memoryIssuances} issuances`)
  results.memory = await runMemory(settings.memoryIssuances)
}
if (only.has('events')) {
  log(`events: ${settings.eventSamples} latency samples, ${settings.eventCount} events to 100 subscriptions`)
  results.events = await runEvents(settings.eventSamples, settings.eventCount)
}
results.environment.loadAverageAtEnd = loadavg().map(x => Math.round(x * 100) / 100)

const env = results.environment
const md = [
  `## ringcentral-mock benchmark (${env.date.slice(0, 10)}, ${env.commit ?? '?'}${env.uncommittedChanges ? '+changes' : ''})`,
  '',
  `Node ${env.node}, ${env.cpus} × ${env.cpu ?? 'CPU'}, ${env.memoryGiB} GiB; load average ${env.loadAverageAtStart.join(' ')} at start, ${env.loadAverageAtEnd.join(' ')} at end.`,
  '',
  ...(results.startup ? [startupTable(results.startup)] : []),
  ...(results.throughput ? [throughputTable(results.throughput)] : []),
  ...(results.memory ? [memoryTable(results.memory)] : []),
  ...(results.events ? [eventsTable(results.events)] : [])
].join('\n')

const dir = join(ROOT, 'bench/results')
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n')
writeFileSync(join(dir, 'latest.md'), md)
process.stdout.write(md + '\n')
log('written: bench/results/latest.json, bench/results/latest.md')
