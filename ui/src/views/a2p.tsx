/**
 * High Volume SMS: every batch with its counts on the scenario clock; open one for its aggregate
 * and its messages. SMS consent: the opt-outs in force, and a pair opted out or back in.
 */
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.js'
import { Badge, CopyButton, ErrorText, Field, Section, Table, Time, duration, formatTime, useAction } from '../components.js'
import { a2pBatches, batchDetail, catalogue, consents, scenarioNow, showBatch, world } from '../store.js'
import type { A2PBatch, A2PStatus } from '../types.js'

const STATUSES: A2PStatus[] = ['Queued', 'Sent', 'Delivered', 'SendingFailed', 'DeliveryFailed']
const LIMITS = [100, 1000, 10000]
const SOURCES = ['Recipient', 'Api', 'Upstream', 'Carrier'] as const

/** A batch id: its first characters shown, all of it in the tooltip and read out. */
function BatchId ({ id }: { id: string }): JSX.Element {
  if (id.length <= 9) return <code>{id}</code>
  return <code class='nowrap' title={id}>{id.slice(0, 8)}<span class='visually-hidden'>{id.slice(8)}</span><span aria-hidden='true'>…</span></code>
}

/** A time that breaks between its date and its time of day only (for narrow columns). */
function ShortTime ({ at }: { at: string }): JSX.Element {
  const [date, time] = formatTime(at).split(' ')
  return <time dateTime={at}><span class='nowrap'>{date}</span> <span class='nowrap'>{time}</span></time>
}

const count = (n: number): string => n.toLocaleString('en-US')

/** RingCentral's costs are plain numbers (the account's currency). */
const cost = (value: number | undefined): string => value === undefined ? '—' : value.toLocaleString('en-US', { maximumFractionDigits: 6 })

function BatchStatus ({ batch }: { batch: A2PBatch }): JSX.Element {
  return <Badge tone={batch.batch.status === 'Completed' ? 'good' : 'info'}>{batch.batch.status}</Badge>
}

function ErrorCodes ({ codes }: { codes: Record<string, number> }): JSX.Element {
  const list = Object.entries(codes)
  if (list.length === 0) return <span class='muted'>none</span>
  return <ul class='plain'>{list.map(([code, n]) => <li key={code} class='nowrap'><Badge tone='bad'>{code}</Badge> × {n}</li>)}</ul>
}

/** When the last message leaves the queue, and how long until then on the scenario clock. */
function CompletesAt ({ batch, short = false }: { batch: A2PBatch, short?: boolean }): JSX.Element {
  const left = Date.parse(batch.completesAt) - scenarioNow()
  return (
    <>
      {short ? <ShortTime at={batch.completesAt} /> : <Time at={batch.completesAt} />}
      {batch.batch.status === 'Processing' && left > 0 && <div class='muted'>{duration(left)} left</div>}
    </>
  )
}

function owner (batch: A2PBatch): string {
  const account = world.value?.accounts.find(a => a.id === batch.accountId)
  const extension = account?.extensions.find(x => x.id === batch.extensionId)
  return extension !== undefined ? `${extension.name} (ext. ${extension.extensionNumber}), account ${account?.name ?? batch.accountId}` : `extension ${batch.extensionId}, account ${batch.accountId}`
}

