/**
 * Reading `application/x-www-form-urlencoded` bodies the way RingCentral's OAuth endpoints do:
 * a repeated parameter is refused (OAU-111), and empty values count as absent.
 */
import type { FastifyRequest } from 'fastify'
import { clip, rc } from '../errors.js'

export type Form = Readonly<Record<string, string | undefined>>

export function readForm (request: FastifyRequest): Form {
  const type = request.headers['content-type']
  const body = request.body
  if (body === undefined || body === null || body === '') return {}
  if (type === undefined || !/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw rc('CMN-415', {
      message: `Unsupported Media Type: send the parameters as application/x-www-form-urlencoded (got ${type !== undefined ? clip(type, 100) : 'no Content-Type'})`,
      oauthError: 'invalid_request'
    })
  }
  const form: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw rc('OAU-111', { parameterName: name })
    const text = typeof value === 'string' ? value : String(value)
    form[name] = text === '' ? undefined : text
  }
  return form
}

/** A required form parameter, or CMN-100 naming it. */
export function required (form: Form, name: string): string {
  const value = form[name]
  if (value === undefined) throw rc('CMN-100', { parameterName: name })
  return value
}
