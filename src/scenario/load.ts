/**
 * Reading and checking scenario files.
 *
 * A scenario is refused as a whole, with every problem named by file, path inside the file
 * (`apps[1].grantTypes[0]`) and what was expected. Nothing half-loaded ever serves.
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { clip } from '../errors.js'
import { didYouMean } from '../suggest.js'
import { resolveScenarioRef, shippedScenarioNames, shippedScenarioPath } from './shipped.js'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { createRequire } from 'node:module'
import { prebuiltFor } from '../prebuilt.js'
import type { Scenario } from './types.js'
import { checkWorldRules } from './rules.js'
import { scenarioSchemaHash, scenarioValidators } from './validators.js'

export { scenarioSchema } from './validators.js'

const validateRule = (): ValidateFunction => scenarioValidators().rule()

/** One thing wrong with a scenario: where, and what was expected. */
export interface ScenarioProblem {
  path: string
  message: string
}

export interface ScenarioErrorOptions {
  /** The text is not YAML or JSON at all. */
  syntax?: boolean
  /** The document is over the size limit (HTTP 413 from the control API). */
  tooLarge?: boolean
}

export class ScenarioError extends Error {
  readonly source: string
  readonly problems: ScenarioProblem[]
  readonly syntax: boolean
  readonly tooLarge: boolean

  constructor (source: string, problems: ScenarioProblem[], options: ScenarioErrorOptions = {}) {
    super(`${source}: invalid scenario\n` + problems.map(p => `  ${p.path || '(root)'}: ${p.message.replace(/\n/g, '\n    ')}`).join('\n'))
    this.name = 'ScenarioError'
    this.source = source
    this.problems = problems
    this.syntax = options.syntax ?? false
    this.tooLarge = options.tooLarge ?? false
  }
}

/** A checked scenario plus where it came from (to resolve relative paths such as `signingKey`). */
export interface LoadedScenario {
  scenario: Scenario
  source: string
  baseDir: string
}

/** `/apps/1/grantTypes/0` → `apps[1].grantTypes[0]` */
export function jsonPointerToPath (pointer: string): string {
  let out = ''
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    out += /^\d+$/.test(part) ? `[${part}]` : (out ? `.${part}` : part)
  }
  return out
}

const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'an ISO 8601 date-time such as "2024-03-30T12:00:00Z"',
  email: 'an email address',
  uri: 'an absolute URI such as "http://localhost:5173/callback"'
}

function describe (error: ErrorObject, data: unknown): ScenarioProblem {
  let path = jsonPointerToPath(error.instancePath)
  const got = valueAt(data, error.instancePath)
  const shown = got === undefined ? '' : ` (got ${clip(JSON.stringify(got) ?? String(got), 100)})`
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path, message: `missing required property "${String(p.missingProperty)}"` }
    case 'additionalProperties': {
      const name = String(p.additionalProperty)
      path = path ? `${path}.${name}` : name
      const known = Object.keys((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {})
      const hint = didYouMean(name, known)
      return { path, message: `unknown property${hint || ' (check its spelling against scenarios/scenario.schema.json)'}` }
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String)
      return { path, message: `must be one of ${allowed.map(v => JSON.stringify(v)).join(', ')}${shown}${typeof got === 'string' ? didYouMean(got, allowed) : ''}` }
    }
    case 'format':
      return { path, message: `must be ${FORMAT_HINTS[String(p.format)] ?? String(p.format)}${shown}` }
    case 'pattern': {
      const schema = error.parentSchema as { description?: string } | undefined
      return { path, message: `must match ${String(p.pattern)}${schema?.description ? ` (${schema.description})` : ''}${shown}` }
    }
    default:
      return { path, message: `${error.message ?? 'is invalid'}${shown}` }
  }
}

