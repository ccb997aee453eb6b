/**
 * The request validator checks data as it came first, and with coercion (on a copy) only what
 * fails that. Its verdicts and errors are those of the coercing check alone, for every route schema
 * of the document and for schemas where coercion can change a verdict (`oneOf`), and it never
 * changes the request's own values.
 */
import fc from 'fast-check'
import t, { type Test } from 'tap'
import type { ValidateFunction } from 'ajv'
import { allRouteSchemas, createAjv, validatorCompiler } from '../../src/openapi.js'

type Check = ((data: unknown) => boolean) & { errors: ValidateFunction['errors'] | null }

const compile = (schema: object): Check => validatorCompiler()({ schema, method: 'POST', url: '/x', httpPart: 'body' } as never) as unknown as Check
const coercing = createAjv({ coerceTypes: 'array', validateSchema: false })
/** What the validator judged before the shortcut: the coercing check on a copy. */
function reference (schema: object): (data: unknown) => { ok: boolean, errors: unknown } {
  const validate = coercing.compile(schema)
  return data => {
    const ok = validate(structuredClone(data))
    return { ok, errors: validate.errors ?? null }
  }
}

function same (t: Test, schema: object, data: unknown, label: string): void {
  const check = compile(schema)
  const before = JSON.stringify(data)
  const ok = check(data)
  const want = reference(schema)(data)
  t.equal(ok, want.ok, `${label}: the same verdict`)
  t.same(check.errors, want.errors, `${label}: the same errors`)
  t.equal(JSON.stringify(data), before, `${label}: the data is left as it came`)
}

t.test('coercion still applies where data needs it, and the request keeps its own values', async t => {
  const query = { type: 'object', properties: { perPage: { type: 'integer', minimum: 1 }, direction: { type: 'array', items: { type: 'string' } } } }
  same(t, query, { perPage: '5', direction: 'Inbound' }, 'a query string')
  same(t, query, { perPage: 'five' }, 'a query string that is not an integer')
  same(t, query, { perPage: 0 }, 'a value out of range')
  same(t, query, { perPage: 5, direction: ['Inbound'] }, 'data valid as it came')
})

t.test('a schema where coercion can change the verdict is always checked with coercion', async t => {
  // "5" matches both branches once coerced, so the coercing check refuses it; as it came it matches one.
  const schema = { type: 'object', properties: { v: { oneOf: [{ type: 'number' }, { type: 'string' }] } } }
  same(t, schema, { v: '5' }, 'oneOf')
  t.equal(compile(schema)({ v: '5' }), false, 'refused, as before the shortcut')
  same(t, { type: 'object', properties: { v: { not: { type: 'number' } } } }, { v: '5' }, 'not')
})

t.test('every route schema of the document judges random data as the coercing check does', async t => {
  const parts: Array<[string, object]> = []
  for (const [id, schema] of Object.entries(allRouteSchemas())) {
    for (const part of ['params', 'querystring', 'headers'] as const) {
      const s = (schema as unknown as Record<string, unknown>)[part]
      if (s !== undefined) parts.push([`${id} ${part}`, s as object])
    }
    const body = (schema as { body?: { content?: Record<string, { schema: object }> } }).body?.content
    for (const [type, media] of Object.entries(body ?? {})) parts.push([`${id} body ${type}`, media.schema])
  }
  t.ok(parts.length > 50, `${parts.length} schemas`)
  const value = fc.letrec(tie => ({
    any: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer().map(String), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('any'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('any'), { maxKeys: 3 }))
  })).any
  for (const [label, schema] of parts) {
    const names = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {})
    const data = fc.record(Object.fromEntries(names.map(n => [n, value])), { requiredKeys: [] })
    const check = compile(schema)
    const want = reference(schema)
    fc.assert(fc.property(data, d => {
      const before = JSON.stringify(d)
      const ok = check(d)
      const expected = want(d)
      return ok === expected.ok && JSON.stringify(check.errors) === JSON.stringify(expected.errors) && JSON.stringify(d) === before
    }), { seed: 15, numRuns: 60 })
  }
})
