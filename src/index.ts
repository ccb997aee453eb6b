/**
 * ringcentral-mock's programmatic entry point: start a mock RingCentral from a test.
 *
 * @example
 * ```ts
 * import { startMockServer } from 'ringcentral-mock'
 * const mock = await startMockServer({ scenario: 'scenarios/default.yaml' })
 * const sdk = new SDK({ server: mock.url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
 * await sdk.platform().login({ jwt: mock.jwt('ada-jwt') })
 * await mock.close()
 * ```
 */
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { type ContractViolation, contractViolations } from './contract.js'
import type { Clock, TimeSource } from './clock.js'
import { MockContext } from './context.js'
import { checkScenario, defaultScenarioPath, loadScenarioFile, ruleValidator, ScenarioError, type LoadedScenario } from './scenario/load.js'
import { checkRule, describeRule, type RuleSpec } from './control/rules.js'
import type { JournalEntry, JournalFilter } from './control/journal.js'
import { describeMessage, describeSession } from './control/routes.js'
import type { OutboxFilter } from './messaging/message-store.js'
import type { Scenario } from './scenario/types.js'

export type { Scenario } from './scenario/types.js'
export { ScenarioError } from './scenario/load.js'
export type { RuleSpec } from './control/rules.js'
export type { JournalEntry, JournalFilter } from './control/journal.js'
export type { OutboxFilter } from './messaging/message-store.js'
export { RcError } from './errors.js'
export type { ContractViolation } from './contract.js'

export interface StartOptions {
  /** A scenario file path, or a scenario object. Default: the shipped `scenarios/default.yaml`. */
  scenario?: string | Scenario
  /** Default 0: a free port. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** Public URL used in `uri` fields, when clients reach the mock through another address. */
  baseUrl?: string
  /** Receives one line per request, secrets redacted. */
  log?: (line: string) => void
  /**
   * Check every response against the mock's OpenAPI document (for the mock's own tests, or yours):
   * violations are kept in `contractViolations` and passed to `onContractViolation`.
   */
  validateResponses?: boolean
  onContractViolation?: (violation: ContractViolation) => void
  /** Where the clock's real elapsed time comes from (advanced use; default `Date.now`). */
  timeSource?: TimeSource
}

export interface MockServer {
  /** `http://127.0.0.1:PORT`: give it to an SDK as `server`. */
  readonly url: string
  readonly port: number
  /** The scenario clock. */
  readonly clock: Pick<Clock, 'now' | 'set' | 'advance' | 'freeze' | 'resume'>
  /** The JWT credential string for a credential id of the scenario. */
  jwt (credentialId: string): string
  /** Returns the scenario to its start state: sessions, clock, credentials, rules and journal. */
  reset (): Promise<void>
  /** Replaces the world (a file path or an object); a refused scenario leaves the running one intact. */
  setScenario (scenario: string | Scenario): Promise<void>
  /** Scripted answers: the same rules as the scenario file's `rules:` and `POST /__mock/rules`. */
  readonly rules: {
    add (rule: RuleSpec): void
    remove (id: string): boolean
    list (): Array<Record<string, unknown>>
  }
  /** The request journal. */
  readonly requests: {
    list (filter?: JournalFilter): JournalEntry[]
    clear (): void
  }
  /** The outbox: every SMS sent, with its status now. */
  readonly messages: {
    list (filter?: OutboxFilter): Array<Record<string, unknown>>
    clear (): void
  }
  /** Live OAuth sessions. */
  readonly sessions: {
    list (): Array<Record<string, unknown>>
    end (id: string): boolean
  }
  /** With `validateResponses`: the responses that broke the OpenAPI document so far. */
  readonly contractViolations: readonly ContractViolation[]
  close (): Promise<void>
  /** The underlying fastify instance and context, for advanced use. */
  readonly app: FastifyInstance
  readonly context: MockContext
}

export function resolveScenario (scenario: string | Scenario | undefined): LoadedScenario {
  if (scenario === undefined) return loadScenarioFile(defaultScenarioPath)
  if (typeof scenario === 'string') return loadScenarioFile(scenario)
  return { scenario: checkScenario(scenario, 'scenario object'), source: 'scenario object', baseDir: process.cwd() }
}

export async function startMockServer (options: StartOptions = {}): Promise<MockServer> {
  const loaded = resolveScenario(options.scenario)
  const ctx = await MockContext.create(loaded, {
    ...(options.timeSource ? { timeSource: options.timeSource } : {}),
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {})
  })
  const app = await buildApp(ctx, {
    ...(options.log ? { log: options.log } : {}),
    ...(options.validateResponses ? { validateResponses: true } : {}),
    ...(options.onContractViolation ? { onContractViolation: options.onContractViolation } : {})
  })
  const host = options.host ?? '127.0.0.1'
  await app.listen({ port: options.port ?? 0, host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost}:${port}`
  return {
    url,
    port,
    get clock () { return ctx.clock },
    jwt (credentialId) {
      const issued = ctx.credentials.get(credentialId)
      if (!issued) throw new Error(`No JWT credential "${credentialId}" in scenario ${ctx.world.name} (have: ${ctx.credentials.all().map(c => c.credential.id).join(', ') || 'none'})`)
      return issued.jwt
    },
    reset: () => ctx.load(ctx.loaded),
    setScenario: async (scenario) => ctx.load(resolveScenario(scenario)),
    rules: {
      add (rule) {
        const problems = ruleValidator(rule) ? checkRule(rule, ctx.world, 'rule') : ruleValidator.problems(rule, 'rule')
        if (problems.length > 0) throw new ScenarioError(`rule ${JSON.stringify((rule as { id?: unknown }).id)}`, problems)
        if (ctx.rules.has(rule.id)) throw new Error(`a rule "${rule.id}" exists already`)
        ctx.rules.add(rule)
      },
      remove: (id) => ctx.rules.remove(id),
      list: () => ctx.rules.all().map(describeRule)
    },
    requests: {
      list: (filter) => ctx.journal.list(filter),
      clear: () => ctx.journal.clear()
    },
    messages: {
      list: (filter) => ctx.messages.outbox(filter).map(m => describeMessage(m, ctx.now())),
      clear: () => ctx.messages.clear()
    },
    sessions: {
      list: () => [...ctx.sessions.sessions()].map(session => describeSession(session, ctx.now())),
      end (id) {
        const session = ctx.sessions.session(id)
        if (session) ctx.sessions.end(session)
        return session !== undefined
      }
    },
    get contractViolations () { return contractViolations(app) },
    close: () => app.close(),
    app,
    context: ctx
  }
}
