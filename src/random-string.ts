/**
 * Random strings over an alphabet, for tokens and ids: every character uniformly and independently
 * drawn from the alphabet with a CSPRNG (bytes at or above the largest multiple of the alphabet's
 * length are skipped, so `byte % length` has no bias), which is nanoid's `customAlphabet`.
 *
 * It draws from one pooled buffer refilled with `randomFillSync` and builds each string in one
 * step; `customAlphabet` refills a small pool through WebCrypto and concatenates one character at a
 * time. Token issuance calls it four times per login (docs/performance.md).
 */
import { randomFillSync } from 'node:crypto'

const pool = Buffer.allocUnsafe(16 * 1024)
let offset = pool.length

/** A generator of `size`-character strings over `alphabet` (at most 256 distinct ASCII characters). */
export function randomString (alphabet: string, size: number): () => string {
  const codes = Buffer.from(alphabet, 'latin1')
  if (codes.length === 0 || codes.length > 256 || /[^\x20-\x7e]/.test(alphabet) || new Set(alphabet).size !== alphabet.length) {
    throw new RangeError('alphabet must be 1-256 distinct printable ASCII characters')
  }
  const length = codes.length
  const cutoff = 256 - (256 % length)
  const out = Buffer.allocUnsafe(size)
  return () => {
    let i = 0
    while (i < size) {
      if (offset === pool.length) {
        randomFillSync(pool)
        offset = 0
      }
      const byte = pool[offset++] as number
      if (byte < cutoff) out[i++] = codes[byte % length] as number
    }
    return out.toString('latin1', 0, size)
  }
}
