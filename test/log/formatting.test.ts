/**
 * The per-request formatting shortcuts give exactly what the general functions give: `toIso`
 * against `Date#toISOString` (random instants, day and year boundaries, the range ends, fractions,
 * NaN), and `stringifyExact` with marked integers against the bigint replacer.
 */
import fc from 'fast-check'
import t from 'tap'
import { toIso } from '../../src/clock.js'
import { exactInteger, stringifyExact } from '../../src/messaging/json.js'

const general = (ms: number): string => new Date(ms).toISOString()

t.test('toIso is Date#toISOString', async t => {
  fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 253_402_300_799_999 }), fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double({ min: -1e13, max: 3e14, noNaN: true })), ms => toIso(ms) === general(ms)), { seed: 1501, numRuns: 20000 })
  const edges = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 1_711_843_200_000, 253_402_300_799_999, 253_402_300_800_000, -1, 1.5, 8.64e15]
  for (const ms of edges) t.equal(toIso(ms), general(ms), String(ms))
  // Alternating days (the cached prefix changes every call).
  for (let i = 0; i < 100; i++) t.equal(toIso(i * 86_400_000 + (i % 2) * 43_200_123), general(i * 86_400_000 + (i % 2) * 43_200_123))
  t.throws(() => toIso(Number.NaN), RangeError, 'NaN throws as Date does')
})

t.test('stringifyExact writes marked integers and bigints as raw digits', async t => {
  t.equal(stringifyExact({ a: exactInteger('1234567890123456789'), b: 'x' }), '{"a":1234567890123456789,"b":"x"}')
  t.equal(stringifyExact({ a: 1234567890123456789n, b: [2n] }), '{"a":1234567890123456789,"b":[2]}', 'bigints still work')
  t.equal(stringifyExact({ text: 'bigint-not-a-marker' }), '{"text":"bigint-not-a-marker"}')
  t.throws(() => exactInteger('12a'), RangeError)
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.string(), (n, s) =>
    stringifyExact({ n: exactInteger(n), s }) === stringifyExact({ n, s })), { seed: 1502, numRuns: 2000 })
  t.pass('2000 random integers and strings')
})
