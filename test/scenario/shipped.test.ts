/** Every shipped migration story does what its description promises. */
import t from 'tap'
import { build, JWT_GRANT, oauthError, shipped } from '../helper.js'

const ME = '/restapi/v1.0/account/~/extension/~'

t.test('password-only-legacy: the password grant still logs in, with username + extension', async t => {
  const h = await build(t, undefined, { file: shipped('password-only-legacy') })
  const res = await h.token({ grant_type: 'password', username: '+14155550100', extension: '101', password: 'Olga-Passw0rd' }, { id: 'crm-app', secret: 'crm-app-secret' })
  t.equal(res.statusCode, 200)
  t.equal((await h.api(ME, res.json().access_token)).json().name, 'Olga Operator')
})

t.test('password-to-jwt-migration: both grants work, then the end of life passes', async t => {
  const h = await build(t, undefined, { file: shipped('password-to-jwt-migration') })
  const app = { id: 'reminder-app', secret: 'reminder-app-secret' }
  const password = { grant_type: 'password', username: 'maya@dental.example', password: 'Maya-Passw0rd' }
  t.equal((await h.token(password, app)).statusCode, 200, 'the dual period')
  t.equal((await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('maya-jwt') }, app)).statusCode, 200)
  await h.app.inject({ method: 'POST', url: '/__mock/clock', payload: { advanceSeconds: 12 * 3600 } })
  const refused = await h.token(password, app)
  t.equal(refused.statusCode, 400)
  t.same(refused.json(), oauthError('unauthorized_client', 'OAU-251', 'Unauthorized for this grant type'))
  t.equal((await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('maya-jwt') }, app)).statusCode, 200, 'JWT goes on')
})

t.test('jwt-only: password refused, JWT accepted, a sandbox JWT refused', async t => {
  const h = await build(t, undefined, { file: shipped('jwt-only') })
  const app = { id: 'cron-app', secret: 'cron-app-secret' }
  const refused = await h.token({ grant_type: 'password', username: 'sam@cron.example', password: 'Sam-Passw0rd' }, app)
  t.same(refused.json(), oauthError('unauthorized_client', 'OAU-251', 'Unauthorized for this grant type'))
  t.equal((await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('sam-jwt') }, app)).statusCode, 200)
  const sandbox = await build(t, s => { s.environment = 'sandbox' }, { file: shipped('jwt-only') })
  const wrongEnv = await h.token({ grant_type: JWT_GRANT, assertion: sandbox.jwt('sam-jwt') }, app)
  t.match(wrongEnv.json().error_description, /sandbox credential/)
})

t.test('refresh-race: the second worker refreshing with the same token gets OAU-213', async t => {
  const h = await build(t, undefined, { file: shipped('refresh-race') })
  const app = { id: 'worker-app', secret: 'worker-app-secret' }
  const login = (await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('wendy-jwt') }, app)).json()
  const [a, b] = await Promise.all([1, 2].map(() => h.token({ grant_type: 'refresh_token', refresh_token: login.refresh_token }, app)))
  t.same([a!.statusCode, b!.statusCode].sort(), [200, 400])
  t.same((a!.statusCode === 400 ? a! : b!).json(), oauthError('invalid_grant', 'OAU-213', 'Token not found'))
})

t.test('rate-limited: the sixth token request in a minute gets 429 CMN-301, the clock ends the penalty', async t => {
  const h = await build(t, undefined, { file: shipped('rate-limited') })
  const app = { id: 'bulk-app', secret: 'bulk-app-secret' }
  const statuses = []
  for (let i = 0; i < 6; i++) statuses.push((await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('rita-jwt') }, app)).statusCode)
  t.same(statuses, [200, 200, 200, 200, 200, 429])
  h.advance(60)
  const ok = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('rita-jwt') }, app)
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers['x-rate-limit-group'], 'auth')
  const token = ok.json().access_token
  const light = await h.api(ME, token)
  t.equal(light.headers['x-rate-limit-limit'], '50')
})

