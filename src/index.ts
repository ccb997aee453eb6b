/**
 * ringcentral-mock's programmatic entry point: start a mock RingCentral from a test.
 *
 * @example
 * ```ts
 * import { startMockServer } from 'ringcentral-mock'
 * const mock = await startMockServer({ scenario: 'default' })   // a shipped scenario, a file path, or an object
 * const sdk = new SDK({ server: mock.url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
 * await sdk.platform().login({ jwt: mock.jwt('ada-jwt') })
 * await mock.close()
 * ```
 */
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { type ContractViolation, contractViolations } from './contract.js'
import type { TimeSource } from './clock.js'
import { MockContext } from './context.js'
import { checkScenario, defaultScenarioPath, loadScenarioFile, ruleValidator, ScenarioError, type LoadedScenario } from './scenario/load.js'
import { checkRule, describeRule, type RuleRecord, type RuleSpec } from './control/rules.js'
import { type ClockTime, moveClock } from './control/clock-control.js'
import { batchDetail, consentRecords, listBatches, setConsents, type ConsentInput, type MockA2PBatch, type MockConsentRecord } from './control/a2p-routes.js'
import { describeMessage, describeSession, describeSubscription, describeWsSession, type MockSessionRecord, type MockSubscriptionRecord, type MockWebSocketRecord, type OutboxMessageRecord } from './control/describe.js'
import { badRequest, conflict, ControlError, notFound } from './control/errors.js'
import type { DeliveryFilter, DeliveryRecord } from './events/deliveries.js'
import { InboundError } from './events/hub.js'
import { checkJournalFilter, type JournalEntry, type JournalFilter } from './control/journal.js'
import type { OutboxFilter } from './messaging/message-store.js'
import { operationIds } from './operations.js'
import type { Scenario } from './scenario/types.js'

export type { Scenario } from './scenario/types.js'
export { ScenarioError } from './scenario/load.js'
export type { RuleSpec, RuleRecord } from './control/rules.js'
export type { JournalEntry, JournalFilter, JournalMessage } from './control/journal.js'
export type { OutboxFilter } from './messaging/message-store.js'
export type { MockSessionRecord, OutboxMessageRecord } from './control/describe.js'
export type { ClockTime } from './control/clock-control.js'
export type { MockSubscriptionRecord, MockWebSocketRecord } from './control/describe.js'
export type { DeliveryFilter, DeliveryRecord } from './events/deliveries.js'
export type { MockA2PBatch, MockConsentRecord, ConsentInput } from './control/a2p-routes.js'
export type { MockWorld, MockCatalogue } from './control/dashboard-routes.js'
export type { MockOAuthFlow, MockOAuthExchange } from './control/oauth-debugger.js'
export type { Topic } from './control/feed.js'
export { ControlError } from './control/errors.js'
export type { OperationId } from './operations.js'
export type { ErrorCode } from './errors.js'
export { RcError } from './errors.js'
export type { ContractViolation } from './contract.js'
export { shippedScenarioNames, shippedScenarioPath } from './scenario/shipped.js'

/** An inbound SMS, as `POST /__mock/inbound-sms` takes it. */
export interface InboundSms {
  from: string
  /** A number an extension of the scenario owns. */
  to: string
  text?: string
  attachments?: Array<{ contentType: string, content: string, fileName?: string }>
}

export interface StartOptions {
  /**
   * A shipped scenario's name (`'msg-304'`), a scenario file's path, or a scenario object.
   * Default: the shipped `default`. A path that exists wins over a shipped name.
   */
  scenario?: string | Scenario
  /** Default 0: a free port. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** Public URL used in `uri` fields, when clients reach the mock through another address. */
  baseUrl?: string
  /** Receives one line per request, secrets redacted. */
  log?: (line: string) => void
  /** Receives each unexpected error (a fault of the mock); default: written to stderr. */
  onError?: (error: unknown, where: string) => void
  /** The largest scenario document accepted, in bytes (files and `PUT /__mock/scenario`); default 64 MiB. */
  maxScenarioBytes?: number
  /**
   * Check every response against the mock's OpenAPI document (for the mock's own tests, or yours):
   * violations are kept in `contractViolations` and passed to `onContractViolation`.
   */
  validateResponses?: boolean
  onContractViolation?: (violation: ContractViolation) => void
  /** Where the clock's real elapsed time comes from (advanced use; default `Date.now`). */
  timeSource?: TimeSource
  /**
   * Required on every control API request (`/__mock/*` but `/__mock/health`) when set; wins over
   * the scenario's `policies.controlToken`. The methods of the returned server need none.
   */
  controlToken?: string
  /** Host names the control API answers besides loopback and `baseUrl`'s (`.example.com` for a domain, `*` for any). */
  allowedHosts?: readonly string[]
}

