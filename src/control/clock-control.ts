/**
 * Moving the scenario clock, as `POST /__mock/clock` and `mock.clock` both do it: one set of
 * checks and messages. A move is validated completely before anything changes, so a refused move
 * leaves the clock exactly as it was.
 *
 * The clock stays within {@link CLOCK_WINDOW_YEARS} years either side of the scenario's start (and
 * so within what a Date can hold): a test that moves it further has made a unit mistake
 * (milliseconds for seconds), and tokens, codes and messages would be born expired or never expire.
 */
import { type Clock, MAX_DATE_MS, toIso } from '../clock.js'
import { badRequest, ControlError } from './errors.js'

export const CLOCK_WINDOW_YEARS = 100
const WINDOW_MS = CLOCK_WINDOW_YEARS * 365.25 * 24 * 3600 * 1000

/** A clock instant as users give it: ISO-8601 text, a Date, or epoch milliseconds. */
export type ClockTime = string | Date | number

export interface ClockMove {
  /** Seconds to move by (negative moves back, with `allowBackwards`). */
  advanceSeconds?: unknown
  /** Where to move to. */
  set?: unknown
  /** Stop (`true`) or restart (`false`) the clock. */
  freeze?: unknown
  /** Moving back, behind tokens, codes and messages already issued, must be asked for. */
  allowBackwards?: unknown
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/i

/** Epoch ms of a ClockTime, or a 400 naming what is accepted. */
export function clockInstant (value: unknown, name = 'set'): number {
  let ms = Number.NaN
  if (typeof value === 'string' && ISO.test(value.trim())) ms = Date.parse(value.trim())
  else if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'number' && Number.isFinite(value)) ms = value
  if (Number.isNaN(ms)) {
    throw badRequest(`${name} must be an ISO-8601 date-time such as "2024-03-31T00:00:00Z", a Date or epoch milliseconds (got ${describe(value)})`)
  }
  return ms
}

function describe (value: unknown): string {
  if (value instanceof Date) return 'an invalid Date'
  if (typeof value === 'number') return String(value)
  try {
    const text = JSON.stringify(value)
    if (text !== undefined) return text.length > 60 ? `${text.slice(0, 60)}…` : text
  } catch {}
  return typeof value
}

/** The instants the clock may show: the window around the scenario's start, inside what a Date holds. */
export function clockBounds (clock: Clock): { min: number, max: number } {
  return { min: Math.max(-MAX_DATE_MS, clock.origin - WINDOW_MS), max: Math.min(MAX_DATE_MS, clock.origin + WINDOW_MS) }
}

/** Checks a move against the clock and returns the instant it leads to (undefined: no move). */
export function checkMove (clock: Clock, move: ClockMove): number | undefined {
  const { advanceSeconds, set, freeze, allowBackwards } = move
  if (advanceSeconds !== undefined && set !== undefined) throw badRequest('give advanceSeconds or set, not both')
  if (advanceSeconds === undefined && set === undefined && freeze === undefined) {
    throw badRequest('give { "advanceSeconds": N }, { "set": "<ISO-8601>" } or { "freeze": true|false }')
  }
  if (freeze !== undefined && typeof freeze !== 'boolean') throw badRequest('freeze must be true or false')
  if (allowBackwards !== undefined && typeof allowBackwards !== 'boolean') throw badRequest('allowBackwards must be true or false')
  const now = clock.now()
  let target: number | undefined
  if (advanceSeconds !== undefined) {
    if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds)) throw badRequest(`advanceSeconds must be a number of seconds (got ${describe(advanceSeconds)})`)
    target = now + advanceSeconds * 1000
  }
  if (set !== undefined) target = clockInstant(set)
  if (target === undefined) return undefined
  const { min, max } = clockBounds(clock)
  if (!(target >= min && target <= max)) {
    throw badRequest(`that moves the clock outside ${toIso(min)} .. ${toIso(max)} (${CLOCK_WINDOW_YEARS} years either side of the scenario's start, ${toIso(clock.origin)}); ` +
      (advanceSeconds !== undefined ? 'advanceSeconds is in seconds, not milliseconds' : 'check the date'))
  }
  if (target < now && allowBackwards !== true) {
    throw new ControlError(409, 'clock_backwards',
      `that moves the clock back by ${Math.round((now - target) / 1000)} s, behind tokens, codes and messages already issued; send "allowBackwards": true to do it anyway`)
  }
  return target
}

/** Validates, then applies, a move: all of it, or (when refused) none of it. */
export function moveClock (clock: Clock, move: ClockMove): void {
  const target = checkMove(clock, move)
  if (target !== undefined) clock.set(target)
  if (move.freeze === true) clock.freeze()
  if (move.freeze === false) clock.resume()
}
