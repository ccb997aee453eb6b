/** The world: the scenario's accounts, extensions and numbers, apps, and JWT credentials. */
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ActionButton, Badge, CopyButton, ErrorText, Field, GRANT_NAMES, Section, Table, Time, useAction } from '../components.js'
import { scenarioNow, world } from '../store.js'
import type { Credential, Extension, World } from '../types.js'

function extensionsOf (w: World): Extension[] {
  return w.accounts.flatMap(a => a.extensions)
}

function MintCredential ({ w }: { w: World }): JSX.Element {
  const extensions = extensionsOf(w)
  const [extensionId, setExtensionId] = useState(extensions[0]?.id ?? '')
  const [id, setId] = useState('')
  const [expiresAt, setExpiresAt] = useState('')
  const [apps, setApps] = useState<string[]>([])
  const [minted, setMinted] = useState<{ id: string, jwt: string } | undefined>(undefined)
  const { busy, error, run } = useAction()
  const jwtApps = w.apps.filter(a => a.grantTypes.includes('urn:ietf:params:oauth:grant-type:jwt-bearer'))
  return (
    <form class='form' aria-label='Mint a JWT credential' onSubmit={e => {
      e.preventDefault()
      void run(async () => {
        const body = { extensionId, ...(id !== '' ? { id } : {}), ...(expiresAt !== '' ? { expiresAt: new Date(`${expiresAt}Z`).toISOString() } : {}), ...(apps.length > 0 ? { apps } : {}) }
        setMinted(await api.post<{ id: string, jwt: string }>('/__mock/jwt', body))
      })
    }}>
      <h3>Mint a JWT credential</h3>
      <div class='form-row'>
        <Field label='For the user' id='mint-extension'>
          <select id='mint-extension' value={extensionId} onChange={e => setExtensionId((e.currentTarget as HTMLSelectElement).value)}>
            {extensions.map(x => <option key={x.id} value={x.id}>{x.name} (ext. {x.extensionNumber})</option>)}
          </select>
        </Field>
        <Field label='Id (optional)' id='mint-id'>
          <input id='mint-id' value={id} pattern='[A-Za-z0-9._\-]{1,64}' onInput={e => setId((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field label='Expires at, UTC (optional)' id='mint-expires'>
          <input id='mint-expires' type='datetime-local' step='1' value={expiresAt} onInput={e => setExpiresAt((e.currentTarget as HTMLInputElement).value)} />
        </Field>
      </div>
      {jwtApps.length > 0 && (
        <fieldset>
          <legend>Only for these apps (none: any app)</legend>
          {jwtApps.map(a => (
            <label key={a.clientId} class='check'>
              <input type='checkbox' checked={apps.includes(a.clientId)} onChange={e => setApps((e.currentTarget as HTMLInputElement).checked ? [...apps, a.clientId] : apps.filter(x => x !== a.clientId))} />
              {a.name} <code>{a.clientId}</code>
            </label>
          ))}
        </fieldset>
      )}
      <button type='submit' class='primary' disabled={busy || extensionId === ''}>Mint</button>
      <ErrorText error={error} />
      {minted !== undefined && (
        <p role='status'>Minted <code>{minted.id}</code>. <CopyButton text={minted.jwt} what={`the JWT credential ${minted.id}`} label='Copy the JWT' /></p>
      )}
    </form>
  )
}

function credentialState (c: Credential): 'revoked' | 'expired' | 'active' {
  if (c.revoked) return 'revoked'
  if (c.expiresAt !== undefined && Date.parse(c.expiresAt) <= scenarioNow()) return 'expired'
  return 'active'
}

export function WorldView (): JSX.Element {
  const w = world.value
  if (!w) return <p>Loading the world…</p>
  const byId = new Map(extensionsOf(w).map(x => [x.id, x]))
  return (
    <div>
      <Section title={`Scenario ${w.name}`} id='scenario'>
        {w.description !== undefined && <p class='description'>{w.description}</p>}
        <dl class='facts'>
          <dt>Environment</dt><dd>{w.environment} (<code>{w.platformUrl}</code> in the JWTs)</dd>
          <dt>Loaded from</dt><dd><code>{w.source}</code></dd>
          <dt>Password grant ends</dt><dd>{w.policies.passwordGrantEndOfLife !== null ? <Time at={w.policies.passwordGrantEndOfLife} /> : 'never (no end of life in this scenario)'}</dd>
          <dt>Refresh token reuse</dt><dd>{w.policies.refreshTokenReuse === 'ringcentral' ? 'RingCentral\'s grace (the previous refresh token answers for a while)' : 'strict (any reuse fails)'}</dd>
          <dt>Sessions per user and app</dt><dd>{w.policies.maxSessionsPerUser}</dd>
          <dt>Rate limits</dt><dd>{w.policies.rateLimits ? 'on' : 'off'}</dd>
        </dl>
      </Section>

      {w.accounts.map(account => (
        <Section key={account.id} title={`Account ${account.name ?? account.id}`} id={`account-${account.id}`}>
          <p>Account id <code>{account.id}</code>, main number <code>{account.mainNumber}</code></p>
          <Table label={`Extensions of account ${account.id}`} head={['User', 'Extension', 'Role', 'Phone numbers', 'Permissions']}>
            {account.extensions.map(x => (
              <tr key={x.id}>
                <td><strong>{x.name}</strong>{x.email !== undefined && <div class='muted'>{x.email}</div>}<div class='muted'>id <code>{x.id}</code>{x.password ? ' · password sign-in' : ''}</div></td>
                <td>{x.extensionNumber}</td>
                <td>{x.admin ? <Badge tone='info'>admin</Badge> : 'user'}</td>
                <td>
                  {x.phoneNumbers.length === 0
                    ? <span class='muted'>none</span>
                    : <ul class='plain'>{x.phoneNumbers.map(n => (
                      <li key={n.id}><code>{n.phoneNumber}</code>{n.usageType !== undefined && <span class='muted'> {n.usageType}</span>} {n.features.map(f => <span key={f} class='chip'>{f}</span>)}</li>
                    ))}</ul>}
                </td>
                <td>{Object.keys(x.permissions).length === 0 ? <span class='muted'>defaults</span> : Object.entries(x.permissions).map(([k, v]) => <div key={k}>{k}: {v}</div>)}</td>
              </tr>
            ))}
          </Table>
        </Section>
      ))}

      <Section title='Apps' id='apps'>
        <Table label='Apps' head={['App', 'Client', 'Grants', 'Scopes', 'Redirect URIs', 'Token lifetimes', '']}>
          {w.apps.map(a => (
            <tr key={a.clientId}>
              <td><strong>{a.name}</strong></td>
              <td><code>{a.clientId}</code><div class='muted'>{a.confidential ? 'confidential (has a secret)' : 'public (no secret)'}</div></td>
              <td>{a.grantTypes.map(g => <span key={g} class='chip' title={g}>{GRANT_NAMES[g] ?? g}</span>)}</td>
              <td>{a.scopes.length === 0 ? <span class='muted'>none</span> : a.scopes.map(s => <span key={s} class='chip'>{s}</span>)}</td>
              <td>{a.redirectUris.length === 0 ? <span class='muted'>none</span> : <ul class='plain'>{a.redirectUris.map(u => <li key={u}><code>{u}</code></li>)}</ul>}</td>
              <td>access {a.accessTokenTtl} s<br />{a.refreshTokenTtl > 0 ? `refresh ${a.refreshTokenTtl} s` : 'no refresh token'}</td>
              <td>{a.grantTypes.includes('authorization_code') && <a href={`#/oauth?clientId=${encodeURIComponent(a.clientId)}`}>Try its login</a>}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section title='JWT credentials' id='credentials'>
        <Table label='JWT credentials' head={['Credential', 'User', 'Expires', 'Apps', 'State', 'Actions']} empty='No JWT credentials in this scenario.'>
          {w.credentials.map(c => {
            const state = credentialState(c)
            const owner = byId.get(c.extensionId)
            return (
              <tr key={c.id}>
                <td><code>{c.id}</code></td>
                <td>{owner !== undefined ? `${owner.name} (ext. ${owner.extensionNumber})` : c.extensionId}</td>
                <td>{c.expiresAt !== undefined ? <Time at={c.expiresAt} /> : 'never'}</td>
                <td>{c.apps !== undefined ? c.apps.map(x => <code key={x} class='chip'>{x}</code>) : <span class='muted'>any</span>}</td>
                <td><Badge tone={state === 'active' ? 'good' : 'bad'}>{state}</Badge></td>
                <td class='actions'>
                  <CopyButton text={async () => await api.text(`/__mock/jwt/${encodeURIComponent(c.id)}`)} what={`the JWT credential ${c.id}`} />
                  {!c.revoked && <ActionButton label='Revoke' kind='danger' action={async () => { await api.del(`/__mock/jwt/${encodeURIComponent(c.id)}`) }} />}
                </td>
              </tr>
            )
          })}
        </Table>
        <MintCredential w={w} />
      </Section>
    </div>
  )
}
