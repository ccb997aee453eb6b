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
 *  5. High Volume SMS: accepting a 10,000-message batch, moving it to Completed on the clock and
 *     reading it back (without and with a webhook subscription), and the memory of 100,000
 *     messages, beside a minimal fastify server and plain objects (bench/a2p.js, its own process)
 *
 * Writes bench/results/latest.json and bench/results/latest.md (or into --out DIR) and prints the
 * Markdown tables. Needs a build (`npm run bench` builds first). Method and figures:
 * docs/performance.md.
 *
 *   node bench/run.js [--quick] [--only startup,throughput,memory,events,a2p,scale,instructions] [--rounds N] [--duration S]
 *                     [--connections N] [--startup-runs N] [--memory-issuances N] [--event-samples N]
 *                     [--a2p-rounds N] [--a2p-webhook-rounds N] [--out DIR]
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT } from './lib/process.js'
import { measureStartup } from './startup.js'
import { measureThroughput, SMS_PATH } from './throughput.js'
import { measureScale } from './scale.js'
import { runInstructions } from './instructions.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'startup-runs': { type: 'string' },
    'memory-issuances': { type: 'string' },
    'event-samples': { type: 'string' },
    'a2p-rounds': { type: 'string' },
    'a2p-webhook-rounds': { type: 'string' },
    'instruction-requests': { type: 'string' },
    out: { type: 'string' }
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
  eventCount: quick ? 10 : 50,
  a2pRounds: Number(values['a2p-rounds'] ?? (quick ? 3 : 7)),
  a2pWebhookRounds: Number(values['a2p-webhook-rounds'] ?? (quick ? 1 : 3)),
  a2pMemoryRounds: quick ? 1 : 3,
  instructionRequests: Number(values['instruction-requests'] ?? (quick ? 200 : 1000)),
  instructionWarmup: quick ? 1000 : 5000
}
const only = new Set((values.only ?? 'startup,throughput,memory,events,a2p,scale,instructions').split(',').map(s => s.trim()))

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

