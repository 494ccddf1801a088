import cds from '@sap/cds'
import { FinanceUsers } from '#cds-models/invoicecrm/crm'

// The finance users the apps know: whom a dispute can be assigned to. Neither XSUAA nor IAS lets an app list the
// users of a role without a user management API of its own, so the app learns them from their requests: a clerk
// or manager appears in the processor's value help once they have opened an app. Written once an hour per user and
// process, not on every request.

const RECORDED_EVERY_MS = 60 * 60 * 1000
const FINANCE_ROLES = ['ARClerk', 'ARManager']

/** When each user was last recorded by this process. Bounded by the number of finance users. */
const recorded = new Map<string, number>()

/** The user's name as the identity provider gives it (XSUAA and IAS tokens: given and family name), else the ID. */
export function displayName(user: cds.User): string {
  const attr = (user.attr ?? {}) as { givenName?: string; familyName?: string }
  return [attr.givenName, attr.familyName].filter(Boolean).join(' ') || user.id
}

const LOG = cds.log('crm')

/**
 * Records the finance user of a request once it has succeeded, in a short transaction of its own, before the answer
 * goes out. Not in the request's transaction: on PostgreSQL its row lock would last as long as that transaction, and
 * every other request of the same user would wait for it (a $batch's requests, or any after a request whose
 * transaction is held). A failed write is logged and tried again with the user's next request.
 */
export function recordFinanceUser(req: cds.Request): void {
  const { user, tenant } = req
  if (!FINANCE_ROLES.some(role => user.is(role))) return
  req.on('succeeded', async () => {
    const now = Date.now()
    if (now - (recorded.get(user.id) ?? 0) < RECORDED_EVERY_MS) return
    recorded.set(user.id, now)
    const seen = { ID: user.id, name: displayName(user), lastSeenAt: new Date(now).toISOString() }
    await cds.tx({ tenant, user }, tx => tx.run(UPSERT.into(FinanceUsers).entries(seen))).catch((error: Error & { code?: string }) => {
      recorded.delete(user.id)
      // The code only: a database's message may quote the row, and with it the user's name.
      LOG.warn(`A finance user could not be recorded (${error.code ?? error.name}); tried again with their next request`)
    })
  })
}

export const isFinanceUser = async (id: string) => Boolean(await SELECT.one.from(FinanceUsers).columns('ID').where({ ID: id }))