/** The scenario clock, with the checks and messages of `POST /__mock/clock`. */
export interface MockClock {
  /** Epoch milliseconds. */
  now (): number
  readonly frozen: boolean
  /**
   * Moves the clock to an ISO-8601 string, a Date or epoch milliseconds. Moving back needs
   * `{ allowBackwards: true }`; an invalid time, or one more than 100 years from the scenario's
   * start, throws a ControlError and leaves the clock as it was.
   */
  set (time: ClockTime, options?: { allowBackwards?: boolean }): void
  /** Moves the clock by `seconds` (negative needs `{ allowBackwards: true }`). */
  advance (seconds: number, options?: { allowBackwards?: boolean }): void
  freeze (): void
  resume (): void
}

export interface MockServer {
  /** `http://127.0.0.1:PORT`: give it to an SDK as `server`. */
  readonly url: string
  readonly port: number
  /** The dashboard: `${url}/__mock/ui`, to open in a browser. */
  readonly dashboardUrl: string
  /** The scenario clock. */
  readonly clock: MockClock
  /** The JWT credential string for a credential id of the scenario. */
  jwt (credentialId: string): string
  /** Returns the scenario to its start state: sessions, clock, credentials, rules and journal. */
  reset (): Promise<void>
  /** Replaces the world (a shipped name, a file path or an object); a refused scenario leaves the running one intact. */
  setScenario (scenario: string | Scenario): Promise<void>
  /** Scripted answers: the same rules as the scenario file's `rules:` and `POST /__mock/rules`. */
  readonly rules: {
    add (rule: RuleSpec): RuleRecord
    remove (id: string): boolean
    list (): RuleRecord[]
  }
  /** The request journal (the same filters as `GET /__mock/requests`). */
  readonly requests: {
    list (filter?: JournalFilter): JournalEntry[]
    get (id: number): JournalEntry | undefined
    clear (): void
  }
  /** The message store: every SMS sent and received, with its status now. */
  readonly messages: {
    list (filter?: OutboxFilter): OutboxMessageRecord[]
    /** Makes a sent message that is not final yet fail now (`DeliveryFailed` by default), firing its event. */
    fail (id: number, failure?: { status?: 'DeliveryFailed' | 'SendingFailed', errorCode?: string }): OutboxMessageRecord
    clear (): void
  }
  /** An inbound SMS from any number to a number of the scenario, with its events (as `POST /__mock/inbound-sms`). */
  inboundSms (message: InboundSms): OutboxMessageRecord
  /** Every subscription, of every user and app. */
  readonly subscriptions: {
    list (): MockSubscriptionRecord[]
    get (id: string): MockSubscriptionRecord | undefined
    /** Blacklists a webhook subscription, as RingCentral does after its receiver failed long enough. */
    blacklist (id: string, reason?: string): MockSubscriptionRecord
    /** The next `times` deliveries fail as if the receiver answered `status` (or never answered). */
    fail (id: string, fault?: { kind?: 'error' | 'timeout', status?: number, times?: number }): MockSubscriptionRecord
  }
  /** The delivery log: every webhook POST, validation and WebSocket notification. */
  readonly deliveries: {
    list (filter?: DeliveryFilter): DeliveryRecord[]
    /**
     * The first attempt matching `filter`, now or as soon as it happens (give `after: mock.deliveries.lastId`
     * to wait for the next one); rejects after `timeoutMs` (default 5000) of real time.
     */
    wait (filter?: DeliveryFilter, options?: { timeoutMs?: number }): Promise<DeliveryRecord>
    readonly lastId: number
    clear (): void
  }
  /** WebSocket sessions, and faults to put on them. */
  readonly websockets: {
    list (): MockWebSocketRecord[]
    /** Drops the connection without a close frame (a network failure); the session can be recovered. */
    drop (id: string): void
    /** WSG-902 (idle, the default) or WSG-903 (absolute) now. */
    timeout (id: string, kind?: 'idle' | 'absolute'): void
    /** The next recovery of this session fails (WSG-1005): the client has to subscribe again. */
    failNextRecovery (id: string): void
  }
  /** High Volume SMS: every batch with its counts now, and one batch with its messages. */
  readonly a2p: {
    batches (): MockA2PBatch[]
    /** The batch and its first `limit` messages (default 1000), or undefined. */
    batch (id: string, options?: { limit?: number }): (MockA2PBatch & { messages: Array<Record<string, unknown>> }) | undefined
  }
  /** SMS consent (one list for ordinary and High Volume SMS). */
  readonly consents: {
    list (): MockConsentRecord[]
    /** Opts pairs out or back in, as `POST /__mock/consents` does: the events fire, sends to an opted-out pair fail with SMS-RC-413. */
    set (records: ConsentInput[]): MockConsentRecord[]
  }
  /** Live OAuth sessions. */
  readonly sessions: {
    list (): MockSessionRecord[]
    end (id: string): boolean
  }
  /** With `validateResponses`: the responses that broke the OpenAPI document so far. */
  readonly contractViolations: readonly ContractViolation[]
  /**
   * Headers for calling the control API over HTTP (`fetch(\`${mock.url}/__mock/requests\`, { headers: mock.controlHeaders })`):
   * the control token when one is in force, else none.
   */
  readonly controlHeaders: Record<string, string>
  close (): Promise<void>
  /** The underlying fastify instance and context, for advanced use. */
  readonly app: FastifyInstance
  readonly context: MockContext
}

