import cds from '@sap/cds'

/**
 * Runs background work (a sync job, the CRM follow-ups of a sync, reading what S/4's business events name) in a
 * context of its own: the privileged user, no transaction, so that the work opens its own transactions and never
 * joins a request's or another job's; with `id`, that correlation id is in every log line of the work. setImmediate
 * keeps the new context from leaking into the caller, and the work from inheriting the caller's (e.g. an HTTP
 * request's, when an operator's runNow starts a sync in-process).
 */
export function inBackgroundContext<T>(fn: () => Promise<T>, id?: string): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    setImmediate(() => {
      cds.context = new cds.EventContext({ id, user: cds.User.privileged } as never)
      fn().then(resolve, reject)
    })
  )
}
