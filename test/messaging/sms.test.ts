import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { apiError, build, type Harness, JWT_GRANT } from '../helper.js'

const ACCOUNT = '100200300'
const ADA = '100200301'
const BEN = '100200302'

async function sms (h: Harness, token: string, body: unknown, extension = '~', account = '~'): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: `/restapi/v1.0/account/${account}/extension/${extension}/sms`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body)
  })
}

const to = (...numbers: string[]) => numbers.map(phoneNumber => ({ phoneNumber }))

t.test('POST …/sms: 200 with the full message record', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ada-jwt')
  const res = await sms(h, token, { from: { phoneNumber: '+16505550100' }, to: to('+16505550199'), text: 'Your appointment is tomorrow at 10:00' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const base = `http://localhost:80/restapi/v1.0/account/${ACCOUNT}/extension/${ADA}/message-store/402000000001`
  const body = res.json()
  const conversation = /"conversationId":(\d+)/.exec(res.body)?.[1]
  t.match(conversation, /^\d{19}$/, 'conversationId is a bare 19-digit JSON number')
  t.same(body, {
    uri: base,
    id: 402000000001,
    to: [{ phoneNumber: '+16505550199' }],
    from: { phoneNumber: '+16505550100' },
    type: 'SMS',
    creationTime: '2024-03-30T12:00:00.000Z',
    readStatus: 'Read',
    priority: 'Normal',
    attachments: [{ id: 402000000001, uri: `${base}/content/402000000001`, type: 'Text', contentType: 'text/plain' }],
    direction: 'Outbound',
    availability: 'Alive',
    subject: 'Your appointment is tomorrow at 10:00',
    messageStatus: 'Queued',
    smsSendingAttemptsCount: 1,
    conversationId: Number(conversation),
    conversation: { id: conversation, uri: `http://localhost:80/restapi/v1.0/conversation/${conversation}` },
    lastModifiedTime: '2024-03-30T12:00:00.000Z'
  })
  t.same(Object.keys(body), ['uri', 'id', 'to', 'from', 'type', 'creationTime', 'readStatus', 'priority', 'attachments', 'direction',
    'availability', 'subject', 'messageStatus', 'smsSendingAttemptsCount', 'conversationId', 'conversation', 'lastModifiedTime'], 'RingCentral key order')

  const second = await sms(h, token, { from: { phoneNumber: '+16505550100' }, to: to('+16505550199'), text: 'again' })
  t.equal(second.json().id, 402000000002, 'ids are numeric and increasing')
  t.equal(second.json().conversation.id, conversation, 'same participants, same conversation')
  const other = await sms(h, token, { from: { phoneNumber: '+16505550100' }, to: to('+16505550198'), text: 'x' })
  t.not(other.json().conversation.id, conversation, 'other participants, other conversation')
})

t.test('the uri uses --base-url, numeric ids, and the explicit ids of the path', async t => {
  const h = await build(t)
  h.ctx.baseUrl = 'https://mock.example'
  const { access_token: token } = await h.login('ben-jwt')
  const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'hi' }, BEN, ACCOUNT)
  t.equal(res.statusCode, 200)
  t.equal(res.json().uri, `https://mock.example/restapi/v1.0/account/${ACCOUNT}/extension/${BEN}/message-store/402000000001`)
})

t.test('numbers are accepted as RingCentral accepts them and stored in E.164', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const res = await sms(h, token, { from: { phoneNumber: '16505550102' }, to: to('(650) 555-0199', '+16505550199', '6505550198'), text: 'hi', country: { isoCode: 'US' } })
  t.equal(res.statusCode, 200)
  t.same(res.json().from, { phoneNumber: '+16505550102' })
  t.same(res.json().to, to('+16505550199', '+16505550198'), 'duplicates collapse')
})

