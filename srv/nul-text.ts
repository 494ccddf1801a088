import type cds from '@sap/cds'

// Text with the character U+0000 (NUL): PostgreSQL refuses it in every text value ("invalid byte sequence for
// encoding UTF8: 0x00", 22021), which CAP 10.1.1 answers with 500, also for a key in a $batch part
// (Priorities('\u0000')). SQLite and HANA store it, but no business text of this app holds one. Refused with 400
// before the database sees it, on every database alike, for reads and writes: in the query (keys, $filter,
// $search) or in the data sent. Query options that a handler reads itself are refused before, with the malformed
// requests (srv/request-guards.ts).

const NUL = '\\u0000'

/** Whether any text of the value holds U+0000; JSON escapes it, so its text form shows it. */
function holdsNul(value: unknown): boolean {
  if (value === undefined || value === null) return false
  try {
    return JSON.stringify(value).includes(NUL)
  } catch {
    // Not plain data (a stream of a file upload): nothing a text column gets.
    return false
  }
}

export function refuseNulText(srv: cds.ApplicationService): void {
  srv.before('*', req => {
    if (holdsNul(req.query) || holdsNul(req.data) || holdsNul(req.params)) return req.reject({ status: 400, message: 'TEXT_WITH_NUL' })
  })
}
