/** `GET /restapi/v1.0/account/{accountId}/extension/{extensionId}` (readExtension). */
import type { FastifyInstance } from 'fastify'
import type { MockContext } from '../context.js'
import { routeSchema } from '../openapi.js'
import type { Extension } from '../world.js'
import { authenticate, requireScope } from './bearer.js'
import { extensionUri, resolveExtension } from './resolve.js'
import { baseUrlOf } from './base-url.js'

/** RingCentral's ExtensionInfo for a user extension. `serviceFeatures` only for the caller's own. */
export function extensionInfo (baseUrl: string, ext: Extension, own: boolean): Record<string, unknown> {
  const [firstName, ...rest] = ext.name.split(' ')
  const uri = extensionUri(baseUrl, ext)
  const smsNumbers = ext.phoneNumbers.some(n => n.features.includes('SmsSender'))
  return {
    uri,
    id: Number(ext.id),
    extensionNumber: ext.extensionNumber,
    contact: {
      firstName: firstName ?? ext.name,
      lastName: rest.join(' '),
      ...(ext.email !== undefined ? { email: ext.email, emailAsLoginName: true } : {}),
      ...(ext.phoneNumbers[0] ? { businessPhone: ext.phoneNumbers[0].phoneNumber } : {})
    },
    name: ext.name,
    type: 'User',
    status: 'Enabled',
    permissions: { admin: { enabled: ext.admin }, internationalCalling: { enabled: false } },
    profileImage: { uri: `${uri}/profile-image` },
    account: { uri: `${baseUrl}/restapi/v1.0/account/${ext.account.id}`, id: ext.account.id },
    regionalSettings: {
      timezone: { id: '58', name: 'US/Pacific', description: 'Pacific Time (US & Canada)', bias: '-480' },
      homeCountry: { id: '1', name: 'United States', isoCode: 'US', callingCode: '1' },
      language: { id: '1033', name: 'English (United States)', localeCode: 'en-US' },
      greetingLanguage: { id: '1033', name: 'English (United States)', localeCode: 'en-US' },
      formattingLocale: { id: '1033', name: 'English (United States)', localeCode: 'en-US' },
      timeFormat: '12h'
    },
    setupWizardState: 'Completed',
    hidden: false,
    ...(own
      ? {
          serviceFeatures: [
            { featureName: 'SMS', enabled: smsNumbers, ...(smsNumbers ? {} : { reason: 'ExtensionLimitation' }) },
            { featureName: 'SMSReceiving', enabled: smsNumbers, ...(smsNumbers ? {} : { reason: 'ExtensionLimitation' }) },
            { featureName: 'InternationalCalling', enabled: false, reason: 'AccountLimitation' }
          ]
        }
      : {})
  }
}

export async function extensionRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  app.get<{ Params: { accountId: string, extensionId: string } }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId',
    { schema: routeSchema('readExtension'), config: { operationId: 'readExtension', dialect: 'api' } },
    async (request) => {
      const session = authenticate(ctx, request)
      requireScope(session, 'ReadAccounts')
      const ext = resolveExtension(session, request.params.accountId, request.params.extensionId)
      return extensionInfo(baseUrlOf(ctx, request), ext, ext === session.owner)
    }
  )
}
