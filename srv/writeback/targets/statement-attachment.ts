import cds from '@sap/cds'
import type { S4Client } from '../../s4/client'
import { statementDocument } from '../../statements/statement-document'
import { writeBackSettings } from '../settings'
import { attachedAlready, attachPdf, internalKey } from './attachment-service'
import { markerOf, type Operation, type StatementPlanContext, type WriteBackTarget } from './target'

// A statement the customer confirmed, written to S/4HANA as evidence on the customer: the statement's PDF with the
// confirmation note (who confirmed, when), as an attachment of the business partner (BUS1006) or, where the tenant
// supports it, of the customer record (KNA1). The PDF is rendered when it is delivered, from the stored statement and
// its final answer, which never change: every attempt uploads the same bytes.

export interface StatementAttachmentPayload {
  objectType: 'BUS1006' | 'KNA1'
  objectKey: string
  statement: string
  /** the file's name in S/4's attachment list, before the marker */
  description: string
}

async function planStatement({ statement }: StatementPlanContext) {
  const { enabled, objectType } = writeBackSettings().targets.statementAttachment
  const object = objectType === 'BUS1006' ? statement.businessPartner : statement.customer_ID
  if (!enabled || !object) return []
  const objectKey = internalKey(object)
  return [
    {
      s4Object: `${objectType} ${objectKey}`,
      s4Document: objectType === 'BUS1006' ? `A_BusinessPartner('${object}')` : `A_Customer('${object}')`,
      payload: {
        objectType,
        objectKey,
        statement: statement.ID,
        description: `Statement ${statement.companyCode} ${statement.currency} ${statement.periodStart.slice(0, 7)} confirmed`,
      },
    },
  ]
}

async function deliver(op: Operation<StatementAttachmentPayload>, s4: S4Client): Promise<string> {
  const { objectType, objectKey, statement, description } = op.payload
  const marker = markerOf(op)
  const where = `${objectType} ${objectKey}`
  if (await attachedAlready(s4, objectType, objectKey, marker)) return `attachment already on ${where} (an earlier attempt got through)`
  const document = await cds.tx(async () => {
    const answer = await SELECT.one.from('invoicecrm.statements.Statements').columns('answeredAt', 'answeredBy').where({ ID: statement })
    return answer && statementDocument(statement, { confirmedAt: answer.answeredAt, confirmedBy: answer.answeredBy })
  })
  // The statement is gone (deleted by hand in the database): nothing to attach, which retrying would not change.
  if (!document) return `statement ${statement} no longer exists: nothing attached to ${where}`
  await attachPdf(s4, objectType, objectKey, `${description} ${marker}.pdf`, document.pdf)
  return `confirmed statement attached to ${where}`
}

/** Invoice events are none of its concern: it plans only from a confirmed statement. */
export const statementAttachment: WriteBackTarget<StatementAttachmentPayload> = { setsState: false, plan: async () => [], planStatement, deliver }
