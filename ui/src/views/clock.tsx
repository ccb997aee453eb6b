/** The scenario clock: now, frozen or running, and the moves a test would make. */
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorText, formatTime, useAction } from '../components.js'
import { clock, scenarioNow, world } from '../store.js'

const PRESETS: Array<[string, number]> = [['+10 s', 10], ['+1 min', 60], ['+1 h', 3600], ['+1 day', 86400]]

/** `2024-03-30T12:00` for a datetime-local input (UTC). */
const forInput = (ms: number): string => new Date(ms).toISOString().slice(0, 19)

export function Clock (): JSX.Element {
  const { busy, error, run } = useAction()
  const [setting, setSetting] = useState<string | undefined>(undefined)
  const c = clock.value
  const eol = world.value?.policies.passwordGrantEndOfLife
  const now = scenarioNow()
  const move = async (body: Record<string, unknown>): Promise<void> => { await run(async () => await api.post('/__mock/clock', body)) }
  return (
    <div class='clock' role='group' aria-label='Scenario clock'>
      <div class='clock-now'>
        <span class='label'>Scenario clock</span>
        <output aria-live='off' data-testid='clock-now'>{c ? formatTime(now) : '…'}</output>
        <span class='muted'>UTC{c?.frozen === true ? ' · frozen' : ''}</span>
      </div>
      <div class='clock-moves'>
        {PRESETS.map(([label, seconds]) => (
          <button key={label} type='button' disabled={busy || !c} onClick={() => { void move({ advanceSeconds: seconds }) }} aria-label={`Advance the clock ${label.slice(1)}`}>{label}</button>
        ))}
        {eol !== null && eol !== undefined && now <= Date.parse(eol) && (
          <button type='button' disabled={busy} onClick={() => { void move({ set: new Date(Date.parse(eol) + 1000).toISOString() }) }} title={`Set the clock to just after ${formatTime(eol)} UTC, when the password grant stops working`}>
            Past the password end of life
          </button>
        )}
        <button type='button' disabled={busy || !c} onClick={() => { void move({ freeze: !(c?.frozen ?? false) }) }}>{c?.frozen === true ? 'Resume' : 'Freeze'}</button>
        {setting === undefined
          ? <button type='button' disabled={!c} onClick={() => setSetting(forInput(now))}>Set…</button>
          : (
            <form class='clock-set' onSubmit={e => {
              e.preventDefault()
              const at = Date.parse(`${setting}Z`)
              void run(async () => {
                await api.post('/__mock/clock', { set: new Date(at).toISOString(), ...(at < now ? { allowBackwards: true } : {}) })
                setSetting(undefined)
              })
            }}>
              <label for='clock-set-input'>Set the clock to (UTC)</label>
              <input id='clock-set-input' type='datetime-local' step='1' value={setting} onInput={e => setSetting((e.currentTarget as HTMLInputElement).value)} required />
              <button type='submit' class='primary' disabled={busy}>Set</button>
              <button type='button' onClick={() => setSetting(undefined)}>Cancel</button>
            </form>
            )}
      </div>
      {error !== undefined && <ErrorText error={error} />}
    </div>
  )
}
