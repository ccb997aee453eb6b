/**
 * Comparing secrets (client secrets, passwords, PKCE verifiers, the control token) in constant
 * time: both sides are hashed to equal-length SHA-256 digests and compared with
 * `crypto.timingSafeEqual`, so neither the content nor the length of the expected value shows in
 * how long a refusal takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/** Digests of expected values (the scenario's secrets: few, and asked for on every login). */
const expectedDigests = new Map<string, Buffer>()

function expectedDigest (text: string): Buffer {
  let known = expectedDigests.get(text)
  if (known === undefined) {
    known = digest(text)
    if (expectedDigests.size >= 1024) expectedDigests.clear()
    expectedDigests.set(text, known)
  }
  return known
}

/** Whether `given` equals `expected`, in time that depends on neither. */
export function secretEquals (given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), expectedDigest(expected))
}