function runA2P ({ a2pRounds, a2pWebhookRounds, a2pMemoryRounds }) {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', 'bench/a2p.js', '--rounds', String(a2pRounds), '--webhook-rounds', String(a2pWebhookRounds), '--memory-rounds', String(a2pMemoryRounds), ...(quick ? ['--quick'] : [])]
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', chunk => { out += chunk })
    child.once('error', reject)
    child.once('exit', code => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench/a2p.js exited ${code}`)))
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
    row('CLI `node dist/cli.js --port 0` (request log on)', s.cli, true),
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

function a2pTable (a) {
  const lines = []
  const ms = x => fmt(x.medianMs, x.medianMs < 10 ? 1 : 0)
  const range = x => `${fmt(x.minMs, x.minMs < 10 ? 1 : 0)}–${fmt(x.maxMs, x.maxMs < 10 ? 1 : 0)}`
  const times = x => `${x.toFixed(2)}×`
  const middle = xs => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]
  const b = a.batch
  const w = a.webhook
  if (b || w) {
    const n = fmt((b ?? w).messages)
    lines.push(`### High Volume SMS: a ${n}-message batch${b ? ` (${fmt(b.bodyBytes / 1024)} KB of JSON), ${b.rounds} paired rounds` : ''}${w ? `; with a webhook subscription, ${w.rounds} round${w.rounds > 1 ? 's' : ''}` : ''}`, '',
      '| measure | mock median ms (range) | baseline median ms (range) | × baseline (median of the pairs) |',
      '| --- | ---: | ---: | ---: |')
    if (b) {
      lines.push(`| accept: \`POST …/a2p-sms/batches\` → 201 (baseline: fastify parses the body, answers 201) | ${ms(b.accept.mock)} (${range(b.accept.mock)}) | ${ms(b.accept.baseline)} (${range(b.accept.baseline)}) | ${times(b.accept.ratio)} |`,
        `| complete: clock +3,400 s, \`GET …/batches/{id}\`, \`GET …/statuses\`, ${b.pages} pages of 1,000 (baseline: the same ${b.pages + 2} requests answered from the mock's records) | ${ms(b.complete.mock)} (${range(b.complete.mock)}) | ${ms(b.complete.baseline)} (${range(b.complete.baseline)}) | ${times(b.complete.ratio)} |`,
        `| … of which the clock move | ${ms(b.complete.advance)} (${range(b.complete.advance)}) | | |`,
        `| reference: JSON-encoding the ${b.pages} pages in process, no HTTP | | ${ms(b.complete.encodeOnly)} (${range(b.complete.encodeOnly)}) | ${times(b.complete.ratioToEncodeOnly)} (mock complete ÷ this) |`)
    }
    if (w) {
      lines.push(`| with a webhook subscription to \`…/a2p-sms/messages\`: accept (${fmt(w.messages)} Queued events published) | ${ms(w.accept.mock)} (${range(w.accept.mock)}) | ${ms(w.accept.baseline)} (${range(w.accept.baseline)}) | ${times(middle(w.accept.roundsRatio))} |`,
        `| with the subscription: complete (${fmt(2 * w.messages)} more events published by the clock move) | ${ms(w.complete.mock)} (${range(w.complete.mock)}) | ${ms(w.complete.baseline)} (${range(w.complete.baseline)}) | ${times(middle(w.complete.roundsRatio))} |`,
        `| … of which the clock move | ${ms(w.complete.advance)} (${range(w.complete.advance)}) | | |`)
    }
    lines.push('')
    if (b) lines.push(`Ratios per pair: accept ${b.accept.roundsRatio.join(' / ')}; complete ${b.complete.roundsRatio.join(' / ')}. Responses read per round: mock ${fmt(b.responseBytes.mock)} bytes, baseline ${fmt(b.responseBytes.baseline)}.`)
    if (w) {
      lines.push(`Webhook: all ${fmt(w.notifications)} notifications (${fmt(w.envelopeBytes)} bytes each) reached the receiver at ${fmt(w.delivery.mockPerSecond)} per second (${w.delivery.mockSeconds.join(' / ')} s from the POST); bare \`http.request\` POSTs of one of them, one after another on new connections: ${fmt(w.delivery.barePerSecond)} per second; ${times(middle(w.delivery.roundsRatio))} the baseline (pairs ${w.delivery.roundsRatio.join(' / ')}).`)
    }
    lines.push('')
  }
  const m = a.memory
  if (m) {
    const row = (label, x, base) => `| ${label} | ${fmt(x.heapUsedBytesPerMessage)} | ${fmt(x.rssBytesPerMessage)} | ${MB(x.heapUsedBytes)} | ${MB(x.rssBytes)} | ${base ? `${ratio(x.heapUsedBytesPerMessage, base.heapUsedBytesPerMessage)} / ${ratio(x.rssBytesPerMessage, base.rssBytesPerMessage)}` : ''} |`
    lines.push(`### High Volume SMS memory: ${fmt(m.messages)} messages in batches of ${fmt(m.batch)}, then 24 h of clock (GC forced before each reading; median of ${m.rounds} fresh process${m.rounds > 1 ? 'es' : ''} per kind)`, '',
      '| held | heapUsed B/message | RSS B/message | heapUsed MB | RSS MB | × baseline (heap / RSS) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('mock, all accepted (Queued)', m.mock.accepted, m.plain),
      row('mock, end of the day (all Delivered)', m.mock.endOfDay, m.plain),
      row(`baseline: ${fmt(m.messages)} plain \`{ to, text }\` objects from the same bodies`, m.plain),
      '',
      `Before the messages: mock heapUsed ${MB(m.mock.endOfDay.beforeHeapUsedBytes)} MB, RSS ${MB(m.mock.endOfDay.beforeRssBytes)} MB; baseline ${MB(m.plain.beforeHeapUsedBytes)} MB, ${MB(m.plain.beforeRssBytes)} MB. Heap ratio per pair: ${m.roundsHeapRatio.join(' / ')}. Accepting the ${fmt(m.messages / m.batch)} batches in process (inject): ${m.mock.acceptSeconds} s.`, '')
  }
  if (a.seconds !== undefined) lines.push(`(bench/a2p.js took ${a.seconds} s.)`, '')
  return lines.join('\n')
}

