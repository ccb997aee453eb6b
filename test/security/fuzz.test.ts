/**
 * A bounded, seeded property-based fuzz over every route of the OpenAPI document, the control API
 * included (fast-check): whatever the method, path parameters, query, headers and body, the mock
 * answers (no hang), with no 5xx, and over a real socket with no connection error; afterwards it
 * still serves and a login works. The seed is fixed, so a failure reproduces; the run takes a few
 * seconds.
 */
import { request as httpRequest } from 'node:http'
import fc from 'fast-check'
import t from 'tap'
import { documentOperations } from '../../src/openapi.js'
import { startMockServer } from '../../src/index.js'

const SEED = 20261201
const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: Buffer | undefined
}

const PARAM_NAMES = ['accountId', 'extensionId', 'messageId', 'attachmentId', 'id', 'grant_type', 'client_id', 'redirect_uri', 'response_type', 'state', 'code_challenge',
  'code_challenge_method', 'prompt', 'access_token', 'token', 'perPage', 'page', 'direction', 'messageType', 'dateFrom', 'dateTo', 'availability', 'readStatus', 'conversationId',
  'distinctConversations', 'phoneNumber', 'status', 'usageType', 'operation', 'errorCode', 'since', 'clientId', 'path', 'rule', 'method', 'controlToken']

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '~', '100200301', '100200302', '402000000001', '0', '-1', '1e309', 'null', '[]', '{}', '%', '%00', '..', 'ada-jwt', 'jwt-app', '2024-03-30T12:00:00Z', 'S256', 'code', 'Inbound', '1000000'),
  fc.integer().map(String),
  fc.string({ maxLength: 3000 })
)

const segment = junk.map(s => encodeURIComponent(s))

/** A concrete path for an operation's template (its `{param}`s filled with anything). */
const pathFor = (template: string): fc.Arbitrary<string> => {
  const parts = template.split('/')
  return fc.tuple(...parts.map(p => p.startsWith('{') ? segment : fc.constant(p))).map(ps => ps.join('/'))
}

// The change stream answers at once and then stays open by design (an answer that never ends is
// not a hang there); test/control/dashboard.test.ts covers it.
const routes = [...new Set(documentOperations.filter(op => op.id !== 'streamMockChanges').map(op => op.path))]
const paths = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...routes).chain(pathFor) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('/restapi/v1.0', '/restapi/oauth', '/__mock', '/restapi', ''), segment).map(([a, b]) => `${a}/${b}`) }
)

