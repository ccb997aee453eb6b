/**
 * Rules: scripted answers for matching requests ("the refresh fails twice, then works").
 *
 * A rule matches by RingCentral operationId plus optional matchers, lets `skip` matching requests
 * through, then applies to the next `times` ones (every one when `times` is omitted). Its answer is
 * a catalogued RingCentral error rendered exactly as the route would render it, a custom
 * status/headers/body, a network fault, or only added latency.
 *
 * Order (the only one): rules added at run time first, in the order added, then the scenario's
 * rules in file order. The first rule that matches and is not skipping or used up answers; a
 * skipping rule lets the request go on to the next rules and then to the normal behaviour.
 */
import { catalogue, isErrorCode, type ErrorCode } from '../errors.js'
import { isOperationId, operations, pathMatches, type OperationId } from '../operations.js'
import type { ScenarioProblem } from '../scenario/load.js'
import { GRANT } from '../scenario/types.js'
import { didYouMean } from '../suggest.js'
import type { World } from '../world.js'

export type Fault = 'connection-reset' | 'empty-response' | 'timeout'

export interface RuleSpec {
  id: string
  description?: string
  when: {
    /** A RingCentral operationId the mock serves (`authorize` for both of its methods). */
    operation: OperationId
    grantType?: string
    clientId?: string
    extensionId?: string
    method?: string
    path?: string
    /** Request body fields (form or JSON; dotted paths such as `to.0.phoneNumber`) and the values they must have. */
    body?: Record<string, string | number | boolean>
  }
  skip?: number
  times?: number
  respond: {
    /** A catalogued RingCentral error code, rendered as the route renders its own errors. */
    error?: ErrorCode
    /** With `error`: replaces the catalogue message. */
    message?: string
    status?: number
    headers?: Record<string, string>
    body?: unknown
    fault?: Fault
    delayMs?: number
  }
}

/** What a request offers to the matchers. */
export interface MatchInput {
  operation: OperationId
  method: string
  path: string
  grantType?: string
  clientId?: string
  extensionId?: string
  body: unknown
}

export interface RuleState {
  readonly spec: RuleSpec
  readonly source: 'runtime' | 'scenario'
  /** Requests this rule matched (including the skipped ones). */
  matched: number
  /** Requests this rule answered. */
  applied: number
}

const GRANTS = new Set<string>(Object.values(GRANT))
const OAUTH_OPERATIONS = new Set<OperationId>(['getToken', 'revokeToken', 'authorize'])

/** Checks a schema-valid rule against the world: a rule that could never match is refused. */
export function checkRule (rule: RuleSpec, world: World, at: string): ScenarioProblem[] {
  const problems: ScenarioProblem[] = []
  const { when, respond } = rule
  if (!isOperationId(when.operation)) {
    const typed = String(when.operation)
    problems.push({ path: `${at}.when.operation`, message: `unknown operation ${JSON.stringify(typed)}${didYouMean(typed, Object.keys(operations))} (one of ${Object.keys(operations).join(', ')})` })
    return problems
  }
  const op = operations[when.operation]
  const never = (field: string, why: string) => problems.push({ path: `${at}.when.${field}`, message: `the rule can never match: ${why}` })
  if (when.grantType !== undefined) {
    if (when.operation !== 'getToken') never('grantType', `only getToken requests carry a grant_type, not ${when.operation}`)
    else if (!GRANTS.has(when.grantType)) never('grantType', `unknown grant type ${JSON.stringify(when.grantType)}${didYouMean(when.grantType, [...GRANTS])} (one of ${[...GRANTS].join(', ')})`)
  }
  if (when.clientId !== undefined && world.app(when.clientId) === undefined) {
    never('clientId', `no app ${JSON.stringify(when.clientId)} in this scenario`)
  }
  if (when.extensionId !== undefined) {
    if (OAUTH_OPERATIONS.has(when.operation)) never('extensionId', `${when.operation} has no extensionId`)
    else if (when.extensionId !== '~' && world.extension(when.extensionId) === undefined) never('extensionId', `no extension ${when.extensionId} in this scenario`)
  }
  if (when.method !== undefined && !(op.methods as readonly string[]).includes(when.method.toUpperCase())) {
    never('method', `${when.operation} is ${op.methods.join(' or ')}`)
  }
  if (when.path !== undefined && !when.path.includes('*') && !pathMatches(when.operation, when.path)) {
    never('path', `${when.path} is not a ${when.operation} path (${op.path})`)
  }
  const kinds = [respond.error !== undefined, respond.status !== undefined || respond.body !== undefined, respond.fault !== undefined].filter(Boolean).length
  if (kinds > 1) problems.push({ path: `${at}.respond`, message: 'give one of error, status/body, or fault' })
  if (kinds === 0 && respond.delayMs === undefined && respond.headers === undefined) {
    problems.push({ path: `${at}.respond`, message: 'says nothing: give error, status/body, fault or delayMs' })
  }
  if (respond.error !== undefined && !isErrorCode(respond.error)) {
    const typed = String(respond.error)
    problems.push({ path: `${at}.respond.error`, message: `unknown RingCentral error ${JSON.stringify(typed)}${didYouMean(typed, Object.keys(catalogue))} (catalogued: ${Object.keys(catalogue).join(', ')})` })
  }
  if (respond.message !== undefined && respond.error === undefined) problems.push({ path: `${at}.respond.message`, message: 'only goes with error' })
  return problems
}

