/** The request log's writer: lines batched into one write, in order, nothing lost, bounded bursts. */
import t from 'tap'
import { LINE_WRITER_BURST, lineWriter } from '../../src/line-writer.js'

/** A schedule the test runs by hand: what the writer asked for, and when (ms). */
function manual (): { schedule: (flush: () => void, ms: number) => void, pending: Array<{ flush: () => void, ms: number }>, run: () => void } {
  const pending: Array<{ flush: () => void, ms: number }> = []
  return {
    schedule: (flush, ms) => { pending.push({ flush, ms }) },
    pending,
    run: () => { for (const { flush } of pending.splice(0)) flush() }
  }
}

t.test('lines wait for the delay and go out in one write, in order', async t => {
  const writes: string[] = []
  const clock = manual()
  const log = lineWriter(text => writes.push(text), { maxDelayMs: 20, schedule: clock.schedule })
  log.line('a\n')
  log.line('b\n')
  log.line('c\n')
  t.same(writes, [], 'nothing written before the delay')
  t.same(clock.pending.map(p => p.ms), [20], 'one flush scheduled for the batch, after the delay')
  clock.run()
  t.same(writes, ['a\nb\nc\n'], 'one write, every line in order')
  log.line('d\n')
  t.equal(clock.pending.length, 1, 'the next line starts the next batch')
  clock.run()
  t.same(writes, ['a\nb\nc\n', 'd\n'])
})

t.test('flush() writes now, and the batch\'s own flush then writes nothing early', async t => {
  const writes: string[] = []
  const clock = manual()
  const log = lineWriter(text => writes.push(text), { schedule: clock.schedule })
  log.line('a\n')
  log.flush()
  t.same(writes, ['a\n'], 'flush writes what is queued')
  log.line('b\n')
  t.equal(clock.pending.length, 2, 'the new line has a flush of its own')
  const [stale, fresh] = clock.pending.splice(0)
  stale!.flush()
  t.same(writes, ['a\n'], 'the flush of the batch already written does not write the next one before its delay')
  fresh!.flush()
  t.same(writes, ['a\n', 'b\n'])
  log.flush()
  t.same(writes, ['a\n', 'b\n'], 'and nothing twice')
})

t.test('a burst is written once it passes 64 KiB, without waiting for the delay', async t => {
  const writes: string[] = []
  const clock = manual()
  const log = lineWriter(text => writes.push(text), { schedule: clock.schedule })
  const line = `${'x'.repeat(99)}\n`
  for (let i = 0; i < 1000; i++) log.line(line)
  t.ok(writes.length >= 1, 'written during the burst')
  t.ok(writes.every(w => w.length <= LINE_WRITER_BURST + line.length), 'each write bounded')
  clock.run()
  t.equal(writes.join(''), line.repeat(1000), 'every line, in order, once')
})

t.test('by default the batch is written after a real-time timer that does not hold the process open', async t => {
  const writes: string[] = []
  const log = lineWriter(text => writes.push(text), { maxDelayMs: 0 })
  log.line('a\n')
  t.same(writes, [])
  // A timer set after the writer's, with the same delay, runs after it.
  await new Promise(resolve => setTimeout(resolve, 0))
  t.same(writes, ['a\n'], 'written once the (zero-delay) timer ran')
})
