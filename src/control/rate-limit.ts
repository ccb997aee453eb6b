/**
 * RingCentral's user-level rate limits (developers.ringcentral.com/guide/basics/rate-limits):
 * requests per user, app and throttling group over a sliding window; past the limit every request
 * gets 429 CMN-301 for a penalty interval, which each new request resets.
 * Counting is lazy against the scenario clock: no timers.
 */
import type { ThrottlingGroup } from '../operations.js'

export interface RateLimitPolicy {
  enabled: boolean
  limits: Record<ThrottlingGroup, number>
  windowSeconds: number
  penaltySeconds: number
}

export const DEFAULT_LIMITS: Record<ThrottlingGroup, number> = { Light: 50, Medium: 40, Heavy: 10, Auth: 5 }

export interface RateLimitVerdict {
  group: ThrottlingGroup
  limit: number
  remaining: number
  windowSeconds: number
  /** Seconds until the penalty ends, when the request is refused. */
  retryAfter?: number
}

interface Bucket {
  hits: number[]
  blockedUntil: number
}

export class RateLimiter {
  readonly policy: RateLimitPolicy
  readonly #buckets = new Map<string, Bucket>()

  constructor (policy: RateLimitPolicy) {
    this.policy = policy
  }

  /** Counts one request of `key` in `group` at `now` and says whether it may go on. */
  hit (key: string, group: ThrottlingGroup, now: number): RateLimitVerdict {
    const limit = this.policy.limits[group]
    const windowMs = this.policy.windowSeconds * 1000
    const id = `${group}\u0000${key}`
    let bucket = this.#buckets.get(id)
    if (!bucket) {
      bucket = { hits: [], blockedUntil: 0 }
      this.#buckets.set(id, bucket)
    }
    const base = { group, limit, windowSeconds: this.policy.windowSeconds }
    if (now < bucket.blockedUntil) {
      // "With each new request the penalty interval is reset."
      bucket.blockedUntil = now + this.policy.penaltySeconds * 1000
      return { ...base, remaining: 0, retryAfter: this.policy.penaltySeconds }
    }
    while (bucket.hits.length > 0 && (bucket.hits[0] ?? 0) <= now - windowMs) bucket.hits.shift()
    if (bucket.hits.length >= limit) {
      bucket.blockedUntil = now + this.policy.penaltySeconds * 1000
      bucket.hits = []
      return { ...base, remaining: 0, retryAfter: this.policy.penaltySeconds }
    }
    bucket.hits.push(now)
    return { ...base, remaining: limit - bucket.hits.length }
  }

  clear (): void {
    this.#buckets.clear()
  }
}
