/**
 * Type tests for the public API, checked by `tsc -p test/tsconfig.json` (part of `npm test`): each
 * `@ts-expect-error` line must fail to compile, or the check fails; the `Equal` assertions must hold.
 * Nothing here runs.
 */
import type { JournalEntry, MockSessionRecord, OutboxMessageRecord, RuleRecord, RuleSpec } from '../../src/index.js'
import { startMockServer } from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assert = <T extends true>(_: T): void => {}

export async function typeChecks (): Promise<void> {
  const mock = await startMockServer({ scenario: 'msg-304' })

  // Typed results: the outbox, sessions, rules and journal.
  assert<Equal<ReturnType<typeof mock.messages.list>, OutboxMessageRecord[]>>(true)
  assert<Equal<ReturnType<typeof mock.sessions.list>, MockSessionRecord[]>>(true)
  assert<Equal<ReturnType<typeof mock.rules.list>, RuleRecord[]>>(true)
  assert<Equal<ReturnType<typeof mock.requests.list>, JournalEntry[]>>(true)
  const [message] = mock.messages.list()
  if (message) {
    assert<Equal<typeof message.messageStatus, 'Queued' | 'Sent' | 'Delivered' | 'DeliveryFailed' | 'SendingFailed' | 'Received'>>(true)
    // @ts-expect-error a misspelt field of an outbox record
    void message.mesageStatus
  }
  const [session] = mock.sessions.list()
  if (session) assert<Equal<typeof session.lastRefreshAt, string | null>>(true)

  // RuleSpec: operation and error are unions of the known values.
  const good: RuleSpec = { id: 'ok', when: { operation: 'createSMSMessage' }, respond: { error: 'MSG-304' } }
  mock.rules.add(good)
  // @ts-expect-error a misspelt operation does not compile
  mock.rules.add({ id: 'typo', when: { operation: 'createSmsMessage' }, respond: { error: 'MSG-304' } })
  // @ts-expect-error an unknown error code does not compile
  mock.rules.add({ id: 'typo', when: { operation: 'createSMSMessage' }, respond: { error: 'MSG-3O4' } })

  // The journal's filters are typed too.
  mock.requests.list({ errorCode: 'MSG-304', operation: 'createSMSMessage', status: 403, since: new Date() })
  // @ts-expect-error a misspelt operation in a filter
  mock.requests.list({ operation: 'readExtensoin' })
  // @ts-expect-error an unknown filter
  mock.requests.list({ colour: 'red' })

  // The clock takes ISO text, a Date or epoch ms, and nothing else.
  mock.clock.set('2024-04-01T00:00:00Z')
  mock.clock.set(new Date())
  mock.clock.set(0, { allowBackwards: true })
  // @ts-expect-error an object is not a time
  mock.clock.set({ iso: '2024-04-01T00:00:00Z' })
  // @ts-expect-error advance takes seconds as a number
  mock.clock.advance('60')
  assert<Equal<ReturnType<typeof mock.clock.now>, number>>(true)
  await mock.close()
}
