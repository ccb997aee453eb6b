/**
 * The CLI as a newcomer first meets it: shipped scenarios by name from any folder, `--version`,
 * one clear line for an address that cannot be listened on, and `$SCENARIO` honoured everywhere.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import t from 'tap'
import { REPO, runCli, startMock } from './spawn.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

t.test('--version prints the package version and nothing else', async t => {
  const res = await runCli(t, ['--version'])
  t.equal(res.code, 0)
  t.equal(res.stdout, `${pkg.version}\n`)
  t.equal(res.stderr, '')
})

t.test('--scenario NAME serves the shipped scenario from an unrelated folder', async t => {
  const elsewhere = t.testdir({})
  const { url } = await startMock(t, { scenario: 'msg-304', cwd: elsewhere })
  const health = await (await fetch(`${url}/__mock/health`)).json() as { scenario: string }
  t.equal(health.scenario, 'msg-304')
  const validate = await runCli(t, ['validate', 'sms-delivery-failures'], { cwd: elsewhere })
  t.equal(validate.code, 0)
  t.match(validate.stdout, /valid scenario "sms-delivery-failures"/)
})

t.test('a file that exists wins over a shipped name', async t => {
  const dir = t.testdir({
    'msg-304': readFileSync(new URL('../../scenarios/jwt-only.yaml', import.meta.url), 'utf8').replace(/^name: .*$/m, 'name: my-local-file')
  })
  const res = await runCli(t, ['validate', 'msg-304'], { cwd: dir })
  t.equal(res.code, 0)
  t.match(res.stdout, /valid scenario "my-local-file"/)
})

t.test('jwt honours $SCENARIO as the server does', async t => {
  const fromEnv = await runCli(t, ['jwt', 'eli-jwt'], { env: { ...process.env, SCENARIO: 'msg-304' } })
  t.equal(fromEnv.code, 0, fromEnv.stderr)
  const fromFlag = await runCli(t, ['jwt', 'eli-jwt', '--scenario', 'msg-304'])
  t.equal(fromEnv.stdout, fromFlag.stdout)
  t.match(fromEnv.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/)
})

t.test('a port in use: one line naming the fix, exit 2, no stack trace', async t => {
  const blocker = createServer()
  await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => blocker.close(() => resolve())))
  const port = (blocker.address() as { port: number }).port
  const res = await runCli(t, ['--port', String(port)])
  t.equal(res.code, 2)
  t.equal(res.stdout, '')
  t.equal(res.stderr, `ringcentral-mock: cannot listen on 127.0.0.1:${port}: the port is in use (another mock still running?). Use --port 0 for a free port, or another --port\n`)
})

t.test('a host that does not resolve: one line, exit 2', async t => {
  const res = await runCli(t, ['--port', '0', '--host', 'no-such-host.invalid'])
  t.equal(res.code, 2)
  t.match(res.stderr, /^ringcentral-mock: cannot listen on no-such-host\.invalid:0: the host name "no-such-host\.invalid" does not resolve\. Use --host 127\.0\.0\.1/)
  t.equal(res.stderr.split('\n').length, 2, 'one line')
  t.notMatch(res.stderr, /\n\s+at /, 'no stack trace')
})

t.test('the banner prints grant types as the scenario file spells them', async t => {
  const { child } = await startMock(t, { cwd: REPO })
  t.match(child.stdout, /jwt-app {2}secret=jwt-app-secret {2}grants: urn:ietf:params:oauth:grant-type:jwt-bearer, refresh_token/)
  await child.stop()
})

t.test('listening beyond loopback without a control token: a warning on stderr; with one: none', async t => {
  const open = await startMock(t, { args: ['--host', '0.0.0.0'] })
  await open.child.waitFor(c => /warning: listening on 0\.0\.0\.0 without a control token/.test(c.stderr), 'the warning')
  t.match(open.child.stderr, /--control-token/)
  await open.child.stop()
  const guarded = await startMock(t, { args: ['--host', '0.0.0.0', '--control-token', 'sesame-0123456789'] })
  t.match(guarded.child.stdout, /control API: http:\/\/localhost:\d+\/__mock {2}\(requests need the control token\)/)
  t.equal((await fetch(`${guarded.url}/__mock/jwt`)).status, 401)
  t.equal((await fetch(`${guarded.url}/__mock/jwt`, { headers: { 'x-mock-control-token': 'sesame-0123456789' } })).status, 200)
  await guarded.child.stop()
  t.notMatch(guarded.child.stderr, /warning/)
  const fromEnv = await startMock(t, { env: { ...process.env, CONTROL_TOKEN: 'env-token-0123456789', ALLOWED_HOSTS: 'mock.ci' } })
  t.equal((await fetch(`${fromEnv.url}/__mock/jwt`, { headers: { 'x-mock-control-token': 'env-token-0123456789' } })).status, 200, 'CONTROL_TOKEN')
  await fromEnv.child.stop()
})
