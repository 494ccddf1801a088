import './logging'
import cds from '@sap/cds'
import { runJobsWithServer } from './jobs'
import { isS4Configured, s4Settings } from './sync/s4-destination'
import { DEVELOPMENT_SIMULATOR, type DevelopmentSimulatorModule } from './sync/simulator-module'

// Development without an S/4HANA destination: run the S/4HANA simulator beside the app, over a real socket,
// so everything talks OData V2 over HTTP exactly as it would to S/4HANA.
const settings = s4Settings()
if (settings.simulator && !isS4Configured(settings) && !settings.url) {
  cds.on('served', async () => {
    const { startDevelopmentSimulator }: DevelopmentSimulatorModule = await import(DEVELOPMENT_SIMULATOR)
    const simulator = await startDevelopmentSimulator(settings.simulator!.volume, settings.simulator!.port)
    settings.url = simulator.url
    cds.log('s4').info(`No S/4HANA destination '${settings.destination}' configured: using the S/4HANA simulator at ${simulator.url}`)
    cds.on('shutdown', () => simulator.close())
  })
}

runJobsWithServer()

export default cds.server