t.test('MSG-304: the from number is on the account but belongs to another extension', async t => {
  const h = await build(t)
  const expected = { errorCode: 'FeatureNotAvailable', message: "Phone number doesn't belong to extension", errors: [{ errorCode: 'MSG-304', message: "Phone number doesn't belong to extension" }] }

  t.test('the admin sends from an employee\'s number (the migration report)', async t => {
    const { access_token: token } = await h.login('ada-jwt')
    const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'Reminder' })
    t.equal(res.statusCode, 403)
    t.same(res.json(), expected)
  })
  t.test('an employee sends from the main number, which the admin extension owns', async t => {
    const { access_token: token } = await h.login('ben-jwt')
    const res = await sms(h, token, { from: { phoneNumber: '+16505550100' }, to: to('+16505550199'), text: 'Reminder' })
    t.equal(res.statusCode, 403)
    t.same(res.json(), expected)
  })
  t.test('the same request with the owner\'s own JWT is accepted', async t => {
    const { access_token: token } = await h.login('ben-jwt')
    const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'Reminder' })
    t.equal(res.statusCode, 200)
  })
  t.test('the main number counts as the account\'s even when no extension holds it', async t => {
    const h2 = await build(t, s => {
      const ada = s.accounts[0]!.extensions[0]!
      ada.phoneNumbers = [{ phoneNumber: '+16505550101', features: ['SmsSender'] }]
    })
    const { access_token: token } = await h2.login('ben-jwt')
    const res = await sms(h2, token, { from: { phoneNumber: '+16505550100' }, to: to('+16505550199'), text: 'x' })
    t.equal(res.statusCode, 403)
    t.equal(res.json().errors[0].errorCode, 'MSG-304')
  })
})

t.test('MSG-245: the from number is not this user\'s at all', async t => {
  const h = await build(t, s => {
    s.accounts.push({ id: '900800700', mainNumber: '+14155550100', extensions: [{ id: '900800701', extensionNumber: '101', name: 'Other Co', phoneNumbers: [{ phoneNumber: '+14155550100', features: ['SmsSender'] }] }] })
  })
  const { access_token: token } = await h.login('ada-jwt')
  const msg = (value: string) => `Parameter [from] value [${value}] is invalid [Cannot find the phone number which belongs to user]`
  for (const [from, value, why] of [
    ['+18881002330', '18881002330', 'a number nobody in the world has'],
    ['+14155550100', '14155550100', 'another account\'s number'],
    ['not a number', 'notanumber', 'not a phone number']
  ] as const) {
    const res = await sms(h, token, { from: { phoneNumber: from }, to: to('+16505550199'), text: 'x' })
    t.equal(res.statusCode, 400, why)
    t.same(res.json(), apiError('MSG-245', msg(value), 'MSG-245', { parameterName: 'from' }), why)
  }
})

t.test('MSG-242: an own number without SmsSender; MSG-241: a fax number', async t => {
  const h = await build(t, s => {
    s.accounts[0]!.extensions[2]!.phoneNumbers!.push({ phoneNumber: '+16505550113', type: 'FaxOnly', usageType: 'CompanyFaxNumber', features: ['SmsSender'] })
  })
  const { access_token: token } = await h.login('cleo-jwt')
  const res = await sms(h, token, { from: { phoneNumber: '+16505550103' }, to: to('+16505550199'), text: 'x' })
  t.equal(res.statusCode, 403)
  t.same(res.json(), apiError('MSG-242', 'The requested feature is not available', 'FeatureNotAvailable'))
  const fax = await sms(h, token, { from: { phoneNumber: '+16505550113' }, to: to('+16505550199'), text: 'x' })
  t.equal(fax.statusCode, 403)
  t.same(fax.json(), apiError('MSG-241', 'Cannot send SMS from Fax number'))
})

t.test('to: missing or invalid is CMN-101 [to]', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const invalidTo = apiError('CMN-101', 'Parameter [to] value is invalid.', 'CMN-101', { parameterName: 'to' })
  const from = { phoneNumber: '+16505550102' }
  for (const [body, why] of [
    [{ from, text: 'x' }, 'missing'],
    [{ from, to: [], text: 'x' }, 'empty'],
    [{ from, to: '+16505550199', text: 'x' }, 'not an array'],
    [{ from, to: [{}], text: 'x' }, 'no phoneNumber'],
    [{ from, to: [{ phoneNumber: 'abc' }], text: 'x' }, 'not a number'],
    [{ from, to: ['+16505550199'], text: 'x' }, 'a bare string entry'],
    [{ text: 'only text' }, 'only text (the rc-ex exceptions test)']
  ] as const) {
    const res = await sms(h, token, body)
    t.equal(res.statusCode, 400, why)
    t.same(res.json(), invalidTo, why)
  }
})

