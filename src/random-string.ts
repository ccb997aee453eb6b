/**
 * Random strings over an alphabet, for tokens and ids: every character uniformly and independently
 * drawn from the alphabet with a CSPRNG (bytes at or above the largest multiple of the alphabet's
 * length are skipped, so `byte % length` has no bias), which is nanoid's `customAlphabet`.
 *
 * It is on the path of every login (four strings per session), so it is built for speed: the
 * random bytes come from one pooled buffer refilled with `randomFillSync`, each byte is mapped
 * through a 256-entry table (no division per character; 0 marks a skipped byte), and the string is
 * made in one step from a byte buffer (docs/performance.md).
 */
import { randomFillSync } from 'node:crypto'

const pool = Buffer.allocUnsafe(16 * 1024)
let offset = pool.length

/** A generator of `size`-character strings over `alphabet` (1-256 distinct printable ASCII characters). */
export function randomString (alphabet: string, size: number): () => string {
  const codes = Buffer.from(alphabet, 'latin1')
  if (codes.length === 0 || codes.length > 256 || /[^\x20-\x7e]/.test(alphabet) || new Set(alphabet).size !== alphabet.length) {
    throw new RangeError('alphabet must be 1-256 distinct printable ASCII characters')
  }
  if (!Number.isInteger(size) || size < 1 || size > 1024) throw new RangeError('size must be an integer 1-1024')
  const cutoff = 256 - (256 % codes.length)
  const table = new Uint8Array(256)
  for (let byte = 0; byte < cutoff; byte++) table[byte] = codes[byte % codes.length] as number
  const out = Buffer.allocUnsafe(size)
  return () => generate(table, out, size)
}

/**
 * One string. A plain function over its arguments and locals (the pool position is read once and
 * written back once), so that it stays fast however many generators share it.
 */
function generate (table: Uint8Array, out: Buffer, size: number): string {
  let at = offset
  let i = 0
  while (i < size) {
    if (at === pool.length) {
      randomFillSync(pool)
      at = 0
    }
    const code = table[pool[at++] as number] as number
    if (code !== 0) out[i++] = code
  }
  offset = at
  return out.toString('latin1', 0, size)
}
