/**
 * What live views (the dashboard, or a script) need beyond the rest of the control API:
 *
 * - `GET /__mock/stream`: server-sent events naming what changed (`change`), when the scenario was
 *   replaced or reset (`world`), and, first, who is answering (`hello`: the server's instance id,
 *   so a view that reconnects to a restarted mock knows it). A view re-reads what changed from the
 *   control API; the stream carries no state of its own.
 * - `GET /__mock/world`: the scenario as a world, without a secret in it (no client secret,
 *   password or credential string): accounts, extensions and their numbers, apps, credentials.
 * - `GET /__mock/catalogue`: the vocabulary of rules and faults: operations, RingCentral error
 *   codes, SMS delivery error codes.
 */
import type { FastifyInstance } from 'fastify'
import type { ServerResponse } from 'node:http'
import { toIso } from '../clock.js'
import type { MockContext } from '../context.js'
import { catalogue, type ErrorDefinition } from '../errors.js'
import { DELIVERY_ERRORS, type DeliveryErrorDefinition } from '../messaging/delivery-errors.js'
import { documentOperations, routeSchema } from '../openapi.js'
import { operations } from '../operations.js'
import { GRANT } from '../scenario/types.js'
import { TOPICS, type Topic } from './feed.js'

/** A stream whose client stopped reading is closed past this much unsent output (it reconnects). */
const MAX_BUFFERED = 1024 * 1024

/** The control paths whose changes the stores do not report themselves (direct field updates). */
const TOPIC_OF_PATH: Array<[RegExp, Topic]> = [
  [/^\/__mock\/subscriptions\b/, 'subscriptions'],
  [/^\/__mock\/websockets\b/, 'websockets'],
  [/^\/__mock\/deliveries\b/, 'deliveries']
]

/** The world without its secrets, as `GET /__mock/world` answers it (the document's `MockWorld`). */
export interface MockWorld {
  name: string
  description?: string
  source: string
  environment: 'production' | 'sandbox'
  platformUrl: string
  /** Changes when the mock restarts. */
  instance: string
  /** Counts scenario loads and resets. */
  generation: number
  clock: { now: string, frozen: boolean, start?: string }
  policies: { passwordGrantEndOfLife: string | null, refreshTokenReuse: 'ringcentral' | 'strict', maxSessionsPerUser: number, journalLimit: number, rateLimits: boolean, controlToken: boolean }
  accounts: Array<{
    id: string
    name?: string
    mainNumber: string
    extensions: Array<{
      id: string
      extensionNumber: string
      name: string
      email?: string
      admin: boolean
      /** Whether the user can sign in with a password (never the password). */
      password: boolean
      permissions: Record<string, string>
      phoneNumbers: Array<{ id: string, phoneNumber: string, usageType?: string, type?: string, label?: string, features: string[] }>
    }>
  }>
  apps: Array<{ clientId: string, name: string, confidential: boolean, grantTypes: string[], scopes: string[], redirectUris: string[], accessTokenTtl: number, refreshTokenTtl: number }>
  credentials: Array<{ id: string, extensionId: string, expiresAt?: string, apps?: string[], revoked: boolean }>
}

/** What a rule can use, as `GET /__mock/catalogue` answers it. */
export interface MockCatalogue {
  operations: Array<{ operationId: string, methods: string[], path: string, group: string, appPermission?: string, errorCodes: string[] }>
  errors: Array<{ code: string, status: number, message: string, oauthError?: string, oauthStatus?: number, evidence: 'V' | 'O' | 'I' }>
  deliveryErrors: readonly DeliveryErrorDefinition[]
  faults: string[]
  grantTypes: string[]
}

