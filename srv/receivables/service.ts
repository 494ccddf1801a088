import cds from '@sap/cds'
import { Countries, Customers, Invoice, Invoices, Dispute, Disputes, DisputeLines, DisputeComments, ContactProposal, CustomerContacts, Conversations, Timeline_ } from '#cds-models/ReceivablesService'
import { confirmInvoice, raiseDispute } from '../crm/conversations'
import { resendInvoice } from '../crm/dispatch'
import { acceptContactProposal, revokeInvoiceLinks } from '../crm/contacts'
import { addComment, assignDispute, closeDispute, escalateDispute, resolveDispute, startProcessing, type StatusStep } from '../crm/disputes'
import { declaredStep } from '../status-flow'
import type { DisputeStatus } from '#cds-models/invoicecrm/crm'
import { sortAndFilterByDueDate } from '../days-overdue'
import { readNavigationAsFilter } from '../navigation-filters'
import { countsOnTable, readWithTableCount } from '../invoice-count'
import { readTotalsFromTable, totalsOnTable } from '../invoice-totals'
import { searchAsCondition } from '../invoice-search'
import { isFinanceUser, recordFinanceUser } from '../crm/finance-users'
import { nameOfCode, type Kind } from '../display-names'
import { renderTimelineTexts, TIMELINE_TEXT_SOURCES } from '../crm/timeline-text'
import { countriesOf } from './countries'
import { paymentFigures } from './customer-kpis'
import { balancesOfToday } from '../sync/customer-balances'
import { pageOfWholeList, readCustomerPage } from './customer-pages'

/** The customers' codes shown by name (srv/display-names.ts): the virtual name column, its code column, the kind. */
const NAMED_CODES = [
  { name: 'countryName', code: 'country', kind: 'region' },
  { name: 'languageName', code: 'language', kind: 'language' },
] as const satisfies readonly { name: string; code: string; kind: Kind }[]

/** The customers' payment figures (srv/receivables/customer-kpis.ts), virtual columns computed when read. */
const PAYMENT_FIGURES = ['daysSalesOutstanding', 'averageDaysLate'] as const

/** What a dispute's draft may change: the key and the processing data. */
const DISPUTE_PROCESSING = new Set(['ID', 'processor', 'priority', 'internalNote', 'slaDueAt'])

const CHANGES_READABLE = '@Capabilities.NavigationRestrictions.RestrictedProperties'
type ChangeTracked = { elements: Record<string, unknown>; [CHANGES_READABLE]?: unknown; drafts?: { [CHANGES_READABLE]?: unknown } }

