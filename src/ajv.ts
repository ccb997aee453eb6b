/**
 * Ajv and ajv-formats, loaded when a schema is first compiled (both are CommonJS, so `require`
 * loads them synchronously): a start that validates nothing yet does not load them at all.
 */
import { createRequire } from 'node:module'
import type { Ajv } from 'ajv'

export function loadAjv (): { Ajv: typeof import('ajv').Ajv, addFormats: (ajv: Ajv) => Ajv } {
  const require = createRequire(import.meta.url)
  const { Ajv } = require('ajv') as typeof import('ajv')
  // ajv-formats' CommonJS module exports the function as `default` (and as the module itself).
  const formats = require('ajv-formats') as { default?: (ajv: Ajv) => Ajv } & ((ajv: Ajv) => Ajv)
  return { Ajv, addFormats: formats.default ?? formats }
}
