/**
 * What the page knows, kept live: `GET /__mock/stream` says which topics changed, and each
 * changed topic is read again from its control route (one request in flight per topic; a change
 * that arrives meanwhile reads it once more when that request ends). No timer asks the server
 * anything: the only timer of the page moves the countdowns between two answers.
 */
import { batch, signal } from '@preact/signals'
import { api, ApiError, needsToken, streamUrl, withQuery } from './api.js'
import type { A2PBatchDetail, A2PBatchList, Catalogue, Consent, Delivery, JournalEntry, Message, Rule, Session, Subscription, Topic, World, WsSession } from './types.js'

export type Connection = 'connecting' | 'live' | 'lost' | 'locked'

export const connection = signal<Connection>('connecting')
/** A notice the page shows until dismissed (the mock restarted, the scenario was replaced). */
export const notice = signal<{ kind: 'info' | 'warning', text: string } | undefined>(undefined)

export const world = signal<World | undefined>(undefined)
export const catalogue = signal<Catalogue | undefined>(undefined)
/** The scenario clock as last read, and when (page time), so the page can run it forward. */
export const clock = signal<{ now: number, frozen: boolean, readAt: number } | undefined>(undefined)
export const sessions = signal<Session[]>([])
export const messages = signal<Message[]>([])
export const subscriptions = signal<Subscription[]>([])
export const deliveries = signal<Delivery[]>([])
export const websockets = signal<WsSession[]>([])
export const rules = signal<Rule[]>([])
export const journal = signal<{ entries: JournalEntry[], held: number, dropped: number, limit: number }>({ entries: [], held: 0, dropped: 0, limit: 0 })
/** High Volume SMS batches, newest first, with the store's size. */
export const a2pBatches = signal<A2PBatchList>({ records: [], messages: 0, dropped: 0, limit: 0 })
export const consents = signal<Consent[]>([])
/** The batch the High Volume view shows, and how many of its messages (the view sets it). */
export const batchQuery = signal<{ id: string, limit: number } | undefined>(undefined)
/** That batch as last read, for the query it was read for (or why it could not be). */
export const batchDetail = signal<{ query: { id: string, limit: number }, detail?: A2PBatchDetail, error?: unknown } | undefined>(undefined)
/** The journal filters in force (the journal view sets them). */
export const journalFilter = signal<Record<string, string>>({})
/** A page-time tick, once a second: countdowns read it. */
export const tick = signal(Date.now())

/** How many journal entries and messages the page holds. */
export const JOURNAL_PAGE = 200
export const MESSAGES_PAGE = 500

/** The scenario time now, from the last clock read run forward (unless frozen). */
export function scenarioNow (): number {
  const c = clock.value
  void tick.value
  if (!c) return Date.now()
  return c.frozen ? c.now : c.now + (performance.now() - c.readAt)
}

type Loader = () => Promise<void>
/** What the page reads: a topic of the stream, the catalogue, or the batch the view shows. */
type Key = Topic | 'catalogue' | 'batch'

const loaders: Partial<Record<Key, Loader>> = {
  world: async () => {
    const w = await api.get<World>('/__mock/world')
    world.value = w
  },
  catalogue: async () => { catalogue.value = await api.get<Catalogue>('/__mock/catalogue') },
  clock: async () => {
    const readAt = performance.now()
    const c = await api.get<{ now: string, frozen: boolean }>('/__mock/clock')
    clock.value = { now: Date.parse(c.now), frozen: c.frozen, readAt }
  },
  sessions: async () => { sessions.value = (await api.get<{ records: Session[] }>('/__mock/sessions')).records },
  messages: async () => { messages.value = (await api.get<{ records: Message[] }>(withQuery('/__mock/messages', { limit: MESSAGES_PAGE }))).records },
  subscriptions: async () => { subscriptions.value = (await api.get<{ records: Subscription[] }>('/__mock/subscriptions')).records },
  deliveries: async () => { deliveries.value = (await api.get<{ records: Delivery[] }>('/__mock/deliveries')).records },
  websockets: async () => { websockets.value = (await api.get<{ records: WsSession[] }>('/__mock/websockets')).records },
  rules: async () => { rules.value = (await api.get<{ rules: Rule[] }>('/__mock/rules')).rules },
  a2p: async () => { a2pBatches.value = await api.get<A2PBatchList>('/__mock/a2p/batches') },
  consents: async () => { consents.value = (await api.get<{ records: Consent[] }>('/__mock/consents')).records },
  batch: async () => {
    const query = batchQuery.value
    if (query === undefined) {
      batchDetail.value = undefined
      return
    }
    try {
      const detail = await api.get<A2PBatchDetail>(withQuery(`/__mock/a2p/batches/${encodeURIComponent(query.id)}`, { limit: query.limit }))
      // Another batch (or limit) asked for meanwhile: its own read follows.
      if (batchQuery.value === query) batchDetail.value = { query, detail }
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) throw error
      if (batchQuery.value === query) batchDetail.value = { query, error }
    }
  },
  credentials: async () => { await loaders.world?.() },
  requests: async () => { await loadJournal(false) }
}

