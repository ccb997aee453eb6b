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

/**
 * Buffers to write a given value into, one per expected length (the scenario's secrets have few),
 * made once: this runs twice on every password login. Zeroed after each comparison, so a given
 * value does not stay in memory.
 */
const scratch = new Map<number, Buffer>()

function scratchOf (size: number): Buffer {
  let buffer = scratch.get(size)
  if (buffer === undefined) {
    if (scratch.size >= 64) scratch.clear()
    buffer = Buffer.alloc(size)
    scratch.set(size, buffer)
  }
  return buffer
}

/** What an empty expected value is compared with (one byte, so that case takes the same path). */
const EMPTY = Buffer.alloc(1)

/** Whether `given` equals `expected`, in time that depends on neither. */
export function secretEquals (given: string, expected: string): boolean {
  const want = bytesOf(expected)
  // An empty expected value still compares one byte, so that case takes the same path.
  const size = Math.max(want.length, 1)
  const got = scratchOf(size)
  const written = got.write(given, 'utf8')
  const sameLength = written === want.length && Buffer.byteLength(given, 'utf8') === want.length
  const sameBytes = timingSafeEqual(got, want.length === size ? want : EMPTY)
  got.fill(0)
  return sameBytes && sameLength
}
