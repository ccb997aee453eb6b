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

  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535 (got ${values.port})`)
  if (values['base-url'] !== undefined && !URL.canParse(values['base-url'])) throw new UsageError(`--base-url must be an absolute URL (got ${values['base-url']})`)
  const server = await startMockServer({
    port,
    ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['base-url'] !== undefined ? { baseUrl: values['base-url'] } : {}),
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
