/** The request log's writer: lines of one turn in one write, in order, nothing lost, bounded bursts. */
import t from 'tap'
import { lineWriter } from '../../src/line-writer.js'

t.test('the lines of one turn of the event loop go out in one write, in order', async t => {
  const writes: string[] = []
  const log = lineWriter(text => writes.push(text))
  log.line('a\n')
  log.line('b\n')
  t.same(writes, [], 'nothing written yet: the turn is not over')
  await new Promise(resolve => setImmediate(resolve))
  t.same(writes, ['a\nb\n'])
  log.line('c\n')
  log.flush()
  t.same(writes, ['a\nb\n', 'c\n'], 'flush writes what is queued now')
  await new Promise(resolve => setImmediate(resolve))
  t.same(writes, ['a\nb\n', 'c\n'], 'and nothing twice')
})

t.test('a burst is written once it passes 64 KiB, without waiting for the turn to end', async t => {
  const writes: string[] = []
  const log = lineWriter(text => writes.push(text))
  const line = `${'x'.repeat(99)}\n`
  for (let i = 0; i < 1000; i++) log.line(line)
  t.ok(writes.length >= 1, 'written during the burst')
  t.ok(writes.every(w => w.length <= 65536 + line.length), 'each write bounded')
  await new Promise(resolve => setImmediate(resolve))
  t.equal(writes.join(''), line.repeat(1000), 'every line, in order')
})
