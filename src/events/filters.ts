/**
 * Event filters: parsed, checked against the caller's rights, and matched against what happens.
 *
 * A filter is a RingCentral resource path with an optional query, `~` standing for the caller's
 * account or extension. The kinds served (docs/notifications/event-filters):
 *
 * - `/restapi/v1.0/account/{a}/extension/{e}/message-store[?type=SMS|Fax|VoiceMail|Pager][&direction=Inbound|Outbound]`
 * - `/restapi/v1.0/account/{a}/extension/{e}/message-store/instant?type=SMS` (inbound SMS, the full message)
 * - `/restapi/v1.0/subscription/~?threshold=S&interval=S` (renewal reminders for this subscription)
 *
 * More kinds (High Volume SMS, consent) register themselves through {@link registerFilterKind}.
 * An unknown or malformed filter is SUB-508; an extension of another account SUB-406; another
 * extension's messages without the right to read them SUB-405; an unknown extension OAU-232.
 */
import { rc, type RcError } from '../errors.js'
import { permissionScope } from '../messaging/permissions.js'
import type { Session } from '../oauth/sessions.js'
import type { Account, Extension } from '../world.js'

/** Something that happened, as filters see it. */
export interface Occurrence {
  kind: string
  accountId: string
  /** The extension whose data changed, for per-extension kinds. */
  extensionId?: string
  /** Values the filter's query can ask for (`type`, `direction`, `from`, ...). */
  attributes: Readonly<Record<string, string | undefined>>
  /** The notification's `body`, built once for every subscription it goes to. */
  body: () => unknown
}

export interface ParsedFilter {
  kind: string
  /** As the client gave it. */
  given: string
  /** As RingCentral echoes it: `~` replaced by the real ids (reminders keep theirs). */
  expanded: string
  accountId?: string
  extensionId?: string
  /** Query values an occurrence must have. */
  match: Readonly<Record<string, string>>
  /** A right the user lacks: the filter is listed in `disabledFilters` and delivers nothing. */
  disabled?: { reason: string, message: string }
  /** Reminder filters: seconds. */
  reminder?: { threshold: number, interval: number }
}

export interface FilterContext {
  session: Session
  /** The subscription's lifetime in seconds, for the reminder rules. */
  expiresIn: number
}

interface FilterKind {
  /** The path, with `(?<account>…)` and `(?<extension>…)` groups where it has them. */
  path: RegExp
  /** Query parameters it takes, each with the values allowed (empty: any), and which are required. */
  query: Record<string, { values?: readonly string[], required?: boolean }>
  /** The app permission (scope) this kind needs. */
  appPermission?: string
  /** The user permission that decides whether another extension's (or any) events may be seen. */
  userPermission?: 'ReadMessages'
  kind: string
  /** Extra checks; return the parsed filter (possibly changed) or throw. */
  check?: (filter: ParsedFilter, context: FilterContext) => ParsedFilter
}

const ID = String.raw`(?:~|\d{1,19})`
const MESSAGE_TYPES = ['Fax', 'SMS', 'VoiceMail', 'Pager'] as const

const kinds: FilterKind[] = [
  {
    kind: 'instant-message',
    path: new RegExp(String.raw`^/restapi/v1\.0/account/(?<account>${ID})/extension/(?<extension>${ID})/message-store/instant$`),
    query: { type: { values: ['SMS'], required: true } },
    appPermission: 'ReadMessages',
    userPermission: 'ReadMessages'
  },
  {
    kind: 'message-store',
    path: new RegExp(String.raw`^/restapi/v1\.0/account/(?<account>${ID})/extension/(?<extension>${ID})/message-store$`),
    query: { type: { values: MESSAGE_TYPES }, direction: { values: ['Inbound', 'Outbound'] } },
    appPermission: 'ReadMessages',
    userPermission: 'ReadMessages'
  },
  {
    kind: 'reminder',
    path: /^\/restapi\/v1\.0\/subscription\/~$/,
    query: { threshold: { required: true }, interval: { required: true } },
    check (filter, { expiresIn }) {
      const threshold = Number(filter.match.threshold)
      const interval = Number(filter.match.interval)
      // "cannot be less than the interval of reminder job execution … cannot be greater than a
      // half of this subscription TTL"; the interval "cannot be greater than a half of threshold".
      const whole = (n: number) => Number.isInteger(n) && n >= REMINDER_JOB_SECONDS
      if (!whole(threshold) || !whole(interval) || threshold > expiresIn / 2 || interval > threshold / 2) {
        throw rc('SUB-516', {
          message: `Invalid reminder parameters: threshold and interval must be whole seconds of at least ${REMINDER_JOB_SECONDS}, threshold at most half the subscription's lifetime (${Math.floor(expiresIn / 2)} s) and interval at most half the threshold`
        })
      }
      return { ...filter, expanded: filter.given, match: {}, reminder: { threshold, interval } }
    }
  }
]

