/** The pieces every view uses: times on the scenario clock, status badges, actions, copy buttons. */
import type { ComponentChildren, JSX } from 'preact'
import { useState } from 'preact/hooks'
import { ApiError } from './api.js'
import { scenarioNow } from './store.js'

/** Scenario times are UTC: `2024-03-30 12:00:05`. */
export function formatTime (iso: string | number | undefined | null): string {
  if (iso === undefined || iso === null) return '—'
  const ms = typeof iso === 'number' ? iso : Date.parse(iso)
  if (Number.isNaN(ms)) return String(iso)
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')
}

export function Time ({ at }: { at: string | number | undefined | null }): JSX.Element {
  if (at === undefined || at === null) return <span>—</span>
  const iso = typeof at === 'number' ? new Date(at).toISOString() : at
  return <time dateTime={iso}>{formatTime(at)}</time>
}

/** `1 h 02 min`, `45 s`. */
export function duration (ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  if (s < 86400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`
}

/** Time left until `until` on the scenario clock, moving with it. */
export function Countdown ({ until, expired = 'expired' }: { until: string | null | undefined, expired?: string }): JSX.Element {
  if (until === null || until === undefined) return <span class='muted'>—</span>
  const left = Date.parse(until) - scenarioNow()
  if (left <= 0) return <span class='badge bad'>{expired}</span>
  return <span title={`until ${formatTime(until)} UTC`}>{duration(left)} left</span>
}

const TONE: Record<string, string> = {
  Delivered: 'good', Received: 'good', Active: 'good', delivered: 'good', ok: 'good',
  Queued: 'neutral', Sent: 'neutral', buffered: 'neutral', Unread: 'neutral',
  DeliveryFailed: 'bad', SendingFailed: 'bad', Blacklisted: 'bad', failed: 'bad', dropped: 'bad', expired: 'bad', revoked: 'bad'
}

/** A status in RingCentral's own words, with a colour that is never the only clue. */
export function Badge ({ children, tone }: { children: string, tone?: 'good' | 'bad' | 'neutral' | 'info' }): JSX.Element {
  return <span class={`badge ${tone ?? TONE[children] ?? 'neutral'}`}>{children}</span>
}

export function HttpStatus ({ status }: { status: number }): JSX.Element {
  const tone = status === 0 ? 'bad' : status < 300 ? 'good' : status < 400 ? 'info' : 'bad'
  return <Badge tone={tone}>{status === 0 ? 'fault' : String(status)}</Badge>
}

/** The error of the last action, as the control API explained it. */
export function ErrorText ({ error }: { error: unknown }): JSX.Element | null {
  if (error === undefined || error === null) return null
  const message = error instanceof Error ? error.message : String(error)
  const problems = error instanceof ApiError ? error.problems : []
  return (
    <div class='error' role='alert'>
      <p>{message}</p>
      {problems.length > 0 && <ul>{problems.map(p => <li key={`${p.path ?? ''}${p.message}`}>{p.path !== undefined && <code>{p.path}</code>} {p.message}</li>)}</ul>}
    </div>
  )
}

/** Runs an action of the control API; `busy` while it runs, its error kept for <ErrorText>. */
export function useAction (): { busy: boolean, error: unknown, run: (action: () => Promise<unknown>) => Promise<boolean>, clear: () => void } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  return {
    busy,
    error,
    clear: () => setError(undefined),
    run: async (action) => {
      setBusy(true)
      setError(undefined)
      try {
        await action()
        return true
      } catch (e) {
        setError(e)
        return false
      } finally {
        setBusy(false)
      }
    }
  }
}

/** A button that runs one control API call, and says what went wrong if it fails. */
export function ActionButton ({ label, action, kind, title }: { label: string, action: () => Promise<unknown>, kind?: 'danger' | 'primary', title?: string }): JSX.Element {
  const { busy, error, run } = useAction()
  return (
    <span class='action'>
      <button type='button' class={kind} disabled={busy} title={title} onClick={() => { void run(action) }}>{label}</button>
      {error !== undefined && <ErrorText error={error} />}
    </span>
  )
}

/** Copies text (fetched on demand, so secrets are not in the page until asked for). */
export function CopyButton ({ label = 'Copy', text, what }: { label?: string, text: string | (() => Promise<string>), what: string }): JSX.Element {
  const [state, setState] = useState<'idle' | 'copied' | 'shown'>('idle')
  const [shown, setShown] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const copy = async (): Promise<void> => {
    setError(undefined)
    try {
      const value = typeof text === 'string' ? text : await text()
      try {
        await navigator.clipboard.writeText(value)
        setState('copied')
      } catch {
        // No clipboard (a page not served from localhost or HTTPS): show it to copy by hand.
        setShown(value)
        setState('shown')
      }
    } catch (e) {
      setError(e)
    }
  }
  return (
    <span class='action'>
      <button type='button' onClick={() => { void copy() }} aria-label={`${label} ${what}`}>{state === 'copied' ? 'Copied' : label}</button>
      {state === 'shown' && <textarea class='copy-out' readOnly aria-label={what} value={shown} onFocus={e => (e.currentTarget as HTMLTextAreaElement).select()} />}
      {error !== undefined && <ErrorText error={error} />}
    </span>
  )
}

export function Section ({ title, id, children, actions }: { title: string, id?: string, children: ComponentChildren, actions?: ComponentChildren }): JSX.Element {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`
  return (
    <section aria-labelledby={headingId}>
      <div class='section-head'>
        <h2 id={headingId}>{title}</h2>
        {actions !== undefined && <div class='section-actions'>{actions}</div>}
      </div>
      {children}
    </section>
  )
}

/** A table that scrolls sideways on its own on a narrow screen (the page never does). */
export function Table ({ label, head, children, empty }: { label: string, head: string[], children: ComponentChildren, empty?: string }): JSX.Element {
  const rows = Array.isArray(children) ? children.flat().filter(Boolean) : children ? [children] : []
  if (rows.length === 0 && empty !== undefined) return <p class='empty'>{empty}</p>
  return (
    <div class='table-wrap' tabIndex={0} role='region' aria-label={label}>
      <table aria-label={label}>
        <thead><tr>{head.map(h => <th key={h} scope='col'>{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}

export function Code ({ children }: { children: string }): JSX.Element {
  return <code>{children}</code>
}

/** A labelled form field; `id` ties the label to the control. */
export function Field ({ label, id, children, hint }: { label: string, id: string, children: ComponentChildren, hint?: string }): JSX.Element {
  return (
    <div class='field'>
      <label for={id}>{label}</label>
      {children}
      {hint !== undefined && <small id={`${id}-hint`} class='hint'>{hint}</small>}
    </div>
  )
}

/** The grant's wire value, with a short name. */
export const GRANT_NAMES: Record<string, string> = {
  password: 'password',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'JWT',
  refresh_token: 'refresh',
  authorization_code: 'authorization code'
}

export function Grant ({ grant }: { grant: string }): JSX.Element {
  return <span title={grant}>{GRANT_NAMES[grant] ?? grant}</span>
}

/** Pretty JSON when the text is JSON, else the text. */
export function pretty (text: string | undefined): string {
  if (text === undefined) return ''
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

export const short = (id: string, n = 8): string => id.length > n + 1 ? `${id.slice(0, n)}…` : id
