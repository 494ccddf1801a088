// Two transactions that wrote the same keys at the same moment (two instances, two users pressing the same button):
// the database refuses the second one's insert, which then does its work again on what the first one committed.

/** Whether the error is a primary key met twice. */
const isDuplicateKey = (error: unknown) => /UNIQUE constraint|duplicate key|unique constraint|SQLITE_CONSTRAINT_PRIMARYKEY/i.test(String((error as Error)?.message ?? error))

/** Runs the work, again while it meets a key another transaction wrote meanwhile, at most so many times. */
export async function retryingDuplicates<T>(work: () => Promise<T>, attempts: number, onRetry?: () => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= attempts) throw error
      onRetry?.()
    }
  }
}
