import type { DecisionKind } from '#cds-models/invoicecrm/collections'

// Whether an invoice is reminded today, and at which step: a pure function of what the mirror and the CRM know about
// it, so that the run, the mail that carries a decided reminder later, and the tests all judge by the same rules.
// What holds a reminder back is checked first, in this order; then the step: the furthest one the days past the net
// due date have reached beyond the last one taken (intermediate steps missed during a pause are not sent late).

export interface StepRule {
  ID: string
  offsetDays: number
  level: number
  minimumOpenAmount: number
  needsApproval: boolean
}

export interface InvoiceFacts {
  ID: string
  customer: string
  currency: string
  openAmount: number
  /** YYYY-MM-DD */
  netDueDate: string
  isCleared: boolean
  /** FI's dunning block on one of the invoice's open items. */
  itemDunningBlock: boolean
}

export interface CustomerFacts {
  /** S/4's central block of the business partner. */
  centralBlock: boolean
  /** A dunning block of the customer in S/4 for the invoice's company code. */
  dunningBlock: boolean
  hasContact: boolean
}

export interface HoldingFacts {
  /** A dispute that is not closed: of the whole invoice, or of an amount. */
  dispute?: { wholeInvoice: boolean; disputedAmount: number; reason: string }
  /** The latest open promise. */
  promise?: { promisedDate: string }
  /** A payment the customer reported that FI has not cleared yet. */
  paymentReport?: { paidOn: string; reportedOn: string }
  /** The steps already taken for the invoice (any status: a removed proposal holds its step too). */
  taken: { stepId: string; offsetDays: number; status: string }[]
}

export interface Decision {
  decision: DecisionKind
  step?: StepRule
  /** What the reminder asks for: the open amount less what is disputed. */
  amount: number
  /** For the decision's sentence: the dates and reasons it refers to. */
  params?: Record<string, string | number>
  /** The promise's grace has passed with the invoice still open: it is broken now. */
  promiseBroken?: boolean
  /** The reported payment's waiting time has passed without FI clearing the invoice. */
  paymentOverdue?: boolean
}

export interface Timing {
  /** The day judged. */
  today: Day
  promiseGraceDays: number
  paymentReportWaitDays: number
}

/** A calendar day as CAP's Date elements hold it. */
export type Day = `${number}${number}${number}${number}-${number}${number}-${number}${number}`

export const dayOf = (moment: Date) => moment.toISOString().slice(0, 10) as Day

export const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000)
export const addDays = (day: string, days: number) => dayOf(new Date(Date.parse(day) + days * 86_400_000))

/** Nothing open to remind, or something that pauses every reminder of the invoice; undefined if none. */
export function holdBack(invoice: InvoiceFacts, customer: CustomerFacts, holding: HoldingFacts, timing: Timing): Decision | undefined {
  const amount = remindableAmount(invoice, holding)
  if (invoice.isCleared || invoice.openAmount <= 0) return { decision: 'allSent', amount: 0 }
  if (customer.centralBlock) return { decision: 'centralBlock', amount }
  if (customer.dunningBlock || invoice.itemDunningBlock) return { decision: 'dunningBlock', amount }
  if (holding.dispute?.wholeInvoice) return { decision: 'dispute', amount: 0, params: { reason: holding.dispute.reason } }
  if (holding.promise) {
    const until = addDays(holding.promise.promisedDate, timing.promiseGraceDays)
    if (timing.today <= until) return { decision: 'promise', amount, params: { date: holding.promise.promisedDate } }
  }
  if (holding.paymentReport) {
    const until = addDays(holding.paymentReport.reportedOn, timing.paymentReportWaitDays)
    if (timing.today <= until) return { decision: 'paymentReported', amount, params: { date: holding.paymentReport.paidOn } }
  }
  return undefined
}

/** The reminder due today, or why there is none. The steps in ascending offset. */
export function decide(invoice: InvoiceFacts, steps: StepRule[], customer: CustomerFacts, holding: HoldingFacts, timing: Timing): Decision {
  const held = holdBack(invoice, customer, holding, timing)
  if (held) return held
  const promiseBroken = Boolean(holding.promise)
  const paymentOverdue = Boolean(holding.paymentReport)
  const flags = { ...(promiseBroken && { promiseBroken }), ...(paymentOverdue && { paymentOverdue }) }
  const amount = remindableAmount(invoice, holding)
  if (holding.taken.some(t => t.status === 'proposed')) return { decision: 'awaitingApproval', amount, ...flags }
  const lastTaken = Math.max(-Infinity, ...holding.taken.map(t => t.offsetDays))
  const ahead = steps.filter(step => step.offsetDays > lastTaken)
  if (!ahead.length) return { decision: 'allSent', amount, ...flags }
  const daysPastDue = daysBetween(invoice.netDueDate, timing.today)
  // A broken promise moves on to the next step at once; otherwise the furthest step the days have reached.
  const step = promiseBroken ? ahead[0] : ahead.filter(s => s.offsetDays <= daysPastDue).at(-1)
  if (!step) return { decision: 'notDue', amount, params: { date: addDays(invoice.netDueDate, ahead[0].offsetDays) }, ...flags }
  if (amount <= 0 || amount < step.minimumOpenAmount) return { decision: 'belowMinimum', step, amount, ...flags }
  if (!customer.hasContact) return { decision: 'noContact', step, amount, ...flags }
  return { decision: step.needsApproval ? 'proposed' : 'due', step, amount, ...flags }
}

/** The open amount less what an open dispute of some lines or an amount holds back. */
export function remindableAmount(invoice: InvoiceFacts, holding: HoldingFacts): number {
  const disputed = holding.dispute && !holding.dispute.wholeInvoice ? holding.dispute.disputedAmount : 0
  return Math.max(0, round(invoice.openAmount - disputed))
}

const round = (amount: number) => Math.round(amount * 1000) / 1000
