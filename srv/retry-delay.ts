// Exponential backoff, as every retry in the app computes it: S/4 reads and writes, write-back deliveries, invoice
// mails and the in-process job runner.

/**
 * The delay before the retry after attempt `attempt` (1 for the first): `baseMs` doubled for each attempt since the
 * first, at most `maxMs`. With `jitter`, a random 50–100 % of that, so that callers failing together do not retry together.
 */
export function retryDelay(attempt: number, baseMs: number, { maxMs = Infinity, jitter = false }: { maxMs?: number; jitter?: boolean } = {}): number {
  const delay = Math.min(maxMs, baseMs * 2 ** (attempt - 1))
  return jitter ? delay * (0.5 + Math.random() / 2) : delay
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))