/** The shortest reminder threshold and interval: the assumed period of RingCentral's reminder job. */
export const REMINDER_JOB_SECONDS = 60

/** Adds a kind of filter (High Volume SMS, consent), tried before the built-in ones. */
export function registerFilterKind (kind: FilterKind): void {
  kinds.unshift(kind)
}

export type { FilterKind }

const invalidFilters = (filters: readonly string[]): RcError =>
  rc('SUB-508', { message: `Invalid event filters: [${filters.map(f => f.length > 200 ? `${f.slice(0, 200)}…` : f).join(', ')}]` })

function resolveAccount (session: Session, id: string | undefined): Account {
  const own = session.owner.account
  if (id === undefined || id === '~' || id === own.id) return own
  throw rc('SUB-406')
}

function resolveExtension (account: Account, session: Session, id: string | undefined): Extension {
  if (id === undefined || id === '~' || id === session.owner.id) return session.owner
  const ext = account.extensions.find(x => x.id === id)
  if (!ext) throw rc('OAU-232')
  return ext
}

/** One filter, parsed and checked; throws RingCentral's error. */
export function parseFilter (given: string, context: FilterContext): ParsedFilter {
  if (typeof given !== 'string' || given === '' || given.length > 2048 || !given.startsWith('/restapi/') || given.includes('#')) throw invalidFilters([String(given)])
  const q = given.indexOf('?')
  const path = (q === -1 ? given : given.slice(0, q)).replace(/\/+$/, '')
  const params = new URLSearchParams(q === -1 ? '' : given.slice(q + 1))
  for (const kind of kinds) {
    const m = kind.path.exec(path)
    if (!m) continue
    const match: Record<string, string> = {}
    for (const [name, value] of params) {
      const spec = kind.query[name]
      if (spec === undefined || match[name] !== undefined || (spec.values !== undefined && !spec.values.includes(value))) throw invalidFilters([given])
      match[name] = value
    }
    for (const [name, spec] of Object.entries(kind.query)) if (spec.required && match[name] === undefined) throw invalidFilters([given])
    const session = context.session
    if (kind.appPermission !== undefined && !session.app.scopes.includes(kind.appPermission)) throw rc('CMN-401', { permissionName: kind.appPermission })
    let filter: ParsedFilter = { kind: kind.kind, given, expanded: given, match }
    const groups = m.groups ?? {}
    if ('account' in groups) {
      const account = resolveAccount(session, groups.account)
      filter.accountId = account.id
      let expanded = path.replace(/\/account\/[^/]+/, `/account/${account.id}`)
      if ('extension' in groups) {
        const ext = resolveExtension(account, session, groups.extension)
        filter.extensionId = ext.id
        expanded = expanded.replace(/\/extension\/[^/]+/, `/extension/${ext.id}`)
        if (kind.userPermission !== undefined) {
          const scope = permissionScope(session.owner, kind.userPermission)
          if (ext !== session.owner && scope !== 'Account') throw rc('SUB-405')
          if (scope === 'None') filter.disabled = { reason: 'SUB-412', message: `Extension permission [${kind.userPermission}] is missing` }
        }
      }
      filter.expanded = expanded + (q === -1 ? '' : given.slice(q))
    }
    if (kind.check) filter = kind.check(filter, context)
    return filter
  }
  throw invalidFilters([given])
}

/** Whether an occurrence is one a filter asks for. */
export function matches (filter: ParsedFilter, occurrence: Occurrence): boolean {
  if (filter.kind !== occurrence.kind || filter.disabled !== undefined) return false
  if (filter.accountId !== undefined && filter.accountId !== occurrence.accountId) return false
  if (filter.extensionId !== undefined && filter.extensionId !== occurrence.extensionId) return false
  for (const [name, value] of Object.entries(filter.match)) if (occurrence.attributes[name] !== value) return false
  return true
}
