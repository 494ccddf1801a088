import cds from '@sap/cds'
import { billingDocuments, customers, receivableItems, salesOrders, type SyncDescription } from './descriptions'
import { syncEngine } from '.'
import { syncEvents } from '../sync-events'
import type { RunSummary } from './engine'
import { inBackgroundContext } from '../background-context'

// S/4HANA's business events (declared in srv/s4-events.cds) through CAP messaging: Redis locally, SAP Event Mesh or
// Event Hub on BTP. An event names one document by its key and nothing else, so each one asks for a targeted read of
// that document. Keys are collected for a short window first: a burst of events for a document is one read, and the
// documents of a burst are read together. The scheduled delta stays the safety net: a lost event is repaired there.

const LOG = cds.log('s4-events')

/** What one event's key makes us re-read: the remote property to select by, and the mirror column it lands in. */
interface Read {
  d: SyncDescription
  property: string
  column: string
}

export interface FollowedObject {
  /** The imported S/4HANA service the events are declared on. */
  service: string
  events: string[]
  /** The property of the event's data that names the document. */
  key: string
  reads: Read[]
}

export const FOLLOWED: FollowedObject[] = [
  {
    service: 'API_BILLING_DOCUMENT_SRV',
    events: ['BillingDocument.Created', 'BillingDocument.Changed'],
    key: 'BillingDocument',
    // FI open items have no event of their own: an invoice's event also re-reads its receivable.
    reads: [
      { d: billingDocuments, property: 'BillingDocument', column: 'ID' },
      { d: receivableItems, property: 'BillingDocument', column: 'billingDocument_ID' },
    ],
  },
  {
    service: 'API_SALES_ORDER_SRV',
    events: ['SalesOrder.Created', 'SalesOrder.Changed', 'SalesOrder.Deleted'],
    key: 'SalesOrder',
    reads: [{ d: salesOrders, property: 'SalesOrder', column: 'ID' }],
  },
  {
    service: 'API_BUSINESS_PARTNER',
    events: ['BusinessPartner.Created', 'BusinessPartner.Changed'],
    key: 'BusinessPartner',
    reads: [{ d: customers, property: 'BusinessPartner', column: 'businessPartner' }],
  },
]

interface EventSettings {
  /** How long keys are collected before they are read. */
  windowMs: number
  pageSize: number
}

const eventSettings = (): EventSettings => {
  const sync = cds.env.requires.sync as { pageSize: number; eventWindowMs?: number }
  return { windowMs: sync.eventWindowMs ?? 200, pageSize: sync.pageSize }
}

/**
 * Collects the documents that events name and reads them in batches, one batch at a time: while one is read, the next
 * collects. Every read runs in a context of its own, without the transaction of the message that named it.
 */
export class EventBatches {
  /** Events taken in since the start, and those of them that named no document. */
  received = 0
  ignored = 0
  private pending = new Map<FollowedObject, Set<string>>()
  private timer?: NodeJS.Timeout
  private reading: Promise<unknown> = Promise.resolve()

  constructor(private readonly read: (object: FollowedObject, keys: string[]) => Promise<unknown>) {}

  /** An event without a usable key is logged and dropped: nothing can be read for it, and it must not stop the others. */
  receive(object: FollowedObject, event: string, data: unknown) {
    this.received++
    const key = (data as Record<string, unknown> | null | undefined)?.[object.key]
    if (typeof key !== 'string' || !key.trim() || key.length > 10) {
      this.ignored++
      LOG.warn(`${object.service} ${event}: ignored, its data has no ${object.key}`)
      return
    }
    let keys = this.pending.get(object)
    if (!keys) this.pending.set(object, (keys = new Set()))
    keys.add(key.trim())
    this.timer ??= setTimeout(() => this.flush(), eventSettings().windowMs)
  }

  private flush() {
    this.timer = undefined
    const batch = this.pending
    this.pending = new Map()
    this.reading = this.reading.then(() =>
      inBackgroundContext(async () => {
        for (const [object, keys] of batch)
          await this.read(object, [...keys]).catch(error => LOG.error(`${object.service}: reading ${keys.size} documents failed: ${(error as Error).message}`))
      })
    )
  }

  /** Reads what was collected now, and resolves when everything collected so far has been read. */
  async idle(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.flush()
    }
    await this.reading
  }
}

/** Reads the documents, one description after the other, and tells the CRM workflows what the mirror learned. */
async function readDocuments(object: FollowedObject, keys: string[]): Promise<RunSummary[]> {
  const engine = syncEngine()
  const { pageSize } = eventSettings()
  const summaries: RunSummary[] = []
  for (const { d, property, column } of object.reads) {
    const summary = await engine.syncSelection(d, { property, column, values: keys }, { pageSize })
    summaries.push(summary)
    syncEvents.emit('completed', summary)
  }
  return summaries
}

let batches: EventBatches | undefined

/**
 * Subscribes to the business events when a messaging service is configured (cds.requires.messaging); without one,
 * the scheduled sync alone keeps the mirror current.
 */
export function followS4Events(): void {
  cds.on('served', async () => {
    if (!cds.env.requires.messaging) return LOG.info('No messaging service configured: S/4HANA business events are not followed')
    const current = (batches = new EventBatches(readDocuments))
    // Subscribed on the messaging service by the topics declared in srv/s4-events.cds: connecting to the imported
    // services instead would need CAP remote-service credentials, which the sync does not use (srv/s4/destination.ts).
    const messaging = await cds.connect.to('messaging')
    const topics: string[] = []
    for (const object of FOLLOWED)
      for (const event of object.events) {
        const topic = (cds.model!.definitions[`${object.service}.${event}`] as { '@topic'?: string } | undefined)?.['@topic']
        if (!topic) throw new Error(`srv/s4-events.cds declares no topic for ${object.service}.${event}`)
        messaging.on(topic, msg => current.receive(object, event, msg.data))
        topics.push(topic)
      }
    LOG.info(`Following S/4HANA business events: ${topics.join(', ')}`)
  })
  cds.on('shutdown', () => batches?.idle())
}

/** The batches of this process, for tests and benchmarks that wait until the events they caused have been read. */
export const eventBatches = (): EventBatches | undefined => batches
