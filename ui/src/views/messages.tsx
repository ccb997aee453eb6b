/** The message store, inbound and outbound, with status over time; compose an inbound SMS; fail a sent one. */
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { Badge, ErrorText, Field, Section, Table, Time, useAction } from '../components.js'
import { catalogue, messages, world } from '../store.js'
import type { Message } from '../types.js'

const FINAL = new Set(['Delivered', 'DeliveryFailed', 'SendingFailed', 'Received'])

function readFile (file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'))
    reader.readAsDataURL(file)
  })
}

function Compose (): JSX.Element {
  const numbers = (world.value?.accounts ?? []).flatMap(a => a.extensions.flatMap(x => x.phoneNumbers.map(n => ({ number: n.phoneNumber, owner: x.name, sms: n.features.includes('SmsSender') }))))
  const [from, setFrom] = useState('+16505550177')
  const [to, setTo] = useState('')
  const [text, setText] = useState('')
  const [file, setFile] = useState<File | undefined>(undefined)
  const [sent, setSent] = useState<Message | undefined>(undefined)
  const { busy, error, run } = useAction()
  const target = to !== '' ? to : numbers[0]?.number ?? ''
  return (
    <form class='form' aria-label='Inject an inbound SMS' onSubmit={e => {
      e.preventDefault()
      void run(async () => {
        const attachments = file !== undefined ? [{ contentType: file.type || 'application/octet-stream', fileName: file.name, content: await readFile(file) }] : undefined
        setSent(await api.post<Message>('/__mock/inbound-sms', { from, to: target, text, ...(attachments ? { attachments } : {}) }))
        setText('')
      })
    }}>
      <h3>Inject an inbound SMS</h3>
      <p class='muted'>As if someone texted a number of the scenario: it lands in the owner's message store and fires the message-store events.</p>
      <div class='form-row'>
        <Field label='From' id='compose-from' hint='Any number (E.164), e.g. a customer.'>
          <input id='compose-from' value={from} required onInput={e => setFrom((e.currentTarget as HTMLInputElement).value)} aria-describedby='compose-from-hint' />
        </Field>
        <Field label='To' id='compose-to'>
          <select id='compose-to' value={target} onChange={e => setTo((e.currentTarget as HTMLSelectElement).value)}>
            {numbers.map(n => <option key={n.number} value={n.number}>{n.number} ({n.owner}{n.sms ? '' : ', no SMS feature'})</option>)}
          </select>
        </Field>
      </div>
      <Field label='Text' id='compose-text'>
        <textarea id='compose-text' rows={2} value={text} onInput={e => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      </Field>
      <Field label='Attachment (optional, makes it an MMS)' id='compose-file'>
        <input id='compose-file' type='file' onChange={e => setFile((e.currentTarget as HTMLInputElement).files?.[0])} />
      </Field>
      <button type='submit' class='primary' disabled={busy || target === ''}>Send to the mock</button>
      <ErrorText error={error} />
      {sent !== undefined && <p role='status'>Received as message <code>{sent.id}</code> in extension {sent.extensionId}'s store.</p>}
    </form>
  )
}

function FailMessage ({ message }: { message: Message }): JSX.Element {
  const [open, setOpen] = useState(false)
  const status0 = message.messageStatus === 'Queued' ? 'SendingFailed' : 'DeliveryFailed'
  const [status, setStatus] = useState<'SendingFailed' | 'DeliveryFailed'>(status0)
  const codes = (catalogue.value?.deliveryErrors ?? []).filter(d => d.status === status)
  const [code, setCode] = useState('')
  const { busy, error, run } = useAction()
  if (!open) return <button type='button' onClick={() => setOpen(true)} aria-label={`Fail message ${message.id}…`}>Fail…</button>
  const chosen = code !== '' && codes.some(c => c.code === code) ? code : codes[0]?.code ?? ''
  const idBase = `fail-${message.id}`
  return (
    <form class='inline-form' aria-label={`Fail message ${message.id}`} onSubmit={e => {
      e.preventDefault()
      void run(async () => {
        await api.post(`/__mock/messages/${message.id}/fail`, { status, errorCode: chosen })
        setOpen(false)
      })
    }}>
      <label for={`${idBase}-status`}>Status</label>
      <select id={`${idBase}-status`} value={status} onChange={e => setStatus((e.currentTarget as HTMLSelectElement).value as typeof status)}>
        {message.messageStatus === 'Queued' && <option value='SendingFailed'>SendingFailed</option>}
        <option value='DeliveryFailed'>DeliveryFailed</option>
      </select>
      <label for={`${idBase}-code`}>Error code</label>
      <select id={`${idBase}-code`} value={chosen} onChange={e => setCode((e.currentTarget as HTMLSelectElement).value)}>
        {codes.map(c => <option key={c.code} value={c.code}>{c.code}: {c.description}</option>)}
      </select>
      <button type='submit' class='danger' disabled={busy}>Fail it</button>
      <button type='button' onClick={() => setOpen(false)}>Cancel</button>
      <ErrorText error={error} />
    </form>
  )
}

function Timeline ({ message }: { message: Message }): JSX.Element {
  return (
    <ol class='timeline' aria-label={`Status history of message ${message.id}`}>
      {message.history.map(h => <li key={h.status}><Badge>{h.status}</Badge> <Time at={h.at} /></li>)}
    </ol>
  )
}

export function MessagesView (): JSX.Element {
  const [direction, setDirection] = useState('')
  const [number, setNumber] = useState('')
  const all = messages.value
  const shown = all.filter(m => (direction === '' || m.direction === direction) && (number === '' || m.from.includes(number) || m.to.some(t => t.includes(number)))).slice().reverse()
  return (
    <div>
      <Section title='Messages' id='messages'>
        <div class='filters' role='search' aria-label='Filter messages'>
          <Field label='Direction' id='messages-direction'>
            <select id='messages-direction' value={direction} onChange={e => setDirection((e.currentTarget as HTMLSelectElement).value)}>
              <option value=''>both</option><option value='Outbound'>Outbound</option><option value='Inbound'>Inbound</option>
            </select>
          </Field>
          <Field label='Phone number contains' id='messages-number'>
            <input id='messages-number' value={number} onInput={e => setNumber((e.currentTarget as HTMLInputElement).value)} />
          </Field>
        </div>
        <Table label='Messages, newest first' head={['Id', 'Direction', 'From → to', 'Text', 'Status', 'History', '']} empty='No messages yet. Send an SMS with an SDK, or inject an inbound one below.'>
          {shown.map(m => (
            <tr key={m.id} data-message={m.id}>
              <td><code>{m.id}</code><div class='muted'>store of ext. {m.extensionId}</div></td>
              <td>{m.direction === 'Outbound' ? 'Outbound ↗' : 'Inbound ↙'}</td>
              <td><code>{m.from}</code> → {m.to.map(t => <code key={t}>{t}</code>)}</td>
              <td class='text'>{m.text}{m.attachments > 0 && <div class='muted'>{m.attachments} attachment{m.attachments === 1 ? '' : 's'}</div>}</td>
              <td data-testid='message-status'><Badge>{m.messageStatus}</Badge>{m.deliveryErrorCode !== undefined && <div><code>{m.deliveryErrorCode}</code></div>}{m.direction === 'Inbound' && <div class='muted'>{m.readStatus}</div>}</td>
              <td><Timeline message={m} /></td>
              <td>{m.direction === 'Outbound' && !FINAL.has(m.messageStatus) && <FailMessage message={m} />}</td>
            </tr>
          ))}
        </Table>
      </Section>
      <Section title='Compose' id='compose'>
        <Compose />
      </Section>
    </div>
  )
}
