/**
 * The OpenAPI document, served: `GET /__mock/openapi.json`, `GET /__mock/openapi.yaml`, and
 * `GET /__mock/docs`, a readable reference page rendered here on the server from the document:
 * one self-contained HTML page (inline CSS, no scripts, nothing loaded from anywhere else).
 */
import type { FastifyInstance } from 'fastify'
import type { OpenAPIV3 } from 'openapi-types'
import { baseUrlOf } from '../api/base-url.js'
import type { MockContext } from '../context.js'
import { CONTROL_TAG, document, documentOperations, documentText, type DocumentOperation, parametersOf, resolveRef, resolveRefs, routeSchema } from '../openapi.js'

export async function openapiRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  let page: string | undefined

  app.get('/__mock/openapi.json', { schema: routeSchema('getMockOpenApiJson') }, async request => ({
    ...document,
    servers: [{ url: baseUrlOf(ctx, request), description: 'This mock' }]
  }))

  app.get('/__mock/openapi.yaml', { schema: routeSchema('getMockOpenApiYaml') }, async (_request, reply) =>
    reply.type('application/yaml; charset=utf-8').send(documentText))

  app.get('/__mock/docs', { schema: routeSchema('getMockDocs') }, async (_request, reply) => {
    page ??= renderReference()
    return reply
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
      .header('X-Content-Type-Options', 'nosniff')
      .type('text/html; charset=utf-8')
      .send(page)
  })
}

// --- The reference page -------------------------------------------------------------------

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** The document's Markdown, lightly: paragraphs, `- ` lists, `code` and **bold**; links as their text. */
function prose (markdown: string | undefined): string {
  if (markdown === undefined || markdown.trim() === '') return ''
  const inline = (text: string): string => escape(text)
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
  return markdown.trim().split(/\n\s*\n/).map(block => {
    const lines = block.split('\n')
    if (lines.every(l => /^\s*- /.test(l) || /^\s{2,}\S/.test(l))) {
      const items: string[] = []
      for (const line of lines) {
        if (/^\s*- /.test(line)) items.push(line.replace(/^\s*- /, ''))
        else items[items.length - 1] += ` ${line.trim()}`
      }
      return `<ul>${items.map(i => `<li>${inline(i)}</li>`).join('')}</ul>`
    }
    return `<p>${inline(lines.join(' '))}</p>`
  }).join('\n')
}

const refName = (node: unknown): string | undefined => {
  const ref = (node as { $ref?: unknown } | undefined)?.$ref
  return typeof ref === 'string' ? ref.split('/').pop() : undefined
}

/** A one-line type: `string (date-time)`, `array of MessageInfo`, `Inbound | Outbound`. */
function typeOf (raw: unknown): string {
  const named = refName(raw)
  const schema = raw !== undefined ? resolveRef<OpenAPIV3.SchemaObject>(raw as OpenAPIV3.SchemaObject) : undefined
  if (!schema) return ''
  if (schema.enum) return schema.enum.map(v => String(v)).join(' | ')
  if (schema.type === 'array') return `array of ${typeOf(schema.items)}`
  if (named) return named
  if (schema.allOf) return schema.allOf.map(s => typeOf(s)).join(' & ')
  if (schema.oneOf) return schema.oneOf.map(s => typeOf(s)).join(' | ')
  const base = schema.type ?? 'any'
  const extras = [schema.format, schema.minimum !== undefined ? `≥ ${schema.minimum}` : undefined, schema.maximum !== undefined ? `≤ ${schema.maximum}` : undefined]
    .filter(x => x !== undefined)
  return `${base}${schema.nullable ? ' or null' : ''}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`
}

