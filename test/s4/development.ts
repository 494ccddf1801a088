import { createSimulator } from './simulator'

/** The simulator as `npm start` and `npm run sync` use it when no S/4HANA destination is configured. */
export async function startDevelopmentSimulator(volume: string, port: number) {
  const simulator = createSimulator({ volume: volume === 'bench' ? 'bench' : 'small' })
  const url = await simulator.listen(port)
  return { url, close: () => simulator.close() }
}
