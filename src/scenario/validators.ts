/**
 * The scenario schema's validators: the whole scenario, and one rule (the control API's
 * `POST /__mock/rules`).
 *
 * `npm run build` compiles them ahead of time with Ajv's standalone code
 * (scripts/prebuild.mjs writes dist/scenario-validators.cjs), so a start loads neither Ajv
 * nor compiles the schema (a good part of the start-up, docs/performance.md). The file carries the
 * hash of the schema it was made from; when it is missing or was made from another schema (a
 * schema edited since the last build), the validators are compiled here, as before, with the same
 * options, so that what is accepted and the errors reported never depend on the build.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Options as AjvOptions, ValidateFunction } from 'ajv'
import { packageFile } from '../paths.js'
import { loadAjv } from '../ajv.js'
import { textHash } from '../prebuilt.js'

/** The schema's text, as shipped. */
export const scenarioSchemaText = readFileSync(packageFile('scenarios/scenario.schema.json'), 'utf8')
export const scenarioSchema = JSON.parse(scenarioSchemaText) as Record<string, unknown>

/**
 * The shipped schema is not checked against the JSON Schema meta-schema (`validateSchema: false`;
 * strict mode still refuses unknown keywords); the generated code is not optimised (it validates
 * one scenario). Neither changes what is accepted or the errors reported.
 */
export const SCENARIO_AJV_OPTIONS: AjvOptions = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false, code: { optimize: false } }

/** The `$ref` of the rule definition (its validator is exported as `rule`). */
export const RULE_REF = `${String(scenarioSchema.$id)}#/definitions/rule`

export const schemaHash = textHash

let hashOfSchema: string | undefined
/** The hash of the scenario schema the package has now. */
export const scenarioSchemaHash = (): string => (hashOfSchema ??= schemaHash(scenarioSchemaText))

/** Where the build writes the compiled validators. */
export const GENERATED_VALIDATORS = packageFile('dist/scenario-validators.cjs')

interface Validators {
  scenario: ValidateFunction
  rule: () => ValidateFunction
  /** Whether they came from the build's compiled file. */
  precompiled: boolean
}

let validators: Validators | undefined

export function scenarioValidators (): Validators {
  if (validators !== undefined) return validators
  if ((scenarioSchema.definitions as Record<string, unknown> | undefined)?.rule === undefined) throw new Error('scenario.schema.json has no definitions/rule')
  const hash = scenarioSchemaHash()
  try {
    const generated = createRequire(import.meta.url)(fileURLToPath(GENERATED_VALIDATORS)) as { schemaHash?: string, scenario?: ValidateFunction, rule?: ValidateFunction }
    if (generated.schemaHash === hash && generated.scenario !== undefined && generated.rule !== undefined) {
      const rule = generated.rule
      return (validators = { scenario: generated.scenario, rule: () => rule, precompiled: true })
    }
  } catch {
    // Not built (tests run from the sources before a build): compiled below.
  }
  const { Ajv, addFormats } = loadAjv()
  const ajv = new Ajv(SCENARIO_AJV_OPTIONS)
  addFormats(ajv)
  const scenario = ajv.compile(scenarioSchema)
  let rule: ValidateFunction | undefined
  return (validators = {
    scenario,
    rule: () => {
      rule ??= ajv.getSchema(RULE_REF)
      if (!rule) throw new Error('scenario.schema.json has no definitions/rule')
      return rule
    },
    precompiled: false
  })
}