/** The properties of an object schema as table rows, nested objects indented, to a depth. */
function propertyRows (raw: unknown, depth = 0, seen: readonly string[] = []): string[] {
  const named = refName(raw)
  if ((named && seen.includes(named)) || depth > 3 || raw === undefined) return []
  const schema = resolveRef<OpenAPIV3.SchemaObject>(raw as OpenAPIV3.SchemaObject)
  const path = named ? [...seen, named] : seen
  if (schema.allOf) return schema.allOf.flatMap(s => propertyRows(s, depth, path))
  const required = new Set(schema.required ?? [])
  const rows: string[] = []
  for (const [name, rawProp] of Object.entries(schema.properties ?? {})) {
    const prop = resolveRef<OpenAPIV3.SchemaObject>(rawProp)
    rows.push(`<tr><td style="padding-left:${0.5 + depth * 1.25}rem"><code>${escape(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${escape(typeOf(rawProp))}</td><td>${prose(prop.description)}</td></tr>`)
    const inner: unknown = prop.type === 'array' ? prop.items : rawProp
    const innerSchema = inner !== undefined ? resolveRefs(inner) as OpenAPIV3.SchemaObject : undefined
    if (innerSchema && (innerSchema.properties || innerSchema.allOf)) rows.push(...propertyRows(inner, depth + 1, path))
  }
  return rows
}

