#!/usr/bin/env node
/**
 * Bundles the mock's own modules for the two entry points, `dist/index.js` (the package) and
 * `dist/cli.js` (the command), over the ones tsc wrote there: the code they share goes to one
 * chunk, `dist/chunk-HASH.js`. Node loads three files at start instead of about ninety, which was
 * 13 % of the CLI's start-up (docs/performance.md).
 *
 * Only the mock's own code is bundled: every package stays an import of `node_modules` (a user's
 * `npm update` still reaches fastify, jose or ws). Source maps point at `src/` and carry it, so
 * `node --enable-source-maps` shows TypeScript positions. Names are not forced (esbuild's
 * `keepNames` wraps every function made at run time in a call that sets its name: a few µs on a
 * request that makes closures); a top-level name two modules share gets a digit in a stack trace.
 * tsc's other modules and every `.d.ts` stay in `dist/` (the typings, and the build scripts and
 * benchmarks that load single modules); the package leaves those modules out (`dist/.npmignore`),
 * since nothing it runs loads them.
 *
 *   node scripts/bundle.mjs       (run by `npm run build`, after tsc)
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

// The chunk sits beside the entries: modules find the package's files from their own URL (src/paths.ts).
for (const file of readdirSync(new URL('../dist', import.meta.url))) {
  if (/^chunk-\w+\.js(?:\.map)?$/.test(file)) rmSync(new URL(`../dist/${file}`, import.meta.url))
}
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: true,
  tsconfig: 'tsconfig.json',
  logLevel: 'warning'
})

writeFileSync(new URL('../dist/.npmignore', import.meta.url), `# Written by scripts/bundle.mjs. The package runs the bundles; tsc's single modules (and their
# maps) are for the build scripts and benchmarks. The typings (.d.ts) all stay.
*.js
*.js.map
!/index.js
!/index.js.map
!/cli.js
!/cli.js.map
!/chunk-*.js
!/chunk-*.js.map
!/ui/**
`)
