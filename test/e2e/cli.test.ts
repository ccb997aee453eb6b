/**
 * The `ringcentral-mock` command as a user runs it: `node dist/cli.js …` in a child process.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { basic, JWT_GRANT, OWN_EXTENSION } from './raw.js'
import { DEFAULT_SCENARIO, LISTENING, runCli, spawnCli, startMock } from './spawn.js'

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/
const defaultScenario = parse(readFileSync(DEFAULT_SCENARIO, 'utf8'))
const credentialIds: string[] = defaultScenario.accounts.flatMap((a: any) => a.extensions.flatMap((e: any) => (e.jwtCredentials ?? []).map((c: any) => c.id)))

/** A scenario with one problem at a known place: an unknown grant type on the first app. */
const BAD_GRANT_YAML = `name: bad-grant
accounts:
  - id: "1"
    name: Acme
    mainNumber: "+16505550100"
    extensions:
      - id: "11"
        extensionNumber: "101"
        name: Ada Admin
apps:
  - clientId: x
    clientSecret: y
    grantTypes: [client_credentials]
`

/** The request-log lines the server writes: `<ISO time> METHOD PATH STATUS …`. */
const logLines = (stdout: string): string[] => stdout.split('\n').filter(line => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /.test(line))

t.test('jwt CREDENTIAL_ID prints exactly the JWT and a newline, the same every run', async t => {
  const first = await runCli(t, ['jwt', 'ada-jwt'])
  t.equal(first.code, 0)
  t.equal(first.stderr, '')
  t.match(first.stdout, /\n$/)
  t.equal(first.stdout.split('\n').length, 2, 'one line')
  t.match(first.stdout.slice(0, -1), JWT_SHAPE, 'nothing but the JWT')
  const second = await runCli(t, ['jwt', 'ada-jwt'])
  t.equal(second.stdout, first.stdout, 'deterministic')

  const ben = await runCli(t, ['jwt', 'ben-jwt', '--scenario', DEFAULT_SCENARIO])
  t.equal(ben.code, 0)
  t.not(ben.stdout, first.stdout, 'each credential has its own JWT')
})

t.test('jwt with an unknown credential: exit 2, the known ones listed, nothing on stdout', async t => {
  const res = await runCli(t, ['jwt', 'nobody-jwt'])
  t.equal(res.code, 2)
  t.equal(res.stdout, '')
  t.match(res.stderr, /no JWT credential "nobody-jwt"/)
  t.match(res.stderr, /ada-jwt/)
})

t.test('validate scenarios/default.yaml exits 0', async t => {
  const res = await runCli(t, ['validate', DEFAULT_SCENARIO])
  t.equal(res.code, 0)
  t.match(res.stdout, /valid scenario "default"/)
  t.equal(res.stderr, '')
})

