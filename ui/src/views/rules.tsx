/** Rules and faults: the active rules with their counters; add one from RingCentral's codes and operations. */
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ActionButton, ErrorText, Field, Section, Table, useAction } from '../components.js'
import { catalogue, rules, world } from '../store.js'
import type { Rule } from '../types.js'

function describeWhen (rule: Rule): string {
  const { operation, ...rest } = rule.when
  const extra = Object.entries(rest).map(([k, v]) => `${k} = ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
  return [operation, ...extra].join(', ')
}

function describeRespond (rule: Rule): JSX.Element {
  const r = rule.respond
  const parts: JSX.Element[] = []
  if (r.error !== undefined) parts.push(<span key='e'><code>{r.error}</code>{r.message !== undefined ? ` "${r.message}"` : ''}</span>)
  if (r.status !== undefined) parts.push(<span key='s'>status {r.status}</span>)
  if (r.fault !== undefined) parts.push(<span key='f'>fault: {r.fault}</span>)
  if (r.delayMs !== undefined) parts.push(<span key='d'>+{r.delayMs} ms</span>)
  if (r.body !== undefined && r.error === undefined) parts.push(<span key='b'>a custom body</span>)
  return <>{parts.map((p, i) => <span key={i}>{i > 0 ? ', ' : ''}{p}</span>)}</>
}

type Answer = 'error' | 'fault' | 'delay'

function AddRule (): JSX.Element {
  const c = catalogue.value
  const w = world.value
  const [id, setId] = useState('')
  const [operation, setOperation] = useState('createSMSMessage')
  const [answer, setAnswer] = useState<Answer>('error')
  const [error, setError] = useState('')
  const [message, setMessage] = useState('')
  const [fault, setFault] = useState('connection-reset')
  const [delayMs, setDelayMs] = useState('1000')
  const [clientId, setClientId] = useState('')
  const [extensionId, setExtensionId] = useState('')
  const [grantType, setGrantType] = useState('')
  const [skip, setSkip] = useState('')
  const [times, setTimes] = useState('1')
  const { busy, error: failure, run } = useAction()
  const [added, setAdded] = useState<string | undefined>(undefined)
  const errors = c?.errors ?? []
  // The operation's own codes first (what RingCentral answers it with), then every catalogued one.
  const own = new Set(c?.operations.find(o => o.operationId === operation)?.errorCodes ?? [])
  const chosenError = error !== '' && errors.some(x => x.code === error) ? error : errors.find(x => own.has(x.code))?.code ?? errors[0]?.code ?? ''
  const byPrefix = new Map<string, typeof errors>()
  if (own.size > 0) byPrefix.set(`What ${operation} answers`, errors.filter(x => own.has(x.code)))
  for (const e of errors) {
    const prefix = `${e.code.split('-')[0] ?? ''} (any operation)`
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), e])
  }
  const template = (message: string): string => message.replace(/\$\{(\w+)\}/g, '{$1}')
  return (
    <form class='form' aria-label='Add a rule' onSubmit={e => {
      e.preventDefault()
      void run(async () => {
        const ruleId = id !== '' ? id : `dashboard-${Date.now().toString(36)}`
        const respond = answer === 'error'
          ? { error: chosenError, ...(message !== '' ? { message } : {}) }
          : answer === 'fault' ? { fault } : { delayMs: Number(delayMs) }
        const rule = {
          id: ruleId,
          when: { operation, ...(clientId !== '' ? { clientId } : {}), ...(extensionId !== '' ? { extensionId } : {}), ...(grantType !== '' && operation === 'getToken' ? { grantType } : {}) },
          ...(skip !== '' ? { skip: Number(skip) } : {}),
          ...(times !== '' ? { times: Number(times) } : {}),
          respond
        }
        await api.post('/__mock/rules', rule)
        setAdded(ruleId)
        setId('')
      })
    }}>
      <h3>Add a rule</h3>
      <div class='form-row'>
        <Field label='Id (optional)' id='rule-id'>
          <input id='rule-id' value={id} onInput={e => setId((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field label='Operation' id='rule-operation'>
          <select id='rule-operation' value={operation} onChange={e => setOperation((e.currentTarget as HTMLSelectElement).value)}>
            {(c?.operations ?? []).map(o => <option key={o.operationId} value={o.operationId}>{o.operationId} ({o.methods.join('/')} {o.path})</option>)}
          </select>
        </Field>
      </div>
      <div class='form-row'>
        <Field label='Only for the client' id='rule-client'>
          <select id='rule-client' value={clientId} onChange={e => setClientId((e.currentTarget as HTMLSelectElement).value)}>
            <option value=''>any</option>
            {(w?.apps ?? []).map(a => <option key={a.clientId} value={a.clientId}>{a.clientId}</option>)}
          </select>
        </Field>
        <Field label='Only for the extension' id='rule-extension'>
          <select id='rule-extension' value={extensionId} onChange={e => setExtensionId((e.currentTarget as HTMLSelectElement).value)}>
            <option value=''>any</option>
            {(w?.accounts ?? []).flatMap(a => a.extensions).map(x => <option key={x.id} value={x.id}>{x.name} ({x.id})</option>)}
          </select>
        </Field>
        {operation === 'getToken' && (
          <Field label='Only for the grant' id='rule-grant'>
            <select id='rule-grant' value={grantType} onChange={e => setGrantType((e.currentTarget as HTMLSelectElement).value)}>
              <option value=''>any</option>
              {(c?.grantTypes ?? []).map(g => <option key={g} value={g}>{g}</option>)}
            </select>
          </Field>
        )}
      </div>
      <fieldset>
        <legend>Answer with</legend>
        <label class='check'><input type='radio' name='rule-answer' checked={answer === 'error'} onChange={() => setAnswer('error')} /> a RingCentral error</label>
        <label class='check'><input type='radio' name='rule-answer' checked={answer === 'fault'} onChange={() => setAnswer('fault')} /> a network fault</label>
        <label class='check'><input type='radio' name='rule-answer' checked={answer === 'delay'} onChange={() => setAnswer('delay')} /> the normal answer, late</label>
      </fieldset>
      {answer === 'error' && (
        <div class='form-row'>
          <Field label='Error code' id='rule-error'>
            <select id='rule-error' value={chosenError} onChange={e => setError((e.currentTarget as HTMLSelectElement).value)}>
              {[...byPrefix].map(([prefix, list]) => (
                <optgroup key={prefix} label={prefix}>
                  {list.map(x => <option key={`${prefix}-${x.code}`} value={x.code}>{x.code} ({x.status}): {template(x.message)}</option>)}
                </optgroup>
              ))}
            </select>
          </Field>
          <Field label='Message (optional, replaces the catalogue one)' id='rule-message'>
            <input id='rule-message' value={message} onInput={e => setMessage((e.currentTarget as HTMLInputElement).value)} />
          </Field>
        </div>
      )}
      {answer === 'fault' && (
        <Field label='Fault' id='rule-fault'>
          <select id='rule-fault' value={fault} onChange={e => setFault((e.currentTarget as HTMLSelectElement).value)}>
            {(c?.faults ?? []).map(f => <option key={f} value={f}>{f}</option>)}
          </select>
        </Field>
      )}
      {answer === 'delay' && (
        <Field label='Delay (ms)' id='rule-delay'>
          <input id='rule-delay' type='number' min={0} value={delayMs} onInput={e => setDelayMs((e.currentTarget as HTMLInputElement).value)} />
        </Field>
      )}
      <div class='form-row'>
        <Field label='Let this many through first' id='rule-skip'>
          <input id='rule-skip' type='number' min={0} value={skip} onInput={e => setSkip((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field label='Then answer this many (empty: every one)' id='rule-times'>
          <input id='rule-times' type='number' min={1} value={times} onInput={e => setTimes((e.currentTarget as HTMLInputElement).value)} />
        </Field>
      </div>
      <button type='submit' class='primary' disabled={busy}>Add the rule</button>
      <ErrorText error={failure} />
      {added !== undefined && <p role='status'>Rule <code>{added}</code> added: it answers the next matching requests.</p>}
    </form>
  )
}

export function RulesView (): JSX.Element {
  const list = rules.value
  return (
    <div>
      <Section title='Rules' id='rules'>
        <p class='muted'>Tried in this order; the first that matches and is not used up answers.</p>
        <Table label='Rules' head={['Rule', 'When', 'Answer', 'Skip / times', 'Matched', 'Applied', 'Left', 'Source', '']} empty='No rules: every request gets the normal answer.'>
          {list.map(r => (
            <tr key={r.id} data-rule={r.id}>
              <td><code>{r.id}</code>{r.description !== undefined && <div class='muted'>{r.description}</div>}</td>
              <td>{describeWhen(r)}</td>
              <td>{describeRespond(r)}</td>
              <td>{r.skip ?? 0} / {r.times ?? 'every'}</td>
              <td>{r.matched}</td>
              <td>{r.applied}</td>
              <td>{r.remaining ?? '∞'}</td>
              <td>{r.source}</td>
              <td><ActionButton label='Remove' kind='danger' action={async () => { await api.del(`/__mock/rules/${encodeURIComponent(r.id)}`) }} /></td>
            </tr>
          ))}
        </Table>
      </Section>
      <Section title='New rule' id='new-rule'>
        <AddRule />
      </Section>
    </div>
  )
}
