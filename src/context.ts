/**
 * Everything a running mock knows: the world (from the scenario), the clock, the signing key,
 * the JWT credentials and the live OAuth sessions. Routes receive it; nothing is module-global.
 */
import { Clock, type TimeSource } from './clock.js'
import { CredentialBook } from './credentials.js'
import { defaultKeyPath, loadSigningKey, type SigningKey } from './jwt-credentials.js'
import { CodeStore } from './oauth/codes.js'
import { MessageStore } from './messaging/message-store.js'
import { SessionStore } from './oauth/sessions.js'
import { DEFAULT_MAX_SCENARIO_BYTES, type LoadedScenario } from './scenario/load.js'
import { World } from './world.js'
import { Journal } from './control/journal.js'
import { RateLimiter } from './control/rate-limit.js'
import { RuleBook } from './control/rules.js'
import { EventHub } from './events/hub.js'
import { redactUrl } from './redact.js'
import { ChangeFeed, type WorldChange } from './control/feed.js'
import { DebuggerFlows } from './control/oauth-debugger.js'
import { ConsentStore } from './a2p/consent.js'
import { A2PService } from './a2p/service.js'

export interface ContextOptions {
  /** Where real elapsed time comes from; tests inject a counter. Default `Date.now`. */
  timeSource?: TimeSource
  /** The public URL for absolute `uri` fields (`--base-url`). */
  baseUrl?: string
  /** Receives every unexpected error (a fault of the mock); default: written to stderr. */
  onError?: (error: unknown, where: string) => void
  /** The largest scenario document `PUT /__mock/scenario` accepts (default 64 MiB). */
  maxScenarioBytes?: number
  /** Required on control API requests; wins over the scenario's `policies.controlToken`. */
  controlToken?: string
}

function writeError (error: unknown, where: string): void {
  process.stderr.write(`ringcentral-mock: unexpected error in ${where}: ${(error as Error | undefined)?.stack ?? String(error)}\n`)
}

export class MockContext {
  loaded: LoadedScenario
  world: World
  clock: Clock
  key: SigningKey
  credentials: CredentialBook
  sessions: SessionStore
  /** Every SMS accepted since the scenario (re)loaded, with its delivery lifecycle. */
  messages: MessageStore
  /** Authorization codes from `/restapi/oauth/authorize`, until redeemed or expired. */
  codes = new CodeStore()
  /** The dashboard's OAuth debugger flows (the mock's own callback, for their state only). */
  flows = new DebuggerFlows()
  /** Scripted answers: the scenario's rules plus those added at run time. */
  rules: RuleBook
  /** What was asked and answered, bounded. */
  journal: Journal
  /** Subscriptions, events and their delivery (webhooks, WebSockets), on the scenario clock. */
  events: EventHub
  /** SMS consent (opt-outs), shared by ordinary and High Volume SMS. */
  consents: ConsentStore
  /** High Volume (A2P) SMS: batches, their messages, inbound to A2P numbers. */
  a2p: A2PService
  /** Which parts of the state changed, for live views; it outlives scenario loads. */
  readonly feed = new ChangeFeed()
  /** The mock's own URL once it listens (startMockServer sets it), for `uri`s in event bodies. */
  selfUrl: string | undefined
  rateLimiter: RateLimiter
  /** The public URL for absolute `uri` fields; default: each request's own origin. */
  baseUrl?: string
  /** Limits on scenario documents given at run time. */
  readonly scenarioLimits: { maxBytes: number }
  readonly #timeSource: TimeSource | undefined
  readonly #onError: (error: unknown, where: string) => void
  readonly #controlToken: string | undefined

