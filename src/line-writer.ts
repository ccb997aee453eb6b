/**
 * Lines written in batches: each line is queued, and what is queued goes out in one `write` at
 * most `maxDelayMs` after its first line (20 ms), or as soon as it passes 64 KiB. A request log
 * line per request would otherwise cost a write, and the reader of the pipe a wake-up, per request:
 * under load that was a fifth of the server's time per request (docs/performance.md). `flush()`
 * writes what is queued now (on close).
 *
 * The delay is real time, not the scenario's clock: it is how output is buffered, not anything
 * the mock models, and a frozen scenario clock must not hold the log back.
 */
export interface LineWriter {
  line (text: string): void
  flush (): void
}

export interface LineWriterOptions {
  /** How long a line may wait for others before it is written (ms, real time). */
  maxDelayMs?: number
  /** Runs `flush` after `ms` (tests pass their own); the default is an unref'd `setTimeout`. */
  schedule?: (flush: () => void, ms: number) => void
}

/** A batch is written once it passes this many characters, without waiting for the delay. */
export const LINE_WRITER_BURST = 65536

const unrefTimeout = (flush: () => void, ms: number): void => {
  setTimeout(flush, ms).unref()
}

export function lineWriter (write: (text: string) => void, options: LineWriterOptions = {}): LineWriter {
  const maxDelayMs = options.maxDelayMs ?? 20
  const schedule = options.schedule ?? unrefTimeout
  let pending = ''
  // A generation count, so that a scheduled flush that finds its batch already written (by a
  // burst or by flush()) does not write the next batch early.
  let batch = 0
  let scheduled = false
  const flush = (): void => {
    batch++
    scheduled = false
    if (pending === '') return
    const text = pending
    pending = ''
    write(text)
  }
  return {
    line (text) {
      pending += text
      if (pending.length > LINE_WRITER_BURST) flush()
      else if (!scheduled) {
        scheduled = true
        const mine = batch
        schedule(() => { if (batch === mine) flush() }, maxDelayMs)
      }
    },
    flush
  }
}
