/**
 * Conversation ids: a hash of the account, the own number and the other numbers (in any order),
 * the same every time and after the remembered ones are forgotten.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { conversationIdOf } from '../../src/messaging/message-store.js'

const formula = (account: string, own: string, others: string[]): string => {
  const digest = createHash('sha256').update([account, own, ...[...others].sort()].join('\n')).digest()
  return (1000000000000000000n + digest.readBigUInt64BE(0) % 8000000000000000000n).toString()
}

t.test('a conversation id is the hash of its parties, however often and in whatever order it is asked for', async t => {
  const one = conversationIdOf('100200300', '+16505550100', ['+15551230000'])
  t.equal(one, formula('100200300', '+16505550100', ['+15551230000']))
  t.match(one, /^\d{19}$/)
  t.equal(conversationIdOf('100200300', '+16505550100', ['+15551230000']), one, 'the same again')
  const group = conversationIdOf('100200300', '+16505550100', ['+15551230002', '+15551230001'])
  t.equal(group, formula('100200300', '+16505550100', ['+15551230001', '+15551230002']))
  t.equal(conversationIdOf('100200300', '+16505550100', ['+15551230001', '+15551230002']), group, 'the order of the others does not matter')
  t.not(group, one)
  t.not(conversationIdOf('999', '+16505550100', ['+15551230000']), one, 'another account, another conversation')
  // Past the remembered few, every id is still the formula's.
  for (let i = 0; i < 5000; i++) conversationIdOf('1', '+1', [`+${i}`])
  t.equal(conversationIdOf('100200300', '+16505550100', ['+15551230000']), one, 'the same after the remembered ids were forgotten')
  t.equal(conversationIdOf('1', '+1', ['+4999']), formula('1', '+1', ['+4999']))
})
