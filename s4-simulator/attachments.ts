/**
 * API_CV_ATTACHMENT_SRV as S/4HANA's generic object services answer it: URL attachments (CreateUrlAsAttachment),
 * file uploads (media POST on AttachmentContentSet) and the list per business object (GetAllOriginals).
 * An attachment needs an existing business object of a supported type: sales orders (BUS2032) and business partners
 * (BUS1006) by default; billing documents (VBRK) and customer records (KNA1) only where the tenant allows it (option
 * `attachmentObjectTypes`).
 */
import type { Row } from './odata-query'
import type { Store } from './store'
import { badRequest, notFound } from './errors'

const SET = 'AttachmentContentSet'

/** BOR object type → the entity set holding the object and the width its key is padded to. */
const OBJECT_TYPES: Record<string, { set: string; keyLength: number }> = {
  BUS2032: { set: 'A_SalesOrder', keyLength: 10 },
  VBRK: { set: 'A_BillingDocument', keyLength: 10 },
  BUS1006: { set: 'A_BusinessPartner', keyLength: 10 },
  KNA1: { set: 'A_Customer', keyLength: 10 },
}

export interface NewAttachment {
  objectType: string
  objectKey: string
  fileName: string
  mimeType: string
  url?: string
  content?: Buffer
}

export class Attachments {
  private counter = 0

  constructor(private store: Store, readonly objectTypes: string[], private now: () => number) {}

  private checkObject(objectType: string, objectKey: string) {
    const type = OBJECT_TYPES[objectType]
    if (!type || !this.objectTypes.includes(objectType)) throw badRequest(`Business object type ${objectType} is not enabled for attachments`, 'CV/120')
    if (!this.store.model.entitySets.has(type.set)) throw notFound(`Business object ${objectType} ${objectKey} does not exist`, 'CV/121')
    const table = this.store.table(type.set)
    const stripped = objectKey.replace(/^0+/, '')
    const exists = table.rows.some(r => String(r[table.entity.keys[0].name]).replace(/^0+/, '') === stripped)
    if (!exists) throw notFound(`Business object ${objectType} ${objectKey} does not exist`, 'CV/121')
  }

  create(a: NewAttachment): Row {
    this.checkObject(a.objectType, a.objectKey)
    if (!a.fileName.trim()) throw badRequest('A file name (Slug) or URL description is required', 'CV/110')
    if (a.url !== undefined && !/^https?:\/\/\S+$/.test(a.url)) throw badRequest(`'${a.url}' is not a valid URL`, 'CV/111')
    this.counter++
    return this.store.table(SET).insert({
      DocumentInfoRecordDocType: '',
      DocumentInfoRecordDocNumber: '',
      DocumentInfoRecordDocVersion: '',
      DocumentInfoRecordDocPart: '',
      LogicalDocument: `SIM${String(this.counter).padStart(29, '0')}`,
      ArchiveDocumentID: `SIMARCHIVE${String(this.counter).padStart(30, '0')}`,
      LinkedSAPObjectKey: a.objectKey,
      BusinessObjectTypeName: a.objectType,
      FileName: a.fileName,
      DocumentURL: a.url ?? '',
      MimeType: a.mimeType,
      Content: a.content ? a.content.toString('base64') : undefined,
      CreatedByUser: 'CC0000000001',
      CreationDateTime: this.now(),
    })
  }

  originals(objectType: string, objectKey: string): Row[] {
    this.checkObject(objectType, objectKey)
    return this.store.table(SET).rows.filter(r => r.BusinessObjectTypeName === objectType && r.LinkedSAPObjectKey === objectKey)
  }

  static readonly objectTypes = Object.keys(OBJECT_TYPES)
}