const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAM_NAMES), junk), junk), { maxLength: 6 })
  .map(pairs => pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`)

const CONTENT_TYPES = ['application/json', 'application/json; charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=XyZ', 'multipart/mixed; boundary="q"',
  'multipart/form-data', 'text/plain', 'application/yaml', 'text/yaml', 'application/xml', 'application/octet-stream', '*/*', 'application/json; boundary=x', 'foo']

const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    from: fc.oneof(fc.record({ phoneNumber: fc.oneof(junk, fc.constant('+16505550100')) }), fc.jsonValue({ maxDepth: 1 })),
    to: fc.oneof(fc.array(fc.record({ phoneNumber: fc.oneof(junk, fc.constant('+16505550177')) }), { maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })),
    text: fc.oneof(junk, fc.jsonValue({ maxDepth: 1 }))
  }, { requiredKeys: [] }),
  fc.record({ advanceSeconds: fc.oneof(fc.double(), fc.integer(), junk), set: fc.oneof(junk, fc.double(), fc.integer()), freeze: fc.oneof(fc.boolean(), junk), allowBackwards: fc.boolean() }, { requiredKeys: [] }),
  fc.record({ extensionId: fc.oneof(junk, fc.constant('100200302')), id: junk, expiresAt: junk, apps: fc.array(junk, { maxLength: 3 }) }, { requiredKeys: [] }),
  // A rule body, never one with a fault: a `timeout` fault is a hang by design.
  fc.record({ id: junk, when: fc.record({ operation: fc.oneof(fc.constantFrom('getToken', 'readExtension', 'createSMSMessage'), junk), grantType: junk, path: junk }, { requiredKeys: [] }), respond: fc.record({ error: fc.oneof(fc.constantFrom('CMN-301', 'OAU-213'), junk), status: fc.integer({ min: -5, max: 999 }), body: fc.jsonValue({ maxDepth: 1 }), delayMs: fc.constant(0) }, { requiredKeys: [] }), times: fc.integer({ min: -1, max: 3 }) }, { requiredKeys: [] })
).map(v => Buffer.from(JSON.stringify(v) ?? 'null'))

const formBody = fc.array(fc.tuple(fc.oneof(fc.constantFrom('grant_type', 'assertion', 'username', 'password', 'refresh_token', 'code', 'code_verifier', 'redirect_uri', 'client_id', 'access_token_ttl', 'refresh_token_ttl', 'token', 'action', 'response_type', 'state', 'extension'), junk), fc.oneof(junk, fc.constantFrom(JWT_GRANT, 'password', 'refresh_token', 'authorization_code', 'allow', 'deny', '-1', '600'))), { maxLength: 8 })
  .map(pairs => Buffer.from(pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')))

const multipartBody = fc.array(fc.tuple(fc.constantFrom('request.json', 'attachment', 'x'), fc.constantFrom('application/json', 'image/png', 'text/plain', ''), junk), { maxLength: 4 })
  .map(parts => Buffer.from(`${parts.map(([name, type, body]) => `--XyZ\r\nContent-Disposition: form-data; name="${name}"; filename="f"\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n${body}\r\n`).join('')}--XyZ--\r\n`))

const bytes = fc.uint8Array({ maxLength: 300 }).map(a => Buffer.from(a))

function requests (tokens: { access: string }): fc.Arbitrary<FuzzRequest> {
  const authorization = fc.oneof(
    fc.constant(undefined), fc.constant(`Bearer ${tokens.access}`), fc.constant(`bearer ${tokens.access}`), fc.constant(basic('jwt-app', 'jwt-app-secret')),
    fc.constant(basic('web-app', 'nope')), fc.constant('Bearer'), fc.constant('Basic %%%'), junk.map(s => s.replace(/[\r\n\0]/g, ''))
  )
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
    path: paths,
    query,
    contentType: fc.oneof(fc.constant(undefined), fc.constantFrom(...CONTENT_TYPES)),
    authorization,
    accept: fc.constantFrom(undefined, 'text/html', 'application/json', '*/*'),
    origin: fc.constantFrom(undefined, 'http://localhost:5173', 'https://evil.example'),
    body: fc.oneof(fc.constant(undefined), jsonBody, formBody, multipartBody, bytes)
  }).map(r => {
    const headers: Record<string, string> = {}
    if (r.contentType !== undefined && r.body !== undefined) headers['content-type'] = r.contentType
    if (r.authorization !== undefined) headers.authorization = r.authorization
    if (r.accept !== undefined) headers.accept = r.accept
    if (r.origin !== undefined) headers.origin = r.origin
    const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD'
    return { method: r.method, url: `${r.path}${r.query}`, headers, body: hasBody ? r.body : undefined }
  })
}

t.test('every route, any input: an answer, never a 5xx; a login works afterwards', async t => {
  const mock = await startMockServer({ onError: error => t.fail(`the mock reported an unexpected error: ${(error as Error).stack ?? String(error)}`) })
  t.teardown(() => mock.close())
  const login = async () => await fetch(`${mock.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic('jwt-app', 'jwt-app-secret'), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_GRANT, assertion: mock.jwt('ada-jwt') }).toString()
  })
  const tokens = { access: ((await (await login()).json()) as { access_token: string }).access_token }
  const failures: string[] = []
  const describe = (r: FuzzRequest, what: string) => `${what}: ${r.method} ${r.url.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 200)} ${r.body?.subarray(0, 200).toString('latin1') ?? ''}`

  // In process, many requests.
  await fc.assert(fc.asyncProperty(requests(tokens), async r => {
    let res
    try {
      res = await mock.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, ...(r.body !== undefined ? { payload: r.body } : {}) })
    } catch (error) {
      // light-my-request refuses some URLs itself (a client-side error: nothing reached the server).
      if (/Invalid URL|ERR_INVALID|not a valid/i.test(String(error))) return
      throw error
    }
    if (res.statusCode >= 500) failures.push(describe(r, `status ${res.statusCode} ${res.body.slice(0, 300)}`))
  }), { seed: SEED, numRuns: 5000 })

  // Over a real socket, fewer: connection errors and hangs show here.
  const send = (r: FuzzRequest) => new Promise<number>((resolve, reject) => {
    const target = new URL(mock.url)
    const req = httpRequest({ host: target.hostname, port: target.port, method: r.method, path: r.url, headers: { ...r.headers, ...(r.body ? { 'content-length': String(r.body.length) } : {}) } }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s (a hang)')))
    req.on('error', reject)
    req.end(r.body)
  })
  await fc.assert(fc.asyncProperty(requests(tokens), async r => {
    try {
      const status = await send(r)
      if (status >= 500) failures.push(describe(r, `status ${status} over HTTP`))
    } catch (error) {
      // Node's client refuses to send some requests itself (invalid characters in the path).
      if ((error as NodeJS.ErrnoException).code === 'ERR_UNESCAPED_CHARACTERS' || (error as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR') return
      failures.push(describe(r, `connection error ${(error as Error).message}`))
    }
  }), { seed: SEED + 1, numRuns: 800 })

  t.same(failures.slice(0, 10), [], `no 5xx, no connection errors, no hangs (${failures.length} failures)`)
  const health = await fetch(`${mock.url}/__mock/health`)
  t.equal(health.status, 200, 'the mock still serves')
  t.match(await health.json(), { now: /^\d{4}-\d\d-\d\dT/ }, 'with a valid clock')
  t.equal((await fetch(`${mock.url}/__mock/reset`, { method: 'POST' })).status, 200)
  const after = await login()
  t.equal(after.status, 200, 'and a login works afterwards')
})
