/**
 * The OAuth debugger: start an authorization-code flow for any app (with or without PKCE), sign in
 * on the mock's login page, come back to the callback below, which exchanges the code and shows
 * the token request and RingCentral's answer.
 */
import { Fragment, type JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.js'
import { CopyButton, ErrorText, Field, HttpStatus, Section, Time, useAction } from '../components.js'
import { world } from '../store.js'
import type { Exchange, Flow } from '../types.js'

export function OAuthView ({ clientId: wanted }: { clientId?: string }): JSX.Element {
  const apps = world.value?.apps ?? []
  const sorted = [...apps].sort((a, b) => Number(b.grantTypes.includes('authorization_code')) - Number(a.grantTypes.includes('authorization_code')))
  const [clientId, setClientId] = useState(wanted ?? '')
  const chosen = clientId !== '' ? clientId : sorted[0]?.clientId ?? ''
  const app = apps.find(a => a.clientId === chosen)
  const [pkce, setPkce] = useState<boolean | undefined>(undefined)
  const usePkce = pkce ?? !(app?.confidential ?? false)
  const [scope, setScope] = useState('')
  const [flow, setFlow] = useState<Flow | undefined>(undefined)
  const { busy, error, run } = useAction()
  useEffect(() => { if (wanted !== undefined) setClientId(wanted) }, [wanted])
  return (
    <Section title='OAuth debugger' id='oauth'>
      <p>Try the authorization-code flow of an app without writing one: the mock's login page sends you back to this dashboard, which exchanges the code at <code>POST /restapi/oauth/token</code> as the app would and shows what came back.</p>
      <form class='form' aria-label='Start an authorization-code flow' onSubmit={e => {
        e.preventDefault()
        void run(async () => { setFlow(await api.post<Flow>('/__mock/oauth/flows', { clientId: chosen, pkce: usePkce, ...(scope !== '' ? { scope } : {}) })) })
      }}>
        <div class='form-row'>
          <Field label='App' id='oauth-app'>
            <select id='oauth-app' value={chosen} onChange={e => { setClientId((e.currentTarget as HTMLSelectElement).value); setPkce(undefined); setFlow(undefined) }}>
              {sorted.map(a => <option key={a.clientId} value={a.clientId}>{a.name} ({a.clientId}{a.grantTypes.includes('authorization_code') ? '' : ', no authorization_code grant'})</option>)}
            </select>
          </Field>
          <Field label='Scope (optional)' id='oauth-scope'>
            <input id='oauth-scope' value={scope} placeholder={app?.scopes.join(' ') ?? ''} onInput={e => setScope((e.currentTarget as HTMLInputElement).value)} />
          </Field>
        </div>
        <label class='check'>
          <input type='checkbox' checked={usePkce} onChange={e => setPkce((e.currentTarget as HTMLInputElement).checked)} />
          Use PKCE (S256){app !== undefined && !app.confidential ? ': a public app must' : ''}
        </label>
        <button type='submit' class='primary' disabled={busy || chosen === ''}>Start the flow</button>
        <ErrorText error={error} />
      </form>
      {flow !== undefined && (
        <div class='flow' role='region' aria-label='The flow'>
          {flow.warning !== undefined && <p class='warning' role='note'>{flow.warning}</p>}
          <dl class='facts'>
            <dt>state</dt><dd><code>{flow.state}</code></dd>
            <dt>redirect_uri</dt><dd><code>{flow.redirectUri}</code> (the dashboard's callback, accepted for this flow only)</dd>
            {flow.pkce && <><dt>code_verifier</dt><dd><code>{flow.codeVerifier}</code></dd><dt>code_challenge</dt><dd><code>{flow.codeChallenge}</code> (S256)</dd></>}
            <dt>Expires</dt><dd><Time at={flow.expiresAt} /> UTC</dd>
          </dl>
          <p class='muted'>The authorization request:</p>
          <pre class='block wrap' tabIndex={0}>{flow.authorizeUrl}</pre>
          <p><a class='button primary' href={flow.authorizeUrl}>Open the login page</a> <CopyButton text={flow.authorizeUrl} what='the authorization URL' /></p>
        </div>
      )}
    </Section>
  )
}

const MASK = (value: string): string => value.length > 12 ? `${value.slice(0, 6)}…${value.slice(-4)}` : '…'

function TokenInfo ({ body }: { body: unknown }): JSX.Element {
  if (body === null || typeof body !== 'object') return <pre class='block' tabIndex={0}>{String(body)}</pre>
  const fields = Object.entries(body as Record<string, unknown>)
  const secret = (name: string): boolean => name === 'access_token' || name === 'refresh_token' || name === 'id_token'
  return (
    <dl class='facts tokeninfo'>
      {fields.map(([name, value]) => (
        <Fragment key={name}>
          <dt><code>{name}</code></dt>
          <dd>
            {secret(name) && typeof value === 'string'
              ? <><code>{MASK(value)}</code> <CopyButton text={value} what={name} /></>
              : <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>}
          </dd>
        </Fragment>
      ))}
    </dl>
  )
}

/** `/__mock/ui/callback?code=…&state=…`: where the login page sends the browser back. */
export function CallbackView (): JSX.Element {
  const query = new URLSearchParams(location.search)
  const code = query.get('code')
  const state = query.get('state') ?? ''
  const flowId = state.includes('.') ? state.slice(0, state.indexOf('.')) : undefined
  const [exchange, setExchange] = useState<Exchange | undefined>(undefined)
  const [flow, setFlow] = useState<Flow | undefined>(undefined)
  const { busy, error, run } = useAction()
  useEffect(() => {
    if (flowId === undefined) return
    void run(async () => {
      setFlow(await api.get<Flow>(`/__mock/oauth/flows/${encodeURIComponent(flowId)}`))
      if (code !== null) setExchange(await api.post<Exchange>(`/__mock/oauth/flows/${encodeURIComponent(flowId)}/exchange`, { code }))
    })
  }, [])
  return (
    <Section title='OAuth callback' id='callback' actions={<a href='/__mock/ui#/oauth'>Start another flow</a>}>
      {code === null
        ? (
          <div class='error' role='alert'>
            <p>The login page sent back <code>error={query.get('error') ?? '(none)'}</code>{query.get('error_description') !== null && <>: {query.get('error_description')}</>}</p>
          </div>
          )
        : <p>The login page sent back an authorization code <code>{code}</code>{query.get('expires_in') !== null && ` (valid ${query.get('expires_in') ?? ''} s)`} and state <code>{state}</code>.</p>}
      {flowId === undefined && <p class='warning' role='note'>This state was not made by the OAuth debugger, so there is nothing to exchange it for here.</p>}
      {flow !== undefined && <p class='muted'>Flow <code>{flow.id}</code> for <code>{flow.clientId}</code>{flow.pkce ? ', with PKCE' : ''}.</p>}
      {busy && <p role='status'>Exchanging the code…</p>}
      <ErrorText error={error} />
      {exchange !== undefined && (
        <div class='exchanges'>
          <section class='exchange' aria-label='Token request'>
            <h3>Token request</h3>
            <pre class='block wrap' tabIndex={0}>{`${exchange.request.method} ${exchange.request.url}\n${Object.entries(exchange.request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${exchange.request.body}`}</pre>
          </section>
          <section class='exchange' aria-label='Token response'>
            <h3>Response <HttpStatus status={exchange.response.status} /></h3>
            {exchange.response.status === 200 ? <TokenInfo body={exchange.response.body} /> : <pre class='block' tabIndex={0}>{JSON.stringify(exchange.response.body, null, 2)}</pre>}
            {exchange.journalId !== undefined && <p><a href={`/__mock/ui#/journal/${exchange.journalId}`}>The journal entry of this request</a></p>}
          </section>
        </div>
      )}
    </Section>
  )
}