function Batches ({ selected }: { selected: string | undefined }): JSX.Element {
  const list = a2pBatches.value
  return (
    <Section title='High Volume SMS batches' id='a2p-batches'>
      <p class='muted'>
        Every batch of every account, newest first; statuses move with the scenario clock. {count(list.messages)} message{list.messages === 1 ? '' : 's'} held (at most {count(list.limit)}{list.dropped > 0 ? `; ${count(list.dropped)} dropped with their batches` : ''}). Recipients a batch rejected are in RingCentral's create answer only; open a batch to see them here.
      </p>
      <Table label='Batches, newest first' head={['Batch', 'From', 'Status', ...STATUSES, 'Error codes', 'Cost', 'Completes at']} empty='No batches yet. Send one with POST /restapi/v1.0/account/~/a2p-sms/batches (an app with the A2PSMS permission, from a number with the A2PSmsSender feature).'>
        {list.records.map(b => {
          const shown = b.batch.id === selected
          return (
            <tr key={b.batch.id} data-batch={b.batch.id} class={shown ? 'selected' : undefined}>
              <td>
                <a href={`#/a2p/${encodeURIComponent(b.batch.id)}`} aria-current={shown ? 'true' : undefined}><BatchId id={b.batch.id} /></a>
                <div class='muted'>{shown ? 'shown below' : <ShortTime at={b.batch.creationTime} />}</div>
              </td>
              <td class='nowrap'><code>{b.batch.from}</code></td>
              <td><span data-testid='batch-status'><BatchStatus batch={b} /></span><div class='muted'><span class='nowrap'>{b.batch.processedCount} / {b.batch.batchSize}</span> processed</div></td>
              {STATUSES.map(s => <td key={s}>{b.counts[s]}</td>)}
              <td><ErrorCodes codes={b.errorCodes} /></td>
              <td>{b.batch.status === 'Completed' ? cost(b.batch.cost) : <span class='muted nowrap'>not yet</span>}</td>
              <td><CompletesAt batch={b} short /></td>
            </tr>
          )
        })}
      </Table>
    </Section>
  )
}

