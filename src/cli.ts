#!/usr/bin/env node
/**
 * The `ringcentral-mock` command.
 *
 *   ringcentral-mock [--scenario NAME|FILE] [--port N] [--host H] [--base-url URL] [--quiet]
 *   ringcentral-mock jwt CREDENTIAL_ID [--scenario NAME|FILE]
 *   ringcentral-mock validate NAME|FILE
 *   ringcentral-mock --version | --help
 *
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage, an invalid scenario, or an address that
 * cannot be listened on.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { banner } from './banner.js'
import { MockContext } from './context.js'
import { resolveScenario, startMockServer } from './index.js'
import { loadScenarioFile, ScenarioError } from './scenario/load.js'
import { shippedScenarioNames } from './scenario/shipped.js'
import { isLoopback } from './control/access.js'
import { lineWriter } from './line-writer.js'
import { toIso } from './clock.js'
import { packageFile } from './paths.js'

const USAGE = `Usage:
  ringcentral-mock [--scenario NAME|FILE] [--port N] [--host H] [--base-url URL] [--quiet]
                   [--control-token TOKEN] [--allowed-host HOST]... [--max-scenario-bytes N]
      Serve a scenario (default: the shipped "default"). --port 0 picks a free port (default 0).
      --control-token: the control API (/__mock) then needs it (X-Mock-Control-Token header).
      --allowed-host: a host name the control API answers besides loopback (repeatable).
      SCENARIO, PORT, HOST, BASE_URL, CONTROL_TOKEN and ALLOWED_HOSTS (comma-separated) in the
      environment stand in for absent flags.
  ringcentral-mock jwt CREDENTIAL_ID [--scenario NAME|FILE]
      Print that JWT credential and nothing else.
  ringcentral-mock validate NAME|FILE
      Check a scenario file; exit 0 if it is valid, 2 if not.
  ringcentral-mock --version
      Print the version.

A NAME is a shipped scenario: ${shippedScenarioNames().join(', ')}.
A FILE that exists always wins over a shipped NAME.
`

class UsageError extends Error {}

/** A failure the user can fix, said in one line (exit 2, no stack trace). */
class StartError extends Error {}

