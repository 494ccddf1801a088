// Secure links for customers (srv/links): the token's life cycle against the database, what refuses a token and
// whether that needs the database, that neither the database nor the log ever holds a token, and the limits
// that keep guessing from costing anything.
import cds from '@sap/cds'
import express, { type Request } from 'express'
import { createHash } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  LinkError,
  TooManyRequests,
  clientIp,
  isBlocked,
  issueLink,
  linkSecret,
  linkSettings,
  rateLimit,
  recordFailure,
  revokeLinks,
  sendTooManyRequests,
  verifyLink,
  verifyLinkFrom,
} from '../srv/links'
import { MIN_SECRET_BITS, MIN_SECRET_LENGTH, estimatedSecretBits } from '../srv/links/config'
import { Redis } from 'ioredis'
import { limiter, resetFailures } from '../srv/links/rate-limit'
import { encodeToken, parseToken } from '../srv/links/token-format'
import { sleep } from './support'
import type { SecureLink } from '#cds-models/invoicecrm/crm'

const LINKS = 'invoicecrm.crm.SecureLinks'
const EMAIL = 'ap.team@customer.example'
const INVOICE = '90000001'

/** The LinkError a promise is refused with; fails the test when it resolves or fails otherwise. */
async function refusal(promise: Promise<unknown>): Promise<LinkError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof LinkError) return error
    throw error
  }
  throw new Error('expected the link to be refused')
}

