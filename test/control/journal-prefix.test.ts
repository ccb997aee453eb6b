/**
 * Large bodies in the journal: their first BODY_LIMIT characters are found without rendering the
 * whole body, and are exactly what the full rendering would have shown (secrets redacted).
 */
import fc from 'fast-check'
import t from 'tap'
import { BODY_LIMIT, jsonPrefix } from '../../src/control/journal.js'
import { mayHoldSecretField, redactValue } from '../../src/redact.js'
import { build } from '../helper.js'

const KEYS = ['to', 'text', 'from', 'records', 'pageToken', 'errorCode', 'access_token', 'Token', ' code ', 'code[]', 'client%5Fsecret', 'password', 'emoji😀', 'q"uote']
const json = fc.letrec(tie => ({
  value: fc.oneof({ depthSize: 'small' },
    fc.string({ unit: 'binary', maxLength: 40 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }))
})).value

t.test('jsonPrefix is JSON.stringify(redactValue(v)) cut to the limit', async t => {
  fc.assert(fc.property(json, fc.integer({ min: 1, max: 300 }), (v, limit) => {
    const full = JSON.stringify(redactValue(v))
    return jsonPrefix(v, limit) === full.slice(0, limit)
  }), { seed: 1401, numRuns: 3000 })
  t.pass('3000 random values and limits')
  t.equal(jsonPrefix({ a: 1n }, 10), undefined, 'not plain JSON data: the full rendering decides')
  t.equal(jsonPrefix(new Date(0), 10), undefined)
  const long = '😀'.repeat(10)
  t.equal(jsonPrefix({ s: long }, 12), JSON.stringify({ s: long }).slice(0, 12), 'a surrogate pair at the cut')
})

t.test('mayHoldSecretField: false only for JSON in which no key is a secret', async t => {
  fc.assert(fc.property(json, v => {
    const text = JSON.stringify(v)
    if (mayHoldSecretField(text)) return true
    return JSON.stringify(redactValue(v)) === text
  }), { seed: 1402, numRuns: 3000 })
  t.pass('3000 random values')
})

t.test('a 10,000-message batch and a 1,000-record page in the journal: cut, redacted, sized', async t => {
  const h = await build(t, s => {
    const ada = s.accounts[0]!.extensions[0]!
    ada.phoneNumbers!.push({ phoneNumber: '+18885550110', features: ['A2PSmsSender'] })
    s.apps.find(a => a.clientId === 'jwt-app')!.scopes!.push('A2PSMS')
  })
  const { access_token: token } = await h.login()
  const messages = Array.from({ length: 10000 }, (_, i) => ({ to: [`+1555${String(2000000 + i)}`], text: `Reminder ${i}`, password: 'not-a-real-field' }))
  const created = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/account/~/a2p-sms/batches', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { from: '+18885550110', messages } })
  t.equal(created.statusCode, 201)
  h.advance(60)
  const page = await h.api('/restapi/v1.0/account/~/a2p-sms/messages?perPage=1000&view=Detailed', token)
  t.equal(page.statusCode, 200)
  const entries = (await h.app.inject({ url: '/__mock/requests?operation=createA2PSMS' })).json().records
  const request = entries[0].request
  t.equal(request.truncated, true)
  t.equal(request.body.length, BODY_LIMIT)
  t.equal(request.bodySize, Buffer.byteLength(JSON.stringify({ from: '+18885550110', messages })))
  t.notMatch(request.body, 'not-a-real-field', 'a field named password is redacted in a cut body too')
  t.match(request.body, /^\{"from":"\+18885550110","messages":\[\{"to":\["\+15552000000"\],"text":"Reminder 0","password":"\[redacted\]"\}/)
  const listed = (await h.app.inject({ url: '/__mock/requests?operation=listA2PSMS' })).json().records[0].response
  t.equal(listed.truncated, true)
  t.equal(listed.body, page.body.slice(0, BODY_LIMIT), 'an answer with no secret field is shown as sent, cut')
})