function BatchDetail ({ id, limit, setLimit }: { id: string, limit: number, setLimit: (limit: number) => void }): JSX.Element {
  const state = batchDetail.value
  const read = state?.query.id === id ? state : undefined
  const detail = read?.detail
  const b = detail ?? a2pBatches.value.records.find(r => r.batch.id === id)
  const meaning = new Map((catalogue.value?.deliveryErrors ?? []).map(d => [d.code, d]))
  return (
    <Section title={`Batch ${id}`} id='a2p-batch' actions={<a href='#/a2p'>Close the batch</a>}>
      {read?.error !== undefined && <ErrorText error={read.error} />}
      {b === undefined
        ? read?.error === undefined && <p>Loading the batch…</p>
        : (
          <div>
            <dl class='facts'>
              <dt>Batch</dt><dd><code>{b.batch.id}</code> <CopyButton text={b.batch.id} what={`the batch id ${b.batch.id}`} /></dd>
              <dt>From</dt><dd><code>{b.batch.from}</code>, {owner(b)}</dd>
              <dt>Status</dt><dd><BatchStatus batch={b} /> {b.batch.processedCount} of {b.batch.batchSize} processed</dd>
              <dt>Created</dt><dd><Time at={b.batch.creationTime} /> UTC, last modified <Time at={b.batch.lastModifiedTime} /></dd>
              <dt>Completes at</dt><dd><CompletesAt batch={b} /></dd>
              <dt>Cost</dt><dd>{b.batch.status === 'Completed' ? cost(b.batch.cost) : <span class='muted'>once completed</span>}</dd>
            </dl>
            <div class='aggregate'>
              <div>
                <h3>Messages per status</h3>
                <Table label='Messages of the batch per status' head={['Status', 'Messages']}>
                  {STATUSES.map(s => <tr key={s} data-status={s}><th scope='row'><Badge>{s}</Badge></th><td>{b.counts[s]}</td></tr>)}
                </Table>
              </div>
              <div>
                <h3>Error codes</h3>
                <Table label='Error codes of the batch' head={['Error code', 'Status', 'Meaning', 'Messages']} empty='No message of the batch has failed.'>
                  {Object.entries(b.errorCodes).map(([code, n]) => (
                    <tr key={code} data-error-code={code}>
                      <th scope='row'><code>{code}</code></th>
                      <td>{meaning.get(code)?.status ?? '—'}</td>
                      <td>{meaning.get(code)?.description ?? <span class='muted'>not catalogued</span>}</td>
                      <td>{n}</td>
                    </tr>
                  ))}
                </Table>
              </div>
            </div>
            <h3>Rejected at acceptance</h3>
            <Table label='Recipients the batch rejected' head={['Position', 'To', 'Error code', 'Why']} empty='No recipient was rejected.'>
              {b.rejected.map(r => (
                <tr key={r.index} data-rejected={r.index}>
                  <th scope='row'>{r.index}</th>
                  <td><code>{r.to.length > 0 ? r.to.map(n => JSON.stringify(n)).join(', ') : '(none)'}</code></td>
                  <td><code>{r.errorCode}</code></td>
                  <td>{r.description}</td>
                </tr>
              ))}
            </Table>
            <h3>Messages</h3>
            <div class='filters'>
              <Field label='Messages shown' id='a2p-limit'>
                <select id='a2p-limit' value={String(limit)} onChange={e => setLimit(Number((e.currentTarget as HTMLSelectElement).value))}>
                  {LIMITS.map(n => <option key={n} value={String(n)}>the first {n}</option>)}
                </select>
              </Field>
            </div>
            {detail === undefined
              ? read?.error === undefined && <p>Loading the messages…</p>
              : (
                <>
                  <p class='muted'>The first {detail.messages.length} of {detail.batch.batchSize} message{detail.batch.batchSize === 1 ? '' : 's'}, in the batch's order (<code>GET /__mock/a2p/batches/{'{id}'}?limit={read?.query.limit}</code>).</p>
                  <Table label='Messages of the batch' head={['Message', 'To', 'Status', 'Error code', 'Segments', 'Cost', 'Text']} empty='The batch has no messages.'>
                    {detail.messages.map(m => (
                      <tr key={m.id} data-a2p-message={m.id}>
                        <td class='nowrap'><code>{m.id}</code><div class='muted'><Time at={m.lastModifiedTime} /></div></td>
                        <td class='nowrap'>{m.to.map(t => <div key={t}><code>{t}</code></div>)}</td>
                        <td data-testid='a2p-message-status'><Badge>{m.messageStatus}</Badge></td>
                        <td>{m.errorCode !== undefined ? <span title={meaning.get(m.errorCode)?.description}><code>{m.errorCode}</code></span> : <span class='muted'>—</span>}</td>
                        <td>{m.segmentCount ?? <span class='muted'>none (not sent)</span>}</td>
                        <td>{cost(m.cost)}</td>
                        <td class='text'>{m.text}</td>
                      </tr>
                    ))}
                  </Table>
                </>
                )}
          </div>
          )}
    </Section>
  )
}

