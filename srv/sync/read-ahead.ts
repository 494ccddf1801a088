/**
 * Runs a producer ahead of its consumer: the producer hands over each item as soon as it has it and goes on with
 * the next while up to `waiting` items wait for the consumer. The sync reads S/4HANA this way: each page, once
 * arrived, asks for the next at once (a keyset read needs the page's last key, so pages come one after another),
 * instead of when the caller has finished writing the previous one. A producer's error reaches the consumer after
 * the items handed over before it; a consumer that stops early stops the producer at its next hand-over.
 */
export async function* readAhead<T>(produce: (handOver: (item: T) => Promise<boolean>) => Promise<void>, waiting = 1): AsyncGenerator<T> {
  const items: T[] = []
  let outcome: { done: true } | { error: unknown } | undefined
  let stopped = false
  let wakeConsumer = () => {}
  let wakeProducer = () => {}
  const handOver = async (item: T) => {
    if (stopped) return false
    items.push(item)
    wakeConsumer()
    while (items.length > waiting && !stopped) await new Promise<void>(resolve => (wakeProducer = resolve))
    return !stopped
  }
  produce(handOver)
    .then(
      () => (outcome = { done: true }),
      error => (outcome = { error })
    )
    .finally(() => wakeConsumer())
  try {
    for (;;) {
      if (items.length) {
        const item = items.shift()!
        wakeProducer()
        yield item
      } else if (outcome) {
        if ('error' in outcome) throw outcome.error
        return
      } else await new Promise<void>(resolve => (wakeConsumer = resolve))
    }
  } finally {
    stopped = true
    wakeProducer()
  }
}
