import t from 'tap'
import { build, JWT_GRANT, oauthError } from '../helper.js'

t.test('POST /restapi/oauth/token: the TokenInfo response', async t => {
  const h = await build(t)
  const res = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ada-jwt') })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json()
  t.same(Object.keys(body), ['access_token', 'token_type', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'scope', 'owner_id', 'endpoint_id', 'session_id'],
    'every TokenInfo field, in RingCentral order')
  t.equal(body.token_type, 'bearer')
  t.equal(body.expires_in, 3600)
  t.equal(body.refresh_token_expires_in, 604800)
  t.equal(body.scope, 'ReadAccounts SMS ReadMessages SubscriptionWebhook WebSocket')
  t.equal(body.owner_id, '100200301')
  t.match(body.session_id, /^\d+$/)
  t.not(body.access_token, body.refresh_token)
  t.notMatch(body.access_token, /\./, 'opaque, not a JWT')
})

t.test('endpoint_id is echoed', async t => {
  const h = await build(t)
  const body = await h.login('ada-jwt', 'jwt-app', 'jwt-app-secret', { endpoint_id: 'my-endpoint' })
  t.equal(body.endpoint_id, 'my-endpoint')
})

t.test('TTL clamping', async t => {
  const cases: Array<[string, Record<string, number>, number, number | undefined]> = [
    ['defaults', {}, 3600, 604800],
    ['access below 600 gives 600', { access_token_ttl: 60 }, 600, 604800],
    ['access -1 (the JS SDK after a 401) gives 600', { access_token_ttl: -1 }, 600, 604800],
    ['access 0 gives 600', { access_token_ttl: 0 }, 600, 604800],
    ['access within range is kept', { access_token_ttl: 1800 }, 1800, 604800],
    ['access above the app value gives the app value', { access_token_ttl: 86400 }, 3600, 604800],
    ['refresh above the app value gives the app value', { refresh_token_ttl: 9999999 }, 3600, 604800],
    ['refresh below is kept (the SDK echoes remaining seconds)', { access_token_ttl: 3599, refresh_token_ttl: 604799 }, 3599, 604799],
    ['refresh -1 gives the app value', { refresh_token_ttl: -1 }, 3600, 604800],
    ['refresh 0 gives no refresh token', { refresh_token_ttl: 0 }, 3600, undefined]
  ]
  const h = await build(t)
  for (const [name, ttls, access, refresh] of cases) {
    const body = await h.login('ada-jwt', 'jwt-app', 'jwt-app-secret', ttls)
    t.equal(body.expires_in, access, `${name}: expires_in`)
    t.equal(body.refresh_token_expires_in, refresh, `${name}: refresh_token_expires_in`)
    t.equal('refresh_token' in body, refresh !== undefined, `${name}: refresh_token presence`)
  }
})

t.test('an app with refreshTokenTtl 0, or without the refresh_token grant, gets no refresh token', async t => {
  const h = await build(t, s => {
    s.apps.push(
      { clientId: 'no-refresh', clientSecret: 's', grantTypes: [JWT_GRANT, 'refresh_token'], refreshTokenTtl: 0 },
      { clientId: 'jwt-only', clientSecret: 's', grantTypes: [JWT_GRANT] }
    )
  })
  for (const clientId of ['no-refresh', 'jwt-only']) {
    const body = await h.login('ada-jwt', clientId, 's')
    t.notOk('refresh_token' in body, `${clientId}: no refresh_token`)
    t.notOk('refresh_token_expires_in' in body, `${clientId}: no refresh_token_expires_in`)
  }
})

t.test('an app whose access TTL is below 600 s gets its own TTL (short-TTL test scenarios)', async t => {
  const h = await build(t, s => { s.apps.push({ clientId: 'short', clientSecret: 's', grantTypes: [JWT_GRANT], accessTokenTtl: 60 }) })
  const body = await h.login('ada-jwt', 'short', 's', { access_token_ttl: -1 })
  t.equal(body.expires_in, 60)
})