function ConsentForm (): JSX.Element {
  const accounts = world.value?.accounts ?? []
  const numbers = accounts.flatMap(a => a.extensions.flatMap(x => x.phoneNumbers.map(n => ({ number: n.phoneNumber, owner: x.name, features: n.features }))))
  const first = numbers.find(n => n.features.includes('A2PSmsSender')) ?? numbers[0]
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [optStatus, setOptStatus] = useState<'OptOut' | 'OptIn'>('OptOut')
  const [source, setSource] = useState<typeof SOURCES[number]>('Recipient')
  const [done, setDone] = useState<string | undefined>(undefined)
  const { busy, error, run } = useAction()
  const chosen = from !== '' ? from : first?.number ?? ''
  // "*": every number of an account, named by its id.
  const [sender, accountId] = chosen.startsWith('*:') ? ['*', chosen.slice(2)] : [chosen, undefined]
  const accountName = (id: string | undefined): string => accounts.find(a => a.id === id)?.name ?? id ?? ''
  return (
    <form class='form spaced' aria-label='Opt a pair out or in' onSubmit={e => {
      e.preventDefault()
      setDone(undefined)
      void run(async () => {
        const record = { from: sender, to: to.trim(), optStatus, source, ...(accountId !== undefined ? { accountId } : {}) }
        await api.post('/__mock/consents', { records: [record] })
        setDone(`${record.to} is now ${optStatus === 'OptOut' ? 'opted out of' : 'opted in to'} ${sender === '*' ? `every number of ${accountName(accountId)}` : sender}.`)
      })
    }}>
      <h3>Opt a pair out or in</h3>
      <p class='muted'>As if the recipient had texted STOP or START: the opt-out and consent events fire, and later sends to an opted-out pair fail with SMS-RC-413.</p>
      <div class='form-row'>
        <Field label='From' id='consent-from'>
          <select id='consent-from' value={chosen} onChange={e => setFrom((e.currentTarget as HTMLSelectElement).value)}>
            {numbers.map(n => <option key={n.number} value={n.number}>{n.number} ({n.owner}{n.features.includes('A2PSmsSender') ? ', High Volume' : ''})</option>)}
            {accounts.map(a => <option key={`*:${a.id}`} value={`*:${a.id}`}>* (every number of {a.name ?? a.id})</option>)}
          </select>
        </Field>
        <Field label='To' id='consent-to' hint='The recipient, E.164, e.g. +15550100013.'>
          <input id='consent-to' inputMode='tel' autoComplete='off' value={to} required aria-describedby='consent-to-hint' onInput={e => setTo((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field label='Status' id='consent-status'>
          <select id='consent-status' value={optStatus} onChange={e => setOptStatus((e.currentTarget as HTMLSelectElement).value as typeof optStatus)}>
            <option value='OptOut'>OptOut (as if they texted STOP)</option>
            <option value='OptIn'>OptIn (as if they texted START)</option>
          </select>
        </Field>
        <Field label='Source' id='consent-source'>
          <select id='consent-source' value={source} onChange={e => setSource((e.currentTarget as HTMLSelectElement).value as typeof source)}>
            {SOURCES.map(s => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
      </div>
      <button type='submit' class='primary' disabled={busy || chosen === ''}>Apply</button>
      <ErrorText error={error} />
      {done !== undefined && <p role='status'>{done}</p>}
    </form>
  )
}

function Consents (): JSX.Element {
  const list = consents.value
  return (
    <Section title='SMS consent' id='consents'>
      <p class='muted'>The opt-outs and opt-ins in force, of every account; <code>*</code> is every number of the account. They apply to High Volume and ordinary SMS alike.</p>
      <Table label='Consent records' head={['From', 'To', 'Status', 'Source', 'Account', 'Last modified']} empty='No consent records: every recipient can be texted.'>
        {list.map(c => (
          <tr key={`${c.accountId} ${c.from} ${c.to}`} data-consent={`${c.from} ${c.to}`}>
            <td>{c.from === '*' ? <><code>*</code> <span class='muted'>every number</span></> : <code>{c.from}</code>}</td>
            <td><code>{c.to}</code></td>
            <td><Badge tone={c.optStatus === 'OptOut' ? 'bad' : 'good'}>{c.optStatus}</Badge></td>
            <td>{c.source}{c.coverage !== undefined && <div class='muted'>coverage {c.coverage}</div>}{c.campaignType !== undefined && <div class='muted'>campaign {c.campaignType}</div>}</td>
            <td>{c.accountId}</td>
            <td><Time at={c.lastModifiedTime} /></td>
          </tr>
        ))}
      </Table>
      <ConsentForm />
    </Section>
  )
}

export function A2PView ({ batchId }: { batchId?: string }): JSX.Element {
  const [limit, setLimit] = useState(LIMITS[0]!)
  useEffect(() => { showBatch(batchId !== undefined ? { id: batchId, limit } : undefined) }, [batchId, limit])
  // Away from the page, the batch is not read again on every change.
  useEffect(() => () => showBatch(undefined), [])
  return (
    <div>
      <Batches selected={batchId} />
      {batchId !== undefined && <BatchDetail id={batchId} limit={limit} setLimit={setLimit} />}
      <Consents />
    </div>
  )
}
