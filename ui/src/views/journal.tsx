/** The request journal: filter it as GET /__mock/requests does; open an entry to see the exchange. */
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, withQuery } from '../api.js'
import { ActionButton, Badge, ErrorText, Field, Grant, HttpStatus, Section, Table, Time, pretty } from '../components.js'
import { catalogue, journal, journalFilter, reloadJournal, world } from '../store.js'
import type { JournalEntry, JournalMessage } from '../types.js'

const FILTERS: Array<[string, string]> = [['operation', 'Operation'], ['status', 'Status'], ['errorCode', 'Error code'], ['clientId', 'Client'], ['extensionId', 'Extension']]

function Filters (): JSX.Element {
  const [draft, setDraft] = useState<Record<string, string>>(journalFilter.value)
  const c = catalogue.value
  const w = world.value
  const set = (name: string, value: string): void => setDraft({ ...draft, [name]: value })
  const apply = (next: Record<string, string>): void => {
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== ''))
    journalFilter.value = clean
    void reloadJournal()
  }
  return (
    <form class='filters' role='search' aria-label='Filter the journal' onSubmit={e => { e.preventDefault(); apply(draft) }}>
      <Field label='Operation' id='journal-operation'>
        <select id='journal-operation' value={draft.operation ?? ''} onChange={e => set('operation', (e.currentTarget as HTMLSelectElement).value)}>
          <option value=''>any</option>
          {(c?.operations ?? []).map(o => <option key={o.operationId} value={o.operationId}>{o.operationId}</option>)}
        </select>
      </Field>
      <Field label='Status' id='journal-status'>
        <input id='journal-status' inputMode='numeric' pattern='\d{1,3}' size={4} value={draft.status ?? ''} onInput={e => set('status', (e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field label='Error code' id='journal-errorCode'>
        <input id='journal-errorCode' list='journal-codes' size={10} value={draft.errorCode ?? ''} onInput={e => set('errorCode', (e.currentTarget as HTMLInputElement).value.trim())} />
        <datalist id='journal-codes'>{(c?.errors ?? []).map(x => <option key={x.code} value={x.code}>{x.message}</option>)}</datalist>
      </Field>
      <Field label='Client' id='journal-clientId'>
        <select id='journal-clientId' value={draft.clientId ?? ''} onChange={e => set('clientId', (e.currentTarget as HTMLSelectElement).value)}>
          <option value=''>any</option>
          {(w?.apps ?? []).map(a => <option key={a.clientId} value={a.clientId}>{a.clientId}</option>)}
        </select>
      </Field>
      <Field label='Extension' id='journal-extensionId'>
        <select id='journal-extensionId' value={draft.extensionId ?? ''} onChange={e => set('extensionId', (e.currentTarget as HTMLSelectElement).value)}>
          <option value=''>any</option>
          {(w?.accounts ?? []).flatMap(a => a.extensions).map(x => <option key={x.id} value={x.id}>{x.name} ({x.id})</option>)}
        </select>
      </Field>
      <div class='filter-buttons'>
        <button type='submit' class='primary'>Filter</button>
        <button type='button' onClick={() => { setDraft({}); apply({}) }}>Show all</button>
      </div>
    </form>
  )
}

export function JournalView (): JSX.Element {
  const j = journal.value
  const entries = j.entries.slice().reverse()
  const filtered = Object.keys(journalFilter.value).length > 0
  return (
    <Section title='Journal' id='journal' actions={<ActionButton label='Clear the journal' kind='danger' action={async () => { await api.del('/__mock/requests'); await reloadJournal() }} />}>
      <Filters />
      <p class='muted' role='status'>
        {filtered ? `${j.entries.length} matching` : `${j.entries.length} shown`} of {j.held} held (the newest {j.limit} are kept{j.dropped > 0 ? `; ${j.dropped} dropped` : ''}).
        {filtered && ` Filters: ${FILTERS.filter(([k]) => journalFilter.value[k] !== undefined).map(([k, label]) => `${label.toLowerCase()} ${journalFilter.value[k]}`).join(', ')}.`}
      </p>
      <Table label='Journal entries, newest first' head={['#', 'Time', 'Request', 'Operation', 'Status', 'Error codes', 'Client', 'Extension', 'ms']} empty={filtered ? 'No request matches.' : 'No requests yet.'}>
        {entries.map(e => (
          <tr key={e.id} data-entry={e.id}>
            <td><a href={`#/journal/${e.id}`} aria-label={`Open journal entry ${e.id}`}>{e.id}</a></td>
            <td><Time at={e.time} /></td>
            <td class='url'><span class='method'>{e.method}</span> <code>{e.url}</code>{e.via !== undefined ? <> <Badge>{`over ${e.via}`}</Badge></> : null}</td>
            <td>{e.operation !== undefined ? <code>{e.operation}</code> : <span class='muted'>—</span>}{e.grantType !== undefined && <div class='muted'><Grant grant={e.grantType} /></div>}</td>
            <td><HttpStatus status={e.status} />{e.rule !== undefined && <div class='muted'>rule {e.rule}</div>}{e.fault !== undefined && <div class='muted'>{e.fault}</div>}</td>
            <td>{(e.errorCodes ?? []).map(c => <Badge key={c} tone='bad'>{c}</Badge>)}</td>
            <td>{e.clientId !== undefined ? <code>{e.clientId}</code> : ''}</td>
            <td>{e.extensionId ?? ''}</td>
            <td>{e.durationMs}</td>
          </tr>
        ))}
      </Table>
    </Section>
  )
}

function Exchange ({ title, message }: { title: string, message: JournalMessage }): JSX.Element {
  return (
    <section class='exchange' aria-label={title}>
      <h3>{title}</h3>
      <h4>Headers</h4>
      <pre class='block' tabIndex={0}>{Object.entries(message.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('\n')}</pre>
      <h4>Body{message.truncated === true ? ` (first 8192 characters of ${message.bodySize ?? '?'} bytes)` : ''}</h4>
      {message.body !== undefined ? <pre class='block' tabIndex={0}>{pretty(message.body)}</pre> : <p class='muted'>empty</p>}
    </section>
  )
}

export function JournalEntryView ({ id }: { id: number }): JSX.Element {
  const known = journal.value.entries.find(e => e.id === id)
  const [entry, setEntry] = useState<JournalEntry | undefined>(known)
  const [error, setError] = useState<unknown>(undefined)
  useEffect(() => {
    if (known !== undefined) {
      setEntry(known)
      return
    }
    api.get<JournalEntry>(`/__mock/requests/${id}`).then(setEntry, setError)
  }, [id, known])
  return (
    <Section title={`Journal entry ${id}`} id='entry' actions={<a href='#/journal'>Back to the journal</a>}>
      <ErrorText error={error} />
      {entry !== undefined && (
        <div>
          <dl class='facts'>
            <dt>Request</dt><dd><span class='method'>{entry.method}</span> <code>{entry.url}</code>{entry.via !== undefined ? ` (a ClientRequest over a ${entry.via})` : ''}</dd>
            <dt>Time</dt><dd><Time at={entry.time} /> UTC (scenario clock), answered in {entry.durationMs} ms</dd>
            {entry.operation !== undefined && <><dt>Operation</dt><dd><code>{entry.operation}</code></dd></>}
            <dt>Status</dt><dd><HttpStatus status={entry.status} /> {(entry.errorCodes ?? []).map(c => <Badge key={c} tone='bad'>{c}</Badge>)}</dd>
            {entry.grantType !== undefined && <><dt>Grant</dt><dd><code>{entry.grantType}</code></dd></>}
            {entry.clientId !== undefined && <><dt>Client</dt><dd><code>{entry.clientId}</code></dd></>}
            {entry.extensionId !== undefined && <><dt>Extension</dt><dd>{entry.extensionId}</dd></>}
            {entry.rule !== undefined && <><dt>Rule</dt><dd><code>{entry.rule}</code></dd></>}
            {entry.fault !== undefined && <><dt>Fault</dt><dd>{entry.fault}</dd></>}
          </dl>
          <p class='muted'>Secrets are redacted as in the log. The same entry: <a href={withQuery(`/__mock/requests/${entry.id}`, {})}><code>GET /__mock/requests/{entry.id}</code></a></p>
          <div class='exchanges'>
            <Exchange title='Request' message={entry.request} />
            <Exchange title='Response' message={entry.response} />
          </div>
        </div>
      )}
    </Section>
  )
}
