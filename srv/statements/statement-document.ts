import { Customers } from '#cds-models/invoicecrm/mirror'
import { StatementLines, StatementOpenItems, Statements } from '#cds-models/invoicecrm/statements'
import { mailLanguage } from '../mail'
import { companyIdentity } from '../respond/company'
import { fromMilli, sumMilli, toMilli } from './amounts'
import { renderStatementPdf, type StatementPdfInput } from './statement-pdf'
import type { AgingBucket } from '#cds-models/invoicecrm/crm'

// A statement as the customer gets it: the PDF, in the customer's correspondence language. Rendered from the stored
// statement only (never from the mirror, which moves on), with the statement day as its date, so that it comes out
// the same bytes every time: the PDF that was sent can always be produced again and compared.

export interface StatementForMail {
  statement: Statements[number]
  customer: { name: string; language: string | null }
  pdf: Buffer
  fileName: string
}

const BUCKETS: AgingBucket[] = [0, 1, 2, 3, 4]

export async function statementDocument(id: string, confirmation?: StatementPdfInput['confirmation']): Promise<StatementForMail | undefined> {
  const statement = await SELECT.one.from(Statements).where({ ID: id })
  if (!statement) return undefined
  const [master, lines, openItems] = await Promise.all([
    SELECT.one.from(Customers).columns('name', 'language').where({ ID: statement.customer_ID }),
    SELECT.from(StatementLines).where({ statement_ID: id }).orderBy('lineNo'),
    SELECT.from(StatementOpenItems).where({ statement_ID: id }).orderBy('lineNo'),
  ])
  const customer = { name: master?.name ?? '', language: master?.language ?? null }
  const pdf = await renderStatementPdf({
    language: mailLanguage(customer.language),
    company: { code: statement.companyCode!, name: companyIdentity(statement.companyCode)?.name ?? undefined },
    customer: { id: statement.customer_ID!, name: customer.name },
    currency: statement.currency!,
    periodStart: statement.periodStart!,
    periodEnd: statement.periodEnd!,
    statementDate: statement.statementDate!,
    openingBalance: statement.openingBalance!,
    closingBalance: statement.closingBalance!,
    lines: lines.map(line => ({
      postingDate: line.postingDate!,
      documentDate: line.documentDate ?? null,
      documentType: line.documentType ?? null,
      accountingDocument: line.accountingDocument!,
      billingDocument: line.billingDocument ?? null,
      purchaseOrder: line.purchaseOrder ?? null,
      netDueDate: line.netDueDate ?? null,
      amount: line.amount!,
    })),
    openItems: openItems.map(item => ({
      accountingDocument: item.accountingDocument!,
      billingDocument: item.billingDocument ?? null,
      netDueDate: item.netDueDate ?? null,
      daysOverdue: item.daysOverdue ?? 0,
      amount: item.amount!,
    })),
    aging: BUCKETS.map(bucket => ({
      bucket,
      amount: fromMilli(sumMilli(openItems.filter(item => item.agingBucket === bucket).map(item => toMilli(item.amount)))),
    })),
    ...(confirmation && { confirmation }),
  })
  const fileName = `statement-${statement.customer_ID}-${statement.companyCode}-${statement.currency}-${statement.periodStart!.slice(0, 7)}.pdf`
  return { statement, customer, pdf, fileName }
}
