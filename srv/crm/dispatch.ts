import cds from '@sap/cds'
import { crmSettings, dispatchSince } from './settings'
import { recordTimeline } from './timeline'
import { inviteToSurvey } from './surveys'
import { ConversationError } from './errors'
import { clearStuckMessages } from '../queue-recovery'
import { InvoiceConversations } from '#cds-models/invoicecrm/crm'
import { BillingDocuments, Customers, type BillingDocument } from '#cds-models/invoicecrm/mirror'

// New invoices in the mirror go to the customer's billing contact. The conversation row is the record that an
// invoice was taken up (so it is sent once); the e-mail itself goes through the persistent queue, which
// retries it and keeps it visible until it is sent, in the same transaction as that row.

const LOG = cds.log('crm')

let warnedUnconfigured = false

/**
 * Takes up every new, valid invoice not yet taken up whose customer is mirrored; returns how many were queued and how
 * many lack an address. An invoice whose customer the sync has not brought yet (billing documents and business
 * partners sync on their own schedules) waits for the customer sync, which calls this again: judged without its
 * customer, it would be marked noEmail.
 */
export async function dispatchNewInvoices(): Promise<{ queued: number; noEmail: number }> {
  const since = dispatchSince()
  if (!since) {
    if (!warnedUnconfigured) LOG.info('Invoice dispatch is off: set cds.requires.crm.dispatch.since to the first invoice date to send')
    warnedUnconfigured = true
    return { queued: 0, noEmail: 0 }
  }
  const result = { queued: 0, noEmail: 0 }
  for (;;) {
    const invoices = await SELECT.from(BillingDocuments)
      .columns('ID', 'payer_ID', 'isCleared')
      .where({
        createdOn: { '>=': since },
        isCancelled: false,
        removedInS4: false,
        // not taken up yet: no conversation, or one begun by an answer on the phone (no delivery state)
        ID: { 'not in': SELECT('invoice_ID').from(InvoiceConversations).where('dispatchStatus is not null') },
        payer_ID: { in: SELECT('ID').from(Customers) },
      })
      // cancellation documents name the invoice they cancel: nothing to send there
      .and(`cancelledDocument is null or cancelledDocument = ''`)
      .orderBy('ID')
      .limit(crmSettings().dispatch.batchSize)
    if (!invoices.length) break
    let failed = 0
    for (const invoice of invoices) {
      const taken = await takeUp(invoice).catch(error => {
        // Another instance took it up first, or the queue could not be written: the next round retries.
        LOG.warn(`Invoice ${invoice.ID} not taken up: ${(error as Error).message}`)
        failed++
        return undefined
      })
      if (taken) result[taken]++
    }
    // After a failure the same invoices would come back at once: leave them to the next round.
    if (failed || invoices.length < crmSettings().dispatch.batchSize) break
  }
  if (result.queued || result.noEmail) LOG.info(`Invoice dispatch: ${result.queued} queued, ${result.noEmail} without a billing e-mail address`)
  return result
}

async function takeUp(invoice: BillingDocument): Promise<'queued' | 'noEmail'> {
  return cds.tx(async () => {
    const customer = await SELECT.one.from(Customers).columns('billingEmail').where({ ID: invoice.payer_ID })
    const email = customer?.billingEmail
    const dispatchStatus = email ? 'pending' : 'noEmail'
    // A conversation begun on the phone gets its delivery state; the condition lets only one instance take it up.
    const takenFromAnswer = await UPDATE(InvoiceConversations).set({ dispatchStatus }).where({ invoice_ID: invoice.ID, dispatchStatus: null })
    if (!takenFromAnswer)
      await INSERT.into(InvoiceConversations).entries({ invoice_ID: invoice.ID, customer_ID: invoice.payer_ID, dispatchStatus, invoiceCleared: Boolean(invoice.isCleared) })
    if (!email) {
      await recordTimeline({ kind: 'noEmail', invoice: invoice.ID, customer: invoice.payer_ID, message: 'TIMELINE_NO_EMAIL' })
      return 'noEmail'
    }
    await queueInvoiceMail(invoice.ID!)
    return 'queued'
  })
}

const queueInvoiceMail = async (invoice: string) => cds.queued(await cds.connect.to('customer-mail')).send('invoiceMail', { invoice })

/**
 * Invoices in the dispatch window left without a mail because their customer had no billing e-mail address: once the
 * customer sync brings one, each is queued after all (recorded on the timeline). Returns how many were queued.
 */