t.test('from and text: missing or invalid is CMN-101 naming them', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ to: to('+16505550199'), text: 'x' }, 'from'],
    [{ from: {}, to: to('+16505550199'), text: 'x' }, 'from'],
    [{ from: { phoneNumber: '+16505550102' }, to: to('+16505550199') }, 'text'],
    [{ from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: '' }, 'text'],
    [{ from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 5 }, 'text'],
    [{ from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'x', country: { isoCode: 'USA' } }, 'country.isoCode']
  ]
  for (const [body, name] of cases) {
    const res = await sms(h, token, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.same(res.json(), apiError('CMN-101', `Parameter [${name}] value is invalid.`, 'CMN-101', { parameterName: name }), JSON.stringify(body))
  }
})

t.test('MSG-381: more than 10 recipients', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const eleven = Array.from({ length: 11 }, (_, i) => ({ phoneNumber: `+165055502${String(i).padStart(2, '0')}` }))
  const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: eleven, text: 'x' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), apiError('MSG-381', 'Exceeded maximum number of recipients for a Group MMS: [10]'))
  const ten = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: eleven.slice(0, 10), text: 'x' })
  t.equal(ten.statusCode, 200, 'ten is the limit')
  t.equal(ten.json().to.length, 10)
})

t.test('MSG-246: extension numbers; MSG-247: short numbers', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const ext = { errorCode: 'InvalidParameter', message: 'Sending SMS from/to extension numbers is not available', errors: [{ errorCode: 'MSG-246', message: 'Sending SMS from/to extension numbers is not available' }] }
  for (const body of [
    { from: { phoneNumber: '+16505550102' }, to: [{ extensionNumber: '101' }], text: 'x' },
    { from: { phoneNumber: '+16505550102' }, to: to('101'), text: 'x' },
    { from: { extensionNumber: '102' }, to: to('+16505550199'), text: 'x' },
    { from: { phoneNumber: '102' }, to: to('+16505550199'), text: 'x' }
  ]) {
    const res = await sms(h, token, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.same(res.json(), ext, JSON.stringify(body))
  }
  const short = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('72345'), text: 'x' })
  t.equal(short.statusCode, 400)
  t.same(short.json(), apiError('MSG-247', 'Sending SMS to short numbers is not available'))
})

t.test('text over 1000 UTF-16 units: MSG-338, never a silent cut', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const send = (text: string) => sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text })
  const exactly = await send('a'.repeat(1000))
  t.equal(exactly.statusCode, 200)
  t.equal(exactly.json().subject.length, 1000, 'kept whole')
  const over = await send('a'.repeat(1001))
  t.equal(over.statusCode, 400)
  t.same(over.json(), apiError('MSG-338', 'Message size limit exceeded'))
  const emoji = await send('😀'.repeat(501))
  t.equal(emoji.statusCode, 400, 'a 4-byte character counts as 2: 501 emoji are over')
  t.equal((await send('😀'.repeat(500))).statusCode, 200, '500 emoji fit')
})

t.test('MSG-365: country.id and country.isoCode together', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'x', country: { id: '1', isoCode: 'US' } })
  t.equal(res.statusCode, 400)
  t.same(res.json(), apiError('MSG-365', 'Parameters [country.id] and [country.isoCode] can not be specified simultaneously'))
})

t.test('MSG-240: a recipient outside the NANP from a number without InternationalSmsSender', async t => {
  const h = await build(t, s => { s.accounts[0]!.extensions[1]!.phoneNumbers![0]!.features = ['CallerId', 'SmsSender'] })
  const { access_token: token } = await h.login('ben-jwt')
  const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+442071234567'), text: 'x' })
  t.equal(res.statusCode, 403)
  t.same(res.json(), apiError('MSG-240', 'International SMS is not available for account.'))
  const h2 = await build(t, s => { s.accounts[0]!.extensions[1]!.phoneNumbers![0]!.features = ['SmsSender', 'InternationalSmsSender'] })
  const { access_token: token2 } = await h2.login('ben-jwt')
  t.equal((await sms(h2, token2, { from: { phoneNumber: '+16505550102' }, to: to('+442071234567'), text: 'x' })).statusCode, 200)
})

