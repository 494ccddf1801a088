import { Customers, CustomerDunning, ReceivableItems } from '#cds-models/invoicecrm/mirror'
import { Disputes, DisputeLines } from '#cds-models/invoicecrm/crm'
import { CustomerCollections, PaymentPromises, PaymentReports, ReminderPolicies, ReminderSteps, Reminders } from '#cds-models/invoicecrm/collections'
import type { CustomerFacts, HoldingFacts, InvoiceFacts, StepRule } from './reminder-rules'

// What the reminder rules judge by, read for a batch of invoices at once: one query per kind of fact, each by the
// invoices' or the customers' keys (all indexed), never one per invoice.

export interface Policy {
  ID: string
  isDefault: boolean
  companyCode: string | null
  paymentTerms: string | null
  riskClass: string | null
  rulePriority: number
  /** Ascending by offset. */
  steps: StepRule[]
}

export interface Policies {
  byId: Map<string, Policy>
  /** The rule policies in the order they are tried. */
  rules: Policy[]
  default?: Policy
}

export async function loadPolicies(): Promise<Policies> {
  const policies = await SELECT.from(ReminderPolicies).columns('ID', 'isDefault', 'companyCode', 'paymentTerms', 'riskClass', 'rulePriority')
  const steps = await SELECT.from(ReminderSteps).columns('ID', 'policy_ID', 'offsetDays', 'level', 'minimumOpenAmount', 'needsApproval').orderBy('offsetDays')
  const byId = new Map<string, Policy>()
  for (const p of policies)
    byId.set(p.ID!, {
      ID: p.ID!,
      isDefault: Boolean(p.isDefault),
      companyCode: p.companyCode || null,
      paymentTerms: p.paymentTerms || null,
      riskClass: p.riskClass || null,
      rulePriority: p.rulePriority ?? 100,
      steps: [],
    })
  for (const s of steps)
    byId.get(s.policy_ID!)?.steps.push({ ID: s.ID!, offsetDays: s.offsetDays!, level: s.level!, minimumOpenAmount: Number(s.minimumOpenAmount ?? 0), needsApproval: Boolean(s.needsApproval) })
  const all = [...byId.values()]
  return {
    byId,
    rules: all.filter(p => p.companyCode || p.paymentTerms || p.riskClass).sort((a, b) => a.rulePriority - b.rulePriority || a.ID.localeCompare(b.ID)),
    default: all.find(p => p.isDefault),
  }
}

/** The customer's assigned policy, else the first rule the invoice and its customer's risk class match, else the default. */
export function policyOf(
  policies: Policies,
  invoice: { companyCode?: string | null; paymentTerms?: string | null },
  customer?: { assignedPolicy?: string | null; riskClass?: string | null }
): Policy | undefined {
  const explicit = customer?.assignedPolicy ? policies.byId.get(customer.assignedPolicy) : undefined
  if (explicit) return explicit
  const rule = policies.rules.find(
    p =>
      (!p.companyCode || p.companyCode === invoice.companyCode) &&
      (!p.paymentTerms || p.paymentTerms === invoice.paymentTerms) &&
      (!p.riskClass || p.riskClass === customer?.riskClass)
  )
  return rule ?? policies.default
}

/** The earliest any step of any policy starts before the due date, in days (0 if none does). */
export const leadDays = (policies: Policies) => Math.max(0, ...[...policies.byId.values()].flatMap(p => p.steps.map(s => -s.offsetDays)))

export interface CandidateInvoice extends InvoiceFacts {
  companyCode: string | null
  paymentTerms: string | null
}

export interface CustomerRow extends CustomerFacts {
  ID: string
  name: string
  language: string | null
  country: string | null
  billingEmail: string | null
  assignedPolicy: string | null
  riskClass: string | null
  timeZone: string | null
  /** Company codes with a dunning block in S/4. */
  blockedCompanyCodes: Set<string>
}

export interface OpenPromise {
  ID: string
  invoice: string
  promisedDate: string
  amount: number | null
  openAmountAtPromise: number | null
}

export interface OpenPaymentReport {
  ID: string
  invoice: string
  paidOn: string
  reportedOn: string
}

export interface BatchFacts {
  customers: Map<string, CustomerRow>
  disputes: Map<string, NonNullable<HoldingFacts['dispute']> & { ID: string }>
  promises: Map<string, OpenPromise>
  paymentReports: Map<string, OpenPaymentReport>
  taken: Map<string, HoldingFacts['taken']>
  itemBlocks: Set<string>
}

