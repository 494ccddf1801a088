import type { S4Client } from '../../s4/client'
import { ATTACHMENT_API, literal } from '../../s4/apis'

// What the attachment targets (an invoice's evidence, a confirmed statement) do through API_CV_ATTACHMENT_SRV. S/4
// has no key of ours for attachments, so an operation's marker goes into the file name or URL description; an
// attachment carrying it means an earlier attempt got through.

interface Original {
  FileName?: string
  DocumentURL?: string
}

/** Whether the business object has an attachment whose file name carries the marker. */
export async function attachedAlready(s4: S4Client, objectType: string, objectKey: string, marker: string): Promise<boolean> {
  const originals = await s4.read(
    `${ATTACHMENT_API}/GetAllOriginals?${params({ LinkedSAPObjectKey: objectKey, BusinessObjectTypeName: objectType, SemanticObject: '', SAPObjectType: '', SAPObjectNodeType: '' })}`
  )
  return ((originals.data as { d?: { results?: Original[] } }).d?.results ?? []).some(a => a.FileName?.includes(marker))
}

/** Uploads a PDF as an attachment of the business object. */
export async function attachPdf(s4: S4Client, objectType: string, objectKey: string, fileName: string, pdf: Buffer): Promise<void> {
  await s4.write('post', `${ATTACHMENT_API}/AttachmentContentSet`, {
    headers: { 'Content-Type': 'application/pdf', Slug: encodeURIComponent(fileName), BusinessObjectTypeName: objectType, LinkedSAPObjectKey: objectKey },
    body: pdf,
  })
}

/** Function import parameters as S/4 reads them. */
export const params = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([name, value]) => `${name}=${literal(value)}`)
    .join('&')

/** S/4 keeps document numbers zero-padded internally; object links use that form. */
export const internalKey = (documentNumber: string) => (/^\d+$/.test(documentNumber) ? documentNumber.padStart(10, '0') : documentNumber)
