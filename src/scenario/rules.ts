/**
 * Checks a schema-valid scenario for what a JSON Schema cannot say: uniqueness across the world
 * and references between its parts.
 */
import type { ScenarioProblem } from './load.js'
import type { Scenario } from './types.js'
import { checkRule } from '../control/rules.js'
import { World } from '../world.js'

export function checkWorldRules (scenario: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = []
  // Per kind, where each value was first seen: the path is a function, built only when it is
  // needed (a 100,000-number world would otherwise build 100,000 path strings to throw away).
  const firstSeen = new Map<string, Map<string, () => string>>()
  const unique = (kind: string, value: string, path: () => string): void => {
    let seen = firstSeen.get(kind)
    if (seen === undefined) firstSeen.set(kind, seen = new Map())
    const earlier = seen.get(value)
    if (earlier !== undefined) problems.push({ path: path(), message: `duplicate ${kind} ${JSON.stringify(value)} (already used at ${earlier()})` })
    else seen.set(value, path)
  }
  const clientIds = new Set(scenario.apps.map(a => a.clientId))

  scenario.accounts.forEach((account, a) => {
    unique('account id', account.id, () => `accounts[${a}].id`)
    account.extensions.forEach((ext, e) => {
      const at = `accounts[${a}].extensions[${e}]`
      unique('extension id', ext.id, () => `${at}.id`)
      unique(`extension number in account ${account.id}`, ext.extensionNumber, () => `${at}.extensionNumber`)
      if (ext.email !== undefined) unique('email', ext.email.toLowerCase(), () => `${at}.email`)
      ext.phoneNumbers?.forEach((n, i) => {
        unique('phone number', n.phoneNumber, () => `${at}.phoneNumbers[${i}].phoneNumber`)
        if (n.id !== undefined) unique('phone number id', n.id, () => `${at}.phoneNumbers[${i}].id`)
        // RingCentral: a number is either an Enhanced Business SMS number or a High Volume one.
        if (n.features?.includes('SmsSender') === true && n.features.includes('A2PSmsSender')) {
          problems.push({ path: `${at}.phoneNumbers[${i}].features`, message: 'a number is an SMS sender (SmsSender) or a High Volume SMS sender (A2PSmsSender), not both' })
        }
      })
      ext.jwtCredentials?.forEach((c, i) => {
        unique('JWT credential id', c.id, () => `${at}.jwtCredentials[${i}].id`)
        c.apps?.forEach((clientId, j) => {
          if (!clientIds.has(clientId)) {
            problems.push({ path: `${at}.jwtCredentials[${i}].apps[${j}]`, message: `names no app of this scenario (got ${JSON.stringify(clientId)}; apps: ${[...clientIds].join(', ') || 'none'})` })
          }
        })
        if (c.issuedAt !== undefined && c.expiresAt !== undefined && Date.parse(c.expiresAt) <= Date.parse(c.issuedAt)) {
          problems.push({ path: `${at}.jwtCredentials[${i}].expiresAt`, message: 'must be later than issuedAt' })
        }
      })
    })
  })

  scenario.apps.forEach((app, i) => {
    unique('client id', app.clientId, () => `apps[${i}].clientId`)
    if (app.clientSecret === undefined && app.grantTypes.includes('password')) {
      problems.push({ path: `apps[${i}].grantTypes`, message: 'a public client (no clientSecret) cannot use the password grant' })
    }
    if (app.clientSecret === undefined && app.grantTypes.includes('urn:ietf:params:oauth:grant-type:jwt-bearer')) {
      problems.push({ path: `apps[${i}].grantTypes`, message: 'a public client (no clientSecret) cannot use the JWT grant' })
    }
  })
  // The references below need the world's lookups; a world without them is not built twice.
  let built: World | undefined
  const world = (): World => (built ??= new World(scenario))
  scenario.messaging?.inbound?.forEach((m, i) => {
    if (world().phoneNumber(m.to) === undefined) problems.push({ path: `messaging.inbound[${i}].to`, message: `no extension of this scenario owns ${m.to}, so nobody can receive it` })
    if (m.at !== undefined && m.afterSeconds !== undefined) problems.push({ path: `messaging.inbound[${i}]`, message: 'give at or afterSeconds, not both' })
  })
  scenario.messaging?.autoReplies?.forEach((r, i) => {
    if (r.whenText === undefined) return
    try {
      new RegExp(r.whenText)
    } catch (error) {
      problems.push({ path: `messaging.autoReplies[${i}].whenText`, message: `not a regular expression: ${(error as Error).message}` })
    }
  })
  scenario.messaging?.consents?.forEach((c, i) => {
    const at = `messaging.consents[${i}]`
    if (c.from === '*') {
      if (c.accountId !== undefined && !scenario.accounts.some(a => a.id === c.accountId)) problems.push({ path: `${at}.accountId`, message: `names no account of this scenario (got ${JSON.stringify(c.accountId)})` })
    } else {
      if (world().phoneNumber(c.from) === undefined) problems.push({ path: `${at}.from`, message: `no extension of this scenario owns ${c.from}; give one of the scenario's numbers, or "*" for all of an account's` })
      if (c.accountId !== undefined) problems.push({ path: `${at}.accountId`, message: 'only with from "*" (a number belongs to its account already)' })
    }
  })
  scenario.rules?.forEach((rule, i) => {
    unique('rule id', rule.id, () => `rules[${i}].id`)
    problems.push(...checkRule(rule, world(), `rules[${i}]`))
  })
  return problems
}
