/**
 * What the CLI prints on start: where to point an SDK, and every credential ready to paste. Grant
 * types are printed as the scenario file and the token endpoint spell them (wire values).
 */
import { toIso } from './clock.js'
import type { MockContext } from './context.js'

/**
 * How many users and credentials are listed in full. A larger world is summarised: listing 10,000
 * users (and signing 10,000 credentials to print them) would take longer than starting the mock.
 */
export const BANNER_LIMIT = 25

export function banner (ctx: MockContext, url: string): string {
  const { world } = ctx
  const lines: string[] = []
  lines.push(`ringcentral-mock listening on ${url}`)
  lines.push(`scenario: ${world.name} (${world.environment})${ctx.loaded.source !== 'scenario object' ? `  [${ctx.loaded.source}]` : ''}`)
  if (world.scenario.description) lines.push(`  ${world.scenario.description.trim().replace(/\n/g, '\n  ')}`)
  lines.push(`clock: ${toIso(ctx.now())}${ctx.clock.frozen ? ' (frozen)' : ''}`)
  lines.push(`dashboard: ${url}/__mock/ui${ctx.controlToken !== undefined ? '  (it asks for the control token, or open ' + url + '/__mock/ui?controlToken=TOKEN)' : ''}`)
  lines.push(`control API: ${url}/__mock${ctx.controlToken !== undefined ? '  (requests need the control token)' : ''}`)
  const eol = world.policies.passwordGrantEndOfLife
  if (eol !== undefined) lines.push(`password grant ends: ${toIso(eol)}`)
  lines.push('', 'apps:')
  for (const app of world.apps) {
    lines.push(`  ${app.clientId}  ${app.confidential ? `secret=${app.clientSecret ?? ''}` : '(public client, PKCE)'}  grants: ${app.grantTypes.join(', ')}  — ${app.name}`)
    if (app.redirectUris.length > 0) lines.push(`      redirect URIs: ${app.redirectUris.join(' ')}`)
  }
  lines.push('', 'users:')
  let shown = 0
  let extensions = 0
  let numbers = 0
  for (const account of world.accounts) {
    extensions += account.extensions.length
    for (const ext of account.extensions) numbers += ext.phoneNumbers.length
  }
  for (const account of world.accounts) {
    if (shown >= BANNER_LIMIT) break
    lines.push(`  account ${account.id}  main number ${account.mainNumber}`)
    for (const ext of account.extensions) {
      if (shown++ >= BANNER_LIMIT) break
      const who = [ext.email, ext.password !== undefined ? `password=${ext.password}` : undefined].filter(Boolean).join('  ')
      lines.push(`    ext ${ext.extensionNumber} (id ${ext.id}) ${ext.name}${ext.admin ? ' [admin]' : ''}  ${who}`)
      for (const n of ext.phoneNumbers.slice(0, BANNER_LIMIT)) lines.push(`      ${n.phoneNumber}  ${n.usageType ?? 'DirectNumber'}  ${n.features.join(',') || '-'}`)
      if (ext.phoneNumbers.length > BANNER_LIMIT) lines.push(`      … and ${ext.phoneNumbers.length - BANNER_LIMIT} more numbers`)
    }
  }
  if (extensions > BANNER_LIMIT) {
    lines.push(`  … ${extensions} users in ${world.accounts.length} account${world.accounts.length === 1 ? '' : 's'} with ${numbers} numbers in all: GET ${url}/__mock/world lists them`)
  }
  const credentials = ctx.credentials.all()
  if (credentials.length > 0) {
    lines.push('', 'JWT credentials:')
    for (const { credential, jwt } of credentials.slice(0, BANNER_LIMIT)) {
      const notes = [
        `owner ext ${credential.owner.extensionNumber}`,
        credential.expiresAt !== undefined ? `expires ${credential.expiresAt}` : undefined,
        credential.apps ? `apps: ${credential.apps.join(', ')}` : undefined,
        credential.revoked ? 'REVOKED' : undefined
      ].filter(Boolean).join(', ')
      lines.push(`  ${credential.id} (${notes}):`, `    ${jwt}`)
    }
    if (credentials.length > BANNER_LIMIT) lines.push(`  … and ${credentials.length - BANNER_LIMIT} more: \`ringcentral-mock jwt ID\` or GET ${url}/__mock/jwt/ID prints one`)
  }
  lines.push('')
  return lines.join('\n')
}
