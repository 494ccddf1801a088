import type { Target } from '#cds-models/invoicecrm/writeback'
import type { WriteBackTarget } from './target'
import { salesOrderText } from './sales-order-text'
import { attachment } from './attachment'
import { dunningBlock } from './dunning-block'
import { customField } from './custom-field'
import { statementAttachment } from './statement-attachment'

export type { Delivered, Operation, Planned, StatementPlanContext, WriteBackCause } from './target'

/**
 * The write-back targets by their code (db/writeback.cds Target), in the order a CRM change's operations are planned,
 * and so delivered on one S/4 document. Adding a target: its module, its enum value with code-list texts, and its
 * settings in cds.requires.writeback.targets.
 */
export const targets: Record<Target, WriteBackTarget<unknown>> = { salesOrderText, attachment, dunningBlock, customField, statementAttachment }
