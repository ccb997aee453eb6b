/**
 * `NonEnumeratedPagingModel` (RingCentral's token paging for High Volume SMS and consents): an
 * opaque `pageToken` per page, `firstPageToken` always, `nextPageToken` when there is a next page.
 * The mock's tokens are positions in a newest-first walk (so a page costs its own length, not the
 * whole list); `previousPageToken` is not given ("the result set does not support backward
 * navigation", as the model allows).
 */
import { rc } from '../errors.js'

/** The token of the first page. */
export const FIRST = 'F'

export const encodeToken = (position: string): string => Buffer.from(`${position}`, 'utf8').toString('base64')

/** A token's position, or 400 CMN-101 [pageToken]. */
export function decodeToken (token: string | undefined, dialect: 'asg' | 'v2', pattern: RegExp): string {
  if (token === undefined || token === '') return FIRST
  const text = /^[A-Za-z0-9+/=_-]{1,200}$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : ''
  if (text !== FIRST && !pattern.test(text)) throw rc('CMN-101', { parameterName: 'pageToken', ...(dialect === 'v2' ? { parameterValue: token } : {}) })
  return text
}

export interface TokenPage<T> {
  records: T[]
  paging: { perPage: number, pageToken: string, firstPageToken: string, nextPageToken?: string }
}

/** The paging object for a page that started at `position` and has a next page at `next`. */
export function pagingOf (perPage: number, position: string, next: string | undefined): TokenPage<never>['paging'] {
  return {
    perPage,
    pageToken: encodeToken(position),
    firstPageToken: encodeToken(FIRST),
    ...(next !== undefined ? { nextPageToken: encodeToken(next) } : {})
  }
}

/** A page of an in-memory list by offset tokens (`O:offset`), for the lists that are small (consents). */
export function offsetPage<T> (list: readonly T[], token: string | undefined, perPage: number, dialect: 'asg' | 'v2'): TokenPage<T> {
  const position = decodeToken(token, dialect, /^O:\d{1,9}$/)
  const offset = position === FIRST ? 0 : Number(position.slice(2))
  const records = list.slice(offset, offset + perPage)
  const next = offset + perPage < list.length ? `O:${offset + perPage}` : undefined
  return { records, paging: pagingOf(perPage, position, next) }
}
