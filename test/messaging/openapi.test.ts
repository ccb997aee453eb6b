/**
 * The messaging responses checked against RingCentral's own OpenAPI schemas (the shared spec copy
 * beside the repository): every field must validate, and no field may be one the schema lacks.
 */
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { parse } from 'yaml'
import { build, type Harness } from '../helper.js'

const specPath = fileURLToPath(new URL('../../../shared/ringcentral-openapi/rc-public-openapi.yml', import.meta.url))

type Schema = Record<string, any>

t.test('responses validate against rc-public-openapi.yml', { skip: existsSync(specPath) ? false : `no spec at ${specPath}` }, async t => {
  const spec = parse(readFileSync(specPath, 'utf8')) as { components: { schemas: Record<string, Schema> } }
  const schemas = spec.components.schemas
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  for (const f of ['int32', 'int64', 'double', 'float', 'binary', 'byte']) ajv.addFormat(f, true)
  ajv.addSchema({ $id: 'rc', components: spec.components })

  const deref = (s: Schema): Schema => s.$ref ? deref(schemas[s.$ref.split('/').pop()]!) : s
  /** Keys the schema does not declare, as paths (the spec rarely says additionalProperties: false). */
  function undeclared (schema: Schema, value: unknown, path: string): string[] {
    const s = deref(schema)
    if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => undeclared(s.items, v, `${path}[${i}]`)) : []
    if (value === null || typeof value !== 'object') return []
    const props: Record<string, Schema> = {}
    for (const part of [s, ...(s.allOf ?? []).map(deref)]) Object.assign(props, part.properties)
    if (Object.keys(props).length === 0) return []
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      props[k] ? undeclared(props[k], v, `${path}.${k}`) : [`${path}.${k}`])
  }
  const conforms = (name: string, body: unknown, what: string, exact = true) => {
    const validate = ajv.getSchema(`rc#/components/schemas/${name}`)
    if (!validate) throw new Error(`no schema ${name}`)
    t.ok(validate(body), `${what} validates as ${name}`, { errors: validate.errors })
    if (exact) t.same(undeclared(schemas[name]!, body, what), [], `${what}: every field is one ${name} declares`)
  }

  const h: Harness = await build(t, s => {
    s.messaging = { recipients: [{ phoneNumber: '+15550001111', outcome: 'DeliveryFailed' }] }
    s.accounts[0]!.extensions[0]!.phoneNumbers!.push({ phoneNumber: '+16505550110', label: 'Reminders', features: ['CallerId', 'SmsSender', 'MmsSender'] })
  })
  const { access_token: token } = await h.login('ada-jwt')
  const sent = await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=B' },
    payload: `--B\r\nContent-Disposition: form-data; name="request.json"; filename="request.json"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ from: { phoneNumber: '+16505550110' }, to: [{ phoneNumber: '+15550001111' }], text: 'x' })}\r\n--B\r\nContent-Disposition: form-data; name="attachments"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--B--\r\n`
  })
  t.equal(sent.statusCode, 200)
  conforms('GetSMSMessageInfoResponse', sent.json(), 'POST /sms')
  h.advance(10)
  const read = await h.api(new URL(sent.json().uri).pathname, token)
  t.equal(read.json().messageStatus, 'DeliveryFailed')
  conforms('GetMessageInfoResponse', read.json(), 'GET /message-store/{id}')
  await h.app.inject({
    method: 'POST',
    url: '/restapi/v1.0/account/~/extension/~/sms',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ from: { phoneNumber: '+16505550100' }, to: [{ phoneNumber: '+16505550199' }], text: 'y' })
  })
  h.advance(10)
  conforms('GetMessageList', (await h.api('/restapi/v1.0/account/~/extension/~/message-store?perPage=1&page=2', token)).json(), 'GET /message-store')
  conforms('GetExtensionPhoneNumbersResponse', (await h.api('/restapi/v1.0/account/~/extension/~/phone-number?perPage=1&page=2', token)).json(), 'GET /phone-number')
  const error = await h.api('/restapi/v1.0/account/~/extension/~/message-store/1', token)
  // The spec models only errors[]; real bodies also hoist the first error (reference §2.2b).
  conforms('ApiErrorResponseModel', error.json(), 'a 404', false)
})