/** A scenario option made into a checked scenario: a shipped name, a path, or an object. */
export function resolveScenario (scenario: string | Scenario | undefined, limits: { maxBytes?: number } = {}): LoadedScenario {
  if (scenario === undefined) return loadScenarioFile(defaultScenarioPath, limits)
  if (typeof scenario === 'string') return loadScenarioFile(scenario, limits)
  return { scenario: checkScenario(scenario, 'scenario object'), source: 'scenario object', baseDir: process.cwd() }
}

export async function startMockServer (options: StartOptions = {}): Promise<MockServer> {
  const limits = options.maxScenarioBytes !== undefined ? { maxBytes: options.maxScenarioBytes } : {}
  const loaded = resolveScenario(options.scenario, limits)
  const ctx = await MockContext.create(loaded, {
    ...(options.timeSource ? { timeSource: options.timeSource } : {}),
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.maxScenarioBytes !== undefined ? { maxScenarioBytes: options.maxScenarioBytes } : {}),
    ...(options.controlToken !== undefined ? { controlToken: options.controlToken } : {})
  })
  const app = await buildApp(ctx, {
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
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
  ctx.selfUrl = url
  // ctx.clock is replaced when the scenario reloads: every call reads the current one.
  const clock: MockClock = {
    now: () => ctx.now(),
    get frozen () { return ctx.clock.frozen },
    set: (time, opts = {}) => moveClock(ctx.clock, { set: time, ...(opts.allowBackwards !== undefined ? { allowBackwards: opts.allowBackwards } : {}) }),
    advance: (seconds, opts = {}) => moveClock(ctx.clock, { advanceSeconds: seconds, ...(opts.allowBackwards !== undefined ? { allowBackwards: opts.allowBackwards } : {}) }),
    freeze: () => ctx.clock.freeze(),
    resume: () => ctx.clock.resume()
  }
  return {
    url,
    port,
    dashboardUrl: `${url}/__mock/ui`,
    clock,
    jwt (credentialId) {
      const issued = ctx.credentials.get(credentialId)
      if (!issued) throw new Error(`No JWT credential "${credentialId}" in scenario ${ctx.world.name} (have: ${ctx.credentials.all().map(c => c.credential.id).join(', ') || 'none'})`)
      return issued.jwt
    },
    reset: () => ctx.load(ctx.loaded),
    setScenario: async (scenario) => ctx.load(resolveScenario(scenario, limits)),
    rules: {
      add (rule) {
        const problems = ruleValidator(rule) ? checkRule(rule, ctx.world, 'rule') : ruleValidator.problems(rule, 'rule')
        if (problems.length > 0) throw new ScenarioError(`rule ${JSON.stringify((rule as { id?: unknown }).id)}`, problems)
        if (ctx.rules.has(rule.id)) throw conflict(`a rule "${rule.id}" exists already`)
        return describeRule(ctx.rules.add(rule))
      },
      remove: (id) => ctx.rules.remove(id),
      list: () => ctx.rules.all().map(describeRule)
    },
    requests: {
      list: (filter = {}) => ctx.journal.list(checkJournalFilter({ ...filter }, operationIds)),
      get: (id) => ctx.journal.get(id),
      clear: () => ctx.journal.clear()
    },
    messages: {
      list: (filter) => ctx.messages.outbox(filter).map(m => describeMessage(m, ctx.now())),
      fail (id, failure = {}) {
        const message = ctx.messages.byId(id)
        if (!message) throw notFound(`message ${id}`)
        const status = failure.status ?? 'DeliveryFailed'
        const errorCode = failure.errorCode ?? (status === 'SendingFailed' ? 'SMS-RC-410' : 'SMS-CAR-411')
        if (!ctx.events.failMessage(message, { status, errorCode })) throw conflict(`message ${id} is final already`)
        return describeMessage(message, ctx.now())
      },
      clear: () => ctx.messages.clear()
    },
    inboundSms (message) {
      try {
        return describeMessage(ctx.events.inbound(message), ctx.now())
      } catch (error) {
        if (error instanceof InboundError) throw badRequest(error.message)
        throw error
      }
    },
    a2p: {
      batches: () => listBatches(ctx).records,
      batch: (id, options = {}) => batchDetail(ctx, id, options.limit)
    },
    consents: {
      list: () => consentRecords(ctx),
      set (records) {
        setConsents(ctx, records)
        return consentRecords(ctx)
      }
    },
    subscriptions: {
      list: () => ctx.events.all().map(s => describeSubscription(ctx.events, s, url)),
      get (id) {
        const subscription = ctx.events.get(id)
        return subscription ? describeSubscription(ctx.events, subscription, url) : undefined
      },
      blacklist (id, reason = 'Webhook responses with code: [503], reason: [Service Unavailable]') {
        const subscription = ctx.events.get(id)
        if (!subscription) throw notFound(`subscription ${id}`)
        ctx.events.blacklist(subscription, reason)
        return describeSubscription(ctx.events, subscription, url)
      },
      fail (id, fault = {}) {
        const subscription = ctx.events.get(id)
        if (!subscription) throw notFound(`subscription ${id}`)
        for (let i = 0; i < (fault.times ?? 1); i++) subscription.faults.push({ kind: fault.kind ?? 'error', status: fault.status ?? 503 })
        ctx.feed.changed('subscriptions')
        return describeSubscription(ctx.events, subscription, url)
      }
    },
    deliveries: {
      list: (filter) => ctx.events.deliveries.list(filter),
      async wait (filter = {}, options = {}) {
        const timeoutMs = options.timeoutMs ?? 5000
        const record = await ctx.events.deliveries.wait(filter, timeoutMs)
        if (!record) throw new ControlError(408, 'bad_request', `no delivery matching ${JSON.stringify(filter)} within ${timeoutMs} ms`)
        return record
      },
      get lastId () { return ctx.events.deliveries.lastId },
      clear: () => ctx.events.deliveries.clear()
    },
    websockets: {
      list: () => [...ctx.events.ws.sessions.values()].map(s => describeWsSession(s, ctx.world.policies.events.websocket.recoveryTimeoutSeconds)),
      drop (id) {
        const session = ctx.events.ws.sessions.get(id)
        if (!session?.connection?.open) throw notFound(`connected WebSocket session ${id}`)
        session.connection.socket.terminate()
      },
      timeout (id, kind = 'idle') {
        const session = ctx.events.ws.sessions.get(id)
        if (!session?.connection?.open) throw notFound(`connected WebSocket session ${id}`)
        ctx.events.ws.timeout(session, kind)
      },
      failNextRecovery (id) {
        const session = ctx.events.ws.sessions.get(id)
        if (!session) throw notFound(`WebSocket session ${id}`)
        session.failNextRecovery = true
        ctx.feed.changed('websockets')
      }
    },
    sessions: {
      list: () => [...ctx.sessions.sessions()].map(session => describeSession(session, ctx.now(), ctx.sessions)),
      end (id) {
        const session = ctx.sessions.session(id)
        if (session) ctx.sessions.end(session)
        return session !== undefined
      }
    },
    get contractViolations () { return contractViolations(app) },
    get controlHeaders (): Record<string, string> {
      const token = ctx.controlToken
      return token !== undefined ? { 'X-Mock-Control-Token': token } : {}
    },
    close: () => app.close(),
    app,
    context: ctx
  }
}
