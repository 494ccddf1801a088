import cds from '@sap/cds'

// CAP's redis-messaging (the events profile: business events on the Redis of the jobs) with two defects of
// @sap/cds 10.1.1 worked around; remove this module when CAP fixes them:
// 1. It drops the user name from the URI by replacing everything from `//` to the first colon, which turns a URI
//    without user info (redis://127.0.0.1:6379) into redis://:6379. An empty user info (redis://:@host:port) comes
//    through unchanged and means no password.
// 2. It registers the error and reconnect listeners of its subscriber connection without a logger: when Redis drops
//    the connection, the listener throws a TypeError and the process ends. startListening below is CAP's with a
//    logger for them.

type Message = { data?: unknown; headers?: Record<string, unknown>; event?: string }
type RedisClient = {
  duplicate(): RedisClient
  connect(): Promise<unknown>
  on(event: string, listener: (...args: unknown[]) => void): unknown
  subscribe(topic: string, listener: (message: string) => unknown): Promise<unknown>
}
interface RedisMessagingService {
  options: { credentials?: { uri?: string } }
  client: RedisClient
  subscribedTopics: Map<string, string>
  LOG: Record<'info' | 'warn' | 'error', (...args: unknown[]) => void> & { _info?: boolean }
  init(): Promise<void>
  processInboundMsg(context: object, message: Message): Promise<unknown>
}
type Constructor = new (...args: unknown[]) => RedisMessagingService

// CAP's implementation, as cds.requires' kind redis-messaging names it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a path from the configuration, which an import cannot name
const CapRedisMessaging = require(cds.env.requires.kinds['redis-messaging'].impl) as Constructor
// eslint-disable-next-line @typescript-eslint/no-require-imports, @sap/cds/no-deep-sap-cds-import -- what CAP's startListening uses (see above)
const normalizeIncomingMessage = require('@sap/cds/libx/_runtime/messaging/common-utils/normalizeIncomingMessage') as (message: string) => Message

export const withUserInfo = (uri: string) => (/^rediss?:\/\/[^/]*@/.test(uri) ? uri : uri.replace(/^(rediss?:\/\/)/, '$1:@'))

export default class RedisMessaging extends CapRedisMessaging {
  async init() {
    // The Redis of the jobs (REDIS_URL) carries the events too, unless the service has credentials of its own.
    const uri = this.options.credentials?.uri ?? process.env.REDIS_URL
    if (uri) this.options.credentials = { ...this.options.credentials, uri: withUserInfo(uri) }
    await super.init()
  }

  async startListening() {
    let subscriber: RedisClient | undefined
    for (const topic of this.subscribedTopics.keys()) {
      if (!subscriber) {
        subscriber = this.client.duplicate()
        subscriber.on('reconnecting', () => this.LOG.warn('Reconnecting'))
        subscriber.on('error', error => this.LOG.warn('Failed to connect to Redis:', error))
        await subscriber.connect()
      }
      if (this.LOG._info) this.LOG.info('Create subscription', { topic })
      await subscriber.subscribe(topic, async message => {
        const msg = normalizeIncomingMessage(message)
        msg.event = topic
        try {
          await this.processInboundMsg({}, msg)
        } catch (error) {
          this.LOG.error(`ERROR occurred in asynchronous event processing: ${(error as Error).message}`)
        }
      })
    }
  }
}