interface JournalPage { records: JournalEntry[], total: number, held: number, dropped: number, limit: number }

/** The newest entries that match the filters; after the first read, only what came since. */
async function loadJournal (full: boolean): Promise<void> {
  const current = journal.value
  const last = current.entries[current.entries.length - 1]?.id
  const incremental = !full && last !== undefined
  const page = await api.get<JournalPage>(withQuery('/__mock/requests', { ...journalFilter.value, limit: JOURNAL_PAGE, ...(incremental ? { after: last } : {}) }))
  // Fewer held than shown: the journal was cleared (or the scenario replaced); read it all again.
  if (incremental && page.held < Math.min(current.entries.length, current.held)) return await loadJournal(true)
  const entries = incremental ? [...current.entries, ...page.records].slice(-JOURNAL_PAGE) : page.records
  journal.value = { entries, held: page.held, dropped: page.dropped, limit: page.limit }
}

export async function reloadJournal (): Promise<void> {
  await loadJournal(true)
}

/** What depends on the clock (statuses, countdowns, expiries) is read again when it moves. */
const WITH_CLOCK: Key[] = ['sessions', 'messages', 'a2p', 'batch', 'subscriptions', 'websockets']

const inFlight = new Map<string, Promise<void>>()
const again = new Set<string>()

/** Reads a topic again: at most one request per topic at a time, and one more if it changed meanwhile. */
export function refresh (topic: Key): void {
  if (inFlight.has(topic)) {
    again.add(topic)
    return
  }
  const load = loaders[topic]
  if (!load) return
  const run = load().catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) connection.value = 'locked'
  }).finally(() => {
    inFlight.delete(topic)
    if (again.delete(topic)) refresh(topic)
  })
  inFlight.set(topic, run)
}

/** Shows this batch (with its first `limit` messages), or none; read now and on every change. */
export function showBatch (query: { id: string, limit: number } | undefined): void {
  const current = batchQuery.value
  if (current?.id === query?.id && current?.limit === query?.limit) return
  batchQuery.value = query
  refresh('batch')
}

const ALL: Key[] = ['world', 'catalogue', 'clock', 'sessions', 'messages', 'a2p', 'batch', 'consents', 'subscriptions', 'deliveries', 'websockets', 'rules', 'requests']

function refreshAll (): void {
  journal.value = { entries: [], held: 0, dropped: 0, limit: 0 }
  for (const topic of ALL) refresh(topic)
}

function changed (topics: Topic[]): void {
  const wanted = new Set<Key>(topics)
  if (wanted.has('clock')) for (const t of WITH_CLOCK) wanted.add(t)
  // A batch added or dropped: the one shown may be the one that went.
  if (wanted.has('a2p')) wanted.add('batch')
  if (wanted.has('world')) {
    refreshAll()
    return
  }
  for (const topic of wanted) refresh(topic)
}

let source: EventSource | undefined
let seen: { instance: string, generation: number } | undefined

/** Opens the stream (again, e.g. once the token is known). */
export function connect (): void {
  source?.close()
  connection.value = 'connecting'
  const es = new EventSource(streamUrl())
  source = es
  es.addEventListener('hello', event => {
    const hello = JSON.parse((event as MessageEvent<string>).data) as { instance: string, generation: number, scenario: string }
    batch(() => {
      if (seen !== undefined && seen.instance !== hello.instance) {
        notice.value = { kind: 'warning', text: `The mock restarted: this is a new server (scenario ${hello.scenario}), and everything shown is its state now. Sessions, messages and the journal of the old one are gone.` }
      } else if (seen !== undefined && seen.generation !== hello.generation) {
        notice.value = { kind: 'warning', text: `The scenario was replaced or reset while the page was away (now: ${hello.scenario}).` }
      }
      seen = { instance: hello.instance, generation: hello.generation }
      connection.value = 'live'
    })
    refreshAll()
  })
  es.addEventListener('change', event => {
    changed((JSON.parse((event as MessageEvent<string>).data) as { topics: Topic[] }).topics)
  })
  es.addEventListener('world', event => {
    const change = JSON.parse((event as MessageEvent<string>).data) as { reason: 'replaced' | 'reset', generation: number, scenario: string }
    if (seen) seen.generation = change.generation
    notice.value = {
      kind: 'info',
      text: change.reason === 'reset'
        ? `The scenario ${change.scenario} was reset to its start: sessions, messages, rules, the clock and the journal start over.`
        : `The scenario was replaced: now ${change.scenario}. Everything shown is the new world.`
    }
  })
  es.onerror = () => {
    if (es.readyState !== EventSource.CLOSED) {
      // The browser reconnects on its own (the stream's retry: 1 s).
      connection.value = 'lost'
      return
    }
    // Refused outright: EventSource gives up. A 401 means the token is missing or wrong (the page
    // asks for it); anything else, try again in a moment.
    api.get('/__mock/clock').then(() => setTimeout(connect, 2000), (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) {
        connection.value = 'locked'
        needsToken.value = true
      } else {
        connection.value = 'lost'
        setTimeout(connect, 2000)
      }
    })
  }
}

setInterval(() => { tick.value = Date.now() }, 1000)
