import cds from '@sap/cds'
import { invoicePdf } from '../s4/invoice-pdf'
import { ConversationError } from '../crm/errors'

const LOG = cds.log('respond')

/**
 * The invoice as S/4HANA prints it, for the customer's page to show or save: read from S/4HANA when asked (it is the
 * legal document, and S/4HANA keeps it), never stored here. None in S/4HANA is a 404; S/4HANA not answering a 503,
 * which the page offers to try again.
 */
export async function invoiceDocument(invoice: string) {
  let pdf: Buffer | undefined
  try {
    pdf = await invoicePdf(invoice)
  } catch (error) {
    LOG.warn(`The PDF of billing document ${invoice} could not be read from S/4HANA:`, (error as Error).message)
    throw new ConversationError(503, 'INVOICE_DOCUMENT_UNAVAILABLE')
  }
  if (!pdf) throw new ConversationError(404, 'INVOICE_DOCUMENT_NOT_IN_S4', [invoice])
  return { fileName: `${invoice}.pdf`, mediaType: 'application/pdf', content: pdf.toString('base64') }
}
