#!/usr/bin/env node
/**
 * The `ringcentral-mock` command.
 *
 *   ringcentral-mock [--scenario FILE] [--port N] [--host H] [--base-url URL] [--quiet]
 *   ringcentral-mock jwt CREDENTIAL_ID [--scenario FILE]
 *   ringcentral-mock validate FILE
 *
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or an invalid scenario.
 */
import { parseArgs } from 'node:util'
import { banner } from './banner.js'
import { MockContext } from './context.js'
import { resolveScenario, startMockServer } from './index.js'
import { loadScenarioFile, ScenarioError } from './scenario/load.js'

const USAGE = `Usage:
  ringcentral-mock [--scenario FILE] [--port N] [--host H] [--base-url URL] [--quiet]
      Serve a scenario (default: scenarios/default.yaml). --port 0 picks a free port (default 0).
      SCENARIO, PORT, HOST and BASE_URL in the environment stand in for absent flags.
  ringcentral-mock jwt CREDENTIAL_ID [--scenario FILE]
      Print that JWT credential and nothing else.
  ringcentral-mock validate FILE
      Check a scenario file; exit 0 if it is valid, 2 if not.
`

class UsageError extends Error {}

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
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

async function main (argv: string[]): Promise<number> {
  const { values, positionals } = options(argv)
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const [command, ...rest] = positionals
  if (command === 'validate') {
    const file = rest[0] ?? values.scenario
    if (file === undefined || rest.length > 1) throw new UsageError('validate takes one FILE')
    const { scenario } = loadScenarioFile(file)
    process.stdout.write(`${file}: valid scenario "${scenario.name}"\n`)
    return 0
  }
  if (command === 'jwt') {
    const id = rest[0]
    if (id === undefined || rest.length > 1) throw new UsageError('jwt takes one CREDENTIAL_ID')
    const ctx = await MockContext.create(resolveScenario(values.scenario))
    const issued = ctx.credentials.get(id)
    if (!issued) {
      process.stderr.write(`ringcentral-mock: no JWT credential "${id}" in scenario ${ctx.world.name} (have: ${ctx.credentials.all().map(c => c.credential.id).join(', ') || 'none'})\n`)
      return 2
    }
    process.stdout.write(`${issued.jwt}\n`)
    return 0
  }
  if (command !== undefined && command !== 'serve') throw new UsageError(`unknown command "${command}"`)

  // Flags win; the environment (handy in containers) fills in what they leave out.
  const env = process.env
  const portText = values.port ?? env.PORT ?? '0'
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be an integer 0-65535 (got ${JSON.stringify(portText)})`)
  const scenario = values.scenario ?? (env.SCENARIO || undefined)
  const host = values.host ?? (env.HOST || undefined)
  const baseUrl = values['base-url'] ?? (env.BASE_URL || undefined)
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) throw new UsageError(`--base-url must be an absolute URL (got ${baseUrl})`)
  const server = await startMockServer({
    port: Number(portText),
    ...(scenario !== undefined ? { scenario } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(values.quiet ? {} : { log: (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) })
  })
  process.stdout.write(banner(server.context, server.url) + '\n')
  await new Promise<void>(resolve => {
    const stop = (signal: string) => {
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
  } else if (error instanceof UsageError) {
    process.stderr.write(`ringcentral-mock: ${error.message}\n\n${USAGE}`)
    process.exitCode = 2
  } else {
    process.stderr.write(`ringcentral-mock: ${(error as Error).stack ?? String(error)}\n`)
    process.exitCode = 1
  }
})
