import cds from '@sap/cds'
import { Readable } from 'node:stream'
import { Statements } from '#cds-models/invoicecrm/statements'
import { issueLink, revokeLinks } from '../links'
import { MailError, mailSettings, sendMail, statementMail } from '../mail'
import { statementDocument } from './statement-document'
import { queueWeComNotice } from '../notify/wecom-notices'

// The persistent queue's handler of a statement's mail (queued when AR sends it, or when it is reminded): issues the
// statement's link and the customer's account link (committed at once, as the invoice mail's), renders the PDF, sends,
// and records the outcome. The PDF sent is kept on the statement. A statement mailed already (a message redelivered
// after a crash) is not mailed again; a refused recipient (SMTP 5xx) is recorded and final; any other failure is
// thrown, for the queue to retry.

export async function sendStatementMail(statementId: string, reminder = false): Promise<void> {
  const document = await cds.tx(() => statementDocument(statementId))
  if (!document) return
  const { statement, customer, pdf, fileName } = document
  const due = reminder ? statement.status === 'noAnswer' && !statement.reminderSentAt : statement.status === 'sent' && !statement.mailedAt
  if (!due || !statement.recipientEmail) return
  // With it, the link to the customer's account page (every invoice, statement and order), issued now and never stored.
  const [link, account] = await cds.tx(async () => [
    await issueLink({ purpose: 'statement', statement: statementId, contactEmail: statement.recipientEmail! }),
    await issueLink({ purpose: 'account', customer: statement.customer_ID!, contactEmail: statement.recipientEmail! }),
  ])
  const page = `${mailSettings()?.publicUrl ?? ''}/respond/#t=`
  try {
    await sendMail({
      to: { name: customer.name, address: statement.recipientEmail },
      ...statementMail({
        language: customer.language,
        customerName: customer.name,
        periodStart: statement.periodStart!,
        periodEnd: statement.periodEnd!,
        currency: statement.currency!,
        openingBalance: statement.openingBalance!,
        closingBalance: statement.closingBalance!,
        link: page + link.token,
        accountLink: page + account.token,
        reminder,
      }),
      attachments: [{ filename: fileName, content: pdf, contentType: 'application/pdf' }],
      reference: `statement ${statementId}`,
    })
  } catch (error) {
    // Committed before the error goes back to the queue, which undoes its own transaction to retry the message: the
    // failure stays visible on the statement meanwhile, and the links of the mail that did not go are dead.
    await cds.tx(async () => {
      await revokeLinks({ linkId: link.linkId })
      await revokeLinks({ linkId: account.linkId })
      await UPDATE(Statements, statementId).set({ mailError: (error as Error).message.slice(0, 1000) })
    })
    if (error instanceof MailError && error.permanent) return
    throw error
  }
  const at = new Date().toISOString()
  await UPDATE(Statements, statementId).set(
    reminder ? { reminderSentAt: at, mailError: null } : { mailedAt: at, mailError: null, pdf: Readable.from([pdf]), pdfFileName: fileName }
  )
  // The customer's WeCom group hears of it too, if it has one: queued with the mail's outcome.
  await queueWeComNotice({ customer: statement.customer_ID!, kind: 'statement', statement: statementId, statementReminder: reminder })
}
