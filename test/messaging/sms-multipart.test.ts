import t from 'tap'
import { apiError, build } from '../helper.js'
import { boundaryOf, parseMultipart } from '../../src/messaging/multipart.js'

const request = { from: { phoneNumber: '+16505550102' }, to: [{ phoneNumber: '+16505550199' }], text: 'Reminder: cleaning at 3pm' }

/** The exact bytes @rc-ex/core 1.8.6 sends (FormData.getBody()). */
function rcExBody (json: string, boundary = 'ad05fc42-a66d-4a94-b807-f1c91136c17b'): string {
  return `--${boundary}\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name="request.json"; filename="request.json"\r\n\r\n${json}\r\n--${boundary}--\r\n`
}

t.test('multipart/form-data with a request.json part (@rc-ex/core)', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const res = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=ad05fc42-a66d-4a94-b807-f1c91136c17b' },
    payload: rcExBody(JSON.stringify(request))
  })
  t.equal(res.statusCode, 200)
  t.equal(res.json().subject, request.text)
  t.same(res.json().from, { phoneNumber: '+16505550102' })
})

t.test('multipart/mixed with a JSON first part (RingCentral\'s MMS example), with LF line breaks and a quoted boundary', async t => {
  const h = await build(t, s => { s.accounts[0]!.extensions[1]!.phoneNumbers![0]!.features = ['CallerId', 'SmsSender', 'MmsSender'] })
  const { access_token: token } = await h.login('ben-jwt')
  const body = [
    '--Boundary_1_14413901_1361871080888',
    'Content-Type: application/json; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    JSON.stringify(request),
    '',
    '--Boundary_1_14413901_1361871080888',
    'Content-Type: image/png',
    'Content-Disposition: attachment; filename="filename.png"',
    '',
    'Hello, World!',
    '',
    '--Boundary_1_14413901_1361871080888--',
    ''
  ].join('\n')
  const res = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/mixed; boundary="Boundary_1_14413901_1361871080888"' },
    payload: body
  })
  t.equal(res.statusCode, 200)
  const record = res.json()
  t.equal(record.type, 'SMS')
  t.equal(record.attachments.length, 2)
  t.match(record.attachments[1], { type: 'MmsAttachment', contentType: 'image/png', size: 14, fileName: 'filename.png' })
  t.equal(record.attachments[1].id, 402000000002)

  const content = await h.api(new URL(record.attachments[1].uri).pathname, token)
  t.equal(content.statusCode, 200)
  t.equal(content.headers['content-type'], 'image/png')
  t.equal(content.body, 'Hello, World!\n')
  const text = await h.api(new URL(record.attachments[0].uri).pathname, token)
  t.equal(text.body, request.text)
  t.match(text.headers['content-type'], /^text\/plain/)
})

t.test('an attachment from a number without MmsSender: MSG-380', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const b = 'XYZ'
  const body = `--${b}\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name="request.json"; filename="request.json"\r\n\r\n${JSON.stringify(request)}\r\n` +
    `--${b}\r\nContent-Type: image/png\r\nContent-Disposition: form-data; name="attachments"; filename="a.png"\r\n\r\nPNG\r\n--${b}--\r\n`
  const res = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${b}` },
    payload: body
  })
  t.equal(res.statusCode, 403)
  t.same(res.json(), apiError('MSG-380', 'The MMS feature is not available'))
})

t.test('malformed multipart bodies are 400, never 500', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const post = (contentType: string, payload: string) => h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload
  })
  const cannotParse = apiError('CMN-104', 'Cannot parse request')
  for (const [contentType, payload, why] of [
    ['multipart/form-data', rcExBody('{}'), 'no boundary parameter'],
    ['multipart/form-data; boundary=nope', rcExBody('{}'), 'a boundary that is not in the body'],
    ['multipart/form-data; boundary=ad05fc42-a66d-4a94-b807-f1c91136c17b', rcExBody('{}').replace(/--\r\n$/, ''), 'no closing boundary'],
    ['multipart/mixed; boundary=B', '--B\r\nthis line is no header\r\n\r\n{}\r\n--B--\r\n', 'a broken part header'],
    ['multipart/mixed; boundary=B', '--B\r\nContent-Type: application/json', 'truncated'],
    ['multipart/form-data; boundary=B', '', 'empty']
  ] as const) {
    const res = await post(contentType, payload)
    t.equal(res.statusCode, 400, why)
    t.same(res.json(), cannotParse, why)
  }
  const badJson = await post('multipart/form-data; boundary=ad05fc42-a66d-4a94-b807-f1c91136c17b', rcExBody('{"to": ['))
  t.equal(badJson.statusCode, 400)
  t.same(badJson.json(), apiError('CMN-103', "JSON can't be parsed."), 'a request.json part that is not JSON')
  const noJson = await post('multipart/mixed; boundary=B', '--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n')
  t.equal(noJson.statusCode, 400)
  t.same(noJson.json().errors[0], { errorCode: 'CMN-101', message: 'Parameter [to] value is invalid.', parameterName: 'to' }, 'no JSON part: the fields are missing')
})

t.test('parseMultipart', async t => {
  t.equal(boundaryOf('multipart/form-data; boundary=abc'), 'abc')
  t.equal(boundaryOf('multipart/mixed; charset=utf-8; BOUNDARY="a b;c"'), 'a b;c')
  t.equal(boundaryOf('multipart/mixed'), undefined)

  const parts = parseMultipart(Buffer.from('preamble\r\n--X\r\nContent-Disposition: form-data; name="a\\"b"; filename=f.txt\r\n\r\nline1\r\nline2\r\n--X\r\n\r\nno headers\r\n--X\r\nContent-Transfer-Encoding: base64\r\nContent-Type: Application/Octet-Stream; x=1\r\n\r\naGk=\r\n--X\r\nContent-Type: text/plain\r\n\r\n\r\n--X--epilogue'), 'X')
  t.equal(parts.length, 4)
  t.match(parts[0], { name: 'a"b', filename: 'f.txt', contentType: 'text/plain' })
  t.equal(parts[0]!.body.toString(), 'line1\r\nline2', 'CRLF inside content is kept, the one before the boundary is not')
  t.same(parts[1]!.headers, {})
  t.equal(parts[1]!.body.toString(), 'no headers')
  t.equal(parts[2]!.contentType, 'application/octet-stream')
  t.equal(parts[2]!.body.toString(), 'hi', 'base64 is decoded')
  t.equal(parts[3]!.body.length, 0, 'an empty part')
  t.same(parseMultipart(Buffer.from('--X--\r\n'), 'X'), [], 'no parts')
  t.throws(() => parseMultipart(Buffer.from('x--X\r\n\r\n--X--'), 'X'), 'a boundary in the middle of a line does not open')
})
