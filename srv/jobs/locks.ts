import cds from '@sap/cds'
import type { Redis } from 'ioredis'

// One lock per entity, so that the same entity never syncs twice at once: a delta tick that overlaps the
// previous run, a full reconciliation meeting a delta, a manual run, or two instances picking up jobs.

const LOG = cds.log('jobs')

export interface Lease {
  /** Gives the lock up; safe to call twice, and never releases a lock someone else holds meanwhile. */
  release(): Promise<void>
}

export interface EntityLocks {
  /** The lease, or undefined when another job holds the entity. */
  acquire(entity: string, holder: string): Promise<Lease | undefined>
  /** Which job holds the entity, if any. */
  holder(entity: string): Promise<string | undefined>
}

/** Within one process: enough for the in-process runner, which is single-instance by definition. */
export class LocalLocks implements EntityLocks {
  private readonly held = new Map<string, string>()

  async acquire(entity: string, holder: string): Promise<Lease | undefined> {
    if (this.held.has(entity)) return undefined
    this.held.set(entity, holder)
    return { release: async () => void (this.held.get(entity) === holder && this.held.delete(entity)) }
  }

  async holder(entity: string) {
    return this.held.get(entity)
  }
}

// Compare-and-set scripts: only the holder may extend or delete its lock, even after it expired and was taken.
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

/**
 * Across instances: SET NX with a time to live, extended by the holder every third of it. An instance that dies
 * mid-run leaves a lock that expires after lockTtlMs, so the entity is not blocked for longer than that.
 */
export class RedisLocks implements EntityLocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number
  ) {}

  private key(entity: string) {
    return `${this.prefix}:lock:${entity}`
  }

  async acquire(entity: string, holder: string): Promise<Lease | undefined> {
    const key = this.key(entity)
    const token = `${holder}|${cds.utils.uuid()}`
    if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) !== 'OK') return undefined
    const timer = setInterval(async () => {
      try {
        if (!(await this.redis.eval(EXTEND, 1, key, token, this.ttlMs)))
          LOG.error(`${entity}: the sync lock expired while the run was going on; another run may start`)
      } catch (error) {
        LOG.warn(`${entity}: could not extend the sync lock: ${(error as Error).message}`)
      }
    }, Math.max(Math.floor(this.ttlMs / 3), 10))
    timer.unref()
    return {
      release: async () => {
        clearInterval(timer)
        await this.redis.eval(RELEASE, 1, key, token)
      },
    }
  }

  async holder(entity: string) {
    const token = await this.redis.get(this.key(entity))
    return token?.slice(0, token.lastIndexOf('|'))
  }
}
