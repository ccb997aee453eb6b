/**
 * The defects of the hardening issue, each kept fixed: control API statuses that say what went
 * wrong, echoed input bounded, HEAD answers without a body, secrets compared in constant time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { startMockServer } from '../../src/index.js'
import { MAX_ECHO } from '../../src/errors.js'
import { secretEquals } from '../../src/secret.js'
import { basic, build } from '../helper.js'

t.test('the control API tells its failures apart: 413, 415, 404, 500 (logged)', async t => {
  const h = await build(t)
  const big = await h.app.inject({ method: 'POST', url: '/__mock/rules', headers: { 'content-type': 'application/json' }, payload: `{"id":"${'x'.repeat(11 * 1024 * 1024)}"}` })
  t.equal(big.statusCode, 413)
  t.equal(big.json().error, 'payload_too_large')
  const xml = await h.app.inject({ method: 'POST', url: '/__mock/clock', headers: { 'content-type': 'application/xml' }, payload: '<clock/>' })
  t.equal(xml.statusCode, 415)
  t.equal(xml.json().error, 'unsupported_media_type')
  const json = await h.app.inject({ method: 'POST', url: '/__mock/clock', headers: { 'content-type': 'application/json' }, payload: '{bad' })
  t.equal(json.statusCode, 400)
  t.equal((await h.api('/__mock/no/such/route')).statusCode, 404)

  const errors: string[] = []
  const mock = await startMockServer({ onError: (error, where) => errors.push(`${where}: ${(error as Error).message}`) })
  t.teardown(() => mock.close())
  mock.context.journal.list = () => { throw new Error('journal exploded') }
  const res = await fetch(`${mock.url}/__mock/requests`)
  t.equal(res.status, 500, 'an unexpected exception is a 500, not a 400')
  t.match(await res.json(), { error: 'internal_error', message: /a bug in ringcentral-mock/ })
  t.same(errors, ['GET /__mock/requests: journal exploded'], 'and it is reported')
})

t.test('echoed input is bounded: Location headers, messages, parameters', async t => {
  const h = await build(t)
  const long = 'x'.repeat(30_000)
  const redirect = await h.app.inject({ method: 'GET', url: `/restapi/oauth/authorize?client_id=web-app&redirect_uri=${encodeURIComponent('http://localhost:5173/oauth/callback')}&response_type=${long.slice(0, 2000)}` })
  t.equal(redirect.statusCode, 302)
  t.ok(String(redirect.headers.location).length < 600, `the error redirect's Location is short (${String(redirect.headers.location).length} characters)`)
  const tooLong = await h.app.inject({ method: 'GET', url: `/restapi/oauth/authorize?client_id=web-app&response_type=code&state=${long}` })
  t.equal(tooLong.statusCode, 400, 'a parameter too long to send back is refused, not redirected')
  t.equal(tooLong.headers.location, undefined)
  t.match(tooLong.json().error_description, /Parameter \[state\] value is invalid: longer than 2048 characters/)

  const client = await h.app.inject({
    method: 'POST',
    url: '/restapi/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(long, 'x') },
    payload: 'grant_type=password'
  })
  t.equal(client.json().errors[0].errorCode, 'OAU-153')
  t.ok(client.body.length < 2000, `the OAU-153 body is bounded (${client.body.length} bytes)`)
  t.ok(client.json().errors[0].parameters[0].parameterValue.length <= MAX_ECHO + 1)

  const { access_token: token } = await h.login()
  const sms = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token as string}` },
    payload: { from: { phoneNumber: long }, to: [{ phoneNumber: '+16505550177' }], text: 'hi' }
  })
  t.equal(sms.statusCode, 400)
  t.ok(sms.body.length < 2000, `the MSG-245 body is bounded (${sms.body.length} bytes)`)
  const form = await h.app.inject({ method: 'POST', url: '/restapi/oauth/token', headers: { 'content-type': `text/${long}` }, payload: 'x' })
  t.ok(form.body.length < 2000, `a 415 naming the content type is bounded (${form.body.length} bytes)`)
})

async function raw (url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let data = ''
    socket.on('data', chunk => { data += chunk.toString('latin1') })
    socket.on('end', () => resolve(data))
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
    socket.end(request)
  })
}

t.test('a HEAD request with oversized headers: 431 with no body; GET gets RingCentral\'s body', async t => {
  const mock = await startMockServer()
  t.teardown(() => mock.close())
  const huge = `X-Big: ${'a'.repeat(20_000)}\r\n`
  const head = await raw(mock.url, `HEAD /restapi/v1.0/account/~/extension/~ HTTP/1.1\r\nHost: localhost\r\n${huge}\r\n`)
  t.match(head, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
  t.equal(head.split('\r\n\r\n')[1], '', 'nothing after the headers')
  const get = await raw(mock.url, `GET /restapi/v1.0/account/~/extension/~ HTTP/1.1\r\nHost: localhost\r\n${huge}\r\n`)
  const [headers, body] = get.split('\r\n\r\n')
  t.match(headers, /^HTTP\/1\.1 431 /)
  t.match(JSON.parse(body ?? ''), { errorCode: 'CMN-104', message: 'Request Header Fields Too Large' })
  const garbage = await raw(mock.url, 'NOT A REQUEST\r\n\r\n')
  t.match(garbage, /^HTTP\/1\.1 400 /)
  t.equal((await fetch(`${mock.url}/__mock/health`)).status, 200, 'the server still serves')
})

t.test('secrets are compared in constant time', async t => {
  t.equal(secretEquals('jwt-app-secret', 'jwt-app-secret'), true)
  t.equal(secretEquals('jwt-app-secreT', 'jwt-app-secret'), false)
  t.equal(secretEquals('', 'jwt-app-secret'), false, 'of any length')
  t.equal(secretEquals('jwt-app-secret-and-more', 'jwt-app-secret'), false)
  // The given value is padded or cut to the expected length: a prefix or a zero-padded copy is no match.
  t.equal(secretEquals('abc', 'abc\0'), false, 'zero padding is not the secret')
  t.equal(secretEquals('abc\0', 'abc'), false)
  t.equal(secretEquals('', ''), true, 'an empty secret equals only the empty string')
  t.equal(secretEquals('\0', ''), false)
  t.equal(secretEquals('é', 'é'), true, 'UTF-8')
  t.equal(secretEquals('é', 'e\u0301'), false)
  // The buffers it writes into are reused: no comparison is swayed by an earlier one.
  const values = ['', '\0', 'a', 'ab', 'abc', 'abc\0', 'abd', 'é', 'e\u0301', 'jwt-app-secret', 'jwt-app-secreT', 'x'.repeat(300)]
  let mismatches = 0
  for (let round = 0; round < 3; round++) {
    for (const given of values) for (const expected of values) if (secretEquals(given, expected) !== (given === expected)) mismatches++
  }
  t.equal(mismatches, 0, 'every pair, in every order, gives the verdict of string equality')

  // And nothing in the sources compares one with === or !==.
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (path.endsWith('.ts')) files.push(path)
    }
  }
  walk(new URL('../../src', import.meta.url).pathname)
  const secretField = /\b(?:clientSecret|client_secret|password|secret|challenge|code_verifier|verifier|controlToken)\b/
  const offenders = files.flatMap(file => readFileSync(file, 'utf8').split('\n').map((line, i) => ({ file, line: i + 1, text: line })))
    .filter(({ text }) => /[!=]==/.test(text) && secretField.test(text) && !text.includes('secretEquals('))
    .filter(({ text }) => !/[!=]== undefined|[!=]== ''|typeof |\.test\(|ScenarioError|grantTypes|'password'|GRANT\.password/.test(text))
  t.same(offenders.map(o => `${o.file}:${o.line}: ${o.text.trim()}`), [], 'no === / !== on a secret')
})
