import cds from '@sap/cds'

export interface DevelopmentSimulatorModule {
  /** With `events`, the simulator sends S/4HANA's business events for its changes through that Redis. */
  startDevelopmentSimulator(volume: string, port: number, events?: { redis: string; topicPrefix?: string }): Promise<{ url: string; close(): Promise<void> }>
}

/**
 * The S/4HANA simulator for development (`npm start`, `npm run sync` without a destination). It is the workspace
 * package s4-simulator/, which a production build neither contains nor installs: it is resolved by name at run time,
 * so the TypeScript build never follows it into gen/srv, and never in production.
 */
export async function loadDevelopmentSimulator(): Promise<DevelopmentSimulatorModule> {
  if (cds.env.profiles.includes('production')) throw new Error('The S/4HANA simulator is for development only; configure the S4HANA destination.')
  return import(require.resolve('@invoice-crm/s4-simulator/development'))
}
