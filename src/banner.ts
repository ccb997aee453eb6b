/**
 * What the CLI prints on start: where to point an SDK, and every credential ready to paste. Grant
 * types are printed as the scenario file and the token endpoint spell them (wire values).
 */
import { toIso } from './clock.js'
import type { MockContext } from './context.js'

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
  for (const account of world.accounts) {
    lines.push(`  account ${account.id}  main number ${account.mainNumber}`)
    for (const ext of account.extensions) {
      const who = [ext.email, ext.password !== undefined ? `password=${ext.password}` : undefined].filter(Boolean).join('  ')
      lines.push(`    ext ${ext.extensionNumber} (id ${ext.id}) ${ext.name}${ext.admin ? ' [admin]' : ''}  ${who}`)
      for (const n of ext.phoneNumbers) lines.push(`      ${n.phoneNumber}  ${n.usageType ?? 'DirectNumber'}  ${n.features.join(',') || '-'}`)
    }
  }
  const credentials = ctx.credentials.all()
  if (credentials.length > 0) {
    lines.push('', 'JWT credentials:')
    for (const { credential, jwt } of credentials) {
      const notes = [
        `owner ext ${credential.owner.extensionNumber}`,
        credential.expiresAt !== undefined ? `expires ${credential.expiresAt}` : undefined,
        credential.apps ? `apps: ${credential.apps.join(', ')}` : undefined,
        credential.revoked ? 'REVOKED' : undefined
      ].filter(Boolean).join(', ')
      lines.push(`  ${credential.id} (${notes}):`, `    ${jwt}`)
    }
  }
  lines.push('')
  return lines.join('\n')
}
