/** Who is logged in with which app and grant, their tokens' lifetimes, and what their refreshes did. */
import type { JSX } from 'preact'
import { api } from '../api.js'
import { ActionButton, Countdown, Grant, Section, Table, Time, short } from '../components.js'
import { sessions } from '../store.js'
import type { Session } from '../types.js'

const KIND: Record<Session['refreshHistory'][number]['kind'], string> = {
  rotated: 'rotated: a new access and refresh token; the previous access token died at once',
  'grace-reuse': 'the previous refresh token was used again within its grace: the same new pair was returned',
  'reuse-refused': 'the previous refresh token was used again after its grace: refused (OAU-213)'
}

function History ({ session }: { session: Session }): JSX.Element {
  if (session.refreshHistory.length === 0) return <span class='muted'>no refresh yet</span>
  return (
    <details>
      <summary>{session.rotations} rotation{session.rotations === 1 ? '' : 's'}{session.refreshHistory.some(h => h.kind !== 'rotated') ? ', reuses' : ''}</summary>
      <ol class='history'>
        {session.refreshHistory.map((h, i) => <li key={i}><Time at={h.at} />: {KIND[h.kind]}</li>)}
      </ol>
      {session.previousRefreshUsableUntil !== null && <p class='muted'>The previous refresh token still works: <Countdown until={session.previousRefreshUsableUntil} /></p>}
    </details>
  )
}

export function SessionsView (): JSX.Element {
  const list = sessions.value
  return (
    <Section title='Sessions' id='sessions'>
      <p class='muted'>Every live OAuth session, newest last. Lifetimes count down on the scenario clock.</p>
      <Table label='Sessions' head={['User', 'App', 'Grant', 'Started', 'Access token', 'Refresh token', 'Refreshes', '']} empty='Nobody is logged in. Log in with an SDK (or the OAuth debugger) and the session shows here.'>
        {list.map(s => (
          <tr key={s.id} data-session={s.id}>
            <td><strong>{s.name}</strong><div class='muted'>ext. {s.extensionNumber} · session <code title={s.id}>{short(s.id, 12)}</code></div></td>
            <td>{s.appName}<div class='muted'><code>{s.clientId}</code></div></td>
            <td><Grant grant={s.grant} /></td>
            <td><Time at={s.createdAt} />{s.lastRefreshAt !== null && <div class='muted'>refreshed <Time at={s.lastRefreshAt} /></div>}</td>
            <td><Countdown until={s.accessTokenExpiresAt} /></td>
            <td>{s.refreshTokenExpiresAt !== null ? <Countdown until={s.refreshTokenExpiresAt} /> : <span class='muted'>none</span>}</td>
            <td><History session={s} /></td>
            <td><ActionButton label='End session' kind='danger' title='Every token of the session stops working (OAU-213)' action={async () => { await api.del(`/__mock/sessions/${encodeURIComponent(s.id)}`) }} /></td>
          </tr>
        ))}
      </Table>
    </Section>
  )
}