t.test('validate a bad scenario: exit 2, naming the file, the path inside it and what was expected', async t => {
  const dir = t.testdir({
    'bad-grant.yaml': BAD_GRANT_YAML,
    'bad-ttl.json': JSON.stringify({
      name: 'bad-ttl',
      accounts: [{ id: '1', name: 'Acme', mainNumber: '+16505550100', extensions: [{ id: '11', extensionNumber: '101', name: 'Ada' }] }],
      apps: [{ clientId: 'a', clientSecret: 'b', grantTypes: ['password'], accessTokenTtl: 'an hour' }]
    }),
    'typo.yaml': BAD_GRANT_YAML.replace('grantTypes: [client_credentials]', 'grantTypes: [password]\n    scopez: [SMS]'),
    'syntax.yaml': 'name: [unclosed\napps: {\n',
    'empty.yaml': ''
  })
  // Every run at once (each is a separate process); the subtests then read the results.
  const files = ['bad-grant.yaml', 'bad-ttl.json', 'typo.yaml', 'syntax.yaml', 'empty.yaml', 'nope.yaml']
  const results = new Map(await Promise.all(files.map(async name => [name, await runCli(t, ['validate', join(dir, name)])] as const)))
  const validate = (name: string) => {
    const res = results.get(name)
    if (!res) throw new Error(`no run for ${name}`)
    return { file: join(dir, name), res }
  }

  t.test('a value not in the enum (YAML)', async t => {
    const { file, res } = validate('bad-grant.yaml')
    t.equal(res.code, 2)
    t.equal(res.stdout, '')
    t.match(res.stderr, file, 'names the file')
    t.match(res.stderr, /apps\[0\]\.grantTypes\[0\]: must be one of .*"urn:ietf:params:oauth:grant-type:jwt-bearer".*\(got "client_credentials"\)/, 'the path, what was expected and what was found')
  })

  t.test('a wrong type (JSON)', async t => {
    const { file, res } = validate('bad-ttl.json')
    t.equal(res.code, 2)
    t.match(res.stderr, file)
    t.match(res.stderr, /apps\[0\]\.accessTokenTtl: must be integer \(got "an hour"\)/)
  })

  t.test('a misspelt property', async t => {
    const { file, res } = validate('typo.yaml')
    t.equal(res.code, 2)
    t.match(res.stderr, file)
    t.match(res.stderr, /apps\[0\]\.scopez: unknown property \(did you mean "scopes"\?\)/)
  })

  t.test('a YAML syntax error gives its line and the parser\'s code frame, once', async t => {
    const { file, res } = validate('syntax.yaml')
    t.equal(res.code, 2)
    t.match(res.stderr, file)
    t.match(res.stderr, /line 2, column 1: Flow sequence in block collection must be sufficiently indented/)
    t.match(res.stderr, /\n\s+name: \[unclosed\n\s+apps: \{\n\s+\^/, 'the offending lines and a caret')
    t.equal(res.stderr.match(/\^/g)?.length, 1, 'one code frame, not a cascade of follow-on errors')
    t.match(res.stderr, /1 more syntax error after this one, probably caused by it/)
  })

  t.test('an empty file says it is empty', async t => {
    const { file, res } = validate('empty.yaml')
    t.equal(res.code, 2)
    t.match(res.stderr, file)
    t.match(res.stderr, /the document is empty/)
  })

  t.test('a missing file: the error, and the shipped scenarios a bare name would load', async t => {
    const { file, res } = validate('nope.yaml')
    t.equal(res.code, 2)
    t.match(res.stderr, file)
    t.match(res.stderr, /cannot read file/)
    t.match(res.stderr, /A bare name loads a shipped scenario: appointment-reminders, default, .*msg-304/)
  })
})

t.test('serving a bad scenario exits 2 before listening', async t => {
  const dir = t.testdir({ 'bad-grant.yaml': BAD_GRANT_YAML })
  const file = join(dir, 'bad-grant.yaml')
  const res = await runCli(t, ['--port', '0', '--scenario', file])
  t.equal(res.code, 2)
  t.notMatch(res.stdout, /listening/)
  t.match(res.stderr, file)
  t.match(res.stderr, /apps\[0\]\.grantTypes\[0\]/)
})

t.test('the banner: the URL first, then the apps, the users and every JWT credential string', async t => {
  const { url, child } = await startMock(t)
  await child.waitFor(c => c.stdout.includes('cleo-jwt'), 'the whole banner')
  t.match(child.stdout.split('\n')[0], LISTENING, 'the first line gives the URL')
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const health = await fetch(`${url}/__mock/health`)
  t.equal(health.status, 200, 'the printed URL serves')

  const banner = child.stdout
  for (const app of defaultScenario.apps) {
    t.match(banner, app.clientId, `app ${app.clientId}`)
    if (app.clientSecret) t.match(banner, `secret=${app.clientSecret}`, `secret of ${app.clientId}`)
  }
  for (const ext of defaultScenario.accounts[0].extensions) {
    t.match(banner, `ext ${ext.extensionNumber} (id ${ext.id}) ${ext.name}`, `user ${ext.name}`)
    t.match(banner, ext.email)
    t.match(banner, `password=${ext.password}`, `password of ${ext.name}`)
  }
  t.ok(credentialIds.length >= 4)
  for (const id of credentialIds) t.match(banner, new RegExp(`^  ${id} \\(.*\\):\n    [\\w-]+\\.[\\w-]+\\.[\\w-]+$`, 'm'), `credential ${id} and its JWT`)
  const adaJwt = (await runCli(t, ['jwt', 'ada-jwt'])).stdout.trim()
  const lines = banner.split('\n')
  const at = lines.findIndex(line => line.startsWith('  ada-jwt ('))
  t.equal(lines[at + 1], `    ${adaJwt}`, 'the same JWT the jwt command prints')
})

t.test('one log line per request, with no password, secret, assertion or token in it', async t => {
  const { url, child } = await startMock(t)
  const wrongPassword = 'Not-Ada-S3cret-xyz'
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { authorization: basic('dual-app', 'dual-app-secret'), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString()
  })

  const login = await fetch(`${url}/restapi/oauth/token`, form({ grant_type: 'password', username: 'ada@example.com', password: 'Ada-Passw0rd' }))
  t.equal(login.status, 200)
  const tokens = await login.json() as { access_token: string, refresh_token: string }
  const wrong = await fetch(`${url}/restapi/oauth/token`, form({ grant_type: 'password', username: 'ada@example.com', password: wrongPassword }))
  t.equal(wrong.status, 400)
  const jwt = (await runCli(t, ['jwt', 'ada-jwt'])).stdout.trim()
  const jwtLogin = await fetch(`${url}/restapi/oauth/token`, form({ grant_type: JWT_GRANT, assertion: jwt }))
  t.equal(jwtLogin.status, 200)
  const viaHeader = await fetch(`${url}${OWN_EXTENSION}`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  t.equal(viaHeader.status, 200)
  const viaQuery = await fetch(`${url}${OWN_EXTENSION}?access_token=${tokens.access_token}`)
  t.equal(viaQuery.status, 200)
  const refresh = await fetch(`${url}/restapi/oauth/token`, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }))
  t.equal(refresh.status, 200)
  const newTokens = await refresh.json() as { access_token: string, refresh_token: string }
  const revoke = await fetch(`${url}/restapi/oauth/revoke?token=${newTokens.refresh_token}`, form({}))
  t.equal(revoke.status, 200)
  const requests = 7

  await child.waitFor(c => logLines(c.stdout).length >= requests, `${requests} log lines`)
  t.equal((await child.stop('SIGTERM')).code, 0)
  const lines = logLines(child.stdout)
  t.equal(lines.length, requests, 'exactly one line per request')
  t.match(lines, [
    /Z POST \/restapi\/oauth\/token 200 .*grant_type=password/,
    /Z POST \/restapi\/oauth\/token 400 .*grant_type=password/,
    /Z POST \/restapi\/oauth\/token 200 .*grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer/,
    /Z GET \/restapi\/v1\.0\/account\/~\/extension\/~ 200 /,
    /Z GET \/restapi\/v1\.0\/account\/~\/extension\/~\?access_token=\[redacted\] 200 /,
    /Z POST \/restapi\/oauth\/token 200 .*grant_type=refresh_token/,
    /Z POST \/restapi\/oauth\/revoke\?token=\[redacted\] 200 /
  ])

  const log = lines.join('\n')
  for (const [name, secret] of Object.entries({
    password: 'Ada-Passw0rd',
    'client secret': 'dual-app-secret',
    'JWT assertion': jwt,
    'Basic credentials': basic('dual-app', 'dual-app-secret').slice(6)
  })) t.notOk(log.includes(secret), `no ${name} in the request log`)
  // The banner shows the scenario's own passwords, secrets and JWTs on purpose; what clients send
  // and what the server issues never appears anywhere.
  for (const [name, secret] of Object.entries({
    'wrong password': wrongPassword,
    'access token': tokens.access_token,
    'refresh token': tokens.refresh_token,
    'rotated access token': newTokens.access_token,
    'rotated refresh token': newTokens.refresh_token
  })) t.notOk(child.stdout.includes(secret) || child.stderr.includes(secret), `no ${name} in the output`)
})

