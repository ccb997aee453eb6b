/**
 * What the High Volume SMS benches send: the shipped `nightly-batch` world (the toll-free A2P
 * number +18885550100, 180 messages a minute; `ops-jwt` on `batch-app`, which has A2PSMS), and
 * batch bodies of N recipients +15552000000, +15552000001, … (valid E.164, none of the scenario's
 * opted-out or failing numbers), each with its own short text.
 */
import { basic, FORM, form, json } from './http.js'

export const SCENARIO = 'nightly-batch'
export const FROM = '+18885550100'
export const BATCH_APP = { id: 'batch-app', secret: 'batch-app-secret' }
export const A2P_PATH = '/restapi/v1.0/account/~/a2p-sms'
export const BATCHES_PATH = `${A2P_PATH}/batches`
/** 10,000 messages at 180 a minute leave in 3,333.3 s of clock: this is past the last one's delivery (+3 s). */
export const COMPLETE_SECONDS = 3400

/** Recipient `k` (0-based, at most 7,999,999). */
export const recipient = k => `+1555${String(2_000_000 + k).padStart(7, '0')}`

/** The text of message `k`: a personalised reminder, 13–14 characters (one GSM-7 segment). */
export const textOf = k => `Appt Tue ${9 + (k % 8)}:${String(k % 60).padStart(2, '0')}`

/** The JSON body of `POST …/a2p-sms/batches` for recipients `offset` … `offset + n - 1`. */
export function batchBody (n, offset = 0) {
  const messages = new Array(n)
  for (let i = 0; i < n; i++) messages[i] = { to: [recipient(offset + i)], text: textOf(offset + i) }
  return JSON.stringify({ from: FROM, messages })
}

/** The JWT-bearer login of `ops-jwt` on `batch-app` over HTTP; resolves the access token. */
export async function loginOps (mock) {
  const token = await json(mock.url, {
    method: 'POST',
    path: '/restapi/oauth/token',
    headers: { authorization: basic(BATCH_APP), 'content-type': FORM },
    body: form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: mock.jwt('ops-jwt') })
  })
  return token.access_token
}
