/** The document, served: JSON, YAML, and a readable reference page that loads nothing from elsewhere. */
import t from 'tap'
import { parse } from 'yaml'
import { document, documentOperations } from '../../src/openapi.js'
import { build } from '../helper.js'

t.test('GET /__mock/openapi.json and /__mock/openapi.yaml', async t => {
  const h = await build(t)
  const json = await h.app.inject({ url: '/__mock/openapi.json', headers: { host: '127.0.0.1:9000' } })
  t.equal(json.statusCode, 200)
  t.match(json.headers['content-type'], /^application\/json/)
  const served = json.json()
  t.same(served.servers, [{ url: 'http://127.0.0.1:9000', description: 'This mock' }], 'servers names the address asked')
  t.same({ ...served, servers: document.servers }, JSON.parse(JSON.stringify(document)), 'otherwise the document itself')

  const yaml = await h.app.inject('/__mock/openapi.yaml')
  t.equal(yaml.statusCode, 200)
  t.match(yaml.headers['content-type'], /^application\/yaml/)
  t.same(parse(yaml.body), JSON.parse(JSON.stringify(document)))
})

t.test('GET /__mock/docs: every operation, self-contained', async t => {
  const h = await build(t)
  const res = await h.app.inject('/__mock/docs')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.headers['content-security-policy'], /default-src 'none'/, 'the page may load nothing')
  const html = res.body
  t.match(html, /^<!doctype html>/)
  for (const op of documentOperations) {
    t.match(html, `id="${op.id}"`, `${op.id} has a section`)
    t.match(html, op.path.replace(/&/g, '&amp;'), `${op.id}: its path`)
  }
  for (const tag of document.tags ?? []) t.match(html, `>${tag.name}</h2>`, `tag ${tag.name}`)
  t.match(html, /<code>CMN-101<\/code>/, 'error codes are listed')
  t.match(html, /<code>perPage<\/code>/, 'parameters are listed')
  t.notMatch(html, /<script/i, 'no scripts')
  t.notMatch(html, /<link\b/i, 'no stylesheets from elsewhere')
  t.notMatch(html, /(src|href)\s*=\s*"(https?:)?\/\//i, 'nothing from another origin')
  t.notMatch(html, /@import|url\(/i, 'no CSS imports')
})
