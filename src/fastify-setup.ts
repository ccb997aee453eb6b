/**
 * What the mock's fastify apps share: their options, the RCRequestId header, and plugin names.
 * The RingCentral routes' app (app.ts) and the control API's (control/app.ts) are made alike.
 */
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify'
import { clientErrorHandler } from './client-error.js'

export function fastifyOptions (): FastifyServerOptions {
  return { logger: false, trustProxy: true, forceCloseConnections: true, bodyLimit: 10 * 1024 * 1024, clientErrorHandler, schemaController: { compilersFactory: LAZY_COMPILERS } }
}

/**
 * fastify's own validator and serializer factories, loaded if fastify ever asks for one. It builds
 * both when an app is made, which loads Ajv, ajv-formats and fast-json-stringify (about 110
 * modules); the mock validates with its own compiler (`installRequestValidation`, which loads Ajv
 * when a route is first validated) and declares no response schemas, so neither is asked for.
 */
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))
const LAZY_COMPILERS = {
  buildValidator: (...args: unknown[]) => (fromFastify('@fastify/ajv-compiler') as () => (...a: unknown[]) => unknown)()(...args),
  buildSerializer: (...args: unknown[]) => (fromFastify('@fastify/fast-json-stringify-compiler') as () => (...a: unknown[]) => unknown)()(...args)
} as unknown as NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>

/** The RCRequestId header RingCentral sends on every answer. */
export const setRequestId = (reply: FastifyReply): void => {
  reply.header('RCRequestId', randomUUID())
}

/** {@link setRequestId} as a hook of its own (app.ts sets it in its one onRequest pass instead). */
export function installRequestId (app: FastifyInstance): void {
  // Callback-style: an async hook costs a promise and a microtask turn (docs/performance.md).
  app.addHook('onRequest', (_request, reply, done) => {
    setRequestId(reply)
    done()
  })
}

/**
 * A plugin with fastify's display name: without one, fastify looks for the plugin among the
 * exports of every module in `require.cache` at each registration (thousands of entries in a test
 * runner's process).
 */
export function named<T extends object> (plugin: T, name: string): T {
  const key = Symbol.for('fastify.display-name')
  if (!(key in plugin)) Object.defineProperty(plugin, key, { value: name })
  return plugin
}