function scaleTable (sc) {
  const w = sc.warmStart
  const lines = [
    '### Scale: a second start in a warm process, and growth with the world and the store', '',
    `Warm start (\`startMockServer()\` + its first answer, a process that started one before): ${fmt(w.mockMs, 1)} ms median against ${fmt(w.bareMs, 1)} ms for fastify registering the same ${w.routes} routes and answering: ${ratio(w.mockMs, w.bareMs)}.`, '',
    '| world (extensions / numbers / JSON) | start ms | password login ms | JWT login ms | GET extension ms | growth: start / password / JWT / GET |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...sc.worlds.map(r => `| ${fmt(r.extensions)} / ${fmt(r.numbers)} / ${fmt(r.scenarioBytes / 1024)} KB | ${fmt(r.startMs)} | ${fmt(r.passwordMs, 2)} | ${fmt(r.jwtMs, 2)} | ${fmt(r.extensionMs, 2)} | ${[r.growth.startMs, r.growth.passwordMs, r.growth.jwtMs, r.growth.extensionMs].map(x => `${x.toFixed(2)}×`).join(' / ')} |`),
    '',
    '| messages held | list ms | read by id ms | send ms | outbox newest 10 ms | growth: list / read / send / outbox |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...sc.stores.map(r => `| ${fmt(r.messages)} | ${fmt(r.listMs, 2)} | ${fmt(r.readMs, 2)} | ${fmt(r.sendMs, 2)} | ${fmt(r.outboxMs, 2)} | ${[r.growth.listMs, r.growth.readMs, r.growth.sendMs, r.growth.outboxMs].map(x => `${x.toFixed(2)}×`).join(' / ')} |`),
    ''
  ]
  return lines.join('\n')
}

function instructionsTable (ins) {
  if (!ins.available) return '### Instructions per request\n\nvalgrind is not installed: not measured.\n'
  const base = ins.perRequest.baseline
  return [
    `### Instructions per request (callgrind, ${fmt(ins.warmup)} warm-up + ${fmt(ins.requests)} measured requests, one at a time, keep-alive; the server process's whole work)`, '',
    '| target | instructions per request | × baseline |',
    '| --- | ---: | ---: |',
    ...Object.entries(ins.perRequest).map(([k, v]) => `| ${k} | ${fmt(v)} | ${ratio(v, base)} |`),
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
if (only.has('a2p')) {
  log(`a2p: ${settings.a2pRounds} rounds, ${settings.a2pWebhookRounds} with a webhook subscription, memory ${settings.a2pMemoryRounds} rounds`)
  results.a2p = await runA2P(settings)
}
if (only.has('scale')) {
  results.scale = await measureScale({ quick, log })
}
if (only.has('instructions')) {
  results.instructions = await runInstructions({ requests: settings.instructionRequests, warmup: settings.instructionWarmup, log })
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
  ...(results.events ? [eventsTable(results.events)] : []),
  ...(results.a2p ? [a2pTable(results.a2p)] : []),
  ...(results.scale ? [scaleTable(results.scale)] : []),
  ...(results.instructions ? [instructionsTable(results.instructions)] : [])
].join('\n')

const dir = values.out ?? join(ROOT, 'bench/results')
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n')
writeFileSync(join(dir, 'latest.md'), md)
process.stdout.write(md + '\n')
log(`written: ${join(dir, 'latest.json')}, ${join(dir, 'latest.md')}`)
