/**
 * Test helpers: build the app on a frozen scenario clock (tests move it; they never sleep) and
 * talk to it through inject().
 */
import { readFileSync } from 'node:fs'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { parse } from 'yaml'
import { buildApp } from '../src/app.js'
import { describeViolation } from '../src/contract.js'
import { MockContext } from '../src/context.js'
import { checkScenario, defaultScenarioPath } from '../src/scenario/load.js'
import type { Scenario } from '../src/scenario/types.js'

export const START = '2024-03-30T12:00:00.000Z'
export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

/** The shipped default scenario, as an object to tweak. */
export function defaultScenario (file = defaultScenarioPath): Scenario {
  return parse(readFileSync(file, 'utf8')) as Scenario
}

/** A shipped scenario file, by name. */
export const shipped = (name: string): string => new URL(`../scenarios/${name}.yaml`, import.meta.url).pathname

export interface Harness {
  app: FastifyInstance
  ctx: MockContext
  /** Moves the scenario clock forward. */
  advance (seconds: number): void
  token (form: Record<string, string | number>, auth?: { id: string, secret?: string } | null): Promise<LightMyRequestResponse>
  /** Logs in (JWT grant by default) and returns the TokenInfo. */
  login (credentialId?: string, clientId?: string, secret?: string, extra?: Record<string, string | number>): Promise<Record<string, any>>
  api (path: string, accessToken?: string, init?: { method?: 'GET' | 'POST', headers?: Record<string, string> }): Promise<LightMyRequestResponse>
  jwt (credentialId: string): string
}

interface Closable {
  teardown (fn: () => unknown): void
  /** tap's `t.fail`: a response that breaks the OpenAPI contract fails the test that caused it. */
  fail (message: string): unknown
}

/**
 * Builds the app on the default scenario (clock frozen at START), or on `options.file` with that
 * file's own clock (frozen).
 */
export async function build (t: Closable, edit?: (s: Scenario) => void, options: { file?: string } = {}): Promise<Harness> {
  const scenario = defaultScenario(options.file)
  scenario.clock = options.file ? { ...scenario.clock, frozen: true } : { start: START, frozen: true }
  edit?.(scenario)
  const ctx = await MockContext.create({ scenario: checkScenario(scenario, 'test scenario'), source: 'test scenario', baseDir: process.cwd() })
  // Every response is checked against openapi/ringcentral-mock.yaml (src/contract.ts).
  const app = await buildApp(ctx, {
    validateResponses: true,
    onContractViolation: v => t.fail(`OpenAPI contract: ${describeViolation(v)}`)
  })
  t.teardown(() => app.close())
  const harness: Harness = {
    app,
    ctx,
    advance: (seconds) => ctx.clock.advance(seconds),
    jwt: (id) => {
      const issued = ctx.credentials.get(id)
      if (!issued) throw new Error(`no credential ${id}`)
      return issued.jwt
    },
    token: (form, auth = { id: 'jwt-app', secret: 'jwt-app-secret' }) => app.inject({
      method: 'POST',
      url: '/restapi/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(auth ? { authorization: basic(auth.id, auth.secret ?? '') } : {})
      },
      payload: new URLSearchParams(Object.entries(form).map(([k, v]): [string, string] => [k, String(v)])).toString()
    }),
    login: async (credentialId = 'ada-jwt', clientId = 'jwt-app', secret = `${clientId}-secret`, extra = {}) => {
      const res = await harness.token({ grant_type: JWT_GRANT, assertion: harness.jwt(credentialId), ...extra }, { id: clientId, secret })
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
      return res.json()
    },
    api: (path, accessToken, init = {}) => app.inject({
      method: init.method ?? 'GET',
      url: path,
      headers: { ...(accessToken !== undefined ? { authorization: `Bearer ${accessToken}` } : {}), ...init.headers }
    })
  }
  return harness
}

export const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

/** The OAuth error body RingCentral sends from /restapi/oauth/*. */
export const oauthError = (error: string, errorCode: string, message: string) =>
  ({ error, errors: [{ errorCode, message }], error_description: message })

/** The REST API error body, with the first error hoisted to the top level. */
export const apiError = (errorCode: string, message: string, topLevelCode = errorCode, attributes: Record<string, string> = {}) =>
  ({ errorCode: topLevelCode, message, errors: [{ errorCode, message, ...attributes }], ...attributes })
