/**
 * Errors of the control API (`/__mock/*`) and of `startMockServer()`'s methods: never RingCentral
 * errors. Over HTTP they render as `{ "error": "...", "message": "...", "problems"?: [...] }` with
 * their status; the JavaScript API throws them as they are, so a script and a test see the same
 * message.
 */
import type { ScenarioProblem } from '../scenario/load.js'

export type ControlErrorKind =
  | 'bad_request' | 'not_found' | 'conflict' | 'clock_backwards' | 'payload_too_large' | 'unsupported_media_type'
  | 'forbidden' | 'unauthorized' | 'internal_error'

export class ControlError extends Error {
  readonly status: number
  readonly error: ControlErrorKind
  readonly problems: ScenarioProblem[] | undefined

  constructor (status: number, error: ControlErrorKind, message: string, problems?: ScenarioProblem[]) {
    super(message.length > 2000 ? `${message.slice(0, 2000)}…` : message)
    this.name = 'ControlError'
    this.status = status
    this.error = error
    this.problems = problems
  }

  body (): Record<string, unknown> {
    return { error: this.error, message: this.message, ...(this.problems ? { problems: this.problems } : {}) }
  }
}

export const badRequest = (message: string, problems?: ScenarioProblem[]): ControlError => new ControlError(400, 'bad_request', message, problems)
export const notFound = (what: string): ControlError => new ControlError(404, 'not_found', `${what} not found`)
export const conflict = (message: string): ControlError => new ControlError(409, 'conflict', message)
