/** A stored message as RingCentral's message record (GetSMSMessageInfoResponse / GetMessageInfoResponse). */
import { extensionUri } from '../api/resolve.js'
import { toIso } from '../clock.js'
import type { Extension } from '../world.js'
import { stateAt, type StoredMessage } from './message-store.js'
import { exactInteger } from './json.js'

export const messageStoreUri = (baseUrl: string, owner: Extension): string => `${extensionUri(baseUrl, owner)}/message-store`

export const messageUri = (baseUrl: string, message: StoredMessage): string => `${messageStoreUri(baseUrl, message.owner)}/${message.id}`

/** RingCentral shows `creationTime` to the second (`…08.000Z`) and `lastModifiedTime` to the millisecond. */
export const creationTimeOf = (message: StoredMessage): number => Math.floor(message.createdAt / 1000) * 1000

/**
 * The record in RingCentral's key order (its own examples). `conversationId` is a bigint, so write
 * the result with `stringifyExact`.
 */
export function messageInfo (baseUrl: string, message: StoredMessage, now: number): Record<string, unknown> {
  const uri = messageUri(baseUrl, message)
  const state = stateAt(message, now)
  return {
    uri,
    id: message.id,
    to: message.to.map(phoneNumber => ({ phoneNumber })),
    from: { phoneNumber: message.from },
    type: 'SMS',
    creationTime: toIso(creationTimeOf(message)),
    readStatus: message.readStatus,
    priority: 'Normal',
    attachments: [
      { id: message.id, uri: `${uri}/content/${message.id}`, type: 'Text', contentType: 'text/plain' },
      ...message.attachments.map(a => ({
        id: a.id,
        uri: `${uri}/content/${a.id}`,
        type: 'MmsAttachment',
        contentType: a.contentType,
        size: a.body.length,
        ...(a.fileName !== undefined ? { fileName: a.fileName } : {})
      }))
    ],
    direction: message.direction,
    availability: 'Alive',
    subject: message.text,
    messageStatus: state.messageStatus,
    ...(message.direction === 'Outbound' ? { smsSendingAttemptsCount: 1 } : {}),
    ...(state.smsDeliveryTime !== undefined ? { smsDeliveryTime: toIso(state.smsDeliveryTime) } : {}),
    ...(state.deliveryErrorCode !== undefined ? { deliveryErrorCode: state.deliveryErrorCode } : {}),
    conversationId: exactInteger(message.conversationId),
    conversation: { id: message.conversationId, uri: `${baseUrl}/restapi/v1.0/conversation/${message.conversationId}` },
    lastModifiedTime: toIso(state.lastModifiedTime)
  }
}