t.test('a TTL that is not a number is refused', async t => {
  const h = await build(t)
  const res = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt('ada-jwt'), access_token_ttl: 'soon' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), {
    error: 'invalid_request',
    errors: [{ errorCode: 'CMN-101', message: 'Parameter [access_token_ttl] value is invalid.', parameterName: 'access_token_ttl', parameterValue: 'soon' }],
    error_description: 'Parameter [access_token_ttl] value is invalid.'
  })
})

t.test('client authentication', async t => {
  const h = await build(t)
  const form = { grant_type: JWT_GRANT, assertion: h.jwt('ada-jwt') }

  t.test('Basic plus a matching client_id in the body (rc-ex) is accepted', async t => {
    const res = await h.token({ ...form, client_id: 'jwt-app' })
    t.equal(res.statusCode, 200)
  })

  t.test('no authentication at all: OAU-123', async t => {
    const res = await h.token(form, null)
    t.equal(res.statusCode, 400)
    t.same(res.json(), oauthError('invalid_client', 'OAU-123', 'Client authentication is required'))
    t.notOk(res.headers['www-authenticate'])
  })

  t.test('a confidential app that sends only client_id: OAU-123', async t => {
    const res = await h.token({ ...form, client_id: 'jwt-app' }, null)
    t.equal(res.statusCode, 400)
    t.same(res.json(), oauthError('invalid_client', 'OAU-123', 'Client authentication is required'))
  })

  t.test('an unknown client: invalid_client OAU-153', async t => {
    const res = await h.token(form, { id: 'nobody', secret: 'x' })
    t.equal(res.statusCode, 400)
    t.same(res.json(), {
      error: 'invalid_client',
      errors: [{ errorCode: 'OAU-153', message: 'Invalid client: nobody', parameters: [{ parameterName: 'client_id', parameterValue: 'nobody' }] }],
      error_description: 'Invalid client: nobody'
    })
  })

  t.test('a wrong secret: invalid_client OAU-146', async t => {
    const res = await h.token(form, { id: 'jwt-app', secret: 'wrong' })
    t.equal(res.statusCode, 400)
    t.same(res.json(), oauthError('invalid_client', 'OAU-146', 'Invalid client credentials'))
  })

  t.test('a body client_id that disagrees with Basic: invalid_client', async t => {
    const res = await h.token({ ...form, client_id: 'dual-app' })
    t.equal(res.statusCode, 400)
    t.equal(res.json().errors[0].errorCode, 'OAU-153')
  })
})

t.test('grant types', async t => {
  const h = await build(t)
  t.test('unknown grant: OAU-250', async t => {
    const res = await h.token({ grant_type: 'client_credentials' })
    t.equal(res.statusCode, 400)
    t.same(res.json(), oauthError('invalid_request', 'OAU-250', 'Unsupported grant type'))
  })
  t.test('missing grant_type: OAU-250', async t => {
    const res = await h.token({})
    t.same(res.json(), oauthError('invalid_request', 'OAU-250', 'Unsupported grant type'))
  })
  t.test('a grant the app does not have: OAU-251', async t => {
    const res = await h.token({ grant_type: 'password', username: 'ada@example.com', password: 'Ada-Passw0rd' })
    t.equal(res.statusCode, 400)
    t.same(res.json(), oauthError('unauthorized_client', 'OAU-251', 'Unauthorized for this grant type'))
  })
})

t.test('request encoding', async t => {
  const h = await build(t)
  t.test('a repeated parameter: OAU-111', async t => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/restapi/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ' + Buffer.from('jwt-app:jwt-app-secret').toString('base64') },
      payload: 'grant_type=password&grant_type=password'
    })
    t.equal(res.statusCode, 400)
    t.equal(res.json().errors[0].errorCode, 'OAU-111')
  })
  t.test('a JSON body is not accepted', async t => {
    const res = await h.app.inject({ method: 'POST', url: '/restapi/oauth/token', payload: { grant_type: 'password' } })
    t.equal(res.statusCode, 415)
    t.equal(res.json().error, 'invalid_request')
  })
  t.test('malformed JSON never becomes a 500', async t => {
    const res = await h.app.inject({ method: 'POST', url: '/restapi/oauth/token', headers: { 'content-type': 'application/json' }, payload: '{nope' })
    t.equal(res.statusCode, 400)
    t.equal(res.json().errors[0].errorCode, 'CMN-103')
  })
})
