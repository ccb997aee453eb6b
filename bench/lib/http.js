/** A small HTTP client on node:http (no keep-alive), for setting up tokens and timing start-up. */
import http from 'node:http'

export const PASSWORD_APP = { id: 'legacy-password-app', secret: 'legacy-password-secret' }
export const JWT_APP = { id: 'jwt-app', secret: 'jwt-app-secret' }
export const basic = app => 'Basic ' + Buffer.from(`${app.id}:${app.secret}`).toString('base64')
export const FORM = 'application/x-www-form-urlencoded'
export const form = fields => new URLSearchParams(fields).toString()

/** The password-grant request every token measure starts from (also sent to the baseline). */
export const passwordLogin = (username = 'ada@example.com', password = 'Ada-Passw0rd', app = PASSWORD_APP) => ({
  method: 'POST',
  path: '/restapi/oauth/token',
  headers: { authorization: basic(app), 'content-type': FORM },
  body: form({ grant_type: 'password', username, password })
})

/** One request; resolves { status, body } once the whole response has been read. */
export function request (baseUrl, { method = 'GET', path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl)
    const req = http.request(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) }, agent: false }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

export async function json (baseUrl, options, expected = 200) {
  const res = await request(baseUrl, options)
  if (res.status !== expected) throw new Error(`${options.method ?? 'GET'} ${options.path}: ${res.status} ${res.body.slice(0, 300)}`)
  return JSON.parse(res.body)
}

/**
 * A webhook receiver on 127.0.0.1: answers RingCentral's validation request by echoing
 * `Validation-Token`, and calls `onBody` with the body of every other request.
 */
export async function webhookReceiver (onBody, path = '/events') {
  const server = http.createServer((req, res) => {
    const token = req.headers['validation-token']
    if (token) res.setHeader('Validation-Token', token)
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      res.end()
      if (!token && chunks.length > 0) onBody(Buffer.concat(chunks))
    })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${server.address().port}${path}` }
}

/** One keep-alive connection; `send` resolves { status, body } once the response has been read. */
export function keepAliveSender () {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const send = (baseUrl, { method = 'GET', path, headers = {}, body }) => new Promise((resolve, reject) => {
    const req = http.request(new URL(path, baseUrl), { method, agent, headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) } }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
  return { send, close: () => agent.destroy() }
}
