/**
 * Everything a running mock knows: the world (from the scenario), the clock, the signing key,
 * the JWT credentials and the live OAuth sessions. Routes receive it; nothing is module-global.
 */
import { Clock, type TimeSource } from './clock.js'
import { CredentialBook } from './credentials.js'
import { defaultKeyPath, loadSigningKey, type SigningKey } from './jwt-credentials.js'
import { SessionStore } from './oauth/sessions.js'
import type { LoadedScenario } from './scenario/load.js'
import { World } from './world.js'

export interface ContextOptions {
  /** Where real elapsed time comes from; tests inject a counter. Default `Date.now`. */
  timeSource?: TimeSource
  /** The public URL for absolute `uri` fields (`--base-url`). */
  baseUrl?: string
}

export class MockContext {
  loaded: LoadedScenario
  world: World
  clock: Clock
  key: SigningKey
  credentials: CredentialBook
  sessions: SessionStore
  /** The public URL for absolute `uri` fields; default: each request's own origin. */
  baseUrl?: string
  readonly #timeSource: TimeSource | undefined

  private constructor (loaded: LoadedScenario, world: World, clock: Clock, key: SigningKey, credentials: CredentialBook, timeSource?: TimeSource) {
    this.loaded = loaded
    this.world = world
    this.clock = clock
    this.key = key
    this.credentials = credentials
    this.sessions = new SessionStore(world.policies)
    this.#timeSource = timeSource
  }

  static async create (loaded: LoadedScenario, options: ContextOptions = {}): Promise<MockContext> {
    const parts = await MockContext.#build(loaded, options.timeSource)
    const ctx = new MockContext(loaded, parts.world, parts.clock, parts.key, parts.credentials, options.timeSource)
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

  /** Replaces the world and returns everything to the scenario's start state. */
  async load (loaded: LoadedScenario): Promise<void> {
    const parts = await MockContext.#build(loaded, this.#timeSource)
    this.loaded = loaded
    this.world = parts.world
    this.clock = parts.clock
    this.key = parts.key
    this.credentials = parts.credentials
    this.sessions = new SessionStore(parts.world.policies)
  }

  now (): number {
    return this.clock.now()
  }
}
