#!/usr/bin/env node
/**
 * Profiles the mock under one load: starts `node --cpu-prof dist/cli.js`, drives TARGET with
 * autocannon for SECONDS, stops the server (the profile is written on exit) and prints
 * bench/profile-summary.js's digest. Open the .cpuprofile in Chrome DevTools for the full picture.
 *
 *   node bench/profile.js password|jwt|refresh|extension|sms [SECONDS] [--dir DIR]
 *   node bench/profile.js startup [--dir DIR]      (start-up to the first token response)
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { passwordLogin, request } from './lib/http.js'
import { ROOT, startServer, stopServer } from './lib/process.js'
import { makeTargets, runTarget } from './throughput.js'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { dir: { type: 'string', default: join(ROOT, 'bench/results/profiles') }, connections: { type: 'string', default: '10' } } })
const [targetName = 'password', secondsText = '10'] = positionals
const dir = join(values.dir, `${targetName}-${Date.now()}`)
mkdirSync(dir, { recursive: true })

const server = await startServer(['--cpu-prof', '--cpu-prof-dir', dir, 'dist/cli.js', '--port', '0'])
try {
  if (targetName === 'startup') {
    const res = await request(server.url, passwordLogin())
    process.stdout.write(`first token: ${res.status}\n`)
  } else {
    const { targets } = await makeTargets(server)
    const target = targets[targetName]
    if (!target) throw new Error(`unknown target ${targetName} (have: ${Object.keys(targets).join(', ')})`)
    const result = await runTarget(target, { seconds: Number(secondsText), connections: Number(values.connections) })
    process.stdout.write(`${targetName}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.serverCpuUsPerRequest?.toFixed(0)} µs server CPU/request\n`)
  }
} finally {
  await stopServer(server.child)
}
const profile = readdirSync(dir).filter(f => f.endsWith('.cpuprofile')).map(f => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]
if (!profile) throw new Error(`no profile written in ${dir}`)
process.stdout.write(`profile: ${profile}\n\n`)
process.stdout.write(execFileSync(process.execPath, [join(ROOT, 'bench/profile-summary.js'), profile, '--top', '40'], { encoding: 'utf8' }))
