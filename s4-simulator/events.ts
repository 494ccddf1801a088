/**
 * S/4HANA business events of the simulator: what S/4HANA's Business Event Handling sends through SAP Event Mesh
 * when a document changes, here published on Redis, the broker of CAP's redis-messaging. One CloudEvent per
 * change, of SAP's type (`sap.s4.beh.billingdocument.v1.BillingDocument.Changed.v1`) and carrying only the key
 * (`{ "BillingDocument": "90000001" }`). The channel is the type, after an optional prefix that keeps test runs
 * sharing one Redis apart (the app's `cds.requires.messaging.subscribePrefix`).
 *
 * Events can be dropped on purpose (`dropNext`, `dropRate`): the sync must repair a lost event with its next delta.
 */
import crypto from 'node:crypto'
import { Redis } from 'ioredis'

export type BusinessObject = 'BillingDocument' | 'SalesOrder' | 'BusinessPartner'
export type Operation = 'Created' | 'Changed' | 'Deleted'

export interface BusinessEventOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379 */
  redis: string
  topicPrefix?: string
  /** Share of events silently lost (0..1). */
  dropRate?: number
  /** The CloudEvents source: S/4HANA sends /default/sap.s4.beh/<system id> */
  source?: string
}

export interface CloudEvent {
  specversion: '1.0'
  type: string
  source: string
  id: string
  time: string
  datacontenttype: 'application/json'
  data: Record<string, string>
}

/** SAP's event type for an operation on a business object. */
export const eventType = (object: BusinessObject, operation: Operation) => `sap.s4.beh.${object.toLowerCase()}.v1.${object}.${operation}.v1`

export class BusinessEvents {
  /** Events sent and dropped since the start, per type. */
  readonly sent = new Map<string, number>()
  dropped = 0
  dropRate: number
  private redis: Redis
  private dropCount = 0
  private publishing: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: BusinessEventOptions) {
    this.dropRate = options.dropRate ?? 0
    this.redis = new Redis(options.redis, { lazyConnect: false, maxRetriesPerRequest: 3 })
  }

  /** The next n events are lost. */
  dropNext(n = 1) {
    this.dropCount += n
  }

  /** Sends the event for a change; in the order of the changes. */
  emit(object: BusinessObject, operation: Operation, key: string) {
    const type = eventType(object, operation)
    if (this.dropCount > 0 || (this.dropRate && Math.random() < this.dropRate)) {
      if (this.dropCount > 0) this.dropCount--
      this.dropped++
      return
    }
    this.publish({
      specversion: '1.0',
      type,
      source: this.options.source ?? '/default/sap.s4.beh/SIMCLNT001',
      id: crypto.randomUUID(),
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { [object]: key },
    })
  }

  /** Publishes anything on an event's channel, as a broker would deliver it: also for tests of malformed events. */
  publish(event: { type: string } & Record<string, unknown>, body: string = JSON.stringify(event)) {
    this.sent.set(event.type, (this.sent.get(event.type) ?? 0) + 1)
    this.publishing = this.publishing.then(() => this.redis.publish(`${this.options.topicPrefix ?? ''}${event.type}`, body))
      .catch(error => console.warn(`S/4HANA simulator: event ${event.type} not published: ${(error as Error).message}`))
  }

  /** Resolves when every event emitted so far has reached the broker. */
  flush(): Promise<unknown> {
    return this.publishing
  }

  async close() {
    await this.flush()
    this.redis.disconnect()
  }
}
