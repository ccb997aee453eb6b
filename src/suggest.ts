/**
 * "Did you mean …?" for names a user typed: grant types, operationIds, error codes, filters.
 * Edit distance comes from fastest-levenshtein; known aliases (the short grant names people
 * write, such as `jwt-bearer`) are matched first.
 */
import { distance } from 'fastest-levenshtein'

const ALIASES: Readonly<Record<string, string>> = {
  jwt: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'jwt-bearer': 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  code: 'authorization_code',
  'authorization-code': 'authorization_code',
  refresh: 'refresh_token',
  'refresh-token': 'refresh_token'
}

/** The candidate `typed` most likely meant, or undefined when none is close. */
export function closest (typed: string, candidates: readonly string[]): string | undefined {
  const lower = typed.toLowerCase()
  const alias = ALIASES[lower]
  if (alias !== undefined && candidates.includes(alias)) return alias
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const c = candidate.toLowerCase()
    if (c === lower) return candidate
    const d = distance(lower, c)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  // Close enough to be a typo: a third of the longer name, at least 2 edits.
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(Math.max(lower.length, best.length) / 3))) return best
  // Or one name inside the other (`SMS` for `createSMSMessage`), when that is unambiguous.
  const inside = candidates.filter(c => lower.length >= 3 && (c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase())))
  return inside.length === 1 ? inside[0] : undefined
}

/** ` (did you mean "x"?)`, or an empty string. */
export function didYouMean (typed: string, candidates: readonly string[]): string {
  const best = closest(typed, candidates)
  return best !== undefined && best !== typed ? ` (did you mean ${JSON.stringify(best)}?)` : ''
}
