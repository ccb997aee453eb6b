/**
 * The asynchronous SMS error codes: what a message's `deliveryErrorCode` holds once it failed
 * (RingCentral's "SMS errors" page, docs/messaging/sms/sms-errors.md). `SMS-RC-*` come from
 * RingCentral, `SMS-UP-*` from its upstream provider, `SMS-CAR-*` from the carrier. Any code of
 * this shape is accepted where the mock takes one; these are the ones RingCentral documents.
 */
export interface DeliveryErrorDefinition {
  code: string
  /** Which status the code usually comes with. */
  status: 'SendingFailed' | 'DeliveryFailed'
  description: string
}

const sending = (code: string, description: string): DeliveryErrorDefinition => ({ code, status: 'SendingFailed', description })
const delivery = (code: string, description: string): DeliveryErrorDefinition => ({ code, status: 'DeliveryFailed', description })

export const DELIVERY_ERRORS: readonly DeliveryErrorDefinition[] = [
  sending('SMS-RC-403', 'Message rejected due to exceeding daily/monthly limits'),
  sending('SMS-RC-410', 'The destination number is invalid or not supported'),
  sending('SMS-RC-413', 'The destination subscriber opted out of messages from this number'),
  sending('SMS-RC-430', 'Message rejected by the spam filter'),
  sending('SMS-RC-500', 'Internal error'),
  sending('SMS-RC-501', 'Internal error'),
  sending('SMS-RC-503', 'The sender number is not provisioned for SMS'),
  sending('SMS-RC-504', 'The sender number is not provisioned for SMS'),
  delivery('SMS-UP-410', 'The destination number is invalid (upstream provider)'),
  delivery('SMS-UP-413', 'The destination subscriber opted out (upstream provider)'),
  delivery('SMS-UP-414', 'The source number is invalid (upstream provider)'),
  delivery('SMS-UP-430', 'Rejected as spam (upstream provider)'),
  delivery('SMS-UP-431', 'Rejected as spam (upstream provider)'),
  delivery('SMS-UP-432', 'The message is too long (upstream provider)'),
  delivery('SMS-UP-433', 'The message is malformed (upstream provider)'),
  delivery('SMS-UP-500', 'Upstream provider error'),
  delivery('SMS-CAR-104', 'The carrier has not reported a status yet'),
  delivery('SMS-CAR-199', 'Unknown carrier error'),
  delivery('SMS-CAR-400', 'Rejected by the carrier'),
  delivery('SMS-CAR-410', 'The message expired before delivery'),
  delivery('SMS-CAR-411', 'The destination number is invalid or unallocated'),
  delivery('SMS-CAR-412', 'The destination is unavailable'),
  delivery('SMS-CAR-413', 'The destination subscriber opted out'),
  delivery('SMS-CAR-414', 'The source number is invalid'),
  delivery('SMS-CAR-430', 'Rejected by the carrier as spam'),
  delivery('SMS-CAR-431', 'Rejected by the carrier as spam'),
  delivery('SMS-CAR-432', 'The message is too long for the carrier'),
  delivery('SMS-CAR-433', 'The message is malformed'),
  delivery('SMS-CAR-434', 'The media is too large'),
  delivery('SMS-CAR-435', 'Shortened URLs are not allowed'),
  delivery('SMS-CAR-450', '10DLC daily limit reached (T-Mobile brand cap)'),
  delivery('SMS-CAR-451', '10DLC daily limit reached (AT&T campaign cap)'),
  delivery('SMS-CAR-452', '10DLC daily limit reached'),
  delivery('SMS-CAR-460', 'Short code error'),
  delivery('SMS-CAR-461', 'The toll-free number is not verified'),
  delivery('SMS-CAR-500', 'Carrier error')
]
