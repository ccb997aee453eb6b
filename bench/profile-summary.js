#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by package or file, and the
 * heaviest functions. Usage: node bench/profile-summary.js FILE.cpuprofile [--by file|package] [--top N]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { by: { type: 'string', default: 'package' }, top: { type: 'string', default: '25' }, inclusive: { type: 'string', multiple: true, default: [] } } })
const file = positionals[0]
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.js FILE.cpuprofile [--by file|package] [--top N]\n')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(profile.nodes.map(n => [n.id, n]))
const self = new Map()
const intervals = profile.timeDeltas
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]
  self.set(id, (self.get(id) ?? 0) + (intervals[i] ?? 0))
}
const total = [...self.values()].reduce((a, b) => a + b, 0)

function group (url) {
  if (!url) return '(native/idle)'
  const u = url.replace(/^file:\/\//, '')
  if (values.by === 'file') return u.replace(/^.*node_modules\//, 'node_modules/').replace(/^\/work\/main\//, '')
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)
  if (m) return m[1]
  if (u.startsWith('node:')) return 'node core'
  return u.replace(/^.*\/(dist|src|bench)\//, '$1/')
}

const groups = new Map()
const fns = new Map()
for (const [id, us] of self) {
  const node = byId.get(id)
  const cf = node.callFrame
  const g = cf.functionName === '(idle)' || cf.functionName === '(program)' || cf.functionName === '(garbage collector)' ? cf.functionName : group(cf.url)
  groups.set(g, (groups.get(g) ?? 0) + us)
  const key = `${cf.functionName || '(anonymous)'} ${group(cf.url)}:${cf.lineNumber + 1}`
  fns.set(key, (fns.get(key) ?? 0) + us)
}
const top = Number(values.top)
const ms = us => (us / 1000).toFixed(1).padStart(8)
process.stdout.write(`total sampled: ${(total / 1000).toFixed(1)} ms\n\nself time by ${values.by}:\n`)
for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${ms(us)} ms  ${(100 * us / total).toFixed(1).padStart(5)}%  ${g}\n`)
process.stdout.write('\nheaviest functions (self):\n')
for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${ms(us)} ms  ${f}\n`)

if (values.inclusive.length > 0) {
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const busy = [...self].filter(([id]) => !['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id).callFrame.functionName)).reduce((a, [, us]) => a + us, 0)
  process.stdout.write(`\ninclusive time (of ${(busy / 1000).toFixed(1)} ms busy, idle/GC/program excluded):\n`)
  for (const spec of values.inclusive) {
    const [name, filePart] = spec.split('@')
    const matches = id => { const cf = byId.get(id).callFrame; return cf.functionName === name && (filePart === undefined || cf.url.includes(filePart)) }
    let us = 0
    for (const [id, t] of self) {
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (matches(cur)) { us += t; break }
    }
    process.stdout.write(`${ms(us)} ms  ${(100 * us / busy).toFixed(1).padStart(5)}%  ${spec}\n`)
  }
}
