import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { jsonPointerToPath, loadScenarioFile, parseScenario, ScenarioError } from '../../src/scenario/load.js'

const problemsOf = (text: string) => {
  try {
    parseScenario(text, 'test.yaml')
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems
    throw error
  }
  return []
}

const minimal = `
name: t
accounts:
  - id: "1"
    mainNumber: "+16505550100"
    extensions:
      - { id: "11", extensionNumber: "101", name: A }
apps:
  - { clientId: a, clientSecret: s, grantTypes: [password] }
`

t.test('every shipped scenario loads', async t => {
  const dir = new URL('../../scenarios/', import.meta.url).pathname
  const files = readdirSync(dir).filter(f => /\.ya?ml$|\.json$/.test(f) && f !== 'scenario.schema.json')
  t.ok(files.includes('default.yaml'))
  for (const file of files) t.doesNotThrow(() => loadScenarioFile(join(dir, file)), file)
})

t.test('JSON is accepted as well as YAML', async t => {
  const yaml = parseScenario(minimal)
  t.same(parseScenario(JSON.stringify(yaml)), yaml)
})

t.test('paths are named like apps[1].grantTypes[0]', async t => {
  t.equal(jsonPointerToPath('/apps/1/grantTypes/0'), 'apps[1].grantTypes[0]')
  t.equal(jsonPointerToPath(''), '')
  t.equal(jsonPointerToPath('/policies/refreshTokenReuse'), 'policies.refreshTokenReuse')
})

t.test('a bad file is refused with the file, the path and what was expected', async t => {
  const text = minimal.replace('grantTypes: [password]', 'grantTypes: [implicit]')
  t.throws(() => parseScenario(text, 'bad.yaml'), {
    name: 'ScenarioError',
    message: /^bad.yaml: invalid scenario\n {2}apps\[0\]\.grantTypes\[0\]: must be one of "password", "urn:ietf:params:oauth:grant-type:jwt-bearer", "refresh_token", "authorization_code" \(got "implicit"\)/
  })
})

t.test('schema problems', async t => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['missing name', minimal.replace('name: t', ''), '', /missing required property "name"/],
    ['unknown property', minimal.replace('name: t', 'name: t\nnmae: x'), 'nmae', /unknown property/],
    ['bad environment', `${minimal}environment: staging\n`, 'environment', /must be one of "sandbox", "production"/],
    ['bad number', minimal.replace('+16505550100', '650-555'), 'accounts[0].mainNumber', /E\.164/],
    ['bad instant', `${minimal}policies: { passwordGrantEndOfLife: tomorrow }\n`, 'policies.passwordGrantEndOfLife', /ISO 8601/],
    ['bad reuse policy', `${minimal}policies: { refreshTokenReuse: lax }\n`, 'policies.refreshTokenReuse', /"ringcentral", "strict"/],
    ['negative TTL', minimal.replace('grantTypes: [password]', 'grantTypes: [password], accessTokenTtl: -5'), 'apps[0].accessTokenTtl', /must be >= 1/]
  ]
  for (const [name, text, path, message] of cases) {
    const problems = problemsOf(text)
    const problem = problems.find(p => p.path === path)
    t.ok(problem, `${name}: a problem at "${path}" (got ${JSON.stringify(problems)})`)
    if (problem) t.match(problem.message, message, name)
  }
})

t.test('world rules a schema cannot express', async t => {
  const twice = minimal.replace('{ id: "11", extensionNumber: "101", name: A }',
    '{ id: "11", extensionNumber: "101", name: A, phoneNumbers: [{ phoneNumber: "+16505550100" }] }\n      - { id: "11", extensionNumber: "101", name: B, phoneNumbers: [{ phoneNumber: "+16505550100" }] }')
  const problems = problemsOf(twice)
  t.match(problems, [
    { path: 'accounts[0].extensions[1].id', message: /duplicate extension id "11" \(already used at accounts\[0\].extensions\[0\].id\)/ },
    { path: 'accounts[0].extensions[1].extensionNumber', message: /duplicate/ },
    { path: 'accounts[0].extensions[1].phoneNumbers[0].phoneNumber', message: /duplicate phone number/ }
  ])
  const unknownApp = minimal.replace('name: A }', 'name: A, jwtCredentials: [{ id: c, apps: [nope] }] }')
  t.match(problemsOf(unknownApp), [{ path: 'accounts[0].extensions[0].jwtCredentials[0].apps[0]', message: /names no app/ }])
  const publicPassword = minimal.replace('clientSecret: s, ', '')
  t.match(problemsOf(publicPassword), [{ path: 'apps[0].grantTypes', message: /public client/ }])
})

t.test('YAML syntax errors and unreadable files are ScenarioErrors too', async t => {
  t.throws(() => parseScenario('name: [unclosed', 'broken.yaml'), { name: 'ScenarioError', message: /^broken.yaml/ })
  t.throws(() => parseScenario('a: 1\na: 2', 'dup.yaml'), { name: 'ScenarioError' })
  t.throws(() => loadScenarioFile('/nonexistent/x.yaml'), { name: 'ScenarioError', message: /cannot read file/ })
})
