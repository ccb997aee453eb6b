import t from 'tap'
import { apiError, build } from '../helper.js'

const ME = '/restapi/v1.0/account/~/extension/~'

t.test('rate limits are off unless the scenario enables them', async t => {
  const h = await build(t)
  const { access_token: token } = await h.login()
  const res = await h.api(ME, token)
  t.notOk(res.headers['x-rate-limit-group'])
})

t.test('Light group: headers, 429 CMN-301 with Retry-After, penalty reset by each request, moved clock', async t => {
  const h = await build(t, s => { s.policies = { rateLimits: { enabled: true, limits: { Light: 3 }, windowSeconds: 60, penaltySeconds: 60 } } })
  const { access_token: token } = await h.login()
  const remaining = []
  for (let i = 0; i < 3; i++) {
    const res = await h.api(ME, token)
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-rate-limit-group'], 'light')
    t.equal(res.headers['x-rate-limit-limit'], '3')
    t.equal(res.headers['x-rate-limit-window'], '60')
    remaining.push(res.headers['x-rate-limit-remaining'])
  }
  t.same(remaining, ['2', '1', '0'])
  const limited = await h.api(ME, token)
  t.equal(limited.statusCode, 429)
  t.same(limited.json(), apiError('CMN-301', 'Request rate exceeded'))
  t.equal(limited.headers['retry-after'], '60')
  h.advance(59)
  t.equal((await h.api(ME, token)).statusCode, 429, 'still in the penalty, which this request resets')
  h.advance(59)
  t.equal((await h.api(ME, token)).statusCode, 429, 'the reset penalty has not ended')
  h.advance(60)
  t.equal((await h.api(ME, token)).statusCode, 200, 'after a quiet penalty interval')
})

t.test('the window slides on the scenario clock', async t => {
  const h = await build(t, s => { s.policies = { rateLimits: { enabled: true, limits: { Light: 2 }, windowSeconds: 60, penaltySeconds: 0 } } })
  const { access_token: token } = await h.login()
  t.equal((await h.api(ME, token)).statusCode, 200)
  h.advance(30)
  t.equal((await h.api(ME, token)).statusCode, 200)
  h.advance(31)
  t.equal((await h.api(ME, token)).statusCode, 200, 'the first hit left the window')
})

t.test('limits count per user and app', async t => {
  const h = await build(t, s => { s.policies = { rateLimits: { enabled: true, limits: { Light: 1 } } } })
  const ada = (await h.login()).access_token
  const ben = (await h.login('ben-jwt')).access_token
  t.equal((await h.api(ME, ada)).statusCode, 200)
  t.equal((await h.api(ME, ada)).statusCode, 429)
  t.equal((await h.api(ME, ben)).statusCode, 200, 'another user has their own budget')
})

t.test('Auth group: 5 token requests per user per minute by default', async t => {
  const h = await build(t, s => { s.policies = { rateLimits: { enabled: true } } })
  const statuses = []
  for (let i = 0; i < 6; i++) {
    const res = await h.token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: h.jwt('ada-jwt') })
    statuses.push(res.statusCode)
    if (i === 0) t.equal(res.headers['x-rate-limit-group'], 'auth')
  }
  t.same(statuses, [200, 200, 200, 200, 200, 429])
  const other = await h.token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: h.jwt('ben-jwt') })
  t.equal(other.statusCode, 200, 'Ben is another user')
})