export function worldView (ctx: MockContext): MockWorld {
  const world = ctx.world
  const p = world.policies
  return {
    name: world.name,
    ...(world.scenario.description !== undefined ? { description: world.scenario.description } : {}),
    source: ctx.loaded.source,
    environment: world.environment,
    platformUrl: world.platformUrl,
    instance: ctx.feed.instance,
    generation: ctx.feed.generation,
    clock: { now: toIso(ctx.now()), frozen: ctx.clock.frozen, ...(world.scenario.clock?.start !== undefined ? { start: toIso(Date.parse(world.scenario.clock.start)) } : {}) },
    policies: {
      passwordGrantEndOfLife: p.passwordGrantEndOfLife !== undefined ? toIso(p.passwordGrantEndOfLife) : null,
      refreshTokenReuse: p.refreshTokenReuse,
      maxSessionsPerUser: p.maxSessionsPerUser,
      journalLimit: p.journalLimit,
      rateLimits: p.rateLimits.enabled,
      controlToken: ctx.controlToken !== undefined
    },
    accounts: world.accounts.map(account => ({
      id: account.id,
      ...(account.name !== undefined ? { name: account.name } : {}),
      mainNumber: account.mainNumber,
      extensions: account.extensions.map(ext => ({
        id: ext.id,
        extensionNumber: ext.extensionNumber,
        name: ext.name,
        ...(ext.email !== undefined ? { email: ext.email } : {}),
        admin: ext.admin,
        // Whether the extension can log in with a password (never the password).
        password: ext.password !== undefined,
        permissions: ext.permissions ?? {},
        phoneNumbers: ext.phoneNumbers.map(n => ({
          id: n.id,
          phoneNumber: n.phoneNumber,
          ...(n.usageType !== undefined ? { usageType: n.usageType } : {}),
          ...(n.type !== undefined ? { type: n.type } : {}),
          ...(n.label !== undefined ? { label: n.label } : {}),
          features: n.features
        }))
      }))
    })),
    apps: world.apps.map(app => ({
      clientId: app.clientId,
      name: app.name,
      confidential: app.confidential,
      grantTypes: app.grantTypes,
      scopes: app.scopes,
      redirectUris: app.redirectUris,
      accessTokenTtl: app.accessTokenTtl,
      refreshTokenTtl: app.issuesRefreshTokens ? app.refreshTokenTtl : 0
    })),
    credentials: ctx.credentials.all().map(({ credential }) => ({
      id: credential.id,
      extensionId: credential.owner.id,
      ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt } : {}),
      ...(credential.apps ? { apps: credential.apps } : {}),
      revoked: credential.revoked ?? false
    }))
  }
}

/** `/restapi/v1.0/account/{accountId}/…` from the route's `:accountId` form. */
const templated = (path: string): string => path.replace(/:(\w+)/g, '{$1}')

function errorView ([code, definition]: [string, ErrorDefinition]): MockCatalogue['errors'][number] {
  return {
    code,
    status: definition.status,
    message: definition.message,
    ...(definition.oauthError !== undefined ? { oauthError: definition.oauthError, oauthStatus: definition.oauthStatus ?? 400 } : {}),
    evidence: definition.evidence
  }
}

/** The codes the mock's own code answers an operation with (the document's `x-error-codes`). */
function codesOf (operationId: string): string[] {
  const codes = new Set<string>()
  for (const op of documentOperations) if (op.routeOperationId === operationId) for (const c of op.errorCodes) codes.add(c.code)
  return [...codes]
}

export function catalogueView (): MockCatalogue {
  return {
    operations: Object.entries(operations).map(([operationId, op]) => ({
      operationId,
      methods: [...op.methods],
      path: templated(op.path),
      group: op.group,
      ...('appPermission' in op ? { appPermission: op.appPermission } : {}),
      errorCodes: codesOf(operationId)
    })),
    errors: (Object.entries(catalogue) as Array<[string, ErrorDefinition]>).map(errorView),
    deliveryErrors: DELIVERY_ERRORS,
    faults: ['connection-reset', 'empty-response', 'timeout'],
    grantTypes: Object.values(GRANT)
  }
}

function send (raw: ServerResponse, event: string, data: unknown): void {
  if (raw.destroyed || raw.writableEnded) return
  if (raw.writableLength > MAX_BUFFERED) {
    raw.end()
    return
  }
  raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
}

/**
 * Control requests that change state by setting a field (faults, blacklists, recovery failures)
 * tell the feed here; the stores report everything else themselves. Installed on the scope of all
 * control routes.
 */
export function installFeedHook (app: FastifyInstance, ctx: MockContext): void {
  app.addHook('onResponse', (request, _reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && ctx.feed.listening) {
      for (const [pattern, topic] of TOPIC_OF_PATH) if (pattern.test(request.url)) ctx.feed.changed(topic)
    }
    done()
  })
}

export async function dashboardRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  const streams = new Set<ServerResponse>()
  app.addHook('preClose', (done) => {
    for (const raw of streams) raw.end()
    streams.clear()
    done()
  })

  app.get('/__mock/stream', { schema: routeSchema('streamMockChanges') }, (request, reply) => {
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies (nginx) must pass each event on at once.
      'x-accel-buffering': 'no',
      connection: 'keep-alive'
    })
    raw.write('retry: 1000\n\n')
    send(raw, 'hello', { instance: ctx.feed.instance, generation: ctx.feed.generation, scenario: ctx.world.name, now: toIso(ctx.now()), frozen: ctx.clock.frozen, topics: TOPICS })
    streams.add(raw)
    const unsubscribe = ctx.feed.subscribe({
      changed: topics => send(raw, 'change', { topics }),
      world: change => send(raw, 'world', { ...change, scenario: ctx.world.name })
    })
    raw.on('close', () => {
      unsubscribe()
      streams.delete(raw)
    })
  })

  app.get('/__mock/world', { schema: routeSchema('getMockWorld') }, async () => worldView(ctx))

  app.get('/__mock/catalogue', { schema: routeSchema('getMockCatalogue') }, async () => catalogueView())
}
