/**
 * JSON with exact 64-bit integers. RingCentral sends `conversationId` as a bare 19-digit number,
 * above 2^53: `JSON.stringify` cannot write one exactly, so values given as `bigint` are written as
 * raw digits here. Clients reading it with `JSON.parse` lose precision exactly as they do against
 * RingCentral (`conversation.id` carries the exact string).
 */
import { randomUUID } from 'node:crypto'

const marker = `\u0000bigint-${randomUUID()}:`
const markerJson = JSON.stringify(marker).slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const pattern = new RegExp(`"${markerJson}(-?\\d+)"`, 'g')

/**
 * An integer to be written as raw digits by {@link stringifyExact} (a marked string until then).
 * Records built with it keep `JSON.stringify`'s fast path, which a replacer function defeats (a
 * replacer ran for every key of every record: most of an SMS answer's serialisation).
 */
export function exactInteger (digits: string | bigint): string {
  const text = String(digits)
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not an integer: ${text.slice(0, 40)}`)
  return `${marker}${text}`
}

export function stringifyExact (value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value)
  } catch (error) {
    // A bigint somewhere: the replacer writes it as {@link exactInteger} would.
    if (!(error instanceof TypeError)) throw error
    text = JSON.stringify(value, (_key, v: unknown) => typeof v === 'bigint' ? `${marker}${v}` : v)
  }
  return text.includes('bigint-') ? text.replace(pattern, '$1') : text
}
