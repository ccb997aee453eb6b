/**
 * Comparing secrets (client secrets, passwords, PKCE verifiers, the control token) in constant
 * time with `crypto.timingSafeEqual`. The given value is written into a buffer of the expected
 * value's length (cut or zero-padded), so the comparison always runs over the expected length and
 * a wrong length costs the same as a wrong character: how long a refusal takes depends on neither
 * the content nor the length of the expected value. (No hashing: this runs on every login.)
 */
import { timingSafeEqual } from 'node:crypto'

/** Expected values as bytes (the scenario's secrets: few, and asked for on every login). */
const expectedBytes = new Map<string, Buffer>()

function bytesOf (text: string): Buffer {
  let known = expectedBytes.get(text)
  if (known === undefined) {
    known = Buffer.from(text, 'utf8')
    if (expectedBytes.size >= 1024) expectedBytes.clear()
    expectedBytes.set(text, known)
  }
  return known
}

/** Whether `given` equals `expected`, in time that depends on neither. */
export function secretEquals (given: string, expected: string): boolean {
  const want = bytesOf(expected)
  // An empty expected value still compares one byte, so that case takes the same path.
  const size = Math.max(want.length, 1)
  const got = Buffer.alloc(size)
  const written = got.write(given, 'utf8')
  const sameLength = written === want.length && Buffer.byteLength(given, 'utf8') === want.length
  const sameBytes = timingSafeEqual(got, want.length === size ? want : Buffer.alloc(size))
  return sameBytes && sameLength
}
