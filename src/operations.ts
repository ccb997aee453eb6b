/**
 * The RingCentral operations the mock serves, by RingCentral's own operationId: the vocabulary
 * shared by routes (`config.operationId`), scenario rules, rate limits and the OpenAPI document.
 * Throttling groups and app permissions are those of RingCentral's spec
 * (`x-throttling-group`, `x-app-permission`).
 */
export type ThrottlingGroup = 'Auth' | 'Light' | 'Medium' | 'Heavy'

export interface Operation {
  readonly methods: readonly string[]
  /** fastify route path. */
  readonly path: string
  readonly group: ThrottlingGroup
  /** The app permission (OAuth scope) RingCentral's spec requires, if any. */
  readonly appPermission?: string
}

const EXT = '/restapi/v1.0/account/:accountId/extension/:extensionId'
const A2P = '/restapi/v1.0/account/:accountId/a2p-sms'
const CONSENTS = '/restapi/v2/accounts/:accountId/sms/consents'

export const operations = {
  getToken: { methods: ['POST'], path: '/restapi/oauth/token', group: 'Auth' },
  revokeToken: { methods: ['POST'], path: '/restapi/oauth/revoke', group: 'Auth' },
  authorize: { methods: ['GET', 'POST'], path: '/restapi/oauth/authorize', group: 'Auth' },
  readExtension: { methods: ['GET'], path: EXT, group: 'Light', appPermission: 'ReadAccounts' },
  listExtensionPhoneNumbers: { methods: ['GET'], path: `${EXT}/phone-number`, group: 'Light', appPermission: 'ReadAccounts' },
  createSMSMessage: { methods: ['POST'], path: `${EXT}/sms`, group: 'Medium', appPermission: 'SMS' },
  listMessages: { methods: ['GET'], path: `${EXT}/message-store`, group: 'Light', appPermission: 'ReadMessages' },
  readMessage: { methods: ['GET'], path: `${EXT}/message-store/:messageId`, group: 'Light', appPermission: 'ReadMessages' },
  readMessageContent: { methods: ['GET'], path: `${EXT}/message-store/:messageId/content/:attachmentId`, group: 'Medium', appPermission: 'ReadMessages' },
  createSubscription: { methods: ['POST'], path: '/restapi/v1.0/subscription', group: 'Medium' },
  listSubscriptions: { methods: ['GET'], path: '/restapi/v1.0/subscription', group: 'Light' },
  readSubscription: { methods: ['GET'], path: '/restapi/v1.0/subscription/:subscriptionId', group: 'Light' },
  updateSubscription: { methods: ['PUT'], path: '/restapi/v1.0/subscription/:subscriptionId', group: 'Medium' },
  deleteSubscription: { methods: ['DELETE'], path: '/restapi/v1.0/subscription/:subscriptionId', group: 'Medium' },
  renewSubscription: { methods: ['POST'], path: '/restapi/v1.0/subscription/:subscriptionId/renew', group: 'Light' },
  authWsToken: { methods: ['POST'], path: '/restapi/oauth/wstoken', group: 'Auth', appPermission: 'WebSocket' },
  createA2PSMS: { methods: ['POST'], path: `${A2P}/batches`, group: 'Light', appPermission: 'A2PSMS' },
  listA2PBatches: { methods: ['GET'], path: `${A2P}/batches`, group: 'Light', appPermission: 'A2PSMS' },
  readA2PBatch: { methods: ['GET'], path: `${A2P}/batches/:batchId`, group: 'Light', appPermission: 'A2PSMS' },
  listA2PSMS: { methods: ['GET'], path: `${A2P}/messages`, group: 'Light', appPermission: 'A2PSMS' },
  readA2PSMS: { methods: ['GET'], path: `${A2P}/messages/:messageId`, group: 'Light', appPermission: 'A2PSMS' },
  aggregateA2PSMSStatuses: { methods: ['GET'], path: `${A2P}/statuses`, group: 'Light', appPermission: 'A2PSMS' },
  readA2PSMSOptOuts: { methods: ['GET'], path: `${A2P}/opt-outs`, group: 'Light', appPermission: 'A2PSMS' },
  addA2PSMSOptOuts: { methods: ['POST'], path: `${A2P}/opt-outs/bulk-assign`, group: 'Light', appPermission: 'A2PSMS' },
  listSmsConsentRecords: { methods: ['GET'], path: CONSENTS, group: 'Light', appPermission: 'SMS' },
  editSmsConsentRecords: { methods: ['PATCH'], path: CONSENTS, group: 'Light', appPermission: 'SMS' },
  deleteSmsConsentRecords: { methods: ['DELETE'], path: CONSENTS, group: 'Light', appPermission: 'SMS' },
  searchSmsConsentRecords: { methods: ['POST'], path: `${CONSENTS}/search`, group: 'Light', appPermission: 'SMS' },
  exportSmsConsentRecords: { methods: ['GET'], path: `${CONSENTS}/export`, group: 'Light', appPermission: 'SMS' },
  listSmsConsentHistoryRecords: { methods: ['GET'], path: `${CONSENTS}/history`, group: 'Light', appPermission: 'SMS' }
} as const satisfies Record<string, Operation>

export type OperationId = keyof typeof operations

export const operationIds = Object.keys(operations) as OperationId[]

export function isOperationId (id: string): id is OperationId {
  return Object.hasOwn(operations, id)
}

export function operation (id: OperationId): Operation {
  return operations[id]
}

/** Whether a concrete request path can belong to an operation (`:param` segments match one segment). */
export function pathMatches (operationId: OperationId, path: string): boolean {
  const pattern = operations[operationId].path
    .split('/')
    .map(part => part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('/')
  return new RegExp(`^${pattern}/?$`).test(path.split('?')[0] ?? path)
}
