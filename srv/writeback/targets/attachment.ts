import { renderPdf } from '../../documents/pdf'
import type { S4Client } from '../../s4/client'
import { ATTACHMENT_API } from '../../s4/apis'
import { attachedAlready, attachPdf, internalKey, params } from './attachment-service'
import { writeBackSettings } from '../settings'
import { markerOf, salesOrderDocument, type Operation, type PlanContext, type WriteBackTarget } from './target'

export interface AttachmentPayload {
  objectType: 'BUS2032' | 'VBRK'
  /** the object's key as S/4 keeps it internally (document numbers zero-padded to 10) */
  objectKey: string
  mode: 'url' | 'pdf'
  /** shown in S/4's attachment list; the operation's marker is added */
  description: string
  url: string
  /** the receipt's lines (pdf mode) */
  lines: string[]
}

/** Leaves the customer's answer as an attachment on the business object: a URL back to the CRM record, or a PDF receipt. */
async function deliver(op: Operation<AttachmentPayload>, s4: S4Client): Promise<string> {
  const { objectType, objectKey, mode, url } = op.payload
  const marker = markerOf(op)
  const where = `${objectType} ${objectKey}`
  if (await attachedAlready(s4, objectType, objectKey, marker)) return `attachment already on ${where} (an earlier attempt got through)`
  if (mode === 'url') {
    const description = `${op.payload.description} ${marker}`
    await s4.write(
      'post',
      `${ATTACHMENT_API}/CreateUrlAsAttachment?${params({
        HarmonizedDocumentType: '', SAPObjectType: '', SAPObjectNodeType: '', SemanticObject: '',
        LinkedSAPObjectKey: objectKey, BusinessObjectTypeName: objectType, Url: url, UrlDescription: description, MIMEType: 'text/url',
      })}`
    )
    return `link to the CRM record attached to ${where}`
  }
  const fileName = `${op.payload.description} ${marker}.pdf`
  const receipt = await renderPdf({
    title: op.payload.description,
    // The receipt is made when it is delivered; the change's own date is in its title.
    date: new Date(),
    blocks: [...op.payload.lines, url, marker].map(text => ({ kind: 'paragraph', text })),
  })
  await attachPdf(s4, objectType, objectKey, fileName, receipt)
  return `PDF receipt attached to ${where}`
}

/** Evidence of the customer's own answer (the confirmation or the dispute, not its later resolution) on the invoice or its orders. */
async function plan({ event, invoice, cause, salesOrders, today }: PlanContext) {
  const { enabled, objectType, mode, recordUrl } = writeBackSettings().targets.attachment
  if (!enabled || !cause.title || (event !== 'confirmed' && event !== 'disputed')) return []
  const objects = objectType === 'VBRK' ? [invoice.ID] : await salesOrders()
  return objects.map(object => {
    const objectKey = internalKey(object)
    return {
      s4Object: `${objectType} ${objectKey}`,
      s4Document: objectType === 'VBRK' ? `A_BillingDocument('${object}')` : salesOrderDocument(object),
      payload: {
        objectType,
        objectKey,
        mode,
        description: `${cause.title} ${today}`,
        url: recordUrl.replace('{invoice}', encodeURIComponent(invoice.ID)),
        lines: [cause.summary],
      },
    }
  })
}

export const attachment: WriteBackTarget<AttachmentPayload> = { setsState: false, plan, deliver }
