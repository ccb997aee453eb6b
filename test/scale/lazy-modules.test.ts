/**
 * What a start costs: in a fresh process, `startMockServer()` and a first login load none of the
 * modules the mock defers (Ajv and its formats, fastify's default validator and serializer
 * compilers, fast-json-stringify, the YAML parser, the WebSocket server, the scenario schema's
 * validators for a shipped scenario the build checked), and each of them is
 * loaded once the feature that needs it is used, so the check below can tell.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

// Each is a module file that is in require.cache only if its package was loaded whole.
const DEFERRED = {
  ajv: /node_modules\/ajv\/dist\/ajv\.js$/,
  'ajv-formats': /node_modules\/ajv-formats\/dist\/index\.js$/,
  '@fastify/ajv-compiler': /node_modules\/@fastify\/ajv-compiler\/index\.js$/,
  'fast-json-stringify': /node_modules\/fast-json-stringify\/index\.js$/,
  yaml: /node_modules\/yaml\/dist\/index\.js$/,
  ws: /node_modules\/ws\/index\.js$/,
  // The scenario schema's precompiled validators: a shipped scenario was checked by the build.
  'scenario validators': /dist\/scenario-validators\.cjs$/
}

const SCRIPT = `
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
const require = createRequire(import.meta.url)
const patterns = ${JSON.stringify(Object.fromEntries(Object.entries(DEFERRED).map(([k, v]) => [k, v.source])))}
const loaded = () => Object.entries(patterns).filter(([, p]) => Object.keys(require.cache).some(f => new RegExp(p).test(f.replaceAll('\\\\', '/')))).map(([k]) => k)
const { startMockServer } = await import('./dist/index.js')
const mock = await startMockServer({ port: 0 })
const basic = 'Basic ' + Buffer.from('legacy-password-app:legacy-password-secret').toString('base64')
const login = await fetch(mock.url + '/restapi/oauth/token', { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=ada%40example.com&password=Ada-Passw0rd' })
const token = (await login.json()).access_token
const atStart = loaded()
// A validated request body (Ajv), a YAML scenario (yaml), a WebSocket token and socket (ws).
const sms = await fetch(mock.url + '/restapi/v1.0/account/~/extension/~/sms', { method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: JSON.stringify({ from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+15551230000' }], text: 'hi' }) })
// A shipped scenario's text is parsed at build time: an edited copy is what needs the parser.
const text = readFileSync('scenarios/default.yaml', 'utf8') + '\\n# edited\\n'
const yaml = await fetch(mock.url + '/__mock/scenario', { method: 'PUT', headers: { 'content-type': 'application/yaml' }, body: text })
const afterUse = loaded()
await mock.close()
console.log(JSON.stringify({ login: login.status, sms: sms.status, yaml: yaml.status, atStart, afterUse }))
`

t.test('a start loads none of the deferred modules, and using a feature loads its module', async t => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT, timeout: 60_000 })
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { login: number, sms: number, yaml: number, atStart: string[], afterUse: string[] }
  t.equal(result.login, 200, 'the first login works')
  t.same(result.atStart, [], 'nothing deferred is loaded by a start and a login')
  t.equal(result.sms, 200, 'the SMS is sent')
  t.equal(result.yaml, 200, 'the YAML scenario is loaded')
  t.ok(result.afterUse.includes('ajv'), 'a validated body loads Ajv')
  t.ok(result.afterUse.includes('yaml'), 'a YAML scenario loads the parser')
  t.ok(result.afterUse.includes('scenario validators'), 'and an edited one is checked against the schema')
  t.notOk(result.afterUse.includes('@fastify/ajv-compiler'), 'fastify\'s own validator compiler is never needed')
  t.notOk(result.afterUse.includes('fast-json-stringify'), 'nor its serializer compiler')
})
