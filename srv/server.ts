import './logging'
import cds from '@sap/cds'
import express from 'express'
import { runJobsWithServer } from './jobs'
import './ui5-framework'
import { followSyncs } from './crm/workflows'
import { followS4Events } from './sync/s4-events'
import { checkWriteBackTargets } from './writeback'
import { linkSettings, rateLimit } from './links'
import { respondInput } from './respond-input'
import { logoOf } from './respond/company'
import { recoverQueues } from './queue-recovery'
import { admission, answerPoolTimeoutsWith503 } from './saturation'
import { installRequestGuards } from './request-guards'
import { refuseReadsThroughAssociations } from './association-reads'
import { refuseUntypedReads } from './query-types'
import { refuseNulText } from './nul-text'
import { isS4Configured, s4Settings } from './s4/destination'
import { loadDevelopmentSimulator } from './sync/simulator-module'
import { ensureDefaultPolicy } from './collections/default-policy'

// Development without an S/4HANA destination: run the S/4HANA simulator beside the app, over a real socket,
// so everything talks OData V2 over HTTP exactly as it would to S/4HANA.
const settings = s4Settings()
if (settings.simulator && !isS4Configured(settings) && !settings.url) {
  cds.on('served', async () => {
    const { startDevelopmentSimulator } = await loadDevelopmentSimulator()
    // With the events profile (redis-messaging), the simulator's changes arrive as business events on the same Redis.
    const messaging = cds.env.requires.messaging as { kind?: string; credentials?: { uri?: string }; subscribePrefix?: string } | undefined
    const events =
      messaging?.kind === 'redis-messaging'
        ? { redis: messaging.credentials?.uri ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', topicPrefix: messaging.subscribePrefix }
        : undefined
    const simulator = await startDevelopmentSimulator(settings.simulator!.volume, settings.simulator!.port, events)
    settings.url = simulator.url
    cds.log('s4').info(`No S/4HANA destination '${settings.destination}' configured: using the S/4HANA simulator at ${simulator.url}`)
    cds.on('shutdown', () => simulator.close())
  })
}

// CAP 10.1.1 stops the whole server when one malformed OData request (the body null, $apply on a function) trips
// a TypeError inside its OData adapter: refuse those with 400, and answer any other error of a request with 500.
installRequestGuards()

// The customers' side: no login, so every request is throttled per client, and the page allows nothing foreign.
cds.on('bootstrap', app => {
  // Behind Cloud Foundry's router, req.ip is the customer's only when the router's hop is trusted; never more hops
  // than there are, since clients can write X-Forwarded-For themselves.
  const hops = linkSettings().trustProxyHops
  if (hops) app.set('trust proxy', hops)
  app.use('/rest/respond', rateLimit({ windowMs: 60_000, max: 60 }), admission(), ...respondInput)
  app.use('/respond', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('X-Content-Type-Options', 'nosniff')
    next()
  })
  // A customer's remittance advice (srv/collections/remittance-advice.ts) is handed out as a download: never sniffed
  // into another type, and should a browser show it anyway, in a sandbox without scripts.
  app.use('/odata/v4/collections', (req, res, next) => {
    // RemittanceAdvices(…): the key follows the name without a slash, so no mount path matches it.
    if (req.path.startsWith('/RemittanceAdvices')) {
      res.setHeader('X-Content-Type-Options', 'nosniff')
      res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'")
    }
    next()
  })
  // The company's logo on the page, per company code (srv/respond/company.ts): from the page's own origin.
  app.get('/respond/logos/:companyCode', (req, res) => {
    const logo = logoOf(req.params.companyCode)
    if (!logo) return void res.sendStatus(404)
    res.type(logo.type).setHeader('Cache-Control', 'public, max-age=3600')
    res.sendFile(logo.file)
  })
})

// What a user may not read directly stays out of reach through $expand and $filter of another entity too; a read
// that only SQLite would run is refused on every database (srv/query-types.ts), and so is text with U+0000
// (srv/nul-text.ts).
cds.on('serving', srv => {
  if (!(srv instanceof cds.ApplicationService)) return
  refuseReadsThroughAssociations(srv)
  refuseUntypedReads(srv)
  refuseNulText(srv)
})

// A saturated database means 503 with Retry-After, never 500 (srv/saturation.ts).
answerPoolTimeoutsWith503()

runJobsWithServer()
followSyncs()
// S/4HANA's business events, where a messaging service is configured: changed documents are read within seconds.
followS4Events()
// The persistent queue delivers what an earlier process left behind as soon as the server listens, and dead-letters
// messages whose service is not connected by then: connect the queued services before that.
cds.on('served', () => Promise.all(['customer-mail', 'writeback'].map(name => cds.connect.to(name))))
// CAP 10.1.1 never takes up again what was in flight when an instance stopped: srv/queue-recovery.ts does.
recoverQueues(['customer-mail', 'writeback'])
// A new installation reminds by a standard policy until AR keeps its own (srv/collections/default-policy.ts).
cds.on('served', ensureDefaultPolicy)
// In the background: the app serves while the tenant's $metadata is read, and starts whatever the check finds.
cds.on('served', () => void checkWriteBackTargets())

// The apps' static files (app/) as CAP serves them, but not for the services' URLs: express.static looks every URL
// up on disk, a stat per OData request for nothing (measured in README, "Reads at volume").
const SERVICE_URL = /^\/(odata|rest)\//
cds.on('bootstrap', app => {
  if (!cds.utils.isdir(cds.env.folders.app)) return
  const files = express.static(cds.env.folders.app)
  app.use((req, res, next) => (SERVICE_URL.test(req.path) ? next() : files(req, res, next)))
})

export default (options: Record<string, unknown>) => cds.server({ ...options, static: false })
