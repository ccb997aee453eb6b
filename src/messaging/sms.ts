/**
 * `POST …/extension/{extensionId}/sms`: reading the body (JSON, or multipart with a JSON part) and
 * RingCentral's checks, each refusal coming from the world's data: who owns the `from` number,
 * which features it has, and what the scenario says about recipients.
 */
import { invalidParameter, rc } from '../errors.js'
import { type Extension, normalizeNumber, type World } from '../world.js'
import type { MessageStore, NewMessage } from './message-store.js'
import type { Part } from './multipart.js'

/** Group messages take at most this many recipients (MSG-381). */
export const MAX_RECIPIENTS = 10
/** `text` limit in UTF-16 code units: "Max length is 1000 symbols (2-byte UTF-16 encoded)". */
export const MAX_TEXT_UNITS = 1000
/** "the size of all attachments linked is limited up to 1500000 bytes". */
export const MAX_ATTACHMENT_BYTES = 1_500_000

/** A parsed multipart body, as the messaging routes' content-type parser hands it over. */
export class MultipartBody {
  constructor (readonly parts: Part[]) {}
}

export interface Attachment {
  contentType: string
  fileName?: string
  body: Buffer
}

export interface SmsInput {
  json: unknown
  attachments: Attachment[]
}

/**
 * The JSON request and any attachments. In a multipart body the JSON is the part named
 * `request.json` (`@rc-ex/core`), else the first `application/json` part (multipart/mixed); every
 * other part is an attachment.
 */
export function readSmsBody (body: unknown): SmsInput {
  if (!(body instanceof MultipartBody)) return { json: body ?? {}, attachments: [] }
  const jsonPart = body.parts.find(p => p.name === 'request.json') ?? body.parts.find(p => p.contentType === 'application/json')
  let json: unknown = {}
  if (jsonPart) {
    try {
      json = JSON.parse(jsonPart.body.toString('utf8'))
    } catch {
      throw rc('CMN-103')
    }
  }
  const attachments = body.parts
    .filter(p => p !== jsonPart)
    .map(p => ({ contentType: p.contentType, ...(p.filename !== undefined ? { fileName: p.filename } : {}), body: p.body }))
  return { json, attachments }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

const digitsOf = (s: string): string => s.replace(/[\s().-]/g, '')

/** Digits without `+`, as RingCentral quotes numbers in MSG-243/MSG-245 messages. */
const quoted = (number: string): string => digitsOf(number).replace(/^\+/, '')

/**
 * Runs RingCentral's checks, in this order: the request's shape (`to`, `from`, `text`, `country`,
 * attachments), then the `from` number against the world (owner, fax, SmsSender, MmsSender), then
 * each recipient (international, blocked). Returns the message to store, or throws the refusal.
 */
export function checkSms (world: World, store: MessageStore, sender: Extension, input: SmsInput): NewMessage {
  const body = isObject(input.json) ? input.json : {}
  const account = sender.account
  const isExtensionNumber = (s: string): boolean => /^\d{1,8}$/.test(s) && account.extensions.some(x => x.extensionNumber === s)

  // to
  const to = body.to
  if (!Array.isArray(to) || to.length === 0) throw invalidParameter('to')
  if (to.length > MAX_RECIPIENTS) throw rc('MSG-381')
  const recipients: string[] = []
  for (const entry of to) {
    if (!isObject(entry)) throw invalidParameter('to')
    if (entry.phoneNumber === undefined && entry.extensionNumber !== undefined) throw rc('MSG-246')
    if (typeof entry.phoneNumber !== 'string') throw invalidParameter('to')
    const digits = digitsOf(entry.phoneNumber)
    if (isExtensionNumber(digits)) throw rc('MSG-246')
    if (/^\d{3,6}$/.test(digits)) throw rc('MSG-247')
    const e164 = normalizeNumber(entry.phoneNumber)
    if (e164 === undefined) throw invalidParameter('to')
    if (!recipients.includes(e164)) recipients.push(e164)
  }

  // from
  const from = body.from
  if (!isObject(from)) throw invalidParameter('from')
  if (from.phoneNumber === undefined && from.extensionNumber !== undefined) throw rc('MSG-246')
  if (typeof from.phoneNumber !== 'string' || from.phoneNumber.trim() === '') throw invalidParameter('from')
  const fromRaw = from.phoneNumber

  // text: an error past the limit, never a silent cut
  const text = body.text
  if (typeof text !== 'string') throw invalidParameter('text')
  if (text === '' && input.attachments.length === 0) throw invalidParameter('text')
  if (text.length > MAX_TEXT_UNITS) throw rc('MSG-338')

  // country
  const country = body.country
  if (country !== undefined) {
    if (!isObject(country)) throw invalidParameter('country')
    if (country.id !== undefined && country.isoCode !== undefined) throw rc('MSG-365')
    if (country.isoCode !== undefined && (typeof country.isoCode !== 'string' || !/^[A-Za-z]{2}$/.test(country.isoCode))) throw invalidParameter('country.isoCode')
    if (country.id !== undefined && !/^\d{1,9}$/.test(String(country.id))) throw invalidParameter('country.id')
  }

  // attachments
  if (input.attachments.reduce((n, a) => n + a.body.length, 0) > MAX_ATTACHMENT_BYTES) throw rc('MSG-337')

  // the from number, as the world has it
  if (isExtensionNumber(digitsOf(fromRaw))) throw rc('MSG-246')
  const fromE164 = normalizeNumber(fromRaw)
  const number = fromE164 !== undefined ? world.phoneNumber(fromE164) : undefined
  if (number === undefined || number.owner.account !== account) {
    // The main number belongs to the account even where the scenario assigns it to nobody.
    if (fromE164 !== undefined && fromE164 === account.mainNumber) throw rc('MSG-304')
    throw rc('MSG-245', { parameterName: 'from', template: { value: quoted(fromE164 ?? fromRaw) } })
  }
  // "Even a super admin user cannot send a text message on behalf of other user extensions."
  if (number.owner !== sender) throw rc('MSG-304')
  if (number.type === 'FaxOnly' || number.usageType === 'CompanyFaxNumber') throw rc('MSG-241')
  if (!number.features.includes('SmsSender')) throw rc('MSG-242')
  if (input.attachments.length > 0 && !number.features.includes('MmsSender')) throw rc('MSG-380')

  // recipients
  for (const recipient of recipients) {
    if (!recipient.startsWith('+1') && !number.features.includes('InternationalSmsSender')) throw rc('MSG-240')
    if (store.recipient(recipient)?.outcome === 'Blocked') throw rc('MSG-243', { parameterName: 'to', template: { value: quoted(recipient) } })
  }

  return { owner: sender, from: number.phoneNumber, to: recipients, text, attachments: input.attachments }
}