function valueAt (body: unknown, dotted: string): unknown {
  let node = body
  for (const part of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

const glob = (pattern: string): RegExp =>
  new RegExp(`^${pattern.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)

export function matches (when: RuleSpec['when'], input: MatchInput): boolean {
  if (when.operation !== input.operation) return false
  if (when.method !== undefined && when.method.toUpperCase() !== input.method) return false
  if (when.grantType !== undefined && when.grantType !== input.grantType) return false
  if (when.clientId !== undefined && when.clientId !== input.clientId) return false
  if (when.extensionId !== undefined && when.extensionId !== input.extensionId) return false
  if (when.path !== undefined) {
    const path = input.path.split('?')[0] ?? input.path
    if (when.path.includes('*') ? !glob(when.path).test(path) : when.path !== path) return false
  }
  for (const [field, expected] of Object.entries(when.body ?? {})) {
    const actual = valueAt(input.body, field)
    if (actual === undefined || String(actual) !== String(expected)) return false
  }
  return true
}

export class RuleBook {
  #runtime: RuleState[] = []
  #scenario: RuleState[]
  readonly #onChange: (() => void) | undefined

  /** `onChange` hears of every rule added or removed and of every request a rule matched. */
  constructor (scenarioRules: RuleSpec[] = [], onChange?: () => void) {
    this.#scenario = scenarioRules.map(spec => ({ spec, source: 'scenario', matched: 0, applied: 0 }))
    this.#onChange = onChange
  }

  has (id: string): boolean {
    return this.all().some(r => r.spec.id === id)
  }

  /** How many rules there are (scenario and run-time). */
  get size (): number {
    return this.#runtime.length + this.#scenario.length
  }

  /** Adds a run-time rule; it goes after the run-time rules added before it. */
  add (spec: RuleSpec): RuleState {
    const state: RuleState = { spec, source: 'runtime', matched: 0, applied: 0 }
    this.#runtime.push(state)
    this.#onChange?.()
    return state
  }

  remove (id: string): boolean {
    const before = this.#runtime.length + this.#scenario.length
    this.#runtime = this.#runtime.filter(r => r.spec.id !== id)
    this.#scenario = this.#scenario.filter(r => r.spec.id !== id)
    const removed = this.#runtime.length + this.#scenario.length < before
    if (removed) this.#onChange?.()
    return removed
  }

  /** In the order they are tried. */
  all (): RuleState[] {
    return [...this.#runtime, ...this.#scenario]
  }

  /** The rule that answers this request, if any; counts the request against every rule it reaches. */
  match (input: MatchInput): RuleState | undefined {
    for (const rule of this.#runtime.length > 0 ? this.all() : this.#scenario) {
      if (!matches(rule.spec.when, input)) continue
      rule.matched++
      this.#onChange?.()
      if (rule.matched <= (rule.spec.skip ?? 0)) continue
      if (rule.spec.times !== undefined && rule.applied >= rule.spec.times) continue
      rule.applied++
      return rule
    }
    return undefined
  }
}

/** A rule as the control API and `mock.rules.list()` show it (the document's `MockRule`). */
export interface RuleRecord extends RuleSpec {
  source: 'runtime' | 'scenario'
  /** Requests this rule matched (including the skipped ones). */
  matched: number
  /** Requests this rule answered. */
  applied: number
  /** Answers left; `null` when the rule has no `times`. */
  remaining: number | null
}

export function describeRule (rule: RuleState): RuleRecord {
  const times = rule.spec.times
  return {
    ...rule.spec,
    source: rule.source,
    matched: rule.matched,
    applied: rule.applied,
    remaining: times === undefined ? null : Math.max(0, times - rule.applied)
  }
}

export const isUsedUp = (rule: RuleState): boolean => rule.spec.times !== undefined && rule.applied >= rule.spec.times

export type { ErrorCode }
