import path from 'node:path'
import cds from '@sap/cds'

// The S/4HANA simulator lives with the tests (test/s4) and is not part of a production build. Development
// loads it by path at run time, so the TypeScript build does not pull test code into gen/srv.
export const DEVELOPMENT_SIMULATOR = path.join(cds.root, 'test/s4/development')

export interface DevelopmentSimulatorModule {
  /** With `events`, the simulator sends S/4HANA's business events for its changes through that Redis. */
  startDevelopmentSimulator(volume: string, port: number, events?: { redis: string; topicPrefix?: string }): Promise<{ url: string; close(): Promise<void> }>
}
