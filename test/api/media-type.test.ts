/**
 * Bodies of a type an operation does not take: one clear 415 naming the types it does, never a
 * misleading `CMN-101 Parameter [to] value is invalid` (what `curl -d` without a header used to get).
 */
import t from 'tap'
import { apiError, build } from '../helper.js'

const SMS = '/restapi/v1.0/account/~/extension/~/sms'
const BODY = JSON.stringify({ from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550177' }], text: 'hi' })
const TAKES = '(createSMSMessage takes application/json, multipart/form-data, multipart/mixed)'

t.test('POST …/sms with JSON sent as text/plain or form-encoded: 415 naming what it takes', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/plain; charset=utf-8']) {
    const res = await h.app.inject({ method: 'POST', url: SMS, headers: { authorization: `Bearer ${token as string}`, 'content-type': type }, payload: BODY })
    t.equal(res.statusCode, 415, type)
    const essence = type.split(';')[0]
    t.same(res.json(), apiError('CMN-415', `Unsupported Media Type: ${essence} ${TAKES}`), type)
  }
  const ok = await h.app.inject({ method: 'POST', url: SMS, headers: { authorization: `Bearer ${token as string}`, 'content-type': 'application/json; charset=UTF-8' }, payload: BODY })
  t.equal(ok.statusCode, 200, 'JSON with parameters is fine')
})

t.test('a type no parser reads: "Unsupported Media Type" once', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  const res = await h.app.inject({ method: 'POST', url: SMS, headers: { authorization: `Bearer ${token as string}`, 'content-type': 'application/xml' }, payload: '<sms/>' })
  t.equal(res.statusCode, 415)
  t.equal(res.json().message, `Unsupported Media Type: application/xml ${TAKES}`)
  t.equal(res.json().message.match(/Unsupported Media Type/g).length, 1)
})
