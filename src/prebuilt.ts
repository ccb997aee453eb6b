/**
 * What `npm run build` makes ahead of time (scripts/prebuild.mjs), so that a start does not have
 * to, as files in dist/prebuilt/ named by a hash of the text each was made from:
 *
 *  - `HASH.json`: the OpenAPI document or a shipped scenario, parsed;
 *  - `HASH.checked`: for a shipped scenario that passed the scenario schema, that schema's hash;
 *  - `HASH.routes.json`: every operation's route schema, made from the OpenAPI document;
 *  - `HASH.signatures.json`: for the shipped signing key, the signatures of the shipped scenarios'
 *    JWT credentials, by signing input.
 *
 * One is used only when its text is what the package has now (a file edited since the last build
 * is parsed and checked as before); a missing one costs nothing but the work it would have saved.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { packageFile } from './paths.js'

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex')

export type PrebuiltKind = 'json' | 'checked' | 'routes.json' | 'signatures.json'

/** Where the build writes what it made from the text whose hash is `hash`. */
export const prebuiltPath = (hash: string, kind: PrebuiltKind): URL => packageFile(`dist/prebuilt/${hash}.${kind}`)

/** What the build made from exactly one text: read when asked for, the text hashed once. */
export interface Prebuilt {
  /** What the text parses to (a fresh object every time), if the build parsed it. */
  parsed (): unknown
  /** Whether the build found it valid under the scenario schema whose text hashes to `schemaHash`. */
  valid (schemaHash: string): boolean
  /** The route schemas the build made from this OpenAPI document, by operation id. */
  routeSchemas (): Record<string, unknown> | undefined
  /** The signatures the build made with this key file, by signing input. */
  signatures (): Record<string, unknown> | undefined
}

export function prebuiltFor (text: string): Prebuilt {
  const hash = textHash(text)
  const read = (kind: PrebuiltKind): string | undefined => {
    try {
      return readFileSync(prebuiltPath(hash, kind), 'utf8')
    } catch {
      return undefined
    }
  }
  const json = (kind: PrebuiltKind): unknown => {
    const data = read(kind)
    try {
      return data === undefined ? undefined : JSON.parse(data) as unknown
    } catch {
      return undefined
    }
  }
  return {
    parsed: () => json('json'),
    valid: schemaHash => read('checked') === schemaHash,
    routeSchemas: () => json('routes.json') as Record<string, unknown> | undefined,
    signatures: () => json('signatures.json') as Record<string, unknown> | undefined
  }
}
