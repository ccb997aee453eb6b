/**
 * The dashboard at `/__mock/ui`: the page built from `ui/` into `dist/ui/` (`npm run build`),
 * served by the mock itself, so it works offline and nothing comes from a CDN.
 *
 * Start-up pays nothing for it: the files are read on the first request for the dashboard, once.
 * The asset set is the build's few fixed files (an HTML page and content-hashed scripts and
 * styles), so they are held in memory and served with an immutable cache lifetime; every other
 * path under `/__mock/ui/` is the page itself (the page routes by its own URL).
 *
 * `GET /` answers a browser with a small page that links to the dashboard; other clients keep
 * RingCentral's `404 CMN-120`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { MockContext } from '../context.js'
import { routeSchema } from '../openapi.js'
import { packageFile } from '../paths.js'

/** Where the build puts the page: `<package>/dist/ui/`, from `src/control/` and `dist/control/` alike. */
export const UI_DIR = fileURLToPath(packageFile('dist/ui/'))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8'
}

/** Everything the page loads comes from the mock itself; nothing inline, no frames. */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
  "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

interface Asset {
  body: Buffer
  type: string
}

/** The files of the build, read once, on first use. */
let assets: Map<string, Asset> | undefined

function readAssets (dir: string): Map<string, Asset> {
  const found = new Map<string, Asset>()
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name)
      if (statSync(path).isDirectory()) {
        walk(path)
        continue
      }
      found.set(relative(dir, path).split(sep).join('/'), { body: readFileSync(path), type: TYPES[extname(name)] ?? 'application/octet-stream' })
    }
  }
  try {
    walk(dir)
  } catch {}
  return found
}

function securityHeaders (reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', DASHBOARD_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY')
}

const NOT_BUILT = '<!doctype html><html lang="en"><meta charset="utf-8"><title>Dashboard not built · ringcentral-mock</title>' +
  '<h1>The dashboard is not built</h1><p>This copy of ringcentral-mock has no <code>dist/ui/</code>. Run <code>npm run build</code> ' +
  '(<code>npm ci</code> runs it) and reload. The control API under <code>/__mock/</code> works without it.</p></html>'

export async function uiRoutes (app: FastifyInstance): Promise<void> {
  const page = (_request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    assets ??= readAssets(UI_DIR)
    const html = assets.get('index.html')
    if (html === undefined) {
      // Read again next time: the build may be running.
      assets = undefined
      return securityHeaders(reply).code(503).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(NOT_BUILT)
    }
    return securityHeaders(reply).type(html.type).header('Cache-Control', 'no-cache').send(html.body)
  }
  app.get('/__mock/ui', { schema: routeSchema('getMockDashboard') }, page)
  // The page's own routes (the OAuth debugger's callback): the same page.
  app.get('/__mock/ui/:page', { schema: routeSchema('getMockDashboardPage') }, page)
  app.get<{ Params: { file: string } }>('/__mock/ui/assets/:file', { schema: routeSchema('getMockDashboardAsset') }, (request, reply) => {
    assets ??= readAssets(UI_DIR)
    const asset = assets.get(`assets/${request.params.file}`)
    if (asset === undefined) {
      return securityHeaders(reply).code(404).type('text/plain; charset=utf-8').header('Cache-Control', 'no-store').send(`no dashboard asset ${request.params.file.slice(0, 200)}`)
    }
    return securityHeaders(reply).type(asset.type).header('Cache-Control', 'public, max-age=31536000, immutable').send(asset.body)
  })
}

/** Forgets the files read (tests that build the page again). */
export function forgetUiAssets (): void {
  assets = undefined
}

const HOME = (dashboard: string, docs: string, name: string): string => '<!doctype html><html lang="en"><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1"><title>ringcentral-mock</title>' +
  '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}a{color:#0550ae}code{background:#f1f3f5;padding:0 .25em;border-radius:3px}</style>' +
  `<h1>ringcentral-mock</h1><p>A local RingCentral, serving the scenario <strong>${escapeHtml(name)}</strong>.</p>` +
  `<ul><li><a href="${dashboard}">Open the dashboard</a>: the world, sessions, messages, events, the journal, rules and the clock.</li>` +
  `<li><a href="${docs}">The API reference</a>: every operation the mock serves and the control API.</li></ul>` +
  '<p>Point an SDK at this address as its <code>server</code>.</p></html>'

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** `GET /`: a page for browsers; RingCentral's 404 for everyone else. */
export function installHome (app: FastifyInstance, ctx: MockContext): void {
  app.get('/', { schema: routeSchema('getMockHome') }, (request, reply) => {
    const accept = request.headers.accept ?? ''
    if (!/\btext\/html\b/i.test(accept)) {
      reply.callNotFound()
      return reply
    }
    return reply
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
      .header('Cache-Control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(HOME('/__mock/ui', '/__mock/docs', ctx.world.name))
  })
}
