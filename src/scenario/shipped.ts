/**
 * The scenarios shipped with the package (`scenarios/*.yaml`), reachable by name from anywhere:
 * `--scenario msg-304` and `startMockServer({ scenario: 'msg-304' })` load the shipped file
 * whatever the working directory.
 *
 * A path still means a path: when the value names a file that exists (relative to the working
 * directory, or absolute), that file is loaded, even if a shipped scenario has the same name.
 * Only otherwise is a bare name (`msg-304`, or `msg-304.yaml`) looked up among the shipped ones.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { packageFile } from '../paths.js'

export const shippedScenarioDir = fileURLToPath(packageFile('scenarios/'))

let names: string[] | undefined

/** The shipped scenarios' names, sorted. */
export function shippedScenarioNames (): string[] {
  names ??= readdirSync(shippedScenarioDir).filter(f => f.endsWith('.yaml')).map(f => f.slice(0, -'.yaml'.length)).sort()
  return [...names]
}

/** The file of a shipped scenario (whether or not it exists). */
export const shippedScenarioPath = (name: string): string => resolve(shippedScenarioDir, `${name}.yaml`)

const BARE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** The file a `--scenario` value means: an existing file, else a shipped scenario of that name, else the value. */
export function resolveScenarioRef (ref: string, cwd = process.cwd()): string {
  const asPath = resolve(cwd, ref)
  if (existsSync(asPath) && statSync(asPath).isFile()) return ref
  if (!BARE_NAME.test(ref)) return ref
  const name = ref.replace(/\.ya?ml$/i, '')
  return shippedScenarioNames().includes(name) ? shippedScenarioPath(name) : ref
}
