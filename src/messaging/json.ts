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

export function stringifyExact (value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => typeof v === 'bigint' ? `${marker}${v}` : v).replace(pattern, '$1')
}