t.test('expiring-tokens: 120 s access tokens, 600 s refresh tokens', async t => {
  const h = await build(t, undefined, { file: shipped('expiring-tokens') })
  const app = { id: 'short-app', secret: 'short-app-secret' }
  const login = (await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('tess-jwt') }, app)).json()
  t.equal(login.expires_in, 120)
  t.equal(login.refresh_token_expires_in, 600)
  h.advance(120)
  t.equal((await h.api(ME, login.access_token)).json().errors[0].errorCode, 'OAU-128')
  const refreshed = (await h.token({ grant_type: 'refresh_token', refresh_token: login.refresh_token, access_token_ttl: -1 }, app)).json()
  t.equal(refreshed.expires_in, 120, 'the app limit wins over the 600 s minimum')
  h.advance(600)
  const dead = await h.token({ grant_type: 'refresh_token', refresh_token: refreshed.refresh_token }, app)
  t.same(dead.json(), oauthError('invalid_grant', 'OAU-210', 'Token expired'))
})

t.test('appointment-reminders: reminders out, answers back as events, on the clock', async t => {
  const { startReceiver } = await import('../events/receiver.js')
  const h = await build(t, undefined, { file: shipped('appointment-reminders') })
  const receiver = await startReceiver(t)
  const login = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('desk-jwt') }, { id: 'reminders-app', secret: 'reminders-secret' })
  const token = login.json().access_token as string
  const created = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/subscription',
    headers: { authorization: `Bearer ${token}` },
    payload: { eventFilters: [`${ME}/message-store/instant?type=SMS`], deliveryMode: { transportType: 'WebHook', address: receiver.url } }
  })
  t.equal(created.statusCode, 200, created.body)
  const statuses: Record<string, string> = {}
  for (const to of ['+16505550401', '+16505550402', '+16505550403', '+16505550404']) {
    const res = await h.app.inject({ method: 'POST', url: `${ME}/sms`, headers: { authorization: `Bearer ${token}` }, payload: { from: { phoneNumber: '+16505550300' }, to: [{ phoneNumber: to }], text: 'Reminder: cleaning tomorrow at 10:00. Reply C to confirm, R to reschedule.' } })
    statuses[to] = res.json().uri
  }
  h.advance(700)
  await receiver.nth(4)
  const answers = receiver.notifications.map(n => [n.json.body.from.phoneNumber, n.json.body.subject, n.json.timestamp])
  t.same(answers, [
    ['+16505550401', 'C', '2024-04-01T09:00:35.000Z'],
    ['+16505550402', 'R', '2024-04-01T09:01:05.000Z'],
    ['+16505550405', 'Can I come Friday instead?', '2024-04-01T09:10:00.000Z']
  ], 'Ana confirms, Bo reschedules, Ed texts first; Cy and Di say nothing')
  const cy = (await h.api(new URL(statuses['+16505550403']!).pathname, token)).json()
  t.match(cy, { messageStatus: 'DeliveryFailed', deliveryErrorCode: 'SMS-CAR-411' })
})

t.test('nightly-batch: 500 reminders, 3 invalid numbers, 2 opted out, 1 carrier-blocked', async t => {
  const h = await build(t, undefined, { file: shipped('nightly-batch') })
  const token = (await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ops-jwt') }, { id: 'batch-app', secret: 'batch-app-secret' })).json().access_token as string
  const to = Array.from({ length: 500 }, (_, i) => `+1555010${String(i + 1).padStart(4, '0')}`)
  to[6] = '5550100007'
  to[99] = '+1555010000x'
  to[199] = ''
  const created = await h.app.inject({ method: 'POST', url: '/restapi/v1.0/account/~/a2p-sms/batches', headers: { authorization: `Bearer ${token}` }, payload: { from: '+18885550100', text: 'Reminder', messages: to.map(n => ({ to: [n] })) } })
  t.equal(created.statusCode, 201)
  t.equal(created.json().rejected.length, 3, '3 invalid numbers rejected')
  h.advance(166)
  const batch = (await h.api(`/restapi/v1.0/account/~/a2p-sms/batches/${String(created.json().id)}`, token)).json()
  t.match(batch, { status: 'Completed', batchSize: 497, processedCount: 497 }, '2 min 46 s of clock at 180 a minute')
  h.advance(3)
  const statuses = (await h.api('/restapi/v1.0/account/~/a2p-sms/statuses', token)).json()
  t.same([statuses.delivered.count, statuses.sendingFailed.errorCodeCounts, statuses.deliveryFailed.errorCodeCounts], [494, { 'SMS-RC-413': 2 }, { 'SMS-CAR-430': 1 }])
})
