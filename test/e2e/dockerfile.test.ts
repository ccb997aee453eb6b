/**
 * The Dockerfile, checked without a Docker engine: its stages are replayed into a temp directory
 * (see docker-sim.ts), then the runtime stage's CMD and HEALTHCHECK run from exactly the files the
 * runtime stage copies, and a JWT login goes through.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildStages, dockerignore, hostPath, parseDockerfile, type BuiltStage } from './docker-sim.js'
import { api, JWT_GRANT, OWN_EXTENSION, token } from './raw.js'
import { listening, REPO, spawnChild } from './spawn.js'

const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8')
const ignoreText = readFileSync(join(REPO, '.dockerignore'), 'utf8')
const { stages } = parseDockerfile(dockerfile)
const runtimeStage = stages.at(-1)

/** A port free right now, so the image's fixed port can be swapped for one this host can bind. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '0.0.0.0', resolve))
  const address = server.address()
  await new Promise<void>(resolve => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

t.test('the Dockerfile: multi-stage, non-root, health-checked, bound to 0.0.0.0', async t => {
  t.ok(stages.length >= 2, 'a build stage and a runtime stage')
  t.match(runtimeStage?.image, /^node:.*alpine/, 'the runtime is node on alpine')
  // Parsing only, no build: the instructions as written.
  const runtime = runtimeStage?.instructions ?? []
  const users = runtime.filter(i => i.keyword === 'USER').map(i => i.args)
  t.ok(users.length > 0, 'the runtime stage sets USER')
  t.notMatch(users.at(-1) ?? 'root', /^(root|0)(:|$)/, 'and the last USER is not root')
  const health = runtime.filter(i => i.keyword === 'HEALTHCHECK')
  t.equal(health.length, 1, 'one HEALTHCHECK')
  t.match(health[0]?.args, /\/__mock\/health/, 'it asks /__mock/health')
  t.notMatch(health[0]?.args, /\bcurl\b|\bwget\b/, 'with node, not curl or wget')
  const cmd = runtime.filter(i => i.keyword === 'CMD').at(-1)
  t.notMatch(cmd?.args, /--host|--port|--scenario/, 'CMD leaves HOST, PORT and SCENARIO to the environment (so -e can change them)')
  t.match(runtime.filter(i => i.keyword === 'ENV').map(i => i.args).join(' '), /\bHOST=0\.0\.0\.0\b.*\bPORT=8080\b|\bPORT=8080\b.*\bHOST=0\.0\.0\.0\b/, 'ENV HOST=0.0.0.0 PORT=8080')
  t.ok(runtime.some(i => i.keyword === 'EXPOSE' && /\b8080\b/.test(i.args)), 'EXPOSE 8080')
  const installs = runtime.filter(i => i.keyword === 'RUN' && /\bnpm\s+ci\b/.test(i.args))
  t.equal(installs.length, 1, 'the runtime installs dependencies once')
  t.match(installs[0]?.args, /--omit=dev/, 'production dependencies only')
  t.match(installs[0]?.args, /--ignore-scripts/, 'without running "prepare" (a build, which needs the dev dependencies)')
  t.ok(runtime.every(i => i.keyword !== 'ADD'), 'no ADD')
})

t.test('.dockerignore keeps installed, built and test files out of the context', async t => {
  const ignored = dockerignore(ignoreText)
  for (const path of ['node_modules', 'node_modules/fastify/package.json', 'dist', 'dist/cli.js', '.git', 'test/helper.ts', '.tap', 'npm-debug.log']) t.ok(ignored(path), `${path} is ignored`)
  for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'src/cli.ts', 'scenarios/default.yaml', 'scenarios/scenario.schema.json', 'keys/dev-signing-key.jwk.json', 'openapi']) t.notOk(ignored(path), `${path} is in the context`)
})

t.test('the image, assembled from its COPY lines, serves, passes its health check and logs in', async t => {
  const out = mkdtempSync(join(tmpdir(), 'rc-mock-image-'))
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  let built: BuiltStage[]
  try {
    built = buildStages(stages, { context: REPO, out, nodeModules: join(REPO, 'node_modules') }, ignoreText)
  } catch (error) {
    t.fail(`the Dockerfile does not build: ${(error as Error).message}`)
    return
  }
  const image = built.at(-1)
  if (!image?.cmd) {
    t.fail('the runtime stage has no CMD')
    return
  }

  const app = hostPath(image.root, image.workdir)
  t.same(readdirSync(app).sort(), ['dist', 'keys', 'node_modules', 'openapi', 'package-lock.json', 'package.json', 'scenarios'],
    'the runtime holds dist/, scenarios/, keys/, openapi/, package*.json and its dependencies, nothing else (no src/, no tests)')
  t.ok(readdirSync(join(app, 'dist')).includes('cli.js'), 'dist/ was built from sources in the build stage')

  // Run as the container would, with the one change a shared host needs, made as a user makes
  // it: `docker run -e PORT=<free port>` (the CMD takes HOST and PORT from the environment).
  const port = String(await freePort())
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...image.env, PORT: port }
  const toHost = (arg: string) => arg.startsWith('/') ? hostPath(image.root, arg) : arg
  const argv = ([executable, ...args]: string[]) => [executable === 'node' ? process.execPath : executable ?? '', ...args.map(toHost)]

  const server = spawnChild(t, argv(image.cmd), { cwd: app, env })
  const url = await listening(server)
  t.equal(url, `http://localhost:${port}`, 'the banner shows where to connect from the host')
  const health = await fetch(`http://127.0.0.1:${port}/__mock/health`)
  t.equal(health.status, 200, '/__mock/health answers 200')
  t.match(await health.json(), { status: 'ok', scenario: 'default' })

  if (image.healthcheck) {
    const check = spawnChild(t, argv(image.healthcheck.command), { cwd: app, env })
    const exit = await check.exited
    t.equal(exit.code, 0, `the HEALTHCHECK command passes${check.stderr ? `: ${check.stderr}` : ''}`)
  } else {
    t.fail('no HEALTHCHECK')
  }

  const outside = Object.values(networkInterfaces()).flat().find(a => a && a.family === 'IPv4' && !a.internal)
  if (outside) {
    const res = await fetch(`http://${outside.address}:${port}/__mock/health`)
    t.equal(res.status, 200, `reachable on a non-loopback address (${outside.address}): bound to 0.0.0.0`)
  }

  // `docker run IMAGE node dist/cli.js jwt ada-jwt`, from the image's files.
  const jwtRun = spawnSync(process.execPath, ['dist/cli.js', 'jwt', 'ada-jwt'], { cwd: app, env, encoding: 'utf8' })
  t.equal(jwtRun.status, 0, 'the jwt command runs from the image')
  const jwt = jwtRun.stdout.trim()
  const login = await token(`http://127.0.0.1:${port}`, { grant_type: JWT_GRANT, assertion: jwt }, { id: 'jwt-app', secret: 'jwt-app-secret' })
  t.equal(login.status, 200, 'JWT login')
  t.equal(login.body?.owner_id, '100200301')
  const ext = await api(`http://127.0.0.1:${port}`, OWN_EXTENSION, login.body?.access_token ?? '')
  t.equal(ext.status, 200)
  t.equal(ext.body?.id, 100200301)

  const exit = await server.stop('SIGTERM')
  t.same(exit, { code: 0, signal: null }, '`docker stop` (SIGTERM) ends it cleanly')

  // `docker run -e HOST=127.0.0.1 -e PORT=N -e SCENARIO=/scenarios/own.yaml -v "$PWD/scenarios:/scenarios:ro"`:
  // a mounted folder holding a scenario with its own signing key, next to it.
  const mounted = hostPath(image.root, '/scenarios')
  mkdirSync(mounted, { recursive: true })
  copyFileSync(join(REPO, 'keys', 'dev-signing-key.jwk.json'), join(mounted, 'own-key.jwk.json'))
  writeFileSync(join(mounted, 'own.yaml'), readFileSync(join(REPO, 'scenarios', 'jwt-only.yaml'), 'utf8').replace(/^name: .*$/m, 'name: own\nsigningKey: ./own-key.jwk.json'))
  const ownPort = String(await freePort())
  const own = spawnChild(t, argv(image.cmd), { cwd: app, env: { ...env, HOST: '127.0.0.1', PORT: ownPort, SCENARIO: join(mounted, 'own.yaml') } })
  t.equal(await listening(own), `http://127.0.0.1:${ownPort}`, '-e HOST and -e PORT are honoured')
  t.match(await (await fetch(`http://127.0.0.1:${ownPort}/__mock/health`)).json(), { scenario: 'own' }, 'the mounted scenario serves')
  if (image.healthcheck) {
    const check = spawnChild(t, argv(image.healthcheck.command), { cwd: app, env: { ...env, PORT: ownPort } })
    t.equal((await check.exited).code, 0, 'the health check follows PORT')
  }
  if (outside) {
    const refused = await fetch(`http://${outside.address}:${ownPort}/__mock/health`).then(() => 'answered', () => 'refused')
    t.equal(refused, 'refused', 'HOST=127.0.0.1: not reachable from outside')
  }
  t.same(await own.stop('SIGTERM'), { code: 0, signal: null })
})
