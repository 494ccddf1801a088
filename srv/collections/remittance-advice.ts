import cds from '@sap/cds'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { PaymentReports, RemittanceAdvices } from '#cds-models/invoicecrm/collections'
import { ConversationError } from '../crm/errors'
import { customerFile, safeFileName } from '../customer-files'
import { collectionsSettings } from './settings'

// A remittance advice the customer attaches to "I've paid" (the response page): a PDF or an image of the payment,
// checked and named as every file a customer sends (srv/customer-files.ts); finance gets it only as a download
// (CollectionsService.RemittanceAdvices).

export interface RemittanceAdviceInput {
  fileName: string
  /** The file, base64. */
  content: string
}

/** Stores the file with the payment report still open for the invoice; one file per report. */
export async function attachRemittanceAdvice(invoiceId: string, input: RemittanceAdviceInput, by: string): Promise<{ status: string; at: string }> {
  const kind = customerFile(input.content, collectionsSettings().remittanceAdviceMaxBytes, {
    tooLarge: 'REMITTANCE_TOO_LARGE',
    unreadable: 'REMITTANCE_UNREADABLE',
    notPdfOrImage: 'REMITTANCE_NOT_PDF_OR_IMAGE',
  })
  const { content } = kind
  const report = await SELECT.one.from(PaymentReports).columns('ID', 'customer_ID').where({ invoice_ID: invoiceId, status: 'reported' }).forUpdate()
  if (!report) throw new ConversationError(409, 'REMITTANCE_NO_PAYMENT_REPORTED')
  if (await SELECT.one.from(RemittanceAdvices).columns('ID').where({ report_ID: report.ID })) throw new ConversationError(409, 'REMITTANCE_ATTACHED_ALREADY')
  const at = new Date().toISOString()
  await INSERT.into(RemittanceAdvices).entries({
    ID: cds.utils.uuid(),
    report_ID: report.ID,
    invoice_ID: invoiceId,
    customer_ID: report.customer_ID,
    fileName: safeFileName(input.fileName, kind.extension, 'remittance-advice'),
    mediaType: kind.mediaType,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    content: Readable.from([content]),
    createdBy: by,
  })
  return { status: 'remittanceAttached', at }
}
