/**
 * The document and the code describe the same server: every route fastify serves is in the
 * document (same method, path and operationId, its schema built by routeSchema() from that
 * operation), and every documented operation has its route.
 */
import t from 'tap'
import { documentOperations, operationForRoute, registeredRoutes } from '../../src/openapi.js'
import { build } from '../helper.js'
import { controlAppOf } from '../../src/app.js'

t.test('routes ↔ document', async t => {
  const h = await build(t)
  await h.app.ready()
  // The control API's routes are registered when it is first needed.
  await controlAppOf(h.app)
  const routes = registeredRoutes(h.app)
  t.ok(routes.length >= documentOperations.length, `${routes.length} routes collected`)
  for (const route of routes) {
    const op = operationForRoute(route.method, route.url)
    if (!t.ok(op, `${route.method} ${route.url} is in the document`) || !op) continue
    t.equal(route.schemaOperationId, op.id, `${route.method} ${route.url}: schema: routeSchema('${op.id}')`)
    if (!op.control) t.equal(route.configOperationId, op.routeOperationId, `${route.method} ${route.url}: config.operationId`)
  }
  for (const op of documentOperations) {
    t.ok(routes.some(r => r.method === op.method && r.url === op.route), `${op.id} (${op.method} ${op.path}) has a route`)
  }
})
