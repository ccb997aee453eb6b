#!/usr/bin/env node
/**
 * `npm pack` / `npm publish` hooks: the packed package.json carries no `prepare` script.
 *
 * In a clone, `prepare` builds dist/ on `npm ci` (and npm runs it for a git dependency). A packed
 * tarball already holds dist/, so there `prepare` would be a needless install-time build that npm
 * lists as an install script to approve. `prepack` removes it from package.json (keeping a copy)
 * just before the files are packed; `postpack` puts the original back.
 *
 *   node scripts/pack-manifest.mjs strip | restore
 */
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

const manifest = new URL('../package.json', import.meta.url)
const backup = new URL('../package.json.prepack', import.meta.url)
const command = process.argv[2]

if (command === 'strip') {
  // A pack that failed half-way left the copy behind: start from the original.
  if (existsSync(backup)) renameSync(backup, manifest)
  copyFileSync(manifest, backup)
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'))
  delete pkg.scripts.prepare
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`)
} else if (command === 'restore') {
  if (existsSync(backup)) renameSync(backup, manifest)
} else {
  process.stderr.write('usage: node scripts/pack-manifest.mjs strip|restore\n')
  process.exit(2)
}
