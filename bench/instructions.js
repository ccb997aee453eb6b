/**
 * Instructions per request, counted by valgrind's callgrind: a measure that does not drift with
 * the machine's load, as wall-clock figures on a shared 2-core machine do.
 *
 * Each server runs under `valgrind --tool=callgrind` (with JIT-friendly settings); the bench warms
 * it up, zeroes its counters (`callgrind_control -z`), sends a fixed number of requests one after
 * another on a keep-alive connection, and dumps the counters (`callgrind_control -d`). The
 * instructions of that dump divided by the requests is the figure: the whole server process's
 * work per request (parsing, routing, hooks, handler, serialising, the log line), not the client's.
 *
 * The warm-up matters: under valgrind V8's optimising compiler (a background thread) delivers its
 * code many more requests later than it would natively, and a short warm-up counts interpreted
 * code (2,000 requests gave the bare route 202k instructions, 3,000 gave 133k). The default warms
 * up with 5,000.
 *
 * Targets: the baseline (bench/servers/baseline.js: fastify + formbody answering a small JSON),
 * and the mock's CLI as users run it (request log on, default scenario): the password grant, the
 * JWT grant, a bearer-checked GET of the extension and an SMS send.
 *
 *   node bench/instructions.js [--requests N] [--warmup N] [--only baseline,password,...]
 *
 * Needs valgrind (Debian: `apt-get install valgrind`); without it, says so and reports nothing.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { basic, FORM, form, JWT_APP, keepAliveSender, passwordLogin } from './lib/http.js'
import { ROOT } from './lib/process.js'
import { SMS_BODY, SMS_PATH } from './throughput.js'

const TARGETS = ['baseline', 'password', 'jwt', 'extension', 'sms']

export function valgrindAvailable () {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' })
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Starts `node args` under callgrind; resolves once it prints its URL. */
function startUnderCallgrind (args, outFile) {
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', [
      '--tool=callgrind', `--callgrind-out-file=${outFile}`, '--dump-instr=no', '--collect-jumps=no',
      // V8 writes code at run time: let valgrind see it.
      '--smc-check=all-non-file',
      process.execPath, ...args
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${args.join(' ')}: no URL under valgrind after 300 s\n${err.slice(-2000)}`)) }, 300_000)
    child.stderr.setEncoding('utf8').on('data', chunk => { err = (err + chunk).slice(-20_000) })
    child.stdout.setEncoding('utf8').on('data', function onData (chunk) {
      out += chunk
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (!match) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stdout.resume()
      resolve({ child, url: match[1] })
    })
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`valgrind ${args.join(' ')} exited (${code}) before listening\n${err.slice(-2000)}`)) })
  })
}

const { send, close: closeAgent } = keepAliveSender()

/** The instructions of the newest dump of `outFile` (callgrind writes `outFile.N` on demand). */
function dumpedInstructions (outFile, before) {
  const dir = join(outFile, '..')
  const base = outFile.split('/').pop()
  const dumps = readdirSync(dir).filter(f => f.startsWith(`${base}.`) && !before.has(f))
  if (dumps.length === 0) throw new Error('callgrind wrote no dump')
  let total = 0
  for (const f of dumps) {
    const text = readFileSync(join(dir, f), 'utf8')
    const match = /^(?:summary|totals):\s*(\d+)/m.exec(text)
    if (!match) throw new Error(`no totals in ${f}`)
    total += Number(match[1])
  }
  return total
}

/** The request a target sends, once the server is up (tokens are made here). */
async function requestFor (target, url) {
  if (target === 'baseline' || target === 'password') return () => passwordLogin()
  const login = async (fields, app) => JSON.parse((await send(url, { method: 'POST', path: '/restapi/oauth/token', headers: { authorization: basic(app), 'content-type': FORM }, body: form(fields) })).body)
  if (target === 'jwt') {
    const jwt = execFileSync(process.execPath, ['dist/cli.js', 'jwt', 'ada-jwt'], { cwd: ROOT, encoding: 'utf8' }).trim()
    return () => ({ method: 'POST', path: '/restapi/oauth/token', headers: { authorization: basic(JWT_APP), 'content-type': FORM }, body: form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt }) })
  }
  const jwt = execFileSync(process.execPath, ['dist/cli.js', 'jwt', 'ada-jwt'], { cwd: ROOT, encoding: 'utf8' }).trim()
  // A long-lived token: the requests take a while under valgrind.
  const token = (await login({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt, access_token_ttl: 3600 }, JWT_APP)).access_token
  const auth = { authorization: `Bearer ${token}` }
  if (target === 'extension') return () => ({ path: '/restapi/v1.0/account/~/extension/~', headers: auth })
  return () => ({ method: 'POST', path: SMS_PATH, headers: { ...auth, 'content-type': 'application/json' }, body: SMS_BODY })
}

/** Instructions per request of one target. */
export async function measureTarget (target, { requests = 1000, warmup = 5000 } = {}) {
  const outDir = join(tmpdir(), `rcmock-callgrind-${process.pid}-${target}`)
  rmSync(outDir, { recursive: true, force: true })
  execFileSync('mkdir', ['-p', outDir])
  const outFile = join(outDir, 'callgrind.out')
  // The mock as users run it: the CLI with its request log (to a pipe, read and dropped here).
  const args = target === 'baseline' ? ['bench/servers/baseline.js'] : ['dist/cli.js', '--port', '0', '--scenario', 'default']
  const { child, url } = await startUnderCallgrind(args, outFile)
  try {
    const make = await requestFor(target, url)
    for (let i = 0; i < warmup; i++) {
      const res = await send(url, make())
      if (res.status >= 400) throw new Error(`${target}: ${res.status} ${res.body.slice(0, 200)}`)
    }
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' })
    for (let i = 0; i < requests; i++) await send(url, make())
    const before = new Set(readdirSync(outDir))
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' })
    // The dump is written by the server process itself: wait for it (bounded).
    for (let i = 0; i < 600 && readdirSync(outDir).filter(f => !before.has(f)).length === 0; i++) await new Promise(resolve => setTimeout(resolve, 100))
    return dumpedInstructions(outFile, before) / requests
  } finally {
    child.kill('SIGKILL')
    rmSync(outDir, { recursive: true, force: true })
  }
}

export async function runInstructions ({ requests = 1000, warmup = 5000, only = TARGETS, log = () => {} } = {}) {
  if (!valgrindAvailable()) return { available: false }
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: npm run build')
  const perRequest = {}
  for (const target of only) {
    log(`instructions: ${target} (${warmup} + ${requests} requests under callgrind)`)
    perRequest[target] = await measureTarget(target, { requests, warmup })
  }
  const base = perRequest.baseline
  const ratios = base !== undefined ? Object.fromEntries(Object.entries(perRequest).map(([k, v]) => [k, v / base])) : {}
  return { available: true, requests, warmup, perRequest, ratios }
}

if (process.argv[1] && process.argv[1].endsWith('instructions.js')) {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' }, warmup: { type: 'string', default: '5000' }, only: { type: 'string', default: TARGETS.join(',') } } })
  const result = await runInstructions({ requests: Number(values.requests), warmup: Number(values.warmup), only: values.only.split(','), log: line => process.stderr.write(`${line}\n`) })
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  closeAgent()
}
