/**
 * A small RFC 2046 multipart reader for `multipart/form-data` and `multipart/mixed` bodies.
 *
 * RingCentral's `/sms` takes both: `@rc-ex/core` sends form-data with a `request.json` part, and
 * RingCentral's own MMS example sends `multipart/mixed` whose first part is the JSON. Bodies are
 * already size-limited by fastify, so the whole body is read as one buffer. Line breaks may be
 * CRLF (as HTTP clients send them) or bare LF (as hand-written examples do).
 */

export interface Part {
  /** Header names in lower case. */
  headers: Record<string, string>
  /** From `Content-Disposition: ...; name="..."`. */
  name?: string
  /** From `Content-Disposition: ...; filename="..."`. */
  filename?: string
  /** The part's media type in lower case, without parameters; default `text/plain` (RFC 2046). */
  contentType: string
  body: Buffer
}

export class MultipartError extends Error {}

/** The `boundary` parameter of a multipart Content-Type, or undefined. */
export function boundaryOf (contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  return boundary !== undefined && boundary.length <= 200 ? boundary : undefined
}

const LF = 0x0a
const CR = 0x0d

/** Splits a multipart body into its parts; throws {@link MultipartError} if it is malformed. */
export function parseMultipart (body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`)
  let pos = body.indexOf(delimiter)
  // The first delimiter starts the body or a line (a preamble may precede it).
  if (pos < 0 || (pos > 0 && body[pos - 1] !== LF)) throw new MultipartError('no opening boundary')
  const parts: Part[] = []
  for (;;) {
    pos += delimiter.length
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++
    if (body[pos] === CR) pos++
    if (body[pos] !== LF) throw new MultipartError('boundary not followed by a line break')
    pos++
    // The next delimiter is `--boundary` at the start of a line; the line break before it is not content.
    let next = pos - 1
    for (;;) {
      next = body.indexOf(delimiter, next)
      if (next < 0) throw new MultipartError('no closing boundary')
      if (body[next - 1] === LF) break
      next += 1
    }
    let end = next - 1
    if (end > pos && body[end - 1] === CR) end--
    parts.push(parsePart(body.subarray(pos, Math.max(pos, end))))
    pos = next
  }
}

function parsePart (raw: Buffer): Part {
  let headerText: string
  let content: Buffer
  if (raw[0] === LF || (raw[0] === CR && raw[1] === LF)) {
    headerText = ''
    content = raw.subarray(raw[0] === LF ? 1 : 2)
  } else {
    const crlf = raw.indexOf('\r\n\r\n')
    const lf = raw.indexOf('\n\n')
    const [at, size] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2]
    if (at >= 0) {
      headerText = raw.subarray(0, at).toString('latin1')
      content = raw.subarray(at + size)
    } else if (raw[raw.length - 1] === LF) {
      // Headers and an empty body: the blank line was the one before the next boundary.
      headerText = raw.toString('latin1')
      content = raw.subarray(raw.length)
    } else {
      throw new MultipartError('part without a header/body separator')
    }
  }
  const headers: Record<string, string> = {}
  for (const line of headerText.split(/\r?\n/)) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) throw new MultipartError(`malformed part header: ${line}`)
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const disposition = headers['content-disposition'] ?? ''
  const name = dispositionParam(disposition, 'name')
  const filename = dispositionParam(disposition, 'filename')
  const contentType = (headers['content-type'] ?? 'text/plain').split(';')[0]?.trim().toLowerCase() || 'text/plain'
  const encoding = headers['content-transfer-encoding']?.toLowerCase()
  const body = encoding === 'base64' ? Buffer.from(content.toString('latin1'), 'base64') : Buffer.from(content)
  return {
    headers,
    ...(name !== undefined ? { name } : {}),
    ...(filename !== undefined ? { filename } : {}),
    contentType,
    body
  }
}

function dispositionParam (disposition: string, param: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s;]+))`, 'i').exec(disposition)
  if (!match) return undefined
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]
}
