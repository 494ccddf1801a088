import cds from '@sap/cds'

// The public endpoint's error answers never quote what the customer sent (a name, an address, a comment, even a
// field's name): CAP 10.1.1's own input checks do ("Value 'x' is not a valid …": ASSERT_* errors with the value as
// argument), and so could a message about a disputed line. srv/respond-input.ts refuses most bad input before CAP;
// this is the net behind it. The logs see the same scrubbed error: CAP logs it after these handlers ran.

/** A key of _i18n/messages*.properties: CAP translates it for the customer when it answers. */
const INVALID_ANSWER = 'INVALID_ANSWER'
/** Shorter texts (a csat of "5", a line "10") occur in any message; they say nothing about the customer. */
const QUOTABLE = 3

type ServiceError = Error & { status?: number; code?: string; details?: { message?: string }[]; target?: unknown; args?: unknown; element?: unknown; value?: unknown }

/**
 * The fields naming the document a request is about (srv/respond/service.cds: an account link's invoice or statement).
 * Their values are checked against the link before anything else happens (srv/account/access.ts), and one not the
 * link's is refused with a message that does not repeat it: what a later message names of them is the customer's own
 * document, which the message may name as it names it through the document's own link.
 */
const DOCUMENT_FIELDS = ['invoice', 'statement']

/** Every text in the request body, keys included, at any depth. */
function textsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value)
  else if (typeof value === 'number') into.push(String(value))
  else if (value && typeof value === 'object')
    for (const [key, nested] of Object.entries(value)) {
      into.push(key)
      textsOf(nested, into)
    }
  return into
}

/** Answers an error that would quote the customer's input with a plain one of the same status. */
export function answerWithoutEcho(srv: cds.Service): void {
  srv.on('error', (error: ServiceError) => {
    const body = cds.context?.http?.req?.body as unknown
    const own = body && typeof body === 'object' && !Array.isArray(body) ? Object.fromEntries(Object.entries(body).filter(([key]) => !DOCUMENT_FIELDS.includes(key))) : body
    const sent = textsOf(own).filter(text => text.length >= QUOTABLE)
    // A message key's arguments are filled in after this handler: a disputed line's item, say, is the customer's text.
    const args = Array.isArray(error.args) ? error.args.map(String) : []
    // CAP's input checks may raise an error without a message of its own (the details carry them).
    const texts = [error.message ?? '', ...args, ...(error.details ?? []).map(detail => detail.message ?? '')]
    const quotes = texts.some(message => sent.some(text => message.includes(text)))
    if (!quotes && !String(error.code).startsWith('ASSERT_') && !error.details) return
    // Its status first: CAP infers a collection's from its details, which go; an input check's is a 400.
    error.status ??= 400
    error.message = INVALID_ANSWER
    error.code = 'invalid-answer'
    // Nothing else of it: a database's error carries the statement, the value and where in the database it failed.
    for (const field of Object.keys(error)) if (!['message', 'code', 'status'].includes(field)) delete (error as unknown as Record<string, unknown>)[field]
  })
}