/** AR's view of the mirror and the conversation; what clerks record and how disputes move on. */
export default class ReceivablesService extends cds.ApplicationService {
  init() {
    // Reads at volume: an object's sections by their foreign key (srv/navigation-filters.ts), sorting and filtering
    // by days overdue through the index on the open due date (srv/days-overdue.ts), $search as a condition on the
    // invoice's columns (srv/invoice-search.ts), the list's count on the table (srv/invoice-count.ts), and so its totals
    // (srv/invoice-totals.ts).
    this.before('*', req => recordFinanceUser(req))
    this.before('READ', '*', req => readNavigationAsFilter(req))
    this.before('READ', Invoices, async req => {
      sortAndFilterByDueDate(req.query.SELECT as Parameters<typeof sortAndFilterByDueDate>[0], new Date(req.timestamp))
      await searchAsCondition(req.query.SELECT as Parameters<typeof searchAsCondition>[0], req.target as unknown as Parameters<typeof searchAsCondition>[1])
    })
    // By name: cds-types 0.18 types `next` of a typed entity's READ as returning one instance, not the list.
    this.on('READ', 'Invoices', (req, next) => {
      const select = req.query.SELECT as Parameters<typeof countsOnTable>[0] & Parameters<typeof totalsOnTable>[0]
      if (totalsOnTable(select)) return readTotalsFromTable(select)
      return countsOnTable(select) ? readWithTableCount(select, async () => next()) : next()
    })

    // A name asked for alone needs its code read too; a timeline entry's text, its message and parameters.
    this.before('READ', Customers, async req => {
      readSourcesOf(req, [...NAMED_CODES.map(({ name, code }) => ({ column: name, sources: [code] })), ...PAYMENT_FIGURES.map(column => ({ column, sources: ['ID'] }))])
      await balancesOfToday(new Date(req.timestamp))
    })
    // The whole list (as the app first shows it, or sorted by what customers owe) by the tables' indexes.
    this.on('READ', 'Customers', (req, next) => {
      const select = req.query.SELECT as Parameters<typeof pageOfWholeList>[0]
      return pageOfWholeList(select) ? readCustomerPage(select, async () => next()) : next()
    })
    this.on('READ', Countries, req => countriesOf(req.locale ?? 'en', (req.query.SELECT as { limit?: Parameters<typeof countriesOf>[1] }).limit))
    this.before('READ', Timeline_, req => readSourcesOf(req, [{ column: 'text', sources: TIMELINE_TEXT_SOURCES }]))
    this.after('READ', Timeline_, (entries, req) => renderTimelineTexts([entries ?? []].flat(), req.locale ?? 'en'))
    this.after('READ', Customers, async (customers, req) => {
      const locale = req.locale ?? 'en'
      const rows = [customers ?? []].flat()
      for (const customer of rows)
        for (const { name, code, kind } of NAMED_CODES) if (customer[code] !== undefined) customer[name] = nameOfCode(customer[code], kind, locale)
      if (!asksFor(req, PAYMENT_FIGURES)) return
      const figures = await paymentFigures(rows.map(customer => customer.ID as string), new Date(req.timestamp))
      for (const customer of rows) Object.assign(customer, figures.get(customer.ID as string))
    })

    this.on(Invoice.actions.recordConfirmation, async req => {
      const { source, note } = req.data
      await confirmInvoice(this.key(req), { by: req.user.id, channel: source, note })
      return SELECT.one.from(Conversations).where({ invoice_ID: this.key(req) })
    })

    this.on(Invoice.actions.recordDispute, async req => {
      const { source, reason, comment, amount } = req.data
      const { dispute } = await raiseDispute(this.key(req), { reason, comment, amount }, { by: req.user.id, channel: source })
      return SELECT.one.from(Disputes).where({ ID: dispute })
    })

    this.on(Invoice.actions.resendInvoice, async req => {
      await resendInvoice(this.key(req), req.user.id)
      // The new mail brings a new link (issued when it is sent); the ones before it stop working.
      await revokeInvoiceLinks(this.key(req), req.user.id, 'invoiceResent')
      return SELECT.one.from(Conversations).where({ invoice_ID: this.key(req) })
    })

    this.on(Invoice.actions.revokeLinks, async req => {
      if (!(await revokeInvoiceLinks(this.key(req), req.user.id, 'revokedByAR'))) return req.reject({ status: 409, message: 'NO_LINKS_TO_REVOKE', args: [this.key(req)] })
      return SELECT.one.from(Conversations).where({ invoice_ID: this.key(req) })
    })

    this.on(ContactProposal.actions.accept, async req => {
      const ID = await acceptContactProposal(this.key(req), req.user.id)
      return this.run(SELECT.one.from(CustomerContacts).where({ ID, IsActiveEntity: true }))
    })

    // Saving a dispute's draft writes only its processing data: status, comments and the rest move by actions,
    // possibly while the draft is open, and the draft's older copy of them must not overwrite that.
    // Escalating is an AR manager's decision: the apps offer it to them alone.
    this.after('READ', Disputes, (result, req) => {
      if (req.user.is('ARManager')) return
      for (const dispute of [result ?? []].flat() as { canEscalate?: boolean }[]) if (dispute && 'canEscalate' in dispute) dispute.canEscalate = false
    })

    // The active dispute changes by its draft's activation and by actions, never by a PATCH or PUT of its own (CAP
    // 10.1.1 lets those through to draft-enabled entities: cds.fiori.bypass_draft). The activation is the one UPDATE
    // of an active dispute while it has a draft: CAP refuses a direct one then (409).
    this.before('UPDATE', Disputes, async req => {
      if (!(await SELECT.one.from(Disputes.drafts).columns('ID').where({ ID: this.key(req) ?? null }))) return req.reject(405, 'DISPUTE_CHANGED_IN_DRAFT_ONLY')
      for (const field of Object.keys(req.data)) if (!DISPUTE_PROCESSING.has(field)) delete (req.data as Record<string, unknown>)[field]
      // A new processor is one of the finance users (its value help); one set before stays as it is.
      const { processor } = req.data as { processor?: string | null }
      const active = processor && (await SELECT.one.from(Disputes).columns('processor').where({ ID: this.key(req) }))
      if (active && active.processor !== processor && !(await isFinanceUser(processor)))
        return req.reject({ status: 400, message: 'PROCESSOR_UNKNOWN', target: 'processor' })
    })
    this.before('EDIT', Disputes, async req => {
      const dispute = (await SELECT.one.from(Disputes).columns('status').where({ ID: this.key(req) })) as { status: string } | undefined
      if (dispute?.status === 'Closed') req.reject(409, 'DISPUTE_CLOSED_NOT_EDITED')
    })
    // Editing a dispute is allowed, making one up is not: disputes come from the customer or from recordDispute.
    this.before('NEW', [Disputes.drafts, DisputeLines.drafts, DisputeComments.drafts], req => req.reject(405, 'DISPUTE_NOT_CREATED_BY_EDITING'))

    // Fiori elements reads a new draft's `changes` as well (Customer 360 creating a contact correction), although the
    // Change History section is hidden in draft. CAP 10.1.1 gives a draft none of its entity's capability annotations,
    // so the navigation that @cap-js/change-tracking allows on the active entity (NavigationRestrictions) was refused
    // from the draft (405: ChangeView is not readable by itself) and the app showed an error. The drafts allow it too.
    for (const entity of Object.values(this.entities) as unknown as ChangeTracked[])
      if (entity.drafts && entity.elements.changes) entity.drafts[CHANGES_READABLE] ??= entity[CHANGES_READABLE]

    this.on(Dispute.actions.startProcessing, req => this.disputeStep(req, (id, flow) => startProcessing(id, flow, req.user.id)))
    this.on(Dispute.actions.resolveDispute, req => this.disputeStep(req, (id, flow) => resolveDispute(id, flow, req.data.outcome, req.data.resolution ?? '', req.user.id)))
    this.on(Dispute.actions.close, req => this.disputeStep(req, (id, flow) => closeDispute(id, flow, req.user.id)))
    this.on(Dispute.actions.addComment, req => this.disputeStep(req, (id, flow) => addComment(id, flow, req.data.text, Boolean(req.data.internal), req.user.id)))
    // Not while the dispute is edited in a draft: saving the draft would put its own processor back.
    this.before(Dispute.actions.assign, async req => {
      if (await SELECT.one.from(Disputes.drafts).columns('ID').where({ ID: this.key(req) })) return req.reject(409, 'DISPUTE_IN_DRAFT_NOT_ASSIGNED')
    })
    this.on(Dispute.actions.assign, req => this.disputeStep(req, (id, flow) => assignDispute(id, flow, req.data.processor, req.user.id)))
    this.on(Dispute.actions.escalate, req => this.disputeStep(req, (id, flow) => escalateDispute(id, flow, req.data.reason, req.user.id)))

    return super.init()
  }

