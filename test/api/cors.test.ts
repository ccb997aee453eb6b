import t from 'tap'
import { build } from '../helper.js'

t.test('CORS: a browser app on another origin can exchange a code and call the API', async t => {
  const h = await build(t)
  const preflight = await h.app.inject({
    method: 'OPTIONS',
    url: '/restapi/oauth/token',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' }
  })
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], 'http://localhost:5173')
  t.match(preflight.headers['access-control-allow-methods'], /POST/)
  t.match(String(preflight.headers['access-control-allow-headers']), /authorization/)

  const { access_token: token } = await h.login()
  const res = await h.api('/restapi/v1.0/account/~/extension/~', token, { headers: { origin: 'http://localhost:5173' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['access-control-allow-origin'], 'http://localhost:5173')
  t.match(res.headers['access-control-expose-headers'], /RCRequestId/)
  const denied = await h.api('/restapi/v1.0/account/~/extension/~', 'bad', { headers: { origin: 'http://localhost:5173' } })
  t.equal(denied.headers['access-control-allow-origin'], 'http://localhost:5173', 'errors carry CORS headers too, so the app can read them')
})
