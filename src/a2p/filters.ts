/**
 * The event filters of High Volume SMS and consent (RingCentral's event-filter pages; app
 * permission ReadAccounts for the A2P ones):
 *
 * - `/restapi/v1.0/account/{a}/a2p-sms/batches[?from=+E164]` and `…/a2p-sms/batches/{batchId}`
 * - `/restapi/v1.0/account/{a}/a2p-sms/messages[?direction=Inbound|Outbound][&batchId=][&from=][&to=]`
 * - `/restapi/v1.0/account/{a}/a2p-sms/opt-outs[?from=+E164]`
 * - `/restapi/v2/accounts/{a}/sms/consents` (app permission SMS, as the consent API's)
 *
 * Phone numbers in a filter's query arrive with a literal `+` (RingCentral's samples), which a
 * query decoder reads as a space: a leading space is taken as the `+` it was.
 */
import { rc } from '../errors.js'
import { registerFilterKind, type ParsedFilter } from '../events/filters.js'

const ID = String.raw`(?:~|\d{1,19})`
const E164 = /^\+[1-9]\d{6,14}$/

function phoneNumbers (filter: ParsedFilter): ParsedFilter {
  const match: Record<string, string> = { ...filter.match }
  for (const name of ['from', 'to']) {
    const raw = match[name]
    if (raw === undefined) continue
    const value = raw.startsWith(' ') ? `+${raw.slice(1)}` : raw
    if (!E164.test(value)) throw rc('SUB-508', { message: `Invalid event filters: [${filter.given.slice(0, 200)}]` })
    match[name] = value
  }
  return { ...filter, match }
}

let registered = false

/** Registers the kinds once (the events layer tries them before its own). */
export function registerA2PFilters (): void {
  if (registered) return
  registered = true
  registerFilterKind({
    kind: 'a2p-batch',
    path: new RegExp(String.raw`^/restapi/v1\.0/account/(?<account>${ID})/a2p-sms/batches$`),
    query: { from: {} },
    appPermission: 'ReadAccounts',
    check: phoneNumbers
  })
  registerFilterKind({
    kind: 'a2p-batch',
    path: new RegExp(String.raw`^/restapi/v1\.0/account/(?<account>${ID})/a2p-sms/batches/[A-Za-z0-9-]{1,64}$`),
    query: {},
    appPermission: 'ReadAccounts',
    check: filter => ({ ...filter, match: { batchId: (filter.given.split('?')[0] ?? '').replace(/\/+$/, '').split('/').pop() ?? '' } })
  })
  registerFilterKind({
    kind: 'a2p-message',
    path: new RegExp(String.raw`^/restapi/v1\.0/account/(?<account>${ID})/a2p-sms/messages$`),
    query: { direction: { values: ['Inbound', 'Outbound'] }, batchId: {}, from: {}, to: {} },
    appPermission: 'ReadAccounts',
    check: phoneNumbers
  })
  registerFilterKind({
    kind: 'a2p-opt-out',
    path: new RegExp(String.raw`^/restapi/v1\.0/account/(?<account>${ID})/a2p-sms/opt-outs$`),
    query: { from: {} },
    appPermission: 'ReadAccounts',
    check: phoneNumbers
  })
  registerFilterKind({
    kind: 'sms-consent',
    path: new RegExp(String.raw`^/restapi/v2/accounts/(?<account>${ID})/sms/consents$`),
    query: {},
    appPermission: 'SMS',
    // The v2 path says `accounts`: echo it with the real id there.
    check: filter => ({ ...filter, expanded: filter.given.replace(/\/accounts\/[^/]+/, `/accounts/${filter.accountId ?? '~'}`) })
  })
}
