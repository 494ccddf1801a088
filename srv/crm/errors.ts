/** A request the conversation cannot accept, with the HTTP status and a message the customer or clerk understands. */
export class ConversationError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}
