/** Subscriptions, every delivery attempt, and WebSocket sessions; the faults to put on them. */
import type { JSX } from 'preact'
import { api } from '../api.js'
import { ActionButton, Badge, Countdown, HttpStatus, Section, Table, Time, short } from '../components.js'
import { deliveries, subscriptions, websockets } from '../store.js'

export function EventsView (): JSX.Element {
  const subs = subscriptions.value
  const attempts = deliveries.value.slice().reverse()
  const sockets = websockets.value
  return (
    <div>
      <Section title='Subscriptions' id='subscriptions'>
        <Table label='Subscriptions' head={['Subscription', 'Owner', 'Transport', 'Event filters', 'Status', 'Expires', 'Queue', 'Faults']} empty='No subscriptions. Create one with POST /restapi/v1.0/subscription (webhook) or over a WebSocket.'>
          {subs.map(s => (
            <tr key={s.id}>
              <td><code title={s.id}>{short(s.id)}</code></td>
              <td>ext. {s.extensionId}<div class='muted'><code>{s.clientId}</code></div></td>
              <td>{s.transport}{s.info.deliveryMode?.address !== undefined && <div class='muted'><code>{s.info.deliveryMode.address}</code></div>}{s.webSocketSessionId !== undefined && <div class='muted'>session <code>{short(s.webSocketSessionId)}</code></div>}</td>
              <td><ul class='plain'>{(s.info.eventFilters ?? []).map(f => <li key={f}><code>{f}</code></li>)}</ul>
                {(s.info.disabledFilters ?? []).map(d => <div key={d.filter} class='muted'>disabled: <code>{d.filter}</code> ({d.reason})</div>)}</td>
              <td><Badge>{s.status}</Badge>{s.info.blacklistedData?.reason !== undefined && <div class='muted'>{s.info.blacklistedData.reason}</div>}{s.failingSince !== undefined && <div class='muted'>failing since <Time at={s.failingSince} /></div>}</td>
              <td>{s.transport === 'WebHook' ? <Countdown until={s.info.expirationTime} /> : <span class='muted'>with its session</span>}</td>
              <td>{s.pending} pending</td>
              <td class='actions'>
                {s.transport === 'WebHook' && s.status === 'Active' && <>
                  <ActionButton label='Next delivery fails (503)' action={async () => await api.post(`/__mock/subscriptions/${s.id}/faults`, { kind: 'error', status: 503 })} />
                  <ActionButton label='Next delivery times out' action={async () => await api.post(`/__mock/subscriptions/${s.id}/faults`, { kind: 'timeout' })} />
                  <ActionButton label='Blacklist' kind='danger' action={async () => await api.post(`/__mock/subscriptions/${s.id}/blacklist`)} />
                </>}
                {s.faults > 0 && <div class='muted'>{s.faults} fault{s.faults === 1 ? '' : 's'} to come</div>}
                <ActionButton label='Delete' kind='danger' action={async () => { await api.del(`/__mock/subscriptions/${s.id}`) }} />
              </td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section title='Deliveries' id='deliveries' actions={<ActionButton label='Clear' action={async () => { await api.del('/__mock/deliveries') }} />}>
        <Table label='Delivery attempts, newest first' head={['#', 'Time', 'Subscription', 'What', 'To', 'Outcome', 'Answer', 'Latency', 'Size']} empty='No deliveries yet.'>
          {attempts.map(d => (
            <tr key={d.id}>
              <td>{d.id}</td>
              <td><Time at={d.time} /></td>
              <td><code title={d.subscriptionId}>{short(d.subscriptionId)}</code></td>
              <td>{d.kind === 'validation' ? 'validation handshake' : <code>{d.event}</code>}{d.attempt > 1 && <div class='muted'>attempt {d.attempt}</div>}</td>
              <td>{d.transport === 'WebHook' ? <code>{d.address}</code> : <>WebSocket <code>{short(d.address)}</code></>}</td>
              <td><Badge>{d.outcome}</Badge>{d.handshake !== undefined && <div class='muted'>handshake {d.handshake}</div>}{d.error !== undefined && <div class='muted'>{d.error}</div>}</td>
              <td>{d.status !== undefined ? <HttpStatus status={d.status} /> : <span class='muted'>—</span>}</td>
              <td>{d.latencyMs !== undefined ? `${d.latencyMs.toFixed(1)} ms` : '—'}</td>
              <td>{d.requestBytes !== undefined ? `${d.requestBytes} B` : '—'}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section title='WebSocket sessions' id='websockets'>
        <Table label='WebSocket sessions' head={['Session', 'Owner', 'Connection', 'Subscription', 'Buffered', 'Faults']} empty='No WebSocket sessions.'>
          {sockets.map(w => (
            <tr key={w.id}>
              <td><code title={w.id}>{short(w.id)}</code><div class='muted'>since <Time at={w.createdAt} /></div></td>
              <td>ext. {w.extensionId}<div class='muted'><code>{w.clientId}</code></div></td>
              <td>{w.connected ? <Badge tone='good'>connected</Badge> : <Badge tone='bad'>disconnected</Badge>}
                <div class='muted'>last activity <Time at={w.lastActivity} /></div>
                {w.endsAt !== undefined && <div class='muted'>recoverable: <Countdown until={w.endsAt} /></div>}</td>
              <td>{w.subscriptionId !== undefined ? <code>{short(w.subscriptionId)}</code> : <span class='muted'>none</span>}</td>
              <td>{w.buffered}</td>
              <td class='actions'>
                {w.connected && <>
                  <ActionButton label='Drop the connection' action={async () => await api.post(`/__mock/websockets/${w.id}/drop`)} />
                  <ActionButton label='Idle timeout (WSG-902)' action={async () => await api.post(`/__mock/websockets/${w.id}/timeout`, { kind: 'idle' })} />
                  <ActionButton label='Absolute timeout (WSG-903)' action={async () => await api.post(`/__mock/websockets/${w.id}/timeout`, { kind: 'absolute' })} />
                </>}
                {w.failNextRecovery ? <div class='muted'>the next recovery fails</div> : <ActionButton label='Fail the next recovery' action={async () => await api.post(`/__mock/websockets/${w.id}/fail-recovery`)} />}
              </td>
            </tr>
          ))}
        </Table>
      </Section>
    </div>
  )
}
