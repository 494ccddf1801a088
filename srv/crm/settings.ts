import cds from '@sap/cds'

/** cds.requires.crm: how the customer conversation behaves. */
export interface CrmSettings {
  dispatch: {
    /** Invoices created on or after this date (YYYY-MM-DD) are sent; older ones predate invoice-crm. */
    since?: string | null
    /** Alternatively: invoices created in the last n days (development, so the simulator's data gets sent). */
    sinceDays?: number | null
    batchSize: number
    /** Sending an invoice mail is tried this often, the first retry after retryDelayMs, then twice as long each time. */
    maxAttempts: number
    retryDelayMs: number
  }
  disputes: { slaDays: number }
  surveys: {
    minDaysBetweenInvitations: number
    followUpBelow: number
    /** No invitation sooner than this after the invoice's mail (default 24). */
    minHoursAfterInvoiceMail?: number
  }
}

export const crmSettings = () => cds.env.requires.crm as CrmSettings

/** The first creation date that gets an invoice e-mail; undefined while dispatch is not configured. */
export function dispatchSince(settings = crmSettings()): string | undefined {
  const { since, sinceDays } = settings.dispatch
  if (since) return since
  if (typeof sinceDays === 'number') return new Date(Date.now() - sinceDays * 86_400_000).toISOString().slice(0, 10)
  return undefined
}