t.test('--quiet: the banner but no request log', async t => {
  const { url, child } = await startMock(t, { args: ['--quiet'] })
  t.equal((await fetch(`${url}/__mock/health`)).status, 200)
  t.equal((await child.stop('SIGTERM')).code, 0)
  t.match(child.stdout, /JWT credentials:/)
  t.same(logLines(child.stdout), [])
})

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} closes the server cleanly: exit code 0`, async t => {
    const { url, child } = await startMock(t)
    // A keep-alive connection is left open by fetch; closing must not wait for it.
    t.equal((await fetch(`${url}/__mock/health`)).status, 200)
    const exit = await child.stop(signal)
    t.same(exit, { code: 0, signal: null }, 'exits by itself with 0')
    t.match(child.stdout, `${signal}: closing`)
    t.equal(child.stderr, '')
    const after = await fetch(`${url}/__mock/health`).then(() => 'answered', () => 'refused')
    t.equal(after, 'refused', 'the port is closed')
  })
}

t.test('--port must be an integer 0-65535: anything else exits 2 before listening', async t => {
  await Promise.all(['abc', '70000', '65536', '-1', '1.5', ''].map(async port => {
    const child = spawnCli(t, [`--port=${port}`, '--scenario', DEFAULT_SCENARIO])
    // An accepted value would serve forever: stop at the listening line instead of waiting.
    const outcome = await child.waitFor(c => c.exit ? 'exited' : LISTENING.test(c.stdout) ? 'listening' : undefined, `--port=${port}`)
    if (outcome === 'listening') await child.stop('SIGKILL')
    t.equal(outcome, 'exited', `--port=${JSON.stringify(port)} is refused, not served`)
    if (outcome === 'exited') {
      t.equal(child.exit?.code, 2, `--port=${JSON.stringify(port)}: exit 2`)
      t.match(child.stderr, /--port/, `--port=${JSON.stringify(port)}: the message names --port`)
    }
  }))
})

t.test('usage errors exit 2 with the usage text: an unknown command or option, jwt without an id', async t => {
  await Promise.all([['serve-all'], ['--prot', '8080'], ['jwt'], ['validate']].map(async args => {
    const res = await runCli(t, args)
    t.equal(res.code, 2, `${args.join(' ')}: exit 2`)
    t.match(res.stderr, /Usage:/, `${args.join(' ')}: usage on stderr`)
    t.equal(res.stdout, '', `${args.join(' ')}: nothing on stdout`)
  }))
})

t.test('--help prints the usage and exits 0', async t => {
  const res = await runCli(t, ['--help'])
  t.equal(res.code, 0)
  t.match(res.stdout, /ringcentral-mock jwt CREDENTIAL_ID/)
  t.match(res.stdout, /ringcentral-mock validate NAME\|FILE/)
  t.match(res.stdout, /A NAME is a shipped scenario: appointment-reminders, default, .*msg-304/)
})
