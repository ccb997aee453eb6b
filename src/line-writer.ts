/**
 * Lines written in batches: each line is queued, and everything queued in one turn of the event
 * loop goes out in one `write` (a request log line per request would otherwise cost a write and
 * the stream's machinery per request). `flush()` writes what is queued now (on close).
 */
export interface LineWriter {
  line (text: string): void
  flush (): void
}

export function lineWriter (write: (text: string) => void): LineWriter {
  let pending = ''
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (pending === '') return
    const text = pending
    pending = ''
    write(text)
  }
  return {
    line (text) {
      pending += text
      // Bounded: a burst never holds more than about 64 KiB before it is written.
      if (pending.length > 65536) flush()
      else if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush
  }
}
