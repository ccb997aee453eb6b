/**
 * What `npm run build` parses ahead of time (scripts/prebuild.mjs), so that a start does not have
 * to: the OpenAPI document and the shipped scenarios, as JSON files in dist/prebuilt/ named by a
 * hash of the text each was parsed from. One is used only when its text is what the package has
 * now (a file edited since the last build is parsed as before); a missing one costs nothing but
 * the work it would have saved.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { packageFile } from './paths.js'

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Where the build writes what it parsed from `text`. */
export const prebuiltFile = (text: string): URL => packageFile(`dist/prebuilt/${textHash(text)}.json`)

/** Where the build records that what it parsed from `text` passed the scenario schema. */
export const prebuiltCheckFile = (text: string): URL => packageFile(`dist/prebuilt/${textHash(text)}.checked`)

/**
 * Whether the build found what `text` parses to valid under the scenario schema whose text hashes
 * to `schemaHash` (the schema the package has now: an edited schema checks everything again).
 */
export function prebuiltValid (text: string, schemaHash: string): boolean {
  try {
    return readFileSync(prebuiltCheckFile(text), 'utf8') === schemaHash
  } catch {
    return false
  }
}

/** What `text` parses to, if the build parsed exactly this text (a fresh object every time). */
export function prebuiltParse (text: string): unknown {
  try {
    return JSON.parse(readFileSync(prebuiltFile(text), 'utf8')) as unknown
  } catch {
    return undefined
  }
}

/** Where the build writes the route schemas it made from the OpenAPI document `text` (src/openapi.ts). */
export const prebuiltRoutesFile = (text: string): URL => packageFile(`dist/prebuilt/${textHash(text)}.routes.json`)

/** The route schemas the build made from exactly this document text, by operation id. */
export function prebuiltRouteSchemas (text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(prebuiltRoutesFile(text), 'utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}
