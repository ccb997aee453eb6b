/**
 * Moving the clock: `POST /__mock/clock` and `mock.clock` take the same input, refuse the same
 * things with the same messages, and a refused move leaves the clock exactly as it was.
 */
import t from 'tap'
import { ControlError, startMockServer } from '../../src/index.js'
import { build, defaultScenario } from '../helper.js'

const START = '2024-03-30T12:00:00.000Z'

async function start (t: { teardown (fn: () => unknown): void }) {
  const mock = await startMockServer({ scenario: { ...defaultScenario(), clock: { start: START, frozen: true } } })
  t.teardown(() => mock.close())
  const http = async (body: unknown) => {
    const res = await fetch(`${mock.url}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return { status: res.status, body: await res.json() as Record<string, any> }
  }
  return { mock, http }
}

t.test('mock.clock.set takes ISO-8601 text, a Date or epoch ms; now() stays a number', async t => {
  const { mock } = await start(t)
  mock.clock.set('2024-04-01T00:00:00Z')
  t.equal(mock.clock.now(), Date.parse('2024-04-01T00:00:00Z'))
  t.equal(typeof mock.clock.now(), 'number')
  mock.clock.set(new Date('2024-04-02T00:00:00Z'))
  t.equal(mock.clock.now(), Date.parse('2024-04-02T00:00:00Z'))
  mock.clock.set(Date.parse('2024-04-03T00:00:00Z'))
  t.equal(mock.clock.now(), Date.parse('2024-04-03T00:00:00Z'))
  mock.clock.advance(60)
  t.equal(mock.clock.now(), Date.parse('2024-04-03T00:01:00Z'))
  const health = await (await fetch(`${mock.url}/__mock/health`)).json() as { now: string }
  t.equal(health.now, '2024-04-03T00:01:00.000Z', 'the health check still answers')
})

t.test('the same refusals, with the same messages, over HTTP and from the API; nothing moves', async t => {
  const { mock, http } = await start(t)
  const before = mock.clock.now()
  const cases: Array<{ name: string, body: Record<string, unknown>, api: () => void, status: number }> = [
    { name: 'not a time', body: { set: 'tomorrow' }, api: () => mock.clock.set('tomorrow'), status: 400 },
    { name: 'an object', body: { set: { when: 'now' } }, api: () => mock.clock.set({ when: 'now' } as never), status: 400 },
    { name: 'an invalid Date', body: { set: 'not-a-date' }, api: () => mock.clock.set(new Date('x')), status: 400 },
    { name: 'backwards', body: { set: '2024-03-01T00:00:00Z' }, api: () => mock.clock.set('2024-03-01T00:00:00Z'), status: 409 },
    { name: 'negative advance', body: { advanceSeconds: -10 }, api: () => mock.clock.advance(-10), status: 409 },
    { name: 'advance past what a Date holds', body: { advanceSeconds: 1e300 }, api: () => mock.clock.advance(1e300), status: 400 },
    { name: 'advance by milliseconds mistaken for seconds', body: { advanceSeconds: 8.64e12 }, api: () => mock.clock.advance(8.64e12), status: 400 },
    { name: 'a huge move back, allowed backwards', body: { advanceSeconds: -1e300, allowBackwards: true }, api: () => mock.clock.advance(-1e300, { allowBackwards: true }), status: 400 },
    { name: 'a year out of the window', body: { set: '2300-01-01T00:00:00Z' }, api: () => mock.clock.set('2300-01-01T00:00:00Z'), status: 400 },
    { name: 'not a number', body: { advanceSeconds: 'soon' }, api: () => mock.clock.advance('soon' as never), status: 400 }
  ]
  for (const c of cases) {
    const res = await http(c.body)
    t.equal(res.status, c.status, `${c.name}: HTTP ${c.status}`)
    let thrown: unknown
    try {
      c.api()
    } catch (error) {
      thrown = error
    }
    t.ok(thrown instanceof ControlError, `${c.name}: the API throws a ControlError`)
    if (c.name !== 'an invalid Date') t.equal((thrown as Error).message, res.body.message, `${c.name}: the same message`)
    t.equal((thrown as ControlError).status, c.status)
    t.equal(mock.clock.now(), before, `${c.name}: the clock did not move`)
  }
  const health = await fetch(`${mock.url}/__mock/health`)
  t.equal(health.status, 200, 'health still answers after every refusal')
  t.match(await http({ advanceSeconds: 1e300 }), { body: { message: /outside .* \(100 years either side of the scenario's start, 2024-03-30T12:00:00\.000Z\); advanceSeconds is in seconds, not milliseconds/ } })
})

t.test('after refused moves, tokens and messages still work', async t => {
  const h = await build(t)
  for (const body of [{ advanceSeconds: 1e300 }, { advanceSeconds: 8.64e12 }, { advanceSeconds: -1e300, allowBackwards: true }, { set: 99999999999999999 }]) {
    const res = await h.app.inject({ method: 'POST', url: '/__mock/clock', payload: body })
    t.equal(res.statusCode, 400, JSON.stringify(body))
  }
  t.equal((await h.api('/__mock/clock')).json().now, '2024-03-30T12:00:00.000Z')
  const info = await h.login()
  t.equal(info.expires_in, 3600, 'a new token is not born expired')
  const sms = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${info.access_token as string}` },
    payload: { from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550177' }], text: 'hi' }
  })
  t.equal(sms.statusCode, 200)
  t.equal((await h.api('/__mock/sessions')).statusCode, 200)
  t.equal((await h.api('/__mock/requests')).statusCode, 200)
})

t.test('set over HTTP also takes epoch milliseconds; unknown fields are named', async t => {
  const h = await build(t)
  const res = await h.app.inject({ method: 'POST', url: '/__mock/clock', payload: { set: Date.parse('2024-04-01T00:00:00Z') } })
  t.equal(res.json().now, '2024-04-01T00:00:00.000Z')
  const typo = await h.app.inject({ method: 'POST', url: '/__mock/clock', payload: { advance: 10 } })
  t.equal(typo.statusCode, 400)
  t.match(typo.json().message, /unknown field "advance"/)
})
