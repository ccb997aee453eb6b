/**
 * What the build prepares (scripts/prebuild.mjs) is what a start would have made itself: the
 * precompiled scenario validators accept and refuse exactly as the schema compiled at run time
 * does, with the same errors, and the pre-parsed documents are what the YAML parser gives. Only
 * for the exact text they were made from. The credential signatures made at build time are the
 * shipped key's own.
 */
import { createPrivateKey, createPublicKey, type JsonWebKey, sign, verify } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { loadAjv } from '../../src/ajv.js'
import { packageFile } from '../../src/paths.js'
import { allRouteSchemas, documentText, routeSchema } from '../../src/openapi.js'
import { prebuiltFor } from '../../src/prebuilt.js'
import { checkScenario, loadScenarioFile, parseScenario } from '../../src/scenario/load.js'
import { MockContext } from '../../src/context.js'
import { defaultKeyPath } from '../../src/jwt-credentials.js'
import { RULE_REF, SCENARIO_AJV_OPTIONS, scenarioSchema, scenarioSchemaHash, scenarioSchemaText, scenarioValidators, schemaHash } from '../../src/scenario/validators.js'
import { defaultScenario } from '../helper.js'

const prebuiltParse = (text: string): unknown => prebuiltFor(text).parsed()
const prebuiltValid = (text: string, schemaHash: string): boolean => prebuiltFor(text).valid(schemaHash)
const prebuiltRouteSchemas = (text: string): Record<string, unknown> | undefined => prebuiltFor(text).routeSchemas()

t.test('the precompiled validators are used, and judge as the run-time compiled ones do', async t => {
  const built = scenarioValidators()
  t.equal(built.precompiled, true, 'npm test builds first: dist/scenario-validators.cjs matches the schema')
  const { Ajv, addFormats } = loadAjv()
  const ajv = new Ajv(SCENARIO_AJV_OPTIONS)
  addFormats(ajv)
  const compiled = ajv.compile(scenarioSchema)
  const rule = ajv.getSchema(RULE_REF)!
  const good = defaultScenario()
  const cases: unknown[] = [
    good,
    {},
    null,
    { ...good, name: 3 },
    { ...good, accounts: [{ id: 'x' }] },
    { ...good, apps: [{ clientId: 'a', grantTypes: ['nope'] }] },
    { ...good, clock: { start: 'yesterday' } },
    { ...good, policies: { a2p: { messagesPerMinute: -1 } } },
    { ...good, messaging: { consents: [{ from: '*', to: '123', optStatus: 'Maybe' }] } },
    { ...good, extra: true }
  ]
  for (const [i, data] of cases.entries()) {
    const a = built.scenario(data)
    const b = compiled(data)
    t.equal(a, b, `case ${i}: the same verdict`)
    t.same(built.scenario.errors ?? null, compiled.errors ?? null, `case ${i}: the same errors`)
  }
  for (const data of [{ id: 'r', when: { operation: 'getToken' }, respond: { error: 'OAU-213' } }, { id: 'r', when: {}, respond: { status: 'x' } }, {}]) {
    t.equal(built.rule()(data), rule(data))
    t.same(built.rule().errors ?? null, rule.errors ?? null)
  }
})

t.test('the pre-parsed documents are what the YAML parser gives, for exactly their text', async t => {
  const texts = [
    readFileSync(packageFile('openapi/ringcentral-mock.yaml'), 'utf8'),
    ...readdirSync(new URL(packageFile('scenarios/'))).filter(f => f.endsWith('.yaml')).map(f => readFileSync(packageFile(`scenarios/${f}`), 'utf8'))
  ]
  t.ok(texts.length >= 12)
  for (const text of texts) t.same(prebuiltParse(text), parse(text), text.slice(0, 60).split('\n')[0] ?? '')
  t.equal(prebuiltParse(`${texts[1]!}\n# edited`), undefined, 'an edited text is not in it: it is parsed as before')
  const one = prebuiltParse(texts[1]!) as Record<string, unknown>
  one.name = 'changed'
  t.not((prebuiltParse(texts[1]!) as Record<string, unknown>).name, 'changed', 'a fresh object every time')
})