export async function loadBatchFacts(invoices: CandidateInvoice[]): Promise<BatchFacts> {
  const ids = invoices.map(i => i.ID)
  const customerIds = [...new Set(invoices.map(i => i.customer))]
  // One after the other: the statements share the transaction's connection.
  const customers = customerIds.length ? await SELECT.from(Customers).columns('ID', 'name', 'language', 'country', 'billingEmail', 'isBlocked').where({ ID: { in: customerIds } }) : []
  const dunning = customerIds.length ? await SELECT.from(CustomerDunning).columns('customer_ID', 'companyCode', 'dunningBlock').where({ customer_ID: { in: customerIds } }) : []
  const settings = customerIds.length ? await SELECT.from(CustomerCollections).columns('customer_ID', 'policy_ID', 'riskClass', 'timeZone').where({ customer_ID: { in: customerIds } }) : []
  const disputes = await SELECT.from(Disputes).columns('ID', 'invoice_ID', 'wholeInvoice', 'disputedAmount', 'reason').where({ invoice_ID: { in: ids }, status: { '<>': 'Closed' } })
  const promises = await SELECT.from(PaymentPromises).columns('ID', 'invoice_ID', 'promisedDate', 'amount', 'openAmountAtPromise').where({ invoice_ID: { in: ids }, status: 'open' }).orderBy('promisedDate desc')
  const reports = await SELECT.from(PaymentReports).columns('ID', 'invoice_ID', 'paidOn', 'reportedOn').where({ invoice_ID: { in: ids }, status: 'reported' }).orderBy('reportedOn desc')
  const taken = await SELECT.from(Reminders).columns('invoice_ID', 'step_ID', 'offsetDays', 'status').where({ invoice_ID: { in: ids } })
  const itemBlocks = await SELECT.from(ReceivableItems).columns('billingDocument_ID').where({ billingDocument_ID: { in: ids }, isCleared: false, dunningBlock: { '<>': '' } })
  const disputedLines = disputes.length
    ? await SELECT.from(DisputeLines).columns('dispute_ID', 'disputedAmount').where({ dispute_ID: { in: disputes.map(d => d.ID!) } })
    : []
  const linesSum = new Map<string, number>()
  for (const line of disputedLines) linesSum.set(line.dispute_ID!, (linesSum.get(line.dispute_ID!) ?? 0) + Number(line.disputedAmount ?? 0))

  const blocked = new Map<string, Set<string>>()
  for (const d of dunning) if (d.dunningBlock?.trim()) blocked.set(d.customer_ID!, (blocked.get(d.customer_ID!) ?? new Set()).add(d.companyCode!))
  const assigned = new Map(settings.map(s => [s.customer_ID!, s]))

  const facts: BatchFacts = {
    customers: new Map(
      customers.map(c => [
        c.ID!,
        {
          ID: c.ID!,
          name: c.name ?? '',
          language: c.language ?? null,
          country: c.country ?? null,
          billingEmail: c.billingEmail?.trim() || null,
          assignedPolicy: assigned.get(c.ID!)?.policy_ID ?? null,
          riskClass: assigned.get(c.ID!)?.riskClass ?? null,
          timeZone: assigned.get(c.ID!)?.timeZone ?? null,
          blockedCompanyCodes: blocked.get(c.ID!) ?? new Set(),
          centralBlock: Boolean(c.isBlocked),
          dunningBlock: false,
          hasContact: Boolean(c.billingEmail?.trim()),
        },
      ])
    ),
    disputes: new Map(),
    promises: new Map(),
    paymentReports: new Map(),
    taken: new Map(),
    itemBlocks: new Set(itemBlocks.map(i => i.billingDocument_ID!)),
  }
  for (const d of disputes)
    facts.disputes.set(d.invoice_ID!, {
      ID: d.ID!,
      wholeInvoice: d.wholeInvoice !== false,
      // The lines' amounts, else the amount the customer named.
      disputedAmount: linesSum.get(d.ID!) || Number(d.disputedAmount ?? 0),
      reason: d.reason!,
    })
  // The newest promise and payment report of an invoice count (the queries are ordered newest first).
  for (const p of promises)
    if (!facts.promises.has(p.invoice_ID!))
      facts.promises.set(p.invoice_ID!, { ID: p.ID!, invoice: p.invoice_ID!, promisedDate: p.promisedDate!, amount: p.amount === null || p.amount === undefined ? null : Number(p.amount), openAmountAtPromise: p.openAmountAtPromise === null || p.openAmountAtPromise === undefined ? null : Number(p.openAmountAtPromise) })
  for (const r of reports)
    if (!facts.paymentReports.has(r.invoice_ID!)) facts.paymentReports.set(r.invoice_ID!, { ID: r.ID!, invoice: r.invoice_ID!, paidOn: r.paidOn!, reportedOn: r.reportedOn! })
  for (const t of taken) {
    const list = facts.taken.get(t.invoice_ID!) ?? []
    list.push({ stepId: t.step_ID!, offsetDays: t.offsetDays!, status: t.status! })
    facts.taken.set(t.invoice_ID!, list)
  }
  return facts
}

/** The customer facts the rules need for one invoice: its company code decides whether S/4's dunning block applies. */
export function customerFactsFor(customer: CustomerRow | undefined, companyCode: string | null): CustomerFacts {
  if (!customer) return { centralBlock: false, dunningBlock: false, hasContact: false }
  return { centralBlock: customer.centralBlock, dunningBlock: Boolean(companyCode && customer.blockedCompanyCodes.has(companyCode)), hasContact: customer.hasContact }
}

/** The facts that hold an invoice's reminders back, from the batch's. */
export function holdingFactsFor(facts: BatchFacts, invoice: string): HoldingFacts {
  const promise = facts.promises.get(invoice)
  const report = facts.paymentReports.get(invoice)
  return {
    dispute: facts.disputes.get(invoice),
    promise: promise && { promisedDate: promise.promisedDate },
    paymentReport: report && { paidOn: report.paidOn, reportedOn: report.reportedOn },
    taken: facts.taken.get(invoice) ?? [],
  }
}
