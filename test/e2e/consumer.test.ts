/**
 * What a consumer does: `npm pack`, install the tarball as a devDependency of a fresh project in a
 * temporary folder, and use it there: the README's embedding example under node's own test runner,
 * the shipped scenarios by name and through `exports`, the typings with `tsc`, and the CLI through
 * `npx ringcentral-mock`.
 *
 * Tests never download: the project is installed with `npm ci --offline` from a lockfile made from
 * this repository's own (the same versions, fetched from npm's local cache, which `npm ci` here
 * filled). The tarball is packed, with the package's own pack hooks, from a copy of the files it
 * ships: the dist/ that `npm test` has just built, with the build step itself made a no-op (a
 * rebuild would replace dist/ under the tests running beside this one).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import t from 'tap'
import { listening, REPO, spawnChild } from './spawn.js'

interface LockEntry { version?: string, resolved?: string, integrity?: string, dev?: boolean, devOptional?: boolean, optional?: boolean, link?: boolean, dependencies?: Record<string, string>, optionalDependencies?: Record<string, string>, peerDependencies?: Record<string, string>, [key: string]: unknown }

const repoLock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }
const repoPkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string, dependencies: Record<string, string>, bin: Record<string, string>, engines: Record<string, string>, license: string }
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** Where node would find `name` from the package at `from` (a lockfile path), per the lockfile. */
function resolveIn (from: string, name: string): string | undefined {
  let base = from
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`
    if (repoLock.packages[candidate]) return candidate
    if (base === '') return undefined
    const i = base.lastIndexOf('/node_modules/')
    base = i === -1 ? '' : base.slice(0, i)
  }
}

/** The lockfile entries `roots` need, transitively, as this repository resolved them. */
function closure (roots: string[]): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {}
  const queue = roots.map(name => resolveIn('', name)).filter((p): p is string => p !== undefined)
  while (queue.length > 0) {
    const path = queue.pop() as string
    if (out[path]) continue
    const { dev: _dev, devOptional: _devOptional, ...entry } = repoLock.packages[path] as LockEntry
    out[path] = { ...entry, dev: true }
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = resolveIn(path, name)
      if (found) queue.push(found)
    }
  }
  return out
}

const EMBEDDING_TEST = `
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { SDK } from '@ringcentral/sdk'
import { startMockServer, shippedScenarioNames } from 'ringcentral-mock'

test('the README embedding example', async () => {
  const mock = await startMockServer({ scenario: 'default' })
  try {
    const sdk = new SDK({ server: mock.url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
    await sdk.platform().login({ jwt: mock.jwt('ada-jwt') })
    const me = await (await sdk.platform().get('/restapi/v1.0/account/~/extension/~')).json()
    assert.equal(me.id, 100200301)
    mock.rules.add({ id: 'refresh-outage', when: { operation: 'getToken', grantType: 'refresh_token' }, times: 1, respond: { error: 'OAU-213' } })
    mock.clock.advance(3600)
    mock.clock.set('2030-01-01T00:00:00Z')
    assert.equal(typeof mock.clock.now(), 'number')
    assert.equal(mock.requests.list({ operation: 'getToken' }).length, 1)
    assert.equal(mock.sessions.list().length, 1)
    await mock.reset()
  } finally {
    await mock.close()
  }
})

test('shipped scenarios by name, and through exports', async () => {
  const mock = await startMockServer({ scenario: 'msg-304' })
  await mock.close()
  assert.ok(shippedScenarioNames().includes('msg-304'))
  const file = fileURLToPath(import.meta.resolve('ringcentral-mock/scenarios/msg-304.yaml'))
  assert.ok(existsSync(file), file)
  const fromPath = await startMockServer({ scenario: file })
  await fromPath.close()
  assert.ok(existsSync(fileURLToPath(import.meta.resolve('ringcentral-mock/scenario.schema.json'))))
  assert.ok(existsSync(fileURLToPath(import.meta.resolve('ringcentral-mock/scenarios/scenario.schema.json'))))
})
`

const TYPES_CHECK = `
import { startMockServer, type JournalEntry, type RuleSpec } from 'ringcentral-mock'

const mock = await startMockServer({ scenario: 'msg-304' })
const rule: RuleSpec = { id: 'x', when: { operation: 'createSMSMessage' }, respond: { error: 'MSG-304' } }
mock.rules.add(rule)
const entries: JournalEntry[] = mock.requests.list({ errorCode: 'MSG-304' })
// @ts-expect-error a misspelt operation does not compile for a consumer either
mock.rules.add({ id: 'y', when: { operation: 'createSmsMessage' }, respond: { error: 'MSG-304' } })
console.log(entries.length)
await mock.close()
`

t.test('packed, installed into a fresh project, used from there', async t => {
  const root = t.testdir({})
  // The files the package ships (a dry run, without scripts), copied with package.json and the pack hook.
  const listed = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: REPO, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>
  const source = join(root, 'source')
  for (const file of [...(listed[0]?.files ?? []).map(f => f.path), 'scripts/pack-manifest.mjs']) {
    mkdirSync(dirname(join(source, file)), { recursive: true })
    cpSync(join(REPO, file), join(source, file))
  }
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  manifest.scripts.build = 'node -e 0'
  writeFileSync(join(source, 'package.json'), JSON.stringify(manifest, null, 2))
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', root], { cwd: source, encoding: 'utf8' })) as Array<{ filename: string, files: Array<{ path: string }> }>
  const tarball = join(root, packed[0]?.filename ?? '')
  const files = (packed[0]?.files ?? []).map(f => f.path)
  const packedManifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { scripts?: Record<string, string> }

  t.test('the tarball is publish-ready', async t => {
    t.ok(files.includes('LICENSE'), 'a LICENSE')
    t.ok(files.includes('dist/cli.js') && files.includes('dist/index.d.ts'), 'the built program and its typings')
    t.ok(files.includes('scenarios/msg-304.yaml') && files.includes('scenarios/scenario.schema.json'), 'the shipped scenarios and the schema')
    t.notOk(files.some(f => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('bench/')), 'no tests, sources or benchmarks')
    const maps = files.filter(f => f.endsWith('.map'))
    t.ok(maps.length > 0)
    const dangling = maps.filter(f => {
      const map = JSON.parse(readFileSync(join(REPO, f), 'utf8')) as { sources: string[], sourcesContent?: unknown[] }
      return map.sourcesContent === undefined || map.sourcesContent.length !== map.sources.length
    })
    t.same(dangling, [], 'every source map carries its sources (none points at a file the package lacks)')
    t.equal(packedManifest.scripts?.prepare, undefined, 'no prepare script: installing the tarball builds nothing')
    t.equal(JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).scripts.prepare, 'npm run build', 'the packed tree gets its package.json back')
    t.notOk(existsSync(join(source, 'package.json.prepack')))
  })

  const project = join(root, 'consumer')
  mkdirSync(project)
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`
  const devDependencies = { 'ringcentral-mock': `file:${tarball}`, '@ringcentral/sdk': '*' }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', devDependencies }, null, 2))
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({
    name: 'consumer',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', version: '1.0.0', devDependencies },
      'node_modules/ringcentral-mock': { version: repoPkg.version, resolved: `file:${tarball}`, integrity, dev: true, license: repoPkg.license, dependencies: repoPkg.dependencies, bin: repoPkg.bin, engines: repoPkg.engines },
      ...closure([...Object.keys(repoPkg.dependencies), '@ringcentral/sdk'])
    }
  }, null, 2))
  const install = spawnSync(npm, ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel', 'warn'], { cwd: project, encoding: 'utf8' })
  if (install.status !== 0) {
    t.fail(`npm ci --offline failed (is npm's cache filled by \`npm ci\` in the repository?):\n${install.stderr}`)
    return
  }
  t.notMatch(install.stderr, /EBADENGINE/, 'no engine warning on this Node')
  t.notMatch(install.stdout + install.stderr, /install-scripts|\btsc\b|> ringcentral-mock@.* (prepare|build)/, 'installing runs no build, and has no install script to approve')
  t.ok(readdirSync(join(project, 'node_modules', 'ringcentral-mock', 'dist')).includes('cli.js'))

  t.test("the README's embedding example under node's test runner", async t => {
    writeFileSync(join(project, 'embedding.test.mjs'), EMBEDDING_TEST)
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'embedding.test.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
    t.equal(run.status, 0, `node --test passes:\n${run.stdout}\n${run.stderr}`)
    t.match(run.stdout, /# pass 2/)
  })

  t.test('the typings, as a TypeScript consumer sees them', async t => {
    writeFileSync(join(project, 'check.ts'), TYPES_CHECK)
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['check.ts'] }))
    const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' })
    t.equal(tsc.status, 0, `tsc passes (and the @ts-expect-error holds):\n${tsc.stdout}${tsc.stderr}`)
  })

  t.test('the CLI through npx, from the consumer project', async t => {
    const npx = (args: string[]) => spawnSync(npm, ['exec', '--offline', '--no', '--', 'ringcentral-mock', ...args], { cwd: project, encoding: 'utf8' })
    const version = npx(['--version'])
    t.equal(version.stdout, `${repoPkg.version}\n`, version.stderr)
    const jwt = npx(['jwt', 'eli-jwt', '--scenario', 'msg-304'])
    t.equal(jwt.status, 0, jwt.stderr)
    t.match(jwt.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    // The server runs the bin npx runs (npm exec adds a shell between itself and node, which a
    // signal to npm does not reach), so that the test can stop it.
    const server = spawnChild(t, [join(project, 'node_modules', '.bin', 'ringcentral-mock'), '--port', '0', '--scenario', 'sms-delivery-failures'], { cwd: project })
    const url = await listening(server)
    t.match(await (await fetch(`${url}/__mock/health`)).json(), { scenario: 'sms-delivery-failures' })
    t.same(await server.stop('SIGTERM'), { code: 0, signal: null })
  })
})
