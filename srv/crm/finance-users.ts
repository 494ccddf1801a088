import type cds from '@sap/cds'
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

/** Records the finance user making a request, in the request's transaction: known once that has committed. */
export async function recordFinanceUser(req: cds.Request): Promise<void> {
  const { user } = req
  if (!FINANCE_ROLES.some(role => user.is(role))) return
  const now = Date.now()
  if (now - (recorded.get(user.id) ?? 0) < RECORDED_EVERY_MS) return
  await UPSERT.into(FinanceUsers).entries({ ID: user.id, name: displayName(user), lastSeenAt: new Date(now).toISOString() })
  req.on('succeeded', () => recorded.set(user.id, now))
}

export const isFinanceUser = async (id: string) => Boolean(await SELECT.one.from(FinanceUsers).columns('ID').where({ ID: id }))
