/** docs/coverage.md is what `npm run docs:coverage` generates from the document and RingCentral's spec. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { referenceDir, referenceMissing } from './reference.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const skip = referenceMissing()

t.test('docs/coverage.md is up to date', { skip }, async t => {
  const run = promisify(execFile)
  const result = await run(process.execPath, ['scripts/coverage.mjs', '--check'], {
    cwd: root,
    env: { ...process.env, RINGCENTRAL_OPENAPI_DIR: referenceDir }
  }).catch((error: { stdout?: string, stderr?: string, code?: number }) => error)
  t.equal(result.stderr ?? '', '', 'run `npm run docs:coverage` and commit docs/coverage.md')
  t.match(result.stdout, /docs\/coverage\.md is up to date/)
})

if (skip) t.comment(`SKIPPED: ${skip}`)
