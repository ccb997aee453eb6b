/**
 * A large world (2,000 extensions, 20,000 numbers, 2,000 JWT credentials) behaves as a small one:
 * logins by main number + extension and by JWT find the right user, credentials signed when first
 * read are the strings an eager signature gives, and the banner summarises instead of listing.
 */
import t from 'tap'
import { banner, BANNER_LIMIT } from '../../src/banner.js'
import { signCredential, credentialClaims, loadSigningKey } from '../../src/jwt-credentials.js'
import type { Scenario } from '../../src/scenario/types.js'
import { build, JWT_GRANT } from '../helper.js'

const EXTENSIONS = 2000
const PER = 10

function large (s: Scenario): void {
  const extensions = Array.from({ length: EXTENSIONS }, (_, i) => ({
    id: String(300000000 + i),
    extensionNumber: String(1000 + i),
    name: `User ${i}`,
    email: `u${i}@large.example`,
    password: `Passw0rd-${i}`,
    phoneNumbers: Array.from({ length: PER }, (_, j) => ({ phoneNumber: `+1${String(3000000000 + i * PER + j)}`, features: ['CallerId', 'SmsSender'] })),
    jwtCredentials: [{ id: `large-${i}` }]
  }))
  s.accounts.push({ id: '399999999', name: 'Large', mainNumber: '+13999999999', extensions })
  s.apps.find(a => a.clientId === 'legacy-password-app')!.grantTypes.push('urn:ietf:params:oauth:grant-type:jwt-bearer')
}

t.test('logins find the right user in a large world', async t => {
  const h = await build(t, large)
  const app = { id: 'legacy-password-app', secret: 'legacy-password-secret' }
  for (const i of [0, 1234, EXTENSIONS - 1]) {
    const byNumber = await h.token({ grant_type: 'password', username: '+13999999999', extension: String(1000 + i), password: `Passw0rd-${i}` }, app)
    t.equal(byNumber.statusCode, 200, `main number + extension ${1000 + i}`)
    t.equal(byNumber.json().owner_id, String(300000000 + i))
    const byStar = await h.token({ grant_type: 'password', username: `+13999999999*${1000 + i}`, password: `Passw0rd-${i}` }, app)
    t.equal(byStar.json().owner_id, String(300000000 + i), 'number*extension')
    const byOwnNumber = await h.token({ grant_type: 'password', username: `+1${String(3000000000 + i * PER + 3)}`, password: `Passw0rd-${i}` }, app)
    t.equal(byOwnNumber.json().owner_id, String(300000000 + i), 'the user\'s own number')
    const jwt = await h.token({ grant_type: JWT_GRANT, assertion: h.jwt(`large-${i}`) }, app)
    t.equal(jwt.json().owner_id, String(300000000 + i), 'the JWT credential')
  }
  const wrong = await h.token({ grant_type: 'password', username: '+13999999999', extension: '999999', password: 'x' }, app)
  t.equal(wrong.statusCode, 400, 'an extension number the account does not have')
  t.equal((await h.token({ grant_type: 'password', username: '+16505550100', extension: '1000', password: 'Passw0rd-0' }, app)).statusCode, 400, 'another account\'s main number with this account\'s extension number')
})

t.test('a credential signed when first read is the string an eager signature gives', async t => {
  const h = await build(t, large)
  const key = await loadSigningKey()
  for (const id of ['large-0', 'large-1999', 'ada-jwt']) {
    const issued = h.ctx.credentials.get(id)!
    t.equal(issued.jwt, await signCredential(key, credentialClaims(h.ctx.world, h.ctx.world.credential(id)!, h.ctx.clock.now())), id)
    t.equal(issued.jwt, issued.jwt, 'the same string on every read')
    t.equal((await h.app.inject({ url: `/__mock/jwt/${id}` })).body, issued.jwt)
  }
})

t.test('the banner lists the first users and credentials and summarises the rest', async t => {
  const h = await build(t, large)
  const text = banner(h.ctx, 'http://127.0.0.1:8080')
  const users = text.split('\n').filter(l => /^ {4}ext /.test(l))
  t.equal(users.length, BANNER_LIMIT)
  t.match(text, `… ${EXTENSIONS + 3} users in 2 accounts with `)
  t.match(text, 'GET http://127.0.0.1:8080/__mock/world lists them')
  t.match(text, `… and ${h.ctx.credentials.all().length - BANNER_LIMIT} more: \`ringcentral-mock jwt ID\``)
  t.ok(text.split('\n').length < 400, `${text.split('\n').length} lines`)
  const small = banner((await build(t)).ctx, 'http://127.0.0.1:8080')
  t.notMatch(small, '…', 'a small world is listed in full')
})