function schemaTable (raw: unknown): string {
  const rows = propertyRows(raw)
  const type = typeOf(raw)
  if (rows.length === 0) return `<p class="type">${escape(type)}</p>`
  return `<p class="type">${escape(type)}</p><table><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

function renderOperation (op: DocumentOperation): string {
  const o = op.operation as OpenAPIV3.OperationObject & Record<string, unknown>
  const facts: string[] = []
  if (op.routeOperationId !== op.id) facts.push(`route operation <code>${escape(op.routeOperationId)}</code>`)
  for (const [key, label] of [['x-throttling-group', 'throttling'], ['x-app-permission', 'app permission'], ['x-user-permission', 'user permission']] as const) {
    if (typeof o[key] === 'string') facts.push(`${label} <code>${escape(o[key] as string)}</code>`)
  }
  if (o.security?.some(s => 'bearer' in s)) facts.push('bearer token')

  const parameters = parametersOf(op)
  const params = parameters.length === 0
    ? ''
    : `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${parameters.map(p => {
      const flags = [p.required ? '<span class="req">required</span>' : '', (p as unknown as Record<string, unknown>)['x-mock-validate'] === false ? '<span class="tag">checked by the handler</span>' : ''].filter(Boolean).join(' ')
      return `<tr><td><code>${escape(p.name)}</code> ${flags}</td><td>${escape(p.in)}</td><td>${escape(typeOf(p.schema))}</td><td>${prose(p.description)}</td></tr>`
    }).join('')}</tbody></table>`

  const requestBody = o.requestBody !== undefined ? resolveRef<OpenAPIV3.RequestBodyObject>(o.requestBody) : undefined
  const body = !requestBody
    ? ''
    : `<h4>Request body${requestBody.required ? ' <span class="req">required</span>' : ''}</h4>${prose(requestBody.description)}${Object.entries(requestBody.content).map(([type, media]) =>
      `<p><code>${escape(type)}</code>${(media as Record<string, unknown>)['x-mock-validate'] === false ? ' <span class="tag">checked by the handler</span>' : ''}</p>${media.schema ? schemaTable(media.schema) : ''}`).join('')}`

  const codesByStatus = new Map<number, string[]>()
  for (const { code, status } of op.errorCodes) codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code])
  const responses = Object.entries(o.responses).map(([status, raw]) => [status, resolveRef<OpenAPIV3.ResponseObject>(raw)] as const)
  const responseTable = `<h4>Responses</h4><table class="responses"><thead><tr><th>Status</th><th>Description</th><th>Body</th><th>Error codes</th></tr></thead><tbody>${responses.map(([status, response]) => {
    const content = Object.entries(response.content ?? {}).map(([type, media]) => `<code>${escape(type)}</code>${media.schema ? ` ${escape(typeOf(media.schema))}` : ''}`).join('<br>')
    const codes = (codesByStatus.get(Number(status)) ?? []).map(c => `<code>${escape(c)}</code>`).join(' ')
    return `<tr><td class="status">${escape(status)}</td><td>${prose(response.description)}</td><td>${content || '<span class="muted">none</span>'}</td><td>${codes}</td></tr>`
  }).join('')}</tbody></table>`

  // The success bodies, spelt out.
  const success = responses.filter(([s]) => s.startsWith('2')).flatMap(([status, response]) =>
    Object.entries(response.content ?? {})
      .filter(([type]) => type.includes('json') && response.content?.[type]?.schema !== undefined)
      .map(([type, media]) => `<h4>${escape(status)} <code>${escape(type)}</code></h4>${schemaTable(media.schema)}`)).join('')

  return `<section class="op" id="${escape(op.id)}">
<h3><span class="method ${op.method.toLowerCase()}">${op.method}</span> <code class="path">${escape(op.path)}</code></h3>
<p class="meta"><code>${escape(op.id)}</code> · ${escape(o.summary ?? '')}${facts.length > 0 ? ` · ${facts.join(' · ')}` : ''}</p>
${prose(o.description)}${params}${body}${responseTable}${success}
</section>`
}

export function renderReference (): string {
  const tags = (document.tags ?? []).map(t => t.name)
  for (const op of documentOperations) for (const tag of op.operation.tags ?? []) if (!tags.includes(tag)) tags.push(tag)
  const groups = tags.map(tag => ({ tag, description: document.tags?.find(t => t.name === tag)?.description, ops: documentOperations.filter(op => (op.operation.tags ?? [])[0] === tag) }))
    .filter(g => g.ops.length > 0)
  const toc = groups.map(g => `<li>${escape(g.tag)}${g.tag === CONTROL_TAG ? ' <span class="tag">the mock’s own</span>' : ''}<ul>${g.ops.map(op =>
    `<li><a href="#${escape(op.id)}"><span class="method ${op.method.toLowerCase()}">${op.method}</span> ${escape(op.path)}</a></li>`).join('')}</ul></li>`).join('')
  const schemas = Object.keys(document.components?.schemas ?? {})
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info.title)} ${escape(document.info.version)}: API reference</title>
<style>
  :root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --line: #d9dde5; --bg: #fff; --code: #f3f5f8; --accent: #0b63c5; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #98a2b3; --line: #343b48; --bg: #14171c; --code: #1f242c; --accent: #6aa8ff; } }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
  main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
  a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
  code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); padding: 0 0.25em; border-radius: 3px; }
  h1 { margin-bottom: 0.25rem; } h2 { margin-top: 3rem; border-bottom: 2px solid var(--line); padding-bottom: 0.25rem; }
  h3 { margin: 0 0 0.25rem; font-size: 1.1rem; } h4 { margin: 1rem 0 0.25rem; font-size: 0.95rem; }
  .op { border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin: 1.25rem 0; }
  .meta, .muted, .type { color: var(--muted); } .type { margin: 0.25rem 0; font-size: 0.9em; }
  .method { display: inline-block; min-width: 3.5rem; text-align: center; font: 600 0.8rem ui-monospace, monospace; color: #fff; border-radius: 3px; padding: 0.1rem 0.3rem; background: #667085; }
  .method.get { background: #1a7f37; } .method.post { background: #0b63c5; } .method.put { background: #9a6700; } .method.delete { background: #cf222e; }
  .path { background: none; font-size: 1rem; }
  table { border-collapse: collapse; width: 100%; margin: 0.25rem 0 0.5rem; font-size: 0.9rem; }
  th, td { border-bottom: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
  td p { margin: 0; } td ul { margin: 0; padding-left: 1.1rem; }
  .status { font-weight: 600; white-space: nowrap; }
  .req { color: #cf222e; font-size: 0.75rem; } .tag { color: var(--muted); font-size: 0.75rem; border: 1px solid var(--line); border-radius: 3px; padding: 0 0.3rem; }
  nav ul { list-style: none; padding-left: 1rem; } nav > ul { padding-left: 0; } nav li { margin: 0.1rem 0; }
</style>
</head>
<body>
<main>
<h1>${escape(document.info.title)} <span class="muted">${escape(document.info.version)}</span></h1>
<p class="muted">OpenAPI ${escape(document.openapi)} · <a href="openapi.json">openapi.json</a> · <a href="openapi.yaml">openapi.yaml</a> · ${documentOperations.length} operations</p>
${prose(document.info.description)}
<nav><h2>Operations</h2><ul>${toc}</ul></nav>
${groups.map(g => `<h2 id="tag-${escape(g.tag.replace(/\s+/g, '-'))}">${escape(g.tag)}</h2>${prose(g.description)}${g.ops.map(renderOperation).join('\n')}`).join('\n')}
<h2>Schemas</h2>
<p class="muted">${schemas.map(s => `<code>${escape(s)}</code>`).join(' ')}</p>
</main>
</body>
</html>
`
}