t.test('the build\'s schema verdicts: one per shipped scenario, true, and trusted only under the schema they were made with', async t => {
  const names = readdirSync(new URL(packageFile('scenarios/'))).filter(f => f.endsWith('.yaml'))
  t.ok(names.length >= 11)
  const validate = scenarioValidators().scenario
  for (const name of names) {
    const text = readFileSync(packageFile(`scenarios/${name}`), 'utf8')
    t.equal(prebuiltValid(text, scenarioSchemaHash()), true, `${name}: the build found it valid under this schema`)
    t.equal(validate(parse(text)), true, `${name}: and it is`)
    t.equal(prebuiltValid(text, schemaHash(`${scenarioSchemaText} `)), false, `${name}: not under any other schema`)
    t.equal(prebuiltValid(`${text}\n# edited`, scenarioSchemaHash()), false, `${name}: nor for an edited text`)
  }
})

t.test('an edited shipped scenario is checked against the schema again', async t => {
  const text = readFileSync(packageFile('scenarios/default.yaml'), 'utf8')
  t.equal(parseScenario(text, 'default').name, 'default', 'the shipped text loads')
  const edited = text.replace(/^name: default$/m, 'name: 42')
  t.not(edited, text)
  t.throws(() => parseScenario(edited, 'edited'), { name: 'ScenarioError', message: /name/ }, 'its schema problem is found')
})

t.test('the prebuilt route schemas are what the document gives, for exactly its text', async t => {
  const made = allRouteSchemas()
  t.ok(Object.keys(made).length >= 80, 'every operation')
  t.same(prebuiltRouteSchemas(documentText), made, 'the build wrote what the document gives now')
  for (const id of Object.keys(made)) t.same(routeSchema(id), made[id], `${id}: the route uses it`)
  t.equal(prebuiltRouteSchemas(`${documentText}\n# edited`), undefined, 'an edited document has none: its schemas are made from it')
})

t.test('the build\'s credential signatures: the shipped key\'s own, used for every shipped credential, and only for that key', async t => {
  const keyText = readFileSync(defaultKeyPath, 'utf8')
  const signatures = prebuiltFor(keyText).signatures() as Record<string, string>
  t.ok(signatures !== undefined && Object.keys(signatures).length > 0, 'npm test builds first: the signatures were made')
  const jwk = JSON.parse(keyText) as Record<string, unknown>
  const privateKey = createPrivateKey({ key: { ...jwk, '//': undefined } as JsonWebKey, format: 'jwk' })
  const publicKey = createPublicKey(privateKey)
  for (const [input, signature] of Object.entries(signatures)) {
    t.equal(signature, sign('sha256', Buffer.from(input, 'ascii'), privateKey).toString('base64url'), 'the signature RS256 gives with the shipped key')
    t.ok(verify('sha256', Buffer.from(input, 'ascii'), publicKey, Buffer.from(signature, 'base64url')))
  }
  let used = 0
  for (const file of readdirSync(packageFile('scenarios/')).filter(f => f.endsWith('.yaml'))) {
    const ctx = await MockContext.create(await loadScenarioFile(packageFile(`scenarios/${file}`).pathname))
    for (const issued of ctx.credentials.all()) {
      const [header, payload, signature] = issued.jwt.split('.')
      t.equal(signatures[`${header}.${payload}`], signature, `${file} ${issued.credential.id}: the prebuilt signature`)
      used++
    }
    ctx.close()
  }
  t.equal(used, Object.keys(signatures).length, 'one per shipped credential')

  // A credential the build never saw is signed at run time, and verifies.
  const scenario = defaultScenario()
  const credential = scenario.accounts[0]?.extensions[0]?.jwtCredentials?.[0]
  t.ok(credential, 'the default scenario has a JWT credential')
  credential!.id = 'not-in-the-build'
  const ctx = await MockContext.create({ scenario: checkScenario(scenario, 'test'), source: 'test', baseDir: process.cwd() })
  t.teardown(() => ctx.close())
  const jwt = ctx.credentials.get('not-in-the-build')!.jwt
  const [header, payload, signature] = jwt.split('.') as [string, string, string]
  t.equal(signatures[`${header}.${payload}`], undefined, 'not prebuilt')
  t.ok(verify('sha256', Buffer.from(`${header}.${payload}`, 'ascii'), publicKey, Buffer.from(signature, 'base64url')), 'signed with the key')

  // Another key file is another hash: nothing the build made is used for it.
  t.equal(prebuiltFor(keyText.replace('TEST-ONLY', 'TEST ONLY')).signatures(), undefined)
})