export async function dispatchToNewAddresses(): Promise<number> {
  const since = dispatchSince()
  if (!since) return 0
  let queued = 0
  for (;;) {
    const waiting = await SELECT.from(InvoiceConversations)
      .columns('invoice_ID', 'customer_ID')
      .where({
        dispatchStatus: 'noEmail',
        customer_ID: { in: SELECT('ID').from(Customers).where(`billingEmail is not null and billingEmail != ''`) },
        invoice_ID: { in: SELECT('ID').from(BillingDocuments).where({ createdOn: { '>=': since }, isCancelled: false, removedInS4: false }) },
      })
      .limit(crmSettings().dispatch.batchSize)
    for (const { invoice_ID, customer_ID } of waiting)
      await cds.tx(async () => {
        // The status condition lets only one instance (or a resend by AR meanwhile) queue the mail.
        const changed = await UPDATE(InvoiceConversations)
          .set({ dispatchStatus: 'pending', dispatchAttempts: 0, dispatchError: null })
          .where({ invoice_ID, dispatchStatus: 'noEmail' })
        if (!changed) return
        await recordTimeline({ kind: 'addressFound', invoice: invoice_ID, customer: customer_ID, message: 'TIMELINE_ADDRESS_FOUND' })
        await queueInvoiceMail(invoice_ID!)
        queued++
      })
    if (waiting.length < crmSettings().dispatch.batchSize) break
  }
  if (queued) LOG.info(`Invoice dispatch: ${queued} invoices queued for customers who have a billing e-mail address now`)
  return queued
}

/** Invoices the customer has paid since we sent them: time to ask how it went (at most once per contact and period). */
export async function surveyPaidInvoices(): Promise<number> {
  let invited = 0
  for (;;) {
    const paid = await SELECT.from(InvoiceConversations)
      .columns('invoice_ID', 'customer_ID', 'sentTo')
      .where({
        dispatchStatus: 'sent',
        paymentNoticedAt: null,
        invoice_ID: { in: SELECT('ID').from(BillingDocuments).where({ isCleared: true }) },
      })
      .limit(crmSettings().dispatch.batchSize)
    for (const row of paid)
      await cds.tx(async () => {
        await UPDATE(InvoiceConversations).set({ paymentNoticedAt: new Date().toISOString() }).where({ invoice_ID: row.invoice_ID })
        if (await inviteToSurvey({ invoice: row.invoice_ID!, customer: row.customer_ID ?? null, contactEmail: row.sentTo ?? null, trigger: 'cleared' })) invited++
      })
    if (paid.length < crmSettings().dispatch.batchSize) return invited
  }
}

/**
 * Sends an invoice mail again on AR's request: after it was sent, failed for good or bounced, once a customer
 * without an address has one in S/4HANA, or for the first time after an answer on the phone came before any mail
 * (no delivery state). The retry budget starts afresh. The mail goes through the persistent
 * queue in the caller's transaction, as the first one did.
 */
export async function resendInvoice(invoiceId: string, user: string): Promise<void> {
  const invoice = await SELECT.one.from(BillingDocuments).columns('ID', 'payer_ID', 'isCancelled').where({ ID: invoiceId })
  if (!invoice) throw new ConversationError(404, 'INVOICE_NOT_FOUND', [invoiceId])
  if (invoice.isCancelled) throw new ConversationError(409, 'INVOICE_CANCELLED_NOT_RESENT', [invoiceId])
  const conversation = await SELECT.one.from(InvoiceConversations).columns('dispatchStatus').where({ invoice_ID: invoiceId })
  if (!conversation) throw new ConversationError(409, 'INVOICE_NEVER_DISPATCHED', [invoiceId])
  // Pending, but stuck (its message stranded by a stopped instance, overdue or dead-lettered): AR may send it again.
  if (conversation.dispatchStatus === 'pending' && !(await clearStuckMessages('customer-mail', 'invoiceMail', { invoice: invoiceId })))
    throw new ConversationError(409, 'INVOICE_QUEUED_ALREADY', [invoiceId])
  const customer = await SELECT.one.from(Customers).columns('billingEmail').where({ ID: invoice.payer_ID })
  if (!customer?.billingEmail)
    throw new ConversationError(409, 'CUSTOMER_WITHOUT_BILLING_EMAIL', [invoiceId])
  // The status condition lets only one of two concurrent requests queue the mail.
  const changed = await UPDATE(InvoiceConversations)
    .set({ dispatchStatus: 'pending', dispatchAttempts: 0, dispatchError: null })
    .where({ invoice_ID: invoiceId, dispatchStatus: conversation.dispatchStatus })
  if (!changed) throw new ConversationError(409, 'INVOICE_CHANGED_MEANWHILE', [invoiceId])
  await recordTimeline({ kind: 'resendRequested', invoice: invoiceId, customer: invoice.payer_ID, actor: user, ...(conversation.dispatchStatus ? { message: 'TIMELINE_RESEND', params: { was: conversation.dispatchStatus } } : { message: 'TIMELINE_RESEND_NEVER_SENT' }) })
  await queueInvoiceMail(invoiceId)
}
