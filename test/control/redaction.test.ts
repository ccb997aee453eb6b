/**
 * No secret reaches a sink: every secret-bearing parameter, in several encodings, in the URL, a
 * form body, a JSON body and headers, is absent from the request log, the journal list and the
 * journal entry (and what a real login returns is absent too).
 */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { startMockServer } from '../../src/index.js'
import { redactUrl } from '../../src/redact.js'

const NAMES = ['access_token', 'token', 'code', 'code_verifier', 'assertion', 'password', 'refresh_token', 'client_secret', 'client_assertion', 'id_token']

const percentAll = (s: string): string => [...Buffer.from(s)].map(b => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')

/** The name as sent, in ways a server decodes to the same name. */
const encodings = (name: string): string[] => [
  name,
  name.replace(/_/g, '%5F'),
  name.replace(/_/g, '%5f'),
  name.toUpperCase(),
  percentAll(name),
  percentAll(name).replace(/%/g, '%25'),
  `${name}[]`
]

t.test('redactUrl judges each parameter by its decoded name', async t => {
  t.equal(redactUrl('/x?access%5Ftoken=abc&a=1'), '/x?access%5Ftoken=[redacted]&a=1')
  t.equal(redactUrl('/x?%61ssertion=abc#frag'), '/x?%61ssertion=[redacted]#frag')
  t.equal(redactUrl('/x?tokens=keep&token='), '/x?tokens=keep&token=[redacted]')
  t.equal(redactUrl('/x'), '/x')
})

t.test('every secret parameter, in every encoding, in every place: in no sink', async t => {
  const lines: string[] = []
  const mock = await startMockServer({ log: line => lines.push(line) })
  t.teardown(() => mock.close())
  const secrets: string[] = []
  const secret = (): string => {
    const value = `S3CRET${randomBytes(9).toString('hex')}`
    secrets.push(value)
    return value
  }
  const requests: Array<Promise<Response>> = []
  for (const name of NAMES) {
    for (const encoded of encodings(name)) {
      // In the URL of an API route, of the token endpoint and of an unserved path.
      for (const path of ['/restapi/v1.0/account/~/extension/~', '/restapi/oauth/token', '/restapi/v1.0/nowhere']) {
        requests.push(fetch(`${mock.url}${path}?${encoded}=${secret()}&other=1`, { method: path.includes('oauth') ? 'POST' : 'GET' }))
      }
      // In a form body.
      requests.push(fetch(`${mock.url}/restapi/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`jwt-app:${secret()}`).toString('base64')}` },
        body: `grant_type=password&${encoded}=${secret()}`
      }))
    }
    // In a JSON body, at the top and nested.
    requests.push(fetch(`${mock.url}/restapi/v1.0/account/~/extension/~/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret()}`, cookie: `session=${secret()}` },
      body: JSON.stringify({ [name]: secret(), from: { [name]: secret() }, to: [{ phoneNumber: '+16505550177', [name]: secret() }], text: 'hi' })
    }))
  }
  // A real login: what the mock itself hands out must not show either.
  const login = await fetch(`${mock.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('jwt-app:jwt-app-secret').toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: mock.jwt('ada-jwt') }).toString()
  })
  const info = await login.json() as { access_token: string, refresh_token: string }
  secrets.push(info.access_token, info.refresh_token, mock.jwt('ada-jwt'), 'jwt-app-secret')
  await Promise.all(requests.map(async r => await (await r).arrayBuffer()))

  const list = mock.requests.list()
  t.ok(list.length >= NAMES.length * 7 * 4, 'every request is in the journal')
  const sinks = {
    'the request log': lines.join('\n'),
    'the journal list (API)': JSON.stringify(list),
    'the journal list (HTTP)': await (await fetch(`${mock.url}/__mock/requests`)).text(),
    'the journal entries (HTTP)': (await Promise.all(list.map(async e => await (await fetch(`${mock.url}/__mock/requests/${e.id}`)).text()))).join('\n')
  }
  for (const [sink, text] of Object.entries(sinks)) {
    const leaked = secrets.filter(s => text.includes(s))
    t.same(leaked, [], `${sink}: no secret`)
  }
  t.match(sinks['the journal list (API)'], /\[redacted\]/, 'the values are shown as redacted')
})