function valueAt (data: unknown, pointer: string): unknown {
  let node = data
  for (const raw of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return node
}

function schemaProblems (errors: ErrorObject[] | null | undefined, data: unknown, prefix = ''): ScenarioProblem[] {
  const seen = new Set<string>()
  return (errors ?? [])
    .map(e => describe(e, data))
    .map(p => ({ ...p, path: prefix && p.path ? `${prefix}.${p.path}` : (prefix || p.path) }))
    .filter(p => !seen.has(p.path + p.message) && seen.add(p.path + p.message))
}

/** Schema check for one rule (the control API's `POST /__mock/rules`). */
export const ruleValidator = Object.assign(
  (data: unknown): boolean => validateRule()(data) as boolean,
  { problems: (data: unknown, prefix: string): ScenarioProblem[] => schemaProblems(validateRule().errors, data, prefix) }
)

/** Checks a parsed scenario object; throws {@link ScenarioError} listing every problem. */
export function checkScenario (data: unknown, source = 'scenario'): Scenario {
  const validate = scenarioValidators().scenario as ValidateFunction<Scenario>
  if (!validate(data)) throw new ScenarioError(source, schemaProblems(validate.errors, data))
  return checkWorld(data, source)
}

/** The checks beyond the schema (references between the world's parts); throws {@link ScenarioError}. */
function checkWorld (data: Scenario, source: string): Scenario {
  const problems = checkWorldRules(data)
  if (problems.length > 0) throw new ScenarioError(source, problems)
  return data
}

/** Size limits on scenario documents, checked before anything is parsed. */
export interface ScenarioLimits {
  /** Any document (default {@link DEFAULT_MAX_SCENARIO_BYTES}). */
  maxBytes?: number
}

/** Default cap on a scenario document: a 10,000-extension world in JSON is about 18 MB. */
export const DEFAULT_MAX_SCENARIO_BYTES = 64 * 1024 * 1024
/**
 * YAML documents are capped lower: parsing YAML costs about 30 times the text in memory, so a
 * large world belongs in JSON (parsed as JSON, in a fraction of the time and memory).
 */
export const MAX_YAML_BYTES = 4 * 1024 * 1024

const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 102.4) / 10} MiB`

/** JSON text is parsed as JSON (much cheaper than the YAML parser); anything else as YAML. */
const looksLikeJson = (text: string): boolean => /^\uFEFF?\s*\{/.test(text)

/** The problems of a YAML parse, as a user reads them: the first error with its line and caret. */
function syntaxProblems (errors: ReadonlyArray<{ message: string, linePos?: Array<{ line: number, col: number }> }>): ScenarioProblem[] {
  const [first, ...rest] = errors
  if (!first) return []
  const at = first.linePos?.[0]
  const message = first.message.replace(/\n+$/, '')
  return [{
    path: at ? `line ${at.line}, column ${at.col}` : '',
    message: rest.length > 0 ? `${message}\n(${rest.length} more syntax error${rest.length > 1 ? 's' : ''} after this one, probably caused by it)` : message
  }]
}

/** Parses YAML or JSON text and checks it. */
export function parseScenario (text: string, source = 'scenario', limits: ScenarioLimits = {}): Scenario {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_SCENARIO_BYTES
  const bytes = Buffer.byteLength(text)
  if (bytes > maxBytes) {
    throw new ScenarioError(source, [{ path: '', message: `the document is ${mib(bytes)}, over the ${mib(maxBytes)} limit (--max-scenario-bytes)` }], { tooLarge: true })
  }
  if (text.trim() === '' || text.trim() === '\uFEFF') {
    throw new ScenarioError(source, [{ path: '', message: 'the document is empty: a scenario needs at least name, accounts and apps (see scenarios/default.yaml)' }])
  }
  // The same text again (a test suite starting the mock per test on one file): a copy of what it
  // parsed to, without parsing and checking it again.
  const cached = bytes <= PARSE_CACHE_MAX_BYTES ? parsed.get(text) : undefined
  if (cached !== undefined) return structuredClone(cached)
  const scenario = parseAndCheck(text, source, bytes)
  if (bytes <= PARSE_CACHE_MAX_BYTES) {
    if (parsed.size >= PARSE_CACHE_ENTRIES) parsed.delete(parsed.keys().next().value as string)
    parsed.set(text, structuredClone(scenario))
  }
  return scenario
}

/** Texts of scenarios parsed (and found valid), and what they parsed to; small ones, a few. */
const parsed = new Map<string, Scenario>()
const PARSE_CACHE_MAX_BYTES = 1024 * 1024
const PARSE_CACHE_ENTRIES = 16

function parseAndCheck (text: string, source: string, bytes: number): Scenario {
  if (looksLikeJson(text)) {
    let data: unknown
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ''))
    } catch (error) {
      // Not JSON after all (YAML flow style starts with `{` too): the YAML parser decides.
      if (bytes <= MAX_YAML_BYTES) return parseYaml(text, source)
      throw new ScenarioError(source, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }], { syntax: true })
    }
    return checkScenario(data, source)
  }
  if (bytes > MAX_YAML_BYTES) {
    throw new ScenarioError(source, [{ path: '', message: `the YAML document is ${mib(bytes)}, over the ${mib(MAX_YAML_BYTES)} limit for YAML: write a world this large as JSON` }], { tooLarge: true })
  }
  return parseYaml(text, source)
}

function parseYaml (text: string, source: string): Scenario {
  // A shipped scenario, parsed by the build: checked as any other, without the YAML parser.
  // The build also ran the schema check on it: its verdict holds for this text under this schema
  // (the check changes nothing: no defaults, no coercion), so only the world's own checks run.
  const prebuilt = prebuiltFor(text)
  const built = prebuilt.parsed()
  if (built !== undefined) return prebuilt.valid(scenarioSchemaHash()) ? checkWorld(built as Scenario, source) : checkScenario(built, source)
  // The YAML parser is loaded when a YAML document is first parsed (CommonJS: synchronously).
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml')
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length > 0) throw new ScenarioError(source, syntaxProblems(doc.errors), { syntax: true })
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    throw new ScenarioError(source, [{ path: '', message: (error as Error).message }], { syntax: true })
  }
  if (data === null || data === undefined) {
    throw new ScenarioError(source, [{ path: '', message: 'the document is empty (only comments): a scenario needs at least name, accounts and apps' }])
  }
  return checkScenario(data, source)
}

export function loadScenarioFile (file: string, limits: ScenarioLimits = {}): LoadedScenario {
  const path = resolveScenarioRef(file)
  let text: string
  try {
    const maxBytes = limits.maxBytes ?? DEFAULT_MAX_SCENARIO_BYTES
    const size = statSync(path).size
    if (size > maxBytes) {
      throw new ScenarioError(file, [{ path: '', message: `the file is ${mib(size)}, over the ${mib(maxBytes)} limit (--max-scenario-bytes)` }], { tooLarge: true })
    }
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof ScenarioError) throw error
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new ScenarioError(file, [{
      path: '',
      message: `cannot read file: ${(error as Error).message}` +
        (missing ? `\nA bare name loads a shipped scenario: ${shippedScenarioNames().join(', ')}${didYouMean(file, shippedScenarioNames())}` : '')
    }])
  }
  return { scenario: parseScenario(text, file, limits), source: path === file ? file : path, baseDir: dirname(resolve(path)) }
}

export const defaultScenarioPath = shippedScenarioPath('default')