describe('secure links', () => {
  const { expect } = cds.test(__dirname + '/..')

  // Every call of the links logger, at any level, whether or not the level writes it.
  const logged: string[] = []
  const log = cds.log('links') as unknown as Record<string, (...args: unknown[]) => void>
  const originalLog = { ...log }
  // Every database query while counting, to prove that a refusal did not need one.
  let queries = 0
  before(() => {
    for (const level of ['trace', 'debug', 'info', 'log', 'warn', 'error'])
      log[level] = (...args) => (logged.push(JSON.stringify(args)), originalLog[level](...args))
    cds.db.before('*', () => void queries++)
  })
  after(() => Object.assign(log, originalLog))
  const withoutQueries = async <T>(action: () => Promise<T>): Promise<T> => {
    const before = queries
    const result = await action()
    expect(queries - before, 'database queries').to.equal(0)
    return result
  }
  const invoiceLink = (validDays?: number) => issueLink({ purpose: 'invoiceResponse', invoice: INVOICE, contactEmail: EMAIL, validDays })
  const row = async (ID: string) => (await SELECT.one.from(LINKS).where({ ID })) as SecureLink

  describe('issue and verify', () => {
    it('round trip: the token verifies for its purpose and names its document and contact', async () => {
      const { token, linkId, expiresAt } = await invoiceLink()
      expect(token).to.match(/^[\w-]{22}\.[0-9a-z]+\.[\w-]{32}$/)
      const days = (expiresAt.getTime() - Date.now()) / 86_400_000
      expect(days).to.be.within(59.99, 60)
      expect((await row(linkId)).lastUsedAt).to.equal(null)

      const queried = queries
      const link = await verifyLink(token, 'invoiceResponse')
      expect(queries, 'the query counter sees verifyLink read and update').to.be.greaterThan(queried)
      expect(link).to.deep.equal({ linkId, purpose: 'invoiceResponse', invoiceId: INVOICE, contactEmail: EMAIL, expiresAt })
      expect((await row(linkId)).lastUsedAt, 'lastUsedAt').to.be.a('string')
      // A replay is no different: the answer handlers make the answer idempotent, the link does not mind.
      expect((await verifyLink(token, 'invoiceResponse')).linkId).to.equal(linkId)
    })

    it('accepts one of several purposes, and only purposes it knows', async () => {
      const { token, linkId } = await invoiceLink()
      expect((await verifyLink(token, ['survey', 'invoiceResponse'])).linkId).to.equal(linkId)
      expect((await refusal(verifyLink(token, ['survey', 'statement']))).code).to.equal('wrong-purpose')
      await expect(verifyLink(token, [])).to.be.rejectedWith(TypeError)
      await expect(verifyLink(token, 'invoice' as never)).to.be.rejectedWith(TypeError)
    })

    it('binds a survey link to its invitation, and takes validDays from the caller', async () => {
      const invitation = cds.utils.uuid()
      const { token, expiresAt } = await issueLink({ purpose: 'survey', invitation, contactEmail: EMAIL, validDays: 7 })
      expect((expiresAt.getTime() - Date.now()) / 86_400_000).to.be.within(6.99, 7)
      const link = await verifyLink(token, 'survey')
      expect(link.invitationId).to.equal(invitation)
      expect(link).not.to.have.property('invoiceId')
    })

    it("binds an account link to its customer; revoking the customer's account links leaves its other links alone", async () => {
      const customer = 'C-ACCOUNT'
      const account = await issueLink({ purpose: 'account', customer, contactEmail: EMAIL })
      const invoice = await issueLink({ purpose: 'invoiceResponse', invoice: INVOICE, contactEmail: EMAIL })
      expect((await verifyLink(account.token, 'account')).customerId).to.equal(customer)
      expect(await revokeLinks({ customer })).to.equal(1)
      expect((await refusal(verifyLink(account.token, 'account'))).code).to.equal('revoked')
      expect((await verifyLink(invoice.token, 'invoiceResponse')).invoiceId).to.equal(INVOICE)
    })

    it('refuses to issue a link without the document its purpose needs, or without a contact', async () => {
      await expect(issueLink({ purpose: 'invoiceResponse', contactEmail: EMAIL })).to.be.rejectedWith(TypeError, /invoice/)
      await expect(issueLink({ purpose: 'survey', invoice: INVOICE, contactEmail: EMAIL })).to.be.rejectedWith(TypeError, /invitation/)
      await expect(issueLink({ purpose: 'statement', invoice: INVOICE, contactEmail: EMAIL })).to.be.rejectedWith(TypeError, /statement/)
      await expect(issueLink({ purpose: 'account', invoice: INVOICE, contactEmail: EMAIL })).to.be.rejectedWith(TypeError, /customer/)
      await expect(issueLink({ purpose: 'invoiceResponse', invoice: INVOICE, contactEmail: '' })).to.be.rejectedWith(TypeError, /contact/)
      await expect(issueLink({ purpose: 'nonsense' as never, invoice: INVOICE, contactEmail: EMAIL })).to.be.rejectedWith(TypeError, /purpose/)
    })

    it('stores no token: no column of any table holds it or its signature, only its sha256', async () => {
      const { token, linkId } = await invoiceLink()
      const signature = token.split('.')[2]
      expect((await row(linkId)).tokenHash).to.equal(createHash('sha256').update(token).digest('hex'))
      let tables = 0
      for (const entity of cds.db.model.each('entity')) {
        const e = entity as unknown as { name: string; query?: unknown; '@cds.persistence.skip'?: boolean; '@cds.persistence.exists'?: boolean }
        // Not deployed by CAP (db/search.cds: a copy of columns of tables read here, and on PostgreSQL no table at all).
        if (e.query || e['@cds.persistence.skip'] || e['@cds.persistence.exists'] || e.name.startsWith('cds.')) continue
        const rows = JSON.stringify(await SELECT.from(e.name))
        expect(rows, e.name).not.to.include(signature)
        expect(rows, e.name).not.to.include(token)
        tables++
      }
      expect(tables).to.be.greaterThan(10)
    })

    it('never logs a token or an e-mail address', async () => {
      logged.length = 0
      const invoice = '90000555'
      const { token } = await issueLink({ purpose: 'invoiceResponse', invoice, contactEmail: EMAIL })
      await verifyLink(token, 'invoiceResponse')
      await refusal(verifyLink(token, 'survey'))
      await revokeLinks({ invoice })
      await refusal(verifyLink(token, 'invoiceResponse'))
      expect(logged.length, 'log calls').to.be.greaterThan(3)
      for (const line of logged) {
        expect(line).not.to.include(token.split('.')[2])
        expect(line).not.to.include(EMAIL)
      }
    })
  })

  describe('refusals', () => {
    it('tampered signature: forged (403), decided without the database', async () => {
      const { token } = await invoiceLink()
      const last = token.at(-1) === 'A' ? 'B' : 'A'
      const error = await withoutQueries(() => refusal(verifyLink(token.slice(0, -1) + last, 'invoiceResponse')))
      expect([error.code, error.status]).to.deep.equal(['forged', 403])
      // A message key, which CAP translates when it answers.
      expect(error.message).to.equal('LINK_NOT_VALID')
      expect(cds.i18n.messages.at(error.message, 'en')).to.match(/not valid/)
    })

    it('a signature made with another secret: forged', async () => {
      const { token, linkId } = await invoiceLink()
      const other = encodeToken('another secret, not ours, at least 32 chars', linkId, 'invoiceResponse', parseToken(token)!.expiresAt)
      expect((await withoutQueries(() => refusal(verifyLink(other, 'invoiceResponse')))).code).to.equal('forged')
    })

    it('a link for another purpose: wrong-purpose (403), without the database', async () => {
      const { token } = await invoiceLink()
      for (const purpose of ['survey', 'statement'] as const) {
        const error = await withoutQueries(() => refusal(verifyLink(token, purpose)))
        expect([error.code, error.status]).to.deep.equal(['wrong-purpose', 403])
      }
    })

    it('expired by its token: expired (410), without the database', async () => {
      const { token } = await invoiceLink(-1)
      const error = await withoutQueries(() => refusal(verifyLink(token, 'invoiceResponse')))
      expect([error.code, error.status]).to.deep.equal(['expired', 410])
    })

    it('expired by its row (shortened after it was sent): expired', async () => {
      const { token, linkId } = await invoiceLink()
      await UPDATE(LINKS, linkId).with({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      expect((await refusal(verifyLink(token, 'invoiceResponse'))).code).to.equal('expired')
    })

    it('revoked: revoked (410); revoking again changes nothing; by invoice revokes only that invoice', async () => {
      const one = await invoiceLink()
      expect(await revokeLinks({ linkId: one.linkId })).to.equal(1)
      const error = await refusal(verifyLink(one.token, 'invoiceResponse'))
      expect([error.code, error.status]).to.deep.equal(['revoked', 410])
      const { revokedAt } = await row(one.linkId)
      expect(await revokeLinks({ linkId: one.linkId })).to.equal(0)
      expect((await row(one.linkId)).revokedAt, 'first revocation kept').to.equal(revokedAt)

      const invoice = '90000777'
      const [a, b] = [await issueLink({ purpose: 'invoiceResponse', invoice, contactEmail: EMAIL }), await invoiceLink()]
      expect(await revokeLinks({ invoice })).to.equal(1)
      expect((await refusal(verifyLink(a.token, 'invoiceResponse'))).code).to.equal('revoked')
      expect((await verifyLink(b.token, 'invoiceResponse')).linkId).to.equal(b.linkId)
    })

    it('revoking needs a criterion: never every link at once', async () => {
      const { token } = await invoiceLink()
      await expect(revokeLinks({})).to.be.rejectedWith(TypeError)
      await expect(revokeLinks({ invoice: undefined })).to.be.rejectedWith(TypeError)
      expect((await verifyLink(token, 'invoiceResponse')).invoiceId).to.equal(INVOICE)
    })

    it('a valid signature without its row: unknown (403)', async () => {
      const { token, linkId } = await invoiceLink()
      await DELETE.from(LINKS).where({ ID: linkId })
      const error = await refusal(verifyLink(token, 'invoiceResponse'))
      expect([error.code, error.status]).to.deep.equal(['unknown', 403])
    })

    it('a token re-signed for a longer life, even with the secret: unknown, as the row knows its own token', async () => {
      const { token, linkId } = await invoiceLink()
      const longer = encodeToken(linkSecret(), linkId, 'invoiceResponse', parseToken(token)!.expiresAt + 86_400)
      expect((await refusal(verifyLink(longer, 'invoiceResponse'))).code).to.equal('unknown')
    })

    it('anything that is not a token: malformed (400), without the database', async () => {
      const { token } = await invoiceLink()
      const [id, expiry, signature] = token.split('.')
      // The same 16 bytes in another spelling: the last of 22 base64url characters carries two unused bits.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      const respelled = id.slice(0, -1) + alphabet[alphabet.indexOf(id.at(-1)!) ^ 1]
      const bad: unknown[] = [
        '', ' ', '..', 'x'.repeat(10_000), '🙂', `${token}🙂`, 'ü'.repeat(64), `${id}.${expiry}`, `${id}.${expiry}.${signature}.x`,
        `${id}..${signature}`, `${id}.${expiry}.${signature.slice(0, -1)}`, `${id}.0${expiry}.${signature}`, `${id}.${expiry.toUpperCase()}.${signature}`,
        `${respelled}.${expiry}.${signature}`, ` ${token}`, `${token}\n`, token.replace(/\./g, '%2E'),
        null, undefined, 42, {}, [token], { toString: () => token },
      ]
      for (const candidate of bad) {
        const error = await withoutQueries(() => refusal(verifyLink(candidate, 'invoiceResponse')))
        expect([error.code, error.status], String(candidate).slice(0, 40)).to.deep.equal(['malformed', 400])
      }
    })
  })

  describe('the secret', () => {
    // Random bytes from a fixed seed (a hash chain), so that every run checks the same secrets.
    const seeded = (seed: string, length: number) => createHash('sha512').update(seed).digest().subarray(0, length)
    // Like what `openssl rand -base64 24` prints: the shortest secret production takes.
    const good = seeded('good', 24).toString('base64')
    it('is required: a clear error naming the environment variable and the service to bind', () => {
      for (const production of [true, false]) expect(() => linkSecret({}, production)).to.throw(/CDS_REQUIRES_LINKS_SECRET.*invoice-crm-links|invoice-crm-links.*CDS_REQUIRES_LINKS_SECRET/)
    })
    it('in production: not short, not the development placeholder', () => {
      expect(() => linkSecret({ secret: 'short' }, true)).to.throw(/not fit for production/)
      expect(() => linkSecret({ secret: `dev-only-${good}` }, true)).to.throw(/not fit for production: it is the development placeholder/)
      expect(() => linkSecret({ secret: linkSettings().secret }, true)).to.throw(/not fit for production/)
      expect(linkSecret({ secret: good }, true)).to.equal(good)
    })
    it('in production: long enough is not enough, repeats, few characters and sequences are refused without showing the secret', () => {
      const guessable = ['x'.repeat(64), 'abcd1234'.repeat(4), 'abcdefghijklmnopqrstuvwxyz012345', 'password'.repeat(4), '01'.repeat(32)]
      for (const secret of guessable) {
        expect(secret.length).to.be.at.least(MIN_SECRET_LENGTH)
        expect(estimatedSecretBits(secret), secret).to.be.below(MIN_SECRET_BITS)
        const error = (() => {
          try {
            linkSecret({ secret }, true)
          } catch (e) {
            return e as Error
          }
        })()
        expect(error?.message, secret).to.match(/not fit for production: it is too predictable \(about \d+ bits/)
        expect(error?.message).not.to.contain(secret)
      }
    })
    it('in production: random secrets pass, in every form the README suggests', () => {
      for (let i = 0; i < 500; i++)
        for (const secret of [seeded(`${i}`, 24).toString('base64'), seeded(`${i}`, 48).toString('base64'), seeded(`${i}`, 32).toString('hex')])
          expect(linkSecret({ secret }, true)).to.equal(secret)
    })
    it('comes from the bound service invoice-crm-links when there is one', () => {
      const bound = seeded('bound', 48).toString('base64')
      expect(linkSecret({ secret: linkSettings().secret, credentials: { secret: bound } }, true)).to.equal(bound)
      expect(() => linkSecret({ credentials: { secret: 'y'.repeat(40) } }, true)).to.throw(/too predictable/)
    })
    it('in development and test, any secret will do', () => {
      expect(linkSecret({ secret: 'dev-only' }, false)).to.equal('dev-only')
    })
  })

  describe('rate limits', () => {
    let server: Server
    let url: string
    // The client comes from a header here, so that tests do not share a limit through 127.0.0.1.
    const client = (req: Request) => String(req.headers['x-client'])
    const get = (path: string, who: string) => fetch(`${url}${path}`, { headers: { 'x-client': who } })

    before(async () => {
      const app = express()
      app.get('/limited', rateLimit({ windowMs: 1000, max: 3, key: client }), (_req, res) => void res.json({ ok: true }))
      // A link endpoint as the customer-facing services build one.
      app.get('/link', async (req, res) => {
        try {
          res.json(await verifyLinkFrom(client(req), req.query.token, 'invoiceResponse'))
        } catch (error) {
          if (error instanceof TooManyRequests) return sendTooManyRequests(req, res, error.retryAfterMs)
          const { status = 500, code } = error as { status?: number; code?: string }
          res.status(status).json({ error: { code } })
        }
      })
      server = app.listen(0)
      await new Promise(resolve => server.once('listening', resolve))
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    after(() => new Promise(resolve => server.close(resolve)))
    beforeEach(() => resetFailures())

    it('allows max requests per key, then 429 with Retry-After and a JSON error; again once the window passed', async () => {
      for (let i = 0; i < 3; i++) expect((await get('/limited', 'a')).status).to.equal(200)
      const refused = await get('/limited', 'a')
      expect(refused.status).to.equal(429)
      expect(refused.headers.get('retry-after')).to.equal('1')
      expect(await refused.json()).to.deep.equal({ error: { code: '429', message: 'Too many requests. Please wait a moment and try again.' } })
      const inGerman = await fetch(`${url}/limited`, { headers: { 'x-client': 'a', 'accept-language': 'de-DE,de;q=0.9' } })
      expect((await inGerman.json()).error.message, 'in the language asked for').to.equal('Zu viele Anfragen. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.')
      expect((await get('/limited', 'b')).status, 'another client').to.equal(200)
      await sleep(1050)
      for (let i = 0; i < 3; i++) expect((await get('/limited', 'a')).status).to.equal(200)
      expect((await get('/limited', 'a')).status).to.equal(429)
    })

    /** The msBeforeNext of a refused consume; 0 when it was let through. */
    const refusedWait = (consumed: Promise<unknown>) => consumed.then(() => 0, (refused: { msBeforeNext: number }) => refused.msBeforeNext)

    it('without Redis, counts in memory, each limiter for itself', async () => {
      const first = limiter({ max: 2, windowMs: 1000, name: 'test-memory', redis: null })
      const second = limiter({ max: 2, windowMs: 1000, name: 'test-memory', redis: null })
      await first.consume('k', 2)
      expect(await refusedWait(first.consume('k')), 'the first is spent').to.be.above(0)
      expect((await second.consume('k')).remainingPoints, 'another instance has its own budget').to.equal(1)
    })

    describe('with Redis (127.0.0.1:6379)', () => {
      const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 })
      const name = `test-${process.pid}-${Date.now()}`
      before(() => redis.connect())
      after(async () => {
        const keys = await redis.keys(`invoice-crm:rate:${name}:*`)
        if (keys.length) await redis.del(...keys)
        redis.disconnect()
      })

      it('holds across instances: the second refuses once the first has used the budget', async () => {
        const first = limiter({ max: 3, windowMs: 5000, name, redis })
        const second = limiter({ max: 3, windowMs: 5000, name, redis })
        for (let i = 0; i < 3; i++) await first.consume('shared')
        expect(await refusedWait(second.consume('shared')), 'refused by the second instance').to.be.within(1, 5000)
        const ttl = await redis.pttl(`invoice-crm:rate:${name}:shared`)
        expect(ttl, 'keys expire with their window').to.be.within(1, 5000)
      })

      it('the middleware of two app instances shares one limit through Redis, with 429 and Retry-After', async () => {
        const apps = [0, 1].map(() => {
          const app = express()
          app.get('/limited', rateLimit({ windowMs: 5000, max: 2, key: () => 'one client', name, redis }), (_req, res) => void res.json({ ok: true }))
          return app.listen(0)
        })
        try {
          await Promise.all(apps.map(s => new Promise(resolve => s.once('listening', resolve))))
          const at = (i: number) => fetch(`http://127.0.0.1:${(apps[i].address() as AddressInfo).port}/limited`)
          expect((await at(0)).status).to.equal(200)
          expect((await at(1)).status).to.equal(200)
          const refused = await at(0)
          expect(refused.status).to.equal(429)
          expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 5)
          expect((await at(1)).status).to.equal(429)
          // The IP never appears in a key: only its hash.
          expect(await redis.keys(`invoice-crm:rate:${name}:*one client*`)).to.deep.equal([])
        } finally {
          await Promise.all(apps.map(s => new Promise(resolve => s.close(resolve))))
        }
      })

      it('degrades to the in-memory insurance limit when Redis is unreachable, instead of failing requests', async () => {
        const down = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null })
        const limit = limiter({ max: 1, windowMs: 5000, name, redis: down })
        expect((await limit.consume('k')).remainingPoints).to.equal(0)
        expect(await refusedWait(limit.consume('k')), 'the insurance counts').to.be.above(0)
        down.disconnect()
      })
    })

    it('blocks a client after 20 forged or unknown links in 10 minutes, even for a valid link; others go on', async () => {
      const { token, linkId } = await invoiceLink()
      const forged = token.slice(0, -1) + (token.at(-1) === 'A' ? 'B' : 'A')
      for (let i = 0; i < 20; i++) {
        expect(await isBlocked('attacker'), `after ${i} failures`).to.equal(false)
        expect((await get(`/link?token=${encodeURIComponent(i % 2 ? forged : 'garbage')}`, 'attacker')).status).to.be.oneOf([400, 403])
      }
      expect(await isBlocked('attacker')).to.equal(true)
      const blocked = await get(`/link?token=${token}`, 'attacker')
      expect(blocked.status).to.equal(429)
      expect(Number(blocked.headers.get('retry-after')), 'until the 10-minute window is over').to.be.within(1, 600)
      const served = await get(`/link?token=${token}`, 'customer')
      expect(served.status).to.equal(200)
      expect((await served.json()).linkId).to.equal(linkId)
    })

    it('does not count a customer with an old link: expired, revoked or wrong purpose', async () => {
      const expired = await invoiceLink(-1)
      const revoked = await invoiceLink()
      await revokeLinks({ linkId: revoked.linkId })
      const survey = await issueLink({ purpose: 'survey', invitation: cds.utils.uuid(), contactEmail: EMAIL })
      for (let i = 0; i < 10; i++)
        for (const { token } of [expired, revoked, survey]) expect((await get(`/link?token=${token}`, 'customer')).status).to.be.oneOf([403, 410])
      expect(await isBlocked('customer')).to.equal(false)
    })

    it('recordFailure and isBlocked: 20 failures block, the other clients stay free', async () => {
      for (let i = 0; i < 19; i++) await recordFailure('10.0.0.1')
      expect(await isBlocked('10.0.0.1')).to.equal(false)
      await recordFailure('10.0.0.1')
      expect(await isBlocked('10.0.0.1')).to.equal(true)
      expect(await isBlocked('10.0.0.2')).to.equal(false)
    })

    it('returns a malformed token as 400 over HTTP, whatever it contains, never a 500', async () => {
      for (const token of ['x'.repeat(10_000), '🙂', '%00', '..', 'a.b.c'])
        expect((await get(`/link?token=${encodeURIComponent(token)}`, `malformed-${token.length}`)).status, token.slice(0, 20)).to.equal(400)
      const repeated = await get('/link?token=a&token=b', 'malformed-array')
      expect(repeated.status, 'token given twice').to.equal(400)
    })

    it('keys a client by its IP address, an IPv6 client by its /64', () => {
      const ip = (address: string) => clientIp({ ip: address } as Request)
      expect(ip('203.0.113.7')).to.equal('203.0.113.7')
      expect(ip('::ffff:203.0.113.7')).to.equal('203.0.113.7')
      expect(ip('2001:db8:1:2:aaaa::1')).to.equal(ip('2001:db8:1:2:bbbb:cccc:dddd:eeee'))
      expect(ip('2001:db8:1:2::1')).to.equal('2001:db8:1:2::/64')
      expect(ip('2001:db8:1:3::1')).not.to.equal(ip('2001:db8:1:2::1'))
      expect(ip('2001:0db8:0001:0002::1')).to.equal('2001:db8:1:2::/64')
      expect(ip('::1')).to.equal('0:0:0:0::/64')
    })
  })
})
