import cds from '@sap/cds'
import type { HttpDestinationOrFetchOptions } from '@sap-cloud-sdk/connectivity'

// One destination serves all S/4HANA APIs at their standard paths (/sap/opu/odata/sap/<API>), so the destination's
// URL is the host only. Locally it comes from the `destinations` environment variable, on BTP from the destination
// service; without either, development and tests talk to the S/4HANA simulator (the workspace package s4-simulator/).

export interface S4Settings {
  destination: string
  timeoutMs: number
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number }
  /** Set by the development server or a test when the S/4HANA simulator stands in for S/4HANA. */
  url?: string
  simulator?: { port: number; volume: string }
}

export function s4Settings(): S4Settings {
  return cds.env.requires.s4hana as S4Settings
}

const onBTP = () => Boolean(process.env.VCAP_SERVICES && JSON.parse(process.env.VCAP_SERVICES).destination)
const inEnvironment = (name: string) =>
  (JSON.parse(process.env.destinations || '[]') as { name?: string }[]).some(destination => destination.name === name)

/** Whether a real S/4HANA (or the SAP API sandbox) is configured, rather than the simulator. */
export function isS4Configured(settings = s4Settings()): boolean {
  return inEnvironment(settings.destination) || onBTP()
}

export function s4Destination(settings = s4Settings()): HttpDestinationOrFetchOptions {
  if (isS4Configured(settings)) return { destinationName: settings.destination }
  if (settings.url) return { url: settings.url }
  throw new Error(
    `No S/4HANA destination '${settings.destination}' is configured (environment variable 'destinations' or the BTP ` +
      `destination service), and no simulator is running. See README, "Connect a real S/4HANA".`
  )
}
