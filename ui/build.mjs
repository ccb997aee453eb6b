#!/usr/bin/env node
/**
 * Builds the dashboard (`ui/src/`) into `dist/ui/`: one script and one style sheet with
 * content-hashed names under `assets/`, and `index.html` pointing at them. esbuild bundles and
 * minifies Preact, the page and its CSS; nothing is fetched at run time.
 *
 *   node ui/build.mjs [--watch]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = join(root, 'dist/ui')
const watch = process.argv.includes('--watch')

/** Writes index.html from the template with the built file names. */
const page = {
  name: 'dashboard-page',
  setup (build) {
    build.onEnd(result => {
      if (result.errors.length > 0) return
      const outputs = Object.keys(result.metafile.outputs)
      const js = outputs.find(f => f.endsWith('.js'))
      const css = outputs.find(f => f.endsWith('.css'))
      if (js === undefined || css === undefined) throw new Error('the build made no script or no style sheet')
      const template = readFileSync(join(root, 'ui/index.html'), 'utf8')
      const html = template
        .replace('%SCRIPT%', `/__mock/ui/assets/${basename(js)}`)
        .replace('%STYLE%', `/__mock/ui/assets/${basename(css)}`)
      writeFileSync(join(out, 'index.html'), html)
      if (watch) process.stdout.write(`dashboard built: ${basename(js)}, ${basename(css)}\n`)
    })
  }
}

rmSync(out, { recursive: true, force: true })
mkdirSync(join(out, 'assets'), { recursive: true })

const options = {
  absWorkingDir: root,
  entryPoints: ['ui/src/main.tsx'],
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  sourcesContent: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: join(out, 'assets'),
  entryNames: 'dashboard-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [page]
}

if (watch) {
  const context = await esbuild.context(options)
  await context.watch()
} else {
  await esbuild.build(options)
}
