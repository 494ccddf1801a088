import { ConversationError } from './crm/errors'

// A file a customer sends through the response page (a remittance advice with "I've paid", its own statement when
// it disagrees with ours): a PDF or an image. What it is comes from its first bytes, not from its name or the
// browser's word; anything else is refused. It is stored as it came, never opened, converted or run here, and
// finance gets it only as a download (Content-Disposition: attachment, nosniff).

/** The files accepted, by the signature they start with. */
const SIGNATURES: { mediaType: string; extension: string; magic: Buffer }[] = [
  { mediaType: 'application/pdf', extension: 'pdf', magic: Buffer.from('%PDF-', 'latin1') },
  { mediaType: 'image/png', extension: 'png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mediaType: 'image/jpeg', extension: 'jpg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
]

/** Base64 as browsers write it: no line breaks, padded. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** The message keys (_i18n/messages*.properties) of the refusals, per use: the customer reads them in its context. */
export interface CustomerFileRefusals {
  /** with the limit in MB as argument */
  tooLarge: string
  unreadable: string
  notPdfOrImage: string
}

export interface CustomerFile {
  content: Buffer
  mediaType: string
  extension: string
}

/** The file from its base64, or a translated 400 when it is too large, not base64, or no PDF, PNG or JPEG. */
export function customerFile(base64: unknown, maxBytes: number, refusals: CustomerFileRefusals): CustomerFile {
  const text = typeof base64 === 'string' ? base64 : ''
  // The size before decoding, so that an oversized file is not decoded at all.
  if (text.length > Math.ceil(maxBytes / 3) * 4) throw new ConversationError(400, refusals.tooLarge, [megabytes(maxBytes)])
  if (!text.length || !BASE64.test(text)) throw new ConversationError(400, refusals.unreadable)
  const content = Buffer.from(text, 'base64')
  const kind = SIGNATURES.find(s => content.subarray(0, s.magic.length).equals(s.magic))
  if (!kind) throw new ConversationError(400, refusals.notPdfOrImage)
  return { content, mediaType: kind.mediaType, extension: kind.extension }
}

/**
 * The name shown to finance and offered for saving: no folders, no control or quoting characters, at most 100
 * characters, and the extension of what the file is (a "receipt.pdf" that is a PNG is saved as receipt.png).
 */
export function safeFileName(name: string, extension: string, fallback: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f"*:<>?|]/g, '')
    .replace(/\.[^.]*$/, '')
    .trim()
    .slice(0, 90)
  return `${base || fallback}.${extension}`
}

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
