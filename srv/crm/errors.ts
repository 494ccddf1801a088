/**
 * A request the conversation cannot accept, with the HTTP status and a message the customer or clerk understands:
 * a text, or the key of a message in _i18n/messages*.properties with its arguments, which CAP translates.
 */
export class ConversationError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly args?: unknown[]
  ) {
    super(message)
  }
}
