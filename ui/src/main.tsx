/**
 * The dashboard of ringcentral-mock at /__mock/ui: the world, sessions, messages, High Volume SMS
 * and consent, events, the journal, rules and the clock, live. Every control on it is one call of
 * the control API.
 */
import { render, type JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { signal } from '@preact/signals'
import { needsToken, setControlToken, tokenWorks } from './api.js'
import { a2pBatches, connect, connection, deliveries, journal, messages, notice, rules, sessions, subscriptions, world } from './store.js'
import { A2PView } from './views/a2p.js'
import { Clock } from './views/clock.js'
import { EventsView } from './views/events.js'
import { JournalEntryView, JournalView } from './views/journal.js'
import { MessagesView } from './views/messages.js'
import { CallbackView, OAuthView } from './views/oauth.js'
import { RulesView } from './views/rules.js'
import { SessionsView } from './views/sessions.js'
import { WorldView } from './views/world.js'
import './styles.css'

/** `#/journal/17?x=1` → { path: ['journal', '17'], query } */
function parseHash (): { path: string[], query: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '')
  const [path = '', query = ''] = raw.split('?', 2)
  return { path: path.split('/').filter(Boolean), query: new URLSearchParams(query) }
}

/** A part of the path as it was before it went into the link. */
function decodePart (part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

const route = signal(parseHash())
addEventListener('hashchange', () => {
  route.value = parseHash()
  document.getElementById('main')?.focus()
})

const VIEWS: Array<{ id: string, label: string, count?: () => number }> = [
  { id: 'world', label: 'World' },
  { id: 'sessions', label: 'Sessions', count: () => sessions.value.length },
  { id: 'messages', label: 'Messages', count: () => messages.value.length },
  { id: 'a2p', label: 'High Volume SMS', count: () => a2pBatches.value.records.length },
  { id: 'events', label: 'Events', count: () => subscriptions.value.length + deliveries.value.length },
  { id: 'journal', label: 'Journal', count: () => journal.value.held },
  { id: 'rules', label: 'Rules', count: () => rules.value.length },
  { id: 'oauth', label: 'OAuth debugger' }
]

function TokenPrompt (): JSX.Element {
  const [value, setValue] = useState('')
  const [wrong, setWrong] = useState(false)
  const [busy, setBusy] = useState(false)
  return (
    <form class='form token' aria-labelledby='token-heading' onSubmit={e => {
      e.preventDefault()
      setBusy(true)
      tokenWorks(value).then(works => {
        setBusy(false)
        setWrong(!works)
        if (!works) return
        setControlToken(value)
        connect()
      }, () => { setBusy(false); setWrong(true) })
    }}>
      <h2 id='token-heading'>This mock needs its control token</h2>
      <p>It was started with a control token (<code>--control-token</code>, <code>CONTROL_TOKEN</code> or the scenario's <code>policies.controlToken</code>). Enter it to use the dashboard; it is kept for this browser tab only.</p>
      <label for='token-input'>Control token</label>
      <input id='token-input' type='password' autoComplete='off' value={value} required aria-invalid={wrong} aria-describedby={wrong ? 'token-wrong' : undefined} onInput={e => setValue((e.currentTarget as HTMLInputElement).value)} />
      {wrong && <p id='token-wrong' class='error' role='alert'>The mock refused that token.</p>}
      <button type='submit' class='primary' disabled={busy}>Use it</button>
    </form>
  )
}

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  lost: 'Connection lost: reconnecting…',
  locked: 'Needs the control token'
} as const

function Page (): JSX.Element {
  const { path, query } = route.value
  if (location.pathname.replace(/\/+$/, '').endsWith('/callback')) return <CallbackView />
  const [view = 'world', arg] = path
  switch (view) {
    case 'sessions': return <SessionsView />
    case 'messages': return <MessagesView />
    case 'a2p': return <A2PView {...(arg !== undefined ? { batchId: decodePart(arg) } : {})} />
    case 'events': return <EventsView />
    case 'journal': return arg !== undefined && /^\d+$/.test(arg) ? <JournalEntryView id={Number(arg)} /> : <JournalView />
    case 'rules': return <RulesView />
    case 'oauth': return <OAuthView {...(query.get('clientId') !== null ? { clientId: query.get('clientId') ?? '' } : {})} />
    default: return <WorldView />
  }
}

function App (): JSX.Element {
  useEffect(() => { connect() }, [])
  const current = location.pathname.endsWith('/callback') ? 'oauth' : (route.value.path[0] ?? 'world')
  const w = world.value
  const state = connection.value
  useEffect(() => {
    document.title = `${VIEWS.find(v => v.id === current)?.label ?? 'Dashboard'}${w !== undefined ? ` · ${w.name}` : ''} · ringcentral-mock`
  }, [current, w?.name])
  return (
    <>
      <a class='skip' href='#main'>Skip to the content</a>
      <header class='top'>
        <div class='brand'>
          <span class='logo' aria-hidden='true'>RC</span>
          <div>
            <strong>ringcentral-mock</strong>
            <div class='muted'>{w !== undefined ? <>scenario <strong>{w.name}</strong></> : 'dashboard'}</div>
          </div>
        </div>
        <p class={`conn ${state}`} role='status' aria-live='polite' data-testid='connection'>{CONNECTION_TEXT[state]}</p>
        <Clock />
      </header>
      <nav class='tabs' aria-label='Views'>
        <ul>
          {VIEWS.map(v => (
            <li key={v.id}>
              <a href={`/__mock/ui#/${v.id}`} aria-current={current === v.id ? 'page' : undefined}>
                {v.label}{v.count !== undefined && <span class='count' aria-label={`, ${v.count()}`}>{v.count()}</span>}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {notice.value !== undefined && (
        <div class={`notice ${notice.value.kind}`} role='status'>
          <p>{notice.value.text}</p>
          <button type='button' onClick={() => { notice.value = undefined }}>Dismiss</button>
        </div>
      )}
      <main id='main' tabIndex={-1}>
        {needsToken.value ? <TokenPrompt /> : <Page />}
      </main>
      <footer class='foot muted'>
        Everything here is a call of the control API: <a href='/__mock/docs'>the reference</a>, <a href='/__mock/openapi.json'>the OpenAPI document</a>.
      </footer>
    </>
  )
}

const root = document.getElementById('app')
if (root) {
  root.textContent = ''
  render(<App />, root)
}