  /** The key of the bound action's instance. */
  private key(req: cds.Request): string {
    const [key] = req.params as (string | { ID: string })[]
    return typeof key === 'object' ? key.ID : key
  }

  /**
   * A dispute's action: a step of the status flow srv/receivables/flows.cds declares, which CAP checks before and
   * completes after it. Its ConversationError propagates as it is, and CAP answers with its status and message.
   */
  private async disputeStep(req: cds.Request, step: (id: string, flow: StatusStep) => Promise<unknown>) {
    await step(this.key(req), declaredStep<DisputeStatus>(req.target as cds.entity, req.event))
    // The active dispute as the service shows it (with IsActiveEntity): Fiori puts it in place of what it shows.
    return this.run(SELECT.one.from(Disputes).where({ ID: this.key(req), IsActiveEntity: true }))
  }
}

/** Whether a read asks for any of the columns (a read without columns asks for all). */
function asksFor(req: cds.Request, columns: readonly string[]): boolean {
  const selected = (req.query.SELECT as { columns?: { ref?: string[] }[] }).columns
  return !selected || selected.some(column => column.ref?.length === 1 && columns.includes(column.ref[0]))
}

/** Adds to a read's columns what a column asked for is made of, where the request did not ask for it itself. */
function readSourcesOf(req: cds.Request, derived: readonly { column: string; sources: readonly string[] }[]): void {
  const columns = (req.query.SELECT as { columns?: { ref?: string[] }[] }).columns
  if (!columns) return
  const asked = new Set(columns.map(column => column.ref?.join('.')))
  for (const { column, sources } of derived) if (asked.has(column)) for (const source of sources) if (!asked.has(source)) columns.push({ ref: [source] })
}
