import cds from '@sap/cds'
import { Statements } from '#cds-models/invoicecrm/statements'
import type { Period } from './figures'

// AR's review of a month's drafts. Each step is a guarded update (the status it starts from is in the WHERE), so
// that two users, or a user and "approve all", never take the same statement twice, and who took it and when is
// recorded with it. Sending puts the statement's mail into the persistent queue in the same transaction: the mail
// goes out (retried until it does) if and only if the statement is marked sent.

export type StatementAction = 'approve' | 'send'

const stamp = (action: StatementAction, user: string) => {
  const at = new Date().toISOString()
  return action === 'approve' ? { approvedAt: at, approvedBy: user } : { sentAt: at, sentBy: user }
}

/** One statement's step; false when it is no longer in the status the step starts from. */
export async function takeStep(id: string, step: { from: string[]; to?: string }, action: StatementAction, user: string): Promise<boolean> {
  // A statement without a recipient is approved (AR may print it) but never marked sent with no mail going out.
  const sendable = action === 'send' ? { recipientEmail: { '!=': null } } : {}
  const changed = (await UPDATE(Statements)
    .set({ ...stamp(action, user), ...(step.to && { status: step.to }) } as never)
    .where({ ID: id, status: { in: step.from }, ...sendable })) as number
  if (changed && action === 'send') await queueStatementMail(id)
  return changed > 0
}

/** Approves every draft of the period that is no exception; returns how many. */
export async function approvePeriod(period: Period, user: string): Promise<number> {
  return (await UPDATE(Statements)
    .set({ status: 'approved', ...stamp('approve', user) } as never)
    .where({ periodStart: period.start, status: 'draft', isException: false })) as number
}

/** Sends every approved statement of the period that has a recipient; returns how many. */
export async function sendPeriod(period: Period, user: string): Promise<number> {
  const approved = await SELECT.from(Statements).columns('ID').where({ periodStart: period.start, status: 'approved', recipientEmail: { '!=': null } })
  let sent = 0
  for (const { ID } of approved) if (await takeStep(ID!, { from: ['approved'], to: 'sent' }, 'send', user)) sent++
  return sent
}

async function queueStatementMail(statement: string) {
  await cds.queued(await cds.connect.to('customer-mail')).send('statementMail', { statement })
}
