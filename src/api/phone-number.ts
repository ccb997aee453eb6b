/**
 * `GET /restapi/v1.0/account/{accountId}/extension/{extensionId}/phone-number`
 * (listExtensionPhoneNumbers): the extension's numbers with `usageType`, `features` (e.g.
 * `SmsSender`), `type` and `status`, paged. App permission ReadAccounts; user permission
 * ReadUserPhoneNumbers (another extension needs it with extended scope).
 */
import type { FastifyInstance } from 'fastify'
import type { MockContext } from '../context.js'
import { routeSchema } from '../openapi.js'
import { invalidParameter } from '../errors.js'
import { many, navigation, pageRequest, paging, type Query, queryString, single } from '../messaging/paging.js'
import { requireUserPermission } from '../messaging/permissions.js'
import type { PhoneNumber } from '../world.js'
import { baseUrlOf } from './base-url.js'
import { authenticate, requireScope } from './bearer.js'
import { extensionUri, resolveExtension } from './resolve.js'

const STATUSES = ['Normal', 'Pending', 'PortedIn', 'Temporary', 'Unknown'] as const
const USAGE_TYPES = [
  'MainCompanyNumber', 'AdditionalCompanyNumber', 'CompanyNumber', 'DirectNumber', 'CompanyFaxNumber', 'FmcBusinessMobileNumber',
  'InventoryFmcBusinessMobileNumber', 'ForwardedNumber', 'ForwardedCompanyNumber', 'ContactCenterNumber', 'ConferencingNumber',
  'MeetingsNumber', 'NumberPool', 'BusinessMobileNumber', 'ELIN', 'PartnerBusinessMobileNumber', 'NumberPoolPartnerBusinessMobileNumber',
  'NumberStorage', 'IntegrationNumber', 'InventoryMobileNumber'
] as const

/** RingCentral's UserPhoneNumberInfo, in the key order of its own example. */
export function phoneNumberInfo (baseUrl: string, n: PhoneNumber): Record<string, unknown> {
  return {
    id: Number(n.id),
    phoneNumber: n.phoneNumber,
    paymentType: n.paymentType ?? 'Local',
    type: n.type ?? 'VoiceFax',
    usageType: n.usageType ?? 'DirectNumber',
    status: n.status ?? 'Normal',
    ...(n.label !== undefined ? { label: n.label } : {}),
    // The country dictionary is not modelled beyond the NANP.
    ...(n.phoneNumber.startsWith('+1') ? { country: { uri: `${baseUrl}/restapi/v1.0/dictionary/country/1`, id: '1', name: 'United States' } } : {}),
    features: n.features
  }
}

export async function phoneNumberRoutes (app: FastifyInstance, { ctx }: { ctx: MockContext }): Promise<void> {
  app.get<{ Params: { accountId: string, extensionId: string } }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/phone-number',
    { schema: routeSchema('listExtensionPhoneNumbers'), config: { operationId: 'listExtensionPhoneNumbers', dialect: 'api' } },
    async (request) => {
      const session = authenticate(ctx, request)
      requireScope(session, 'ReadAccounts')
      const ext = resolveExtension(session, request.params.accountId, request.params.extensionId)
      requireUserPermission(session, ext, 'ReadUserPhoneNumbers')
      const query = request.query as Query
      const status = single(query, 'status')
      if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) throw invalidParameter('status')
      const usageType = many(query, 'usageType', USAGE_TYPES)
      const page = pageRequest(query, { maxPerPage: 1000, clamp: false })

      const all = ext.phoneNumbers.filter(n =>
        (status === undefined || (n.status ?? 'Normal') === status) &&
        (usageType === undefined || (usageType as readonly string[]).includes(n.usageType ?? 'DirectNumber')))
      const baseUrl = baseUrlOf(ctx, request)
      const uriFor = (p: number): string => `${extensionUri(baseUrl, ext)}/phone-number` + queryString([
        ['status', status],
        ...(usageType ?? []).map((u): [string, string] => ['usageType', u]),
        ['page', p],
        ['perPage', page.perPage]
      ])
      const start = (page.page - 1) * page.perPage
      return {
        uri: uriFor(page.page),
        records: all.slice(start, start + page.perPage).map(n => phoneNumberInfo(baseUrl, n)),
        paging: paging(all.length, page),
        navigation: navigation(uriFor, all.length, page)
      }
    }
  )
}
