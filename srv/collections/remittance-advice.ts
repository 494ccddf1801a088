import cds from '@sap/cds'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { PaymentReports, RemittanceAdvices } from '#cds-models/invoicecrm/collections'
import { ConversationError } from '../crm/errors'
import { collectionsSettings } from './settings'

// A remittance advice the customer attaches to "I've paid" (the response page): a PDF or an image of the payment.
// What it is comes from its first bytes, not from its name or the browser's word; anything else is refused. It is
// stored as it came, never opened, converted or run here, and finance gets it only as a download
// (CollectionsService.RemittanceAdvices, Content-Disposition: attachment, nosniff).

/** The files accepted, by the signature they start with. */
const SIGNATURES: { mediaType: string; extension: string; magic: Buffer }[] = [
  { mediaType: 'application/pdf', extension: 'pdf', magic: Buffer.from('%PDF-', 'latin1') },
  { mediaType: 'image/png', extension: 'png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mediaType: 'image/jpeg', extension: 'jpg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
]

/** Base64 as browsers write it: no line breaks, padded. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

export interface RemittanceAdviceInput {
  fileName: string
  /** The file, base64. */
  content: string
}

/** Stores the file with the payment report still open for the invoice; one file per report. */
export async function attachRemittanceAdvice(invoiceId: string, input: RemittanceAdviceInput, by: string): Promise<{ status: string; at: string }> {
  const maxBytes = collectionsSettings().remittanceAdviceMaxBytes
  // The size before decoding, so that an oversized file is not decoded at all.
  if (input.content.length > Math.ceil(maxBytes / 3) * 4) throw new ConversationError(400, 'REMITTANCE_TOO_LARGE', [megabytes(maxBytes)])
  if (!input.content.length || !BASE64.test(input.content)) throw new ConversationError(400, 'REMITTANCE_UNREADABLE')
  const content = Buffer.from(input.content, 'base64')
  const kind = SIGNATURES.find(s => content.subarray(0, s.magic.length).equals(s.magic))
  if (!kind) throw new ConversationError(400, 'REMITTANCE_NOT_PDF_OR_IMAGE')
  const report = await SELECT.one.from(PaymentReports).columns('ID', 'customer_ID').where({ invoice_ID: invoiceId, status: 'reported' }).forUpdate()
  if (!report) throw new ConversationError(409, 'REMITTANCE_NO_PAYMENT_REPORTED')
  if (await SELECT.one.from(RemittanceAdvices).columns('ID').where({ report_ID: report.ID })) throw new ConversationError(409, 'REMITTANCE_ATTACHED_ALREADY')
  const at = new Date().toISOString()
  await INSERT.into(RemittanceAdvices).entries({
    ID: cds.utils.uuid(),
    report_ID: report.ID,
    invoice_ID: invoiceId,
    customer_ID: report.customer_ID,
    fileName: safeFileName(input.fileName, kind.extension),
    mediaType: kind.mediaType,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    content: Readable.from([content]),
    createdBy: by,
  })
  return { status: 'remittanceAttached', at }
}

/**
 * The name shown to finance and offered for saving: no folders, no control or quoting characters, at most 100
 * characters, and the extension of what the file is (a "receipt.pdf" that is a PNG is saved as receipt.png).
 */
export function safeFileName(name: string, extension: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f"*:<>?|]/g, '')
    .replace(/\.[^.]*$/, '')
    .trim()
    .slice(0, 90)
  return `${base || 'remittance-advice'}.${extension}`
}

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
