/**
 * The change feed: which parts of the mock's state changed, for live views (the dashboard's
 * `GET /__mock/stream`). It carries topics, not data: a listener reads the new state from the
 * control API, so everything a live view shows is also what a script reads.
 *
 * Stores call {@link ChangeFeed.changed} whenever they change. With no listener that is a single
 * size check (the hot paths pay nothing else); with listeners, topics are collected and handed
 * over once per turn of the event loop, so a burst of a thousand logins is one notification.
 * The batching is output buffering, not behaviour: nothing of the scenario waits on it.
 */
import { randomUUID } from 'node:crypto'

/** What can change. */
export const TOPICS = ['world', 'clock', 'sessions', 'messages', 'a2p', 'consents', 'subscriptions', 'deliveries', 'websockets', 'requests', 'rules', 'credentials'] as const
export type Topic = typeof TOPICS[number]

export type ChangeListener = (topics: Topic[]) => void

/** Why the world was rebuilt. */
export type WorldChange = 'replaced' | 'reset'

export interface FeedListener {
  changed: ChangeListener
  /** The scenario was replaced or reset: every view starts over. */
  world?: (change: { reason: WorldChange, generation: number }) => void
}

export class ChangeFeed {
  /** This server's identity: a view that reconnects and finds another one knows the mock restarted. */
  readonly instance = randomUUID()
  /** Counts scenario loads and resets, so a view can tell it missed one. */
  generation = 1
  readonly #listeners = new Set<FeedListener>()
  #pending = new Set<Topic>()
  #scheduled = false

  get listening (): boolean {
    return this.#listeners.size > 0
  }

  changed (topic: Topic): void {
    if (this.#listeners.size === 0) return
    this.#pending.add(topic)
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => this.#flush())
  }

  /** The world was rebuilt (a new scenario, or a reset). */
  worldChanged (reason: WorldChange): void {
    this.generation++
    for (const listener of [...this.#listeners]) listener.world?.({ reason, generation: this.generation })
    this.changed('world')
  }

  subscribe (listener: FeedListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #flush (): void {
    this.#scheduled = false
    if (this.#pending.size === 0) return
    const topics = [...this.#pending]
    this.#pending = new Set()
    for (const listener of [...this.#listeners]) {
      try {
        listener.changed(topics)
      } catch {}
    }
  }
}