  private constructor (loaded: LoadedScenario, world: World, clock: Clock, key: SigningKey, credentials: CredentialBook, options: ContextOptions) {
    this.loaded = loaded
    this.world = world
    this.clock = clock
    this.key = key
    this.credentials = credentials
    credentials.onChange = this.#changed('credentials')
    this.sessions = this.#sessions(world)
    this.messages = new MessageStore(loaded.scenario.messaging, this.#changed('messages'))
    this.rules = new RuleBook(loaded.scenario.rules, this.#changed('rules'))
    this.journal = new Journal(world.policies.journalLimit, 1, this.#changed('requests'))
    this.consents = this.#consents(loaded, world)
    this.events = this.#hub()
    this.a2p = this.#a2p()
    this.#watchClock()
    this.rateLimiter = new RateLimiter(world.policies.rateLimits)
    this.#timeSource = options.timeSource
    this.#onError = options.onError ?? writeError
    this.scenarioLimits = { maxBytes: options.maxScenarioBytes ?? DEFAULT_MAX_SCENARIO_BYTES }
    this.#controlToken = options.controlToken
  }

  /** The control token in force: the one given at start, else the scenario's. */
  get controlToken (): string | undefined {
    return this.#controlToken ?? this.world.policies.controlToken
  }

  static async create (loaded: LoadedScenario, options: ContextOptions = {}): Promise<MockContext> {
    const parts = await MockContext.#build(loaded, options.timeSource)
    const ctx = new MockContext(loaded, parts.world, parts.clock, parts.key, parts.credentials, options)
    if (options.baseUrl !== undefined) ctx.baseUrl = options.baseUrl.replace(/\/+$/, '')
    return ctx
  }

  static async #build (loaded: LoadedScenario, timeSource?: TimeSource): Promise<{ world: World, clock: Clock, key: SigningKey, credentials: CredentialBook }> {
    const { scenario } = loaded
    const world = new World(scenario)
    const start = scenario.clock?.start !== undefined ? Date.parse(scenario.clock.start) : undefined
    const clock = new Clock({
      ...(start !== undefined ? { start } : {}),
      frozen: scenario.clock?.frozen ?? false,
      ...(timeSource ? { source: timeSource } : {})
    })
    const key = await loadSigningKey(scenario.signingKey ?? defaultKeyPath, loaded.baseDir)
    const credentials = await CredentialBook.create(world, key, start)
    return { world, clock, key, credentials }
  }

  /** Tells the change feed that `topic` changed (a store's onChange). */
  #changed (topic: 'messages' | 'rules' | 'requests' | 'sessions' | 'credentials' | 'a2p'): () => void {
    return () => this.feed.changed(topic)
  }

  #sessions (world: World): SessionStore {
    return new SessionStore(world.policies, session => this.events.sessionEnded(session), this.#changed('sessions'))
  }

  /** The scenario's consent records, at the start of its clock. */
  #consents (loaded: LoadedScenario, world: World): ConsentStore {
    const store = new ConsentStore()
    const start = this.clock.now()
    const firstAccount = world.accounts[0]?.id ?? ''
    store.apply((loaded.scenario.messaging?.consents ?? []).map(c => ({
      accountId: c.from === '*' ? (c.accountId ?? firstAccount) : (world.phoneNumber(c.from)?.owner.account.id ?? firstAccount),
      from: c.from,
      to: c.to,
      optStatus: c.optStatus,
      source: c.source ?? 'Recipient'
    })), start)
    store.onChange(() => this.feed.changed('consents'))
    return store
  }

  #a2p (): A2PService {
    return new A2PService({
      world: this.world,
      hub: this.events,
      messages: this.messages,
      consents: this.consents,
      policies: this.world.policies.a2p,
      onChange: this.#changed('a2p')
    })
  }

  #watchClock (): void {
    this.clock.onChange(() => this.feed.changed('clock'))
  }

  /**
   * Replaces the world and returns everything to the scenario's start state; `reason` is what the
   * change feed tells live views (a reset when the same scenario loads again).
   */
  async load (loaded: LoadedScenario, reason: WorldChange = loaded === this.loaded ? 'reset' : 'replaced'): Promise<void> {
    const parts = await MockContext.#build(loaded, this.#timeSource)
    this.loaded = loaded
    this.world = parts.world
    this.clock = parts.clock
    this.key = parts.key
    this.credentials = parts.credentials
    parts.credentials.onChange = this.#changed('credentials')
    this.events.close()
    this.sessions = this.#sessions(parts.world)
    this.messages = new MessageStore(loaded.scenario.messaging, this.#changed('messages'))
    this.codes = new CodeStore()
    this.flows = new DebuggerFlows()
    this.rules = new RuleBook(loaded.scenario.rules, this.#changed('rules'))
    this.journal = new Journal(parts.world.policies.journalLimit, this.journal.nextId, this.#changed('requests'))
    this.rateLimiter = new RateLimiter(parts.world.policies.rateLimits)
    this.consents = this.#consents(loaded, parts.world)
    this.events = this.#hub()
    this.a2p = this.#a2p()
    this.#watchClock()
    this.feed.worldChanged(reason)
  }

  #hub (): EventHub {
    return new EventHub({
      world: this.world,
      clock: this.clock,
      messages: this.messages,
      messaging: this.loaded.scenario.messaging,
      policies: this.world.policies.events,
      onError: error => this.reportError(error),
      baseUrl: () => this.baseUrl ?? this.selfUrl ?? 'http://localhost',
      changed: topic => this.feed.changed(topic)
    })
  }

  /** Stops what runs on its own (timers, sockets): the mock is shutting down. */
  close (): void {
    this.events.close()
  }

  now (): number {
    return this.clock.now()
  }

  /** Reports a fault of the mock (an exception no route expected), with where it happened. */
  reportError (error: unknown, request?: { method: string, url: string }): void {
    try {
      this.#onError(error, request ? `${request.method} ${redactUrl(request.url)}` : 'ringcentral-mock')
    } catch {}
  }
}
