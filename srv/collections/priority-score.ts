// How urgently a customer needs a collector: a score made of points per signal, each capped, so that the worklist's
// order can be explained by the few signals that made it ("Overdue 12,400.00 EUR · 2 broken promises · 47 days").
// The amount counts on a logarithmic scale: ten times the amount is eight points more, whatever the currency, so a
// balance in yen does not drown every balance in euros (amounts are not converted: the mirror has no rates).

export interface CollectionSignals {
  overdueAmount: number
  oldestDaysOverdue: number
  brokenPromises: number
  paymentsNotReceived: number
  openDisputes: number
  unconfirmedInvoices: number
  /** The customer's latest satisfaction score (1–5), if it answered a survey. */
  lastCsat: number | null
}

export type Factor = 'overdueAmount' | 'oldestDaysOverdue' | 'brokenPromises' | 'paymentsNotReceived' | 'openDisputes' | 'unconfirmedInvoices' | 'lowSatisfaction'

/** A CSAT at or below this is a dissatisfied customer. */
export const LOW_CSAT = 2

const POINTS: Record<Factor, (s: CollectionSignals) => number> = {
  overdueAmount: s => Math.min(40, Math.round(8 * Math.log10(1 + Math.max(0, s.overdueAmount)))),
  oldestDaysOverdue: s => Math.min(30, Math.floor(Math.max(0, s.oldestDaysOverdue) / 3)),
  brokenPromises: s => Math.min(30, 15 * s.brokenPromises),
  paymentsNotReceived: s => Math.min(20, 10 * s.paymentsNotReceived),
  openDisputes: s => Math.min(15, 5 * s.openDisputes),
  unconfirmedInvoices: s => Math.min(10, 2 * s.unconfirmedInvoices),
  lowSatisfaction: s => (s.lastCsat !== null && s.lastCsat <= LOW_CSAT ? 10 : 0),
}

export interface Priority {
  score: number
  /** The signals that gave points, most points first. */
  factors: { factor: Factor; points: number }[]
}

export function priorityOf(signals: CollectionSignals): Priority {
  const factors = (Object.keys(POINTS) as Factor[])
    .map(factor => ({ factor, points: POINTS[factor](signals) }))
    .filter(f => f.points > 0)
    .sort((a, b) => b.points - a.points)
  return { score: factors.reduce((sum, f) => sum + f.points, 0), factors }
}

/** Whether a customer belongs on the worklist: something is overdue, or a commitment it made came to nothing. */
export const hasSomethingToCollect = (s: CollectionSignals) => s.overdueAmount > 0 || s.brokenPromises > 0 || s.paymentsNotReceived > 0