const version = (): string =>
  (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version

/** One line for the listen errors people hit: a port in use, a host that does not resolve. */
function listenError (error: NodeJS.ErrnoException, host: string, port: number): StartError | undefined {
  const where = `${host}:${port}`
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartError(`cannot listen on ${where}: the port is in use (another mock still running?). Use --port 0 for a free port, or another --port`)
    case 'EACCES':
      return new StartError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges). Use --port 0 for a free port, or one above 1023`)
    case 'EADDRNOTAVAIL':
      return new StartError(`cannot listen on ${where}: ${host} is not an address of this machine. Use --host 127.0.0.1 (or 0.0.0.0 for every interface)`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new StartError(`cannot listen on ${where}: the host name ${JSON.stringify(host)} does not resolve. Use --host 127.0.0.1 (or 0.0.0.0 for every interface)`)
  }
  return undefined
}

function options (args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        scenario: { type: 'string', short: 's' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'base-url': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        'max-scenario-bytes': { type: 'string' },
        'control-token': { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/**
 * A reader that goes away (`ringcentral-mock | head`, a closed terminal, a parent that stopped
 * reading) must not crash the server: writes to a closed stdout or stderr are dropped.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error
  })
}

async function main (argv: string[]): Promise<number> {
  const { values, positionals } = options(argv)
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`)
    return 0
  }
  // Flags win; the environment (handy in containers) fills in what they leave out.
  const env = process.env
  const scenarioRef = values.scenario ?? (env.SCENARIO || undefined)
  const maxText = values['max-scenario-bytes']
  if (maxText !== undefined && !/^\d{1,12}$/.test(maxText)) throw new UsageError(`--max-scenario-bytes must be a number of bytes (got ${JSON.stringify(maxText)})`)
  const limits = maxText !== undefined ? { maxBytes: Number(maxText) } : {}
  const [command, ...rest] = positionals
  if (command === 'validate') {
    const file = rest[0] ?? scenarioRef
    if (file === undefined || rest.length > 1) throw new UsageError('validate takes one NAME or FILE')
    const { scenario } = loadScenarioFile(file, limits)
    process.stdout.write(`${file}: valid scenario "${scenario.name}"\n`)
    return 0
  }
  if (command === 'jwt') {
    const id = rest[0]
    if (id === undefined || rest.length > 1) throw new UsageError('jwt takes one CREDENTIAL_ID')
    const ctx = await MockContext.create(resolveScenario(scenarioRef, limits))
    const issued = ctx.credentials.get(id)
    if (!issued) {
      process.stderr.write(`ringcentral-mock: no JWT credential "${id}" in scenario ${ctx.world.name} (have: ${ctx.credentials.all().map(c => c.credential.id).join(', ') || 'none'})\n`)
      return 2
    }
    process.stdout.write(`${issued.jwt}\n`)
    return 0
  }
  if (command !== undefined && command !== 'serve') throw new UsageError(`unknown command "${command}"`)

  const portText = values.port ?? (env.PORT || '0')
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be an integer 0-65535 (got ${JSON.stringify(portText)})`)
  const host = values.host ?? (env.HOST || undefined)
  const baseUrl = values['base-url'] ?? (env.BASE_URL || undefined)
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) throw new UsageError(`--base-url must be an absolute URL (got ${baseUrl})`)
  const port = Number(portText)
  const controlToken = values['control-token'] ?? (env.CONTROL_TOKEN || undefined)
  if (controlToken !== undefined && !/^[\x21-\x7e]{8,512}$/.test(controlToken)) throw new UsageError('--control-token must be 8-512 printable characters without spaces')
  const allowedHosts = values['allowed-host'] ?? (env.ALLOWED_HOSTS ? env.ALLOWED_HOSTS.split(',') : undefined)
  // The request log: one line per request, written in batches (src/line-writer.ts).
  const requestLog = lineWriter(text => process.stdout.write(text))
  let server
  try {
    server = await startMockServer({
      port,
      ...(scenarioRef !== undefined ? { scenario: scenarioRef } : {}),
      ...(host !== undefined ? { host } : {}),
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(maxText !== undefined ? { maxScenarioBytes: Number(maxText) } : {}),
      ...(controlToken !== undefined ? { controlToken } : {}),
      ...(allowedHosts !== undefined ? { allowedHosts } : {}),
      ...(values.quiet ? {} : { log: (line: string) => requestLog.line(`${toIso(Date.now())} ${line}\n`) })
    })
  } catch (error) {
    throw listenError(error as NodeJS.ErrnoException, host ?? '127.0.0.1', port) ?? error
  }
  process.stdout.write(banner(server.context, server.url) + '\n')
  const listenHost = host ?? '127.0.0.1'
  if (!isLoopback(listenHost.replace(/^\[|\]$/g, '')) && server.context.controlToken === undefined) {
    process.stderr.write(`ringcentral-mock: warning: listening on ${listenHost} without a control token: anyone who can reach this port can read every credential and password of the scenario and replace it through /__mock (only requests for loopback names and allowed hosts are answered). Set --control-token (or CONTROL_TOKEN) when the port is reachable from other machines.\n`)
  }
  await new Promise<void>(resolve => {
    const stop = (signal: string) => {
      requestLog.flush()
      process.stdout.write(`${signal}: closing\n`)
      server.close().then(resolve, resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
  return 0
}

main(process.argv.slice(2)).then(code => { process.exitCode = code }, (error: unknown) => {
  if (error instanceof ScenarioError) {
    process.stderr.write(`ringcentral-mock: ${error.message}\n`)
    process.exitCode = 2
  } else if (error instanceof StartError) {
    process.stderr.write(`ringcentral-mock: ${error.message}\n`)
    process.exitCode = 2
  } else if (error instanceof UsageError) {
    process.stderr.write(`ringcentral-mock: ${error.message}\n\n${USAGE}`)
    process.exitCode = 2
  } else {
    process.stderr.write(`ringcentral-mock: ${(error as Error).stack ?? String(error)}\n`)
    process.exitCode = 1
  }
})
