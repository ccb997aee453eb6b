/**
 * Scenario errors that say what to do: the YAML parser's code frame once, an empty document named
 * as empty, "did you mean" for grant types and property names, size limits before parsing, and
 * `PUT /__mock/scenario` whatever the Content-Type says.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { stringify } from 'yaml'
import { MAX_YAML_BYTES, parseScenario, ScenarioError } from '../../src/scenario/load.js'
import { resolveScenarioRef, shippedScenarioNames, shippedScenarioPath } from '../../src/scenario/shipped.js'
import { build, defaultScenario } from '../helper.js'

const problemsOf = (text: string, limits = {}): ScenarioError => {
  try {
    parseScenario(text, 'test.yaml', limits)
  } catch (error) {
    if (error instanceof ScenarioError) return error
    throw error
  }
  throw new Error('the scenario was accepted')
}

t.test('a YAML syntax error: the first one, with line, column and the code frame', async t => {
  const error = problemsOf('name: [unclosed\napps: {\n')
  t.equal(error.problems.length, 1, 'one problem, not a cascade')
  t.equal(error.syntax, true)
  t.equal(error.problems[0]?.path, 'line 2, column 1')
  t.match(error.problems[0]?.message, /must be sufficiently indented and end with a \]/)
  t.match(error.problems[0]?.message, /name: \[unclosed\napps: \{\n\^/)
  t.match(error.message, /test\.yaml: invalid scenario\n {2}line 2, column 1: /)
  const dup = problemsOf('name: a\nname: b\naccounts: []\napps: []\n')
  t.match(dup.problems[0]?.message, /Map keys must be unique/)
})

t.test('an empty document, or one of comments only, says so', async t => {
  t.match(problemsOf('').problems[0]?.message, /the document is empty/)
  t.match(problemsOf('  \n\n').problems[0]?.message, /the document is empty/)
  t.match(problemsOf('# just a comment\n').problems[0]?.message, /empty \(only comments\)/)
})

t.test('"did you mean" for a short grant name, a misspelt property and a misspelt enum value', async t => {
  const scenario = defaultScenario()
  scenario.apps[0]!.grantTypes = ['jwt-bearer' as 'password']
  ;(scenario.apps[1] as unknown as Record<string, unknown>).redirectUri = []
  ;(scenario as unknown as Record<string, unknown>).environment = 'prodution'
  const error = problemsOf(stringify(scenario))
  const messages = error.problems.map(p => `${p.path}: ${p.message}`).join('\n')
  t.match(messages, /apps\[0\]\.grantTypes\[0\]: must be one of .* \(got "jwt-bearer"\) \(did you mean "urn:ietf:params:oauth:grant-type:jwt-bearer"\?\)/)
  t.match(messages, /apps\[1\]\.redirectUri: unknown property \(did you mean "redirectUris"\?\)/)
  t.match(messages, /environment: must be one of "sandbox", "production" \(got "prodution"\) \(did you mean "production"\?\)/)
})

t.test('size limits are checked before parsing: 413-worthy errors', async t => {
  const json = JSON.stringify(defaultScenario())
  const tooBig = problemsOf(json, { maxBytes: 100 })
  t.equal(tooBig.tooLarge, true)
  t.match(tooBig.problems[0]?.message, /over the 0 MiB limit \(--max-scenario-bytes\)|over the .* limit/)
  const yaml = `${stringify(defaultScenario())}\n${'# padding\n'.repeat(MAX_YAML_BYTES / 10)}`
  const yamlTooBig = problemsOf(yaml)
  t.equal(yamlTooBig.tooLarge, true)
  t.match(yamlTooBig.problems[0]?.message, /over the 4 MiB limit for YAML: write a world this large as JSON/)
  t.equal(parseScenario(`${json}${' '.repeat(MAX_YAML_BYTES)}`, 'big.json').name, 'default', 'JSON is parsed as JSON, past the YAML limit')
})

t.test('shipped scenarios by name; a path that exists wins', async t => {
  const names = shippedScenarioNames()
  t.ok(names.includes('default') && names.includes('msg-304'))
  t.notOk(names.includes('scenario.schema'), 'the schema is not a scenario')
  const elsewhere = t.testdir({ 'msg-304': 'name: local\n', 'mine.yaml': 'name: mine\n' })
  t.equal(resolveScenarioRef('msg-304', '/'), shippedScenarioPath('msg-304'))
  t.equal(resolveScenarioRef('msg-304.yaml', '/'), shippedScenarioPath('msg-304'))
  t.equal(resolveScenarioRef('msg-304', elsewhere), 'msg-304', 'the file in the working directory')
  t.equal(resolveScenarioRef('mine.yaml', elsewhere), 'mine.yaml')
  t.equal(resolveScenarioRef('scenarios/msg-304.yaml', '/'), 'scenarios/msg-304.yaml', 'a path with a folder stays a path')
  t.equal(resolveScenarioRef('nope', '/'), 'nope')
  t.equal(readFileSync(shippedScenarioPath('msg-304'), 'utf8').includes('name: msg-304'), true)
})

t.test('PUT /__mock/scenario: YAML or JSON whatever the Content-Type claims', async t => {
  const h = await build(t)
  const yaml = readFileSync(shippedScenarioPath('msg-304'), 'utf8')
  const put = (payload: string, type: string) => h.app.inject({ method: 'PUT', url: '/__mock/scenario', headers: { 'content-type': type }, payload })
  for (const type of ['application/yaml', 'text/yaml', 'text/plain', 'application/x-yaml']) {
    const res = await put(yaml, type)
    t.equal(res.statusCode, 200, type)
    t.equal(res.json().name, 'msg-304', type)
  }
  const json = JSON.stringify(defaultScenario())
  t.equal((await put(json, 'application/x-www-form-urlencoded')).json().name, 'default', 'JSON sent with curl -d works')
  t.equal((await put(json, 'application/json')).json().name, 'default')
  // What curl -d @file.yaml sends: the form type, and the file's line breaks removed.
  const flattened = await put(yaml.replace(/\r?\n/g, ''), 'application/x-www-form-urlencoded')
  t.equal(flattened.statusCode, 415)
  t.match(flattened.json(), { error: 'unsupported_media_type', message: /curl -X PUT --data-binary @scenario\.yaml -H "Content-Type: application\/yaml"/ })
  t.equal((await h.api('/__mock/health')).json().scenario, 'default', 'the running scenario is intact')
})

t.test('PUT /__mock/scenario over the size limit: 413', async t => {
  const h = await build(t)
  const res = await h.app.inject({ method: 'PUT', url: '/__mock/scenario', headers: { 'content-type': 'application/yaml' }, payload: `name: x\n${'#'.repeat(MAX_YAML_BYTES)}\n` })
  t.equal(res.statusCode, 413)
  t.equal(res.json().error, 'payload_too_large')
})
