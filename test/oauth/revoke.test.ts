import t from 'tap'
import { basic, build, oauthError, type Harness } from '../helper.js'

const ME = '/restapi/v1.0/account/~/extension/~'
const revoke = (h: Harness, payload: string, authorization: string | null = basic('jwt-app', 'jwt-app-secret'), query = '') =>
  h.app.inject({
    method: 'POST',
    url: `/restapi/oauth/revoke${query}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    payload
  })

t.test('POST /restapi/oauth/revoke with the access token ends the whole session', async t => {
  const h = await build(t)
  const login = await h.login()
  const res = await revoke(h, `token=${login.access_token}`)
  t.equal(res.statusCode, 200)
  t.equal(res.body, '')
  const after = await h.api(ME, login.access_token)
  t.equal(after.statusCode, 401)
  t.equal(after.json().errors[0].errorCode, 'OAU-213')
  const refresh = await h.token({ grant_type: 'refresh_token', refresh_token: login.refresh_token })
  t.same(refresh.json(), oauthError('invalid_grant', 'OAU-213', 'Token not found'))
})

t.test('with the refresh token, too; and from the query string', async t => {
  const h = await build(t)
  const a = await h.login()
  t.equal((await revoke(h, `token=${a.refresh_token}`)).statusCode, 200)
  t.equal((await h.api(ME, a.access_token)).statusCode, 401)
  const b = await h.login()
  t.equal((await revoke(h, '', null, `?token=${b.access_token}&client_id=jwt-app`)).statusCode, 400, 'a confidential app must authenticate')
  t.equal((await revoke(h, '', basic('jwt-app', 'jwt-app-secret'), `?token=${b.access_token}`)).statusCode, 200)
  t.equal((await h.api(ME, b.access_token)).statusCode, 401)
})

t.test('an empty token: CMN-101', async t => {
  const h = await build(t)
  const res = await revoke(h, 'token=')
  t.equal(res.statusCode, 400)
  t.same(res.json(), {
    error: 'invalid_request',
    errors: [{ errorCode: 'CMN-101', message: 'Parameter [token] value is invalid.', parameterName: 'token' }],
    error_description: 'Parameter [token] value is invalid.'
  })
})

t.test('an unknown token is not an error (RFC 7009); another app cannot revoke a session', async t => {
  const h = await build(t)
  t.equal((await revoke(h, 'token=unknown')).statusCode, 200)
  const login = await h.login()
  t.equal((await revoke(h, `token=${login.access_token}`, basic('dual-app', 'dual-app-secret'))).statusCode, 200)
  t.equal((await h.api(ME, login.access_token)).statusCode, 200, 'still alive')
})

t.test('client authentication is required', async t => {
  const h = await build(t)
  const res = await revoke(h, 'token=x', null)
  t.same(res.json(), oauthError('invalid_client', 'OAU-123', 'Client authentication is required'))
})
