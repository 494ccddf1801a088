import cds from '@sap/cds'
import { S4Client, S4Error } from './client'
import { s4Destination, s4Settings } from './destination'
import { BILLING_DOCUMENT_API, literal } from './apis'

const LOG = cds.log('s4')

/**
 * The invoice as S/4HANA prints it (API_BILLING_DOCUMENT_SRV GetPDF), or undefined when S/4HANA has none for it
 * (no output determined: 404/400): the mail then goes without it. Other failures are thrown for a retry.
 */
export async function invoicePdf(billingDocument: string): Promise<Buffer | undefined> {
  const settings = s4Settings()
  const client = new S4Client(s4Destination(settings), settings)
  try {
    const { data } = await client.read(`${BILLING_DOCUMENT_API}/GetPDF?BillingDocument=${literal(billingDocument)}&$format=json`)
    const binary = (data as { d?: { GetPDF?: { BillingDocumentBinary?: string } } })?.d?.GetPDF?.BillingDocumentBinary
    return binary ? Buffer.from(binary, 'base64') : undefined
  } catch (error) {
    if (error instanceof S4Error && (error.httpStatus === 404 || error.httpStatus === 400)) {
      LOG.info(`No PDF in S/4HANA for billing document ${billingDocument}: ${error.message}`)
      return undefined
    }
    throw error
  }
}
