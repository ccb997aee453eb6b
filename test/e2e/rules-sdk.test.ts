/** A refresh outage scripted with a rule, seen through @ringcentral/sdk. */
import { SDK } from '@ringcentral/sdk'
import t from 'tap'
import { startMockServer } from '../../src/index.js'

t.test('a refresh-outage rule makes the SDK emit refreshError; once used up, the same flow passes', async t => {
  const mock = await startMockServer({
    scenario: 'scenarios/default.yaml',
    timeSource: () => 0
  })
  t.teardown(() => mock.close())
  mock.rules.add({ id: 'refresh-outage', when: { operation: 'getToken', grantType: 'refresh_token' }, times: 1, respond: { error: 'OAU-213' } })

  const sdk = new SDK({ server: mock.url, clientId: 'jwt-app', clientSecret: 'jwt-app-secret' })
  const platform = sdk.platform()
  const refreshErrors: Error[] = []
  platform.on(platform.events.refreshError, (e: Error) => { refreshErrors.push(e) })

  await platform.login({ jwt: mock.jwt('ada-jwt') })
  await t.rejects(platform.refresh(), { message: 'Token not found' })
  t.equal(refreshErrors.length, 1, 'refreshError was emitted')
  t.notOk((await platform.auth().data()).access_token, 'the SDK dropped its tokens, as it does on a real refresh failure')

  await platform.login({ jwt: mock.jwt('ada-jwt') })
  await platform.refresh()
  const me = await (await platform.get('/restapi/v1.0/account/~/extension/~')).json() as { id: number }
  t.equal(me.id, 100200301)
  t.equal(refreshErrors.length, 1, 'no new refresh error once the rule is used up: ' + refreshErrors.map(e => e.message).join())

  const journal = mock.requests.list({ operation: 'getToken' })
  t.same(journal.map(e => [e.status, e.rule ?? null]), [[200, null], [400, 'refresh-outage'], [200, null], [200, null]])
  t.same(mock.rules.list().map(r => [r.id, r.applied, r.remaining]), [['refresh-outage', 1, 0]])
})