t.test('MSG-243: a recipient the scenario marks as Blocked', async t => {
  const h = await build(t, s => { s.messaging = { recipients: [{ phoneNumber: '+19044910270', outcome: 'Blocked' }] } })
  const { access_token: token } = await h.login('ben-jwt')
  const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199', '+19044910270'), text: 'x' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), apiError('MSG-243', 'Parameter [to] value [19044910270] is invalid [Phone number is blocked]', 'MSG-243', { parameterName: 'to' }))
  t.equal(h.ctx.messages.size, 0, 'nothing stored')
})

t.test('another extension in the path', async t => {
  t.test('without extended OutboundSMS: CMN-419, even for an admin', async t => {
    const h = await build(t)
    const { access_token: token } = await h.login('ada-jwt')
    const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'x' }, BEN)
    t.equal(res.statusCode, 403)
    t.same(res.json(), apiError('CMN-419', 'In order to call this API endpoint for another extension, user needs to have [OutboundSMS] permission granted with extended scope', 'CMN-419', { permissionName: 'OutboundSMS' }))
  })
  t.test('with OutboundSMS: Account, the admin sends as Ben from Ben\'s number', async t => {
    const h = await build(t, s => { s.accounts[0]!.extensions[0]!.permissions = { OutboundSMS: 'Account' } })
    const { access_token: token } = await h.login('ada-jwt')
    const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'x' }, BEN)
    t.equal(res.statusCode, 200)
    t.match(res.json().uri, `/extension/${BEN}/message-store/`)
    const own = await sms(h, token, { from: { phoneNumber: '+16505550100' }, to: to('+16505550199'), text: 'x' }, BEN)
    t.equal(own.json().errors[0].errorCode, 'MSG-304', 'as Ben, Ada\'s number is not Ben\'s')
  })
  t.test('a user without OutboundSMS at all: CMN-408', async t => {
    const h = await build(t, s => { s.accounts[0]!.extensions[1]!.permissions = { OutboundSMS: 'None' } })
    const { access_token: token } = await h.login('ben-jwt')
    const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'x' })
    t.equal(res.statusCode, 403)
    t.same(res.json(), apiError('CMN-408', 'In order to call this API endpoint, user needs to have [OutboundSMS] permission.', 'CMN-408', { permissionName: 'OutboundSMS' }))
  })
})

t.test('the app lacks the SMS scope: CMN-401 with permissionName', async t => {
  const h = await build(t, s => { s.apps.push({ clientId: 'read-only', clientSecret: 'read-only-secret', grantTypes: [JWT_GRANT], scopes: ['ReadAccounts', 'ReadMessages'] }) })
  const { access_token: token } = await h.login('ben-jwt', 'read-only')
  const res = await sms(h, token, { from: { phoneNumber: '+16505550102' }, to: to('+16505550199'), text: 'x' })
  t.equal(res.statusCode, 403)
  t.same(res.json(), apiError('CMN-401', 'In order to call this API endpoint, application needs to have [SMS] permission', 'InsufficientPermissions', { permissionName: 'SMS' }))
})

t.test('unknown account or extension: 404 CMN-102', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ada-jwt')
  const body = { from: { phoneNumber: '+16505550100' }, to: to('+16505550199'), text: 'x' }
  const ext = await sms(h, token, body, '999999999')
  t.equal(ext.statusCode, 404)
  t.same(ext.json(), apiError('CMN-102', 'Resource for parameter [extensionId] is not found', 'CMN-102', { parameterName: 'extensionId' }))
  const acc = await sms(h, token, body, '~', '999999999')
  t.equal(acc.statusCode, 404)
  t.same(acc.json(), apiError('CMN-102', 'Resource for parameter [accountId] is not found', 'CMN-102', { parameterName: 'accountId' }))
})

t.test('no token: 401; malformed JSON: CMN-103; an unsupported media type: 415', async t => {
  const h = await build(t)
  const noAuth = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/account/~/extension/~/sms', payload: { text: 'x' } })
  t.equal(noAuth.statusCode, 401)
  const { access_token: token } = await h.login('ben-jwt')
  const bad = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/account/~/extension/~/sms', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"to": [' })
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), apiError('CMN-103', "JSON can't be parsed."))
  const xml = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/account/~/extension/~/sms', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' }, payload: '<sms/>' })
  t.equal(xml.statusCode, 415)
  t.equal(xml.json().errors[0].errorCode, 'CMN-415')
})
