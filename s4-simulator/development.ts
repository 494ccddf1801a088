import { createSimulator } from './simulator'
import type { BusinessEventOptions } from './events'

/** The simulator as `npm start` and `npm run sync` use it when no S/4HANA destination is configured. */
export async function startDevelopmentSimulator(volume: string, port: number, events?: BusinessEventOptions) {
  const simulator = createSimulator({ volume: volume === 'bench' ? 'bench' : 'small', events })
  const url = await simulator.listen(port)
  return { url, close: () => simulator.close() }
}
