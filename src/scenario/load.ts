/**
 * Reading and checking scenario files.
 *
 * A scenario is refused as a whole, with every problem named by file, path inside the file
 * (`apps[1].grantTypes[0]`) and what was expected. Nothing half-loaded ever serves.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { parseDocument } from 'yaml'
import type { Scenario } from './types.js'
import { checkWorldRules } from './rules.js'

const schemaUrl = new URL('../../scenarios/scenario.schema.json', import.meta.url)
export const scenarioSchema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as Record<string, unknown>

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
// Compiling the schema is most of what loading this module costs (docs/performance.md). The
// shipped schema is not checked against the JSON Schema meta-schema at every start
// (`validateSchema: false`; strict mode still refuses unknown keywords), and the generated code is
// not run through ajv's optimiser, which speeds up validation, not compilation: a scenario is
// validated once. Neither changes what is accepted or the errors reported.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false, code: { optimize: false } })
addFormats(ajv)
const validate = ajv.compile<Scenario>(scenarioSchema)
const ruleRef = `${String(scenarioSchema.$id)}#/definitions/rule`
if ((scenarioSchema.definitions as Record<string, unknown> | undefined)?.rule === undefined) throw new Error('scenario.schema.json has no definitions/rule')
let ruleFunction: ValidateFunction | undefined
/** The rule schema's validator, compiled on first use (only the control API needs it). */
function validateRule (): ValidateFunction {
  ruleFunction ??= ajv.getSchema(ruleRef)
  if (!ruleFunction) throw new Error('scenario.schema.json has no definitions/rule')
  return ruleFunction
}

/** One thing wrong with a scenario: where, and what was expected. */
export interface ScenarioProblem {
  path: string
  message: string
}

export class ScenarioError extends Error {
  readonly source: string
  readonly problems: ScenarioProblem[]

  constructor (source: string, problems: ScenarioProblem[]) {
    super(`${source}: invalid scenario\n` + problems.map(p => `  ${p.path || '(root)'}: ${p.message}`).join('\n'))
    this.name = 'ScenarioError'
    this.source = source
    this.problems = problems
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
  const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)})`
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path, message: `missing required property "${String(p.missingProperty)}"` }
    case 'additionalProperties': {
      const name = String(p.additionalProperty)
      path = path ? `${path}.${name}` : name
      return { path, message: 'unknown property (check its spelling against scenarios/scenario.schema.json)' }
    }
    case 'enum':
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}${shown}` }
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
  if (!validate(data)) throw new ScenarioError(source, schemaProblems(validate.errors, data))
  const problems = checkWorldRules(data)
  if (problems.length > 0) throw new ScenarioError(source, problems)
  return data
}

/** Parses YAML or JSON text (JSON is YAML) and checks it. */
export function parseScenario (text: string, source = 'scenario'): Scenario {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    throw new ScenarioError(source, doc.errors.map(e => ({ path: '', message: e.message.split('\n')[0] ?? e.message })))
  }
  return checkScenario(doc.toJS({ maxAliasCount: 100 }), source)
}

export function loadScenarioFile (file: string): LoadedScenario {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ScenarioError(file, [{ path: '', message: `cannot read file: ${(error as Error).message}` }])
  }
  return { scenario: parseScenario(text, file), source: file, baseDir: dirname(resolve(file)) }
}

export const defaultScenarioPath = new URL('../../scenarios/default.yaml', import.meta.url).pathname
