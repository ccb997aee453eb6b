/**
 * The OpenAPI document itself: it validates as OpenAPI 3.0, and what it says about RingCentral's
 * operations agrees with the code (src/operations.ts, the error catalogue).
 */
import t from 'tap'
import SwaggerParser from '@apidevtools/swagger-parser'
import { catalogue, isErrorCode, rc } from '../../src/errors.js'
import { dialectOfOperation, document, documentOperations, documentPath, operationById, routeSchema, validatorCompiler } from '../../src/openapi.js'
import { isOperationId, operations } from '../../src/operations.js'

t.test('the document validates as OpenAPI 3.0', async t => {
  t.equal(document.openapi, '3.0.3')
  await t.resolves(SwaggerParser.validate(documentPath.pathname), 'swagger-parser validates it (schema and $refs)')
})

t.test('operationIds are unique; every operation has a summary, a tag and responses', async t => {
  const ids = documentOperations.map(op => op.id)
  t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'no duplicate operationId')
  for (const op of documentOperations) {
    t.ok(op.operation.summary, `${op.id}: summary`)
    t.ok(op.operation.tags?.length, `${op.id}: tagged`)
    t.ok(Object.keys(op.operation.responses).length > 0, `${op.id}: responses`)
  }
})

t.test('the RingCentral operations are those of src/operations.ts, with their groups and permissions', async t => {
  const rcOps = documentOperations.filter(op => !op.control)
  for (const op of rcOps) {
    t.ok(op.path.startsWith('/restapi/'), `${op.id} is under /restapi`)
    t.ok(isOperationId(op.routeOperationId), `${op.id}: ${op.routeOperationId} is an operation of src/operations.ts`)
  }
  for (const [id, spec] of Object.entries(operations)) {
    const documented = rcOps.filter(op => op.routeOperationId === id)
    t.same(documented.map(op => op.method).sort(), [...spec.methods].sort(), `${id}: methods`)
    for (const op of documented) {
      const o = op.operation as unknown as Record<string, unknown>
      t.equal(op.route, spec.path, `${op.id}: path`)
      t.equal(o['x-throttling-group'], spec.group, `${op.id}: throttling group`)
      t.equal(o['x-app-permission'], 'appPermission' in spec ? spec.appPermission : undefined, `${op.id}: app permission`)
    }
  }
  // The control API's guards (Host, Origin, token) apply by the /__mock prefix. The one control
  // operation outside it is the browser's landing page at `/`, which holds no data.
  for (const op of documentOperations.filter(op => op.control)) t.ok(op.path.startsWith('/__mock/') || (op.id === 'getMockHome' && op.path === '/'), `${op.id} is under /__mock`)
})

t.test('x-error-codes: catalogued codes, with the status the code answers them with, and a documented response', async t => {
  // Statuses the code sets explicitly rather than taking the catalogue's.
  const overrides = new Set(['CMN-104 413', 'OAU-113 403'])
  for (const op of documentOperations) {
    if (op.control) {
      t.same(op.errorCodes, [], `${op.id}: the control API has no RingCentral error codes`)
      continue
    }
    const dialect = dialectOfOperation(op)
    const keys = op.errorCodes.map(e => `${e.code} ${e.status}`)
    t.same(keys.filter((k, i) => keys.indexOf(k) !== i), [], `${op.id}: no duplicates`)
    for (const { code, status } of op.errorCodes) {
      t.ok(isErrorCode(code), `${op.id}: ${code} is catalogued`)
      if (!isErrorCode(code)) continue
      const usual = rc(code).status(dialect)
      t.ok(status === usual || overrides.has(`${code} ${status}`), `${op.id}: ${code} answers ${status} (the catalogue says ${usual} in the ${dialect} dialect)`)
      t.ok(op.operation.responses[String(status)] !== undefined, `${op.id}: status ${status} of ${code} is a documented response`)
    }
    const limited = isOperationId(op.routeOperationId)
    t.equal(op.errorCodes.some(e => e.code === 'CMN-301' && e.status === 429), limited, `${op.id}: CMN-301 exactly when rate limits apply`)
  }
  t.ok(Object.keys(catalogue).length > 0)
})

t.test('every operation yields a route schema that compiles', async t => {
  const compile = validatorCompiler()
  for (const op of documentOperations) {
    const schema = routeSchema(op.id)
    t.equal(schema.operationId, op.id)
    // Calling the validator once compiles the schema (the compiler may defer that to the first request).
    const compiles = (part: string, partSchema: unknown, label: string): void => {
      const validate = compile({ schema: partSchema, method: op.method, url: op.route, httpPart: part }) as (data: unknown) => unknown
      t.doesNotThrow(() => validate({}), label)
    }
    for (const part of ['params', 'querystring', 'headers'] as const) {
      if (schema[part] !== undefined) compiles(part, schema[part], `${op.id} ${part}`)
    }
    const body = schema.body as { content?: Record<string, { schema: unknown }> } | undefined
    for (const [type, media] of Object.entries(body?.content ?? {})) compiles('body', media.schema, `${op.id} body ${type}`)
  }
  t.throws(() => operationById('nope'), /no operation "nope"/)
})
