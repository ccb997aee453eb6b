import t from 'tap'
import { apiError, build, JWT_GRANT } from '../helper.js'

const BASE = 'http://localhost:80/restapi/v1.0'
const COUNTRY = { uri: `${BASE}/dictionary/country/1`, id: '1', name: 'United States' }

t.test('GET …/extension/~/phone-number: the caller\'s numbers with features, paging and navigation', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('ben-jwt')
  const res = await h.api('/restapi/v1.0/account/~/extension/~/phone-number', token)
  t.equal(res.statusCode, 200)
  const uri = `${BASE}/account/100200300/extension/100200302/phone-number?page=1&perPage=100`
  const body = res.json()
  t.same(body, {
    uri,
    records: [{ id: body.records[0].id, phoneNumber: '+16505550102', paymentType: 'Local', type: 'VoiceFax', usageType: 'DirectNumber', status: 'Normal', country: COUNTRY, features: ['CallerId', 'SmsSender'] }],
    paging: { page: 1, totalPages: 1, perPage: 100, totalElements: 1, pageStart: 0, pageEnd: 0 },
    navigation: { firstPage: { uri }, lastPage: { uri } }
  })
  t.type(body.records[0].id, 'number')
})

t.test('the number to send SMS from is the one whose features include SmsSender', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login('cleo-jwt')
  const records = (await h.api('/restapi/v1.0/account/~/extension/~/phone-number', token)).json().records
  t.same(records.map((r: any) => [r.phoneNumber, r.features]), [['+16505550103', ['CallerId']]], 'Cleo has no SMS-capable number')
})

t.test('filters and paging', async t => {
  const h = await build(t, s => {
    s.accounts[0]!.extensions[1]!.phoneNumbers!.push(
      { phoneNumber: '+16505550112', usageType: 'DirectNumber', status: 'Pending', label: 'New line', features: ['CallerId'] },
      { phoneNumber: '+18005550102', usageType: 'ForwardedNumber', paymentType: 'TollFree', type: 'VoiceOnly', features: [] },
      { phoneNumber: '+442071234567', usageType: 'DirectNumber', features: ['CallerId', 'SmsSender', 'InternationalSmsSender'] }
    )
  })
  const { access_token: token } = await h.login('ben-jwt')
  const list = async (q: string) => (await h.api(`/restapi/v1.0/account/~/extension/~/phone-number${q}`, token)).json()

  const pending = await list('?status=Pending')
  t.same(pending.records.map((r: any) => r.phoneNumber), ['+16505550112'])
  t.match(pending.records[0], { label: 'New line', status: 'Pending' })
  t.equal(pending.uri, `${BASE}/account/100200300/extension/100200302/phone-number?status=Pending&page=1&perPage=100`)

  const forwarded = await list('?usageType=ForwardedNumber&usageType=MainCompanyNumber')
  t.same(forwarded.records, [{ id: forwarded.records[0].id, phoneNumber: '+18005550102', paymentType: 'TollFree', type: 'VoiceOnly', usageType: 'ForwardedNumber', status: 'Normal', country: COUNTRY, features: [] }])
  t.match(forwarded.uri, '?usageType=ForwardedNumber&usageType=MainCompanyNumber&page=1&perPage=100')

  const uk = (await list('?perPage=1&page=4')).records[0]
  t.notOk('country' in uk, 'no country outside the NANP (not modelled)')

  const page = await list('?perPage=2&page=2')
  t.same(page.records.map((r: any) => r.phoneNumber), ['+18005550102', '+442071234567'])
  t.same(page.paging, { page: 2, totalPages: 2, perPage: 2, totalElements: 4, pageStart: 2, pageEnd: 3 })
  t.same(Object.keys(page.navigation), ['firstPage', 'previousPage', 'lastPage'])

  for (const [q, name] of [['?perPage=0', 'perPage'], ['?perPage=1001', 'perPage'], ['?page=x', 'page'], ['?status=Busy', 'status'], ['?usageType=Nope', 'usageType']]) {
    const res = await h.api(`/restapi/v1.0/account/~/extension/~/phone-number${q}`, token)
    t.equal(res.statusCode, 400, q)
    t.same(res.json(), apiError('CMN-101', `Parameter [${name}] value is invalid.`, 'CMN-101', { parameterName: name }), q)
  }
})

t.test('another extension: admins may (ReadUserPhoneNumbers defaults to Account), users get CMN-419', async t => {
  const h = await build(t)
  const { access_token: ada } = await h.login('ada-jwt')
  const res = await h.api('/restapi/v1.0/account/~/extension/100200302/phone-number', ada)
  t.equal(res.statusCode, 200)
  t.equal(res.json().records[0].phoneNumber, '+16505550102')
  const { access_token: ben } = await h.login('ben-jwt')
  const denied = await h.api('/restapi/v1.0/account/~/extension/100200301/phone-number', ben)
  t.equal(denied.statusCode, 403)
  t.same(denied.json(), apiError('CMN-419', 'In order to call this API endpoint for another extension, user needs to have [ReadUserPhoneNumbers] permission granted with extended scope', 'CMN-419', { permissionName: 'ReadUserPhoneNumbers' }))
  const missing = await h.api('/restapi/v1.0/account/~/extension/55555/phone-number', ada)
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().parameterName, 'extensionId')
})

t.test('the app lacks ReadAccounts: CMN-401', async t => {
  const h = await build(t, s => { s.apps.push({ clientId: 'sms-only', clientSecret: 'sms-only-secret', grantTypes: [JWT_GRANT], scopes: ['SMS'] }) })
  const { access_token: token } = await h.login('ben-jwt', 'sms-only')
  const res = await h.api('/restapi/v1.0/account/~/extension/~/phone-number', token)
  t.equal(res.statusCode, 403)
  t.same(res.json(), apiError('CMN-401', 'In order to call this API endpoint, application needs to have [ReadAccounts] permission', 'InsufficientPermissions', { permissionName: 'ReadAccounts' }))
})
