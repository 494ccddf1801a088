/**
 * A request the conversation cannot accept, in the shape CAP answers thrown errors with: the HTTP status, and as
 * message the key of a text in _i18n/messages*.properties with its arguments, which CAP translates into the
 * language of the request (Accept-Language) when it answers. The services let it propagate; no handler converts it.
 * Arguments are document numbers, statuses and amounts, never a person's name or address.
 */
export class ConversationError extends Error {
  constructor(
    readonly status: number,
    key: string,
    readonly args?: unknown[]
  ) {
    super(key)
  }
}
