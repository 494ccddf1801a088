// srv/queue-recovery.ts against the real queue table: what a stopped instance left in 'processing' is taken up again
// one timeout after it was first seen, never earlier (it may be another instance's), and AR's resend / an admin's
// retry find out whether a message is stuck.
import path from 'node:path'
import cds from '@sap/cds'
import { clearStuckMessages, queueOf, recoverQueue } from '../srv/queue-recovery'

const MESSAGES = 'cds.outbox.Messages'

describe('recovery of queue messages stranded in processing', () => {
  const { expect } = cds.test(path.join(__dirname, '..'))

  const message = (operation: string, row: Record<string, unknown>) => ({
    ID: cds.utils.uuid(),
    target: 'writeback',
    timestamp: new Date().toISOString(),
    msg: JSON.stringify({ service: 'writeback', event: 'deliver', data: { operation } }),
    attempts: 0,
    ...row,
  })
  // A queue of its own, whose flush only counts: nothing but these passes touches its rows (not the server's own).
  const queue = async () => {
    const real = await queueOf('writeback')
    const flushes: number[] = []
    return { queue: { ...real, target: 'queue-recovery-test', flush: async () => void flushes.push(Date.now()) }, flushes }
  }
  const row = async (ID: string) => (await SELECT.one.from(MESSAGES).columns('status', 'lastAttemptTimestamp').where({ ID })) as { status: string | null; lastAttemptTimestamp: string | null }

  it('leaves a message in processing alone for one timeout, then hands it back and flushes', async () => {
    const { queue: writeback, flushes } = await queue()
    const stranded = message('op-1', { status: 'processing', target: 'queue-recovery-test' })
    await cds.tx(() => INSERT.into(MESSAGES).entries(stranded))
    const now = Date.now()
    expect(await recoverQueue(writeback, now)).to.include({ stamped: 1, handedBack: 0 })
    expect((await row(stranded.ID)).status).to.equal('processing')
    expect(flushes).to.have.length(0)
    // Still within the timeout: maybe another instance is working on it.
    expect(await recoverQueue(writeback, now + writeback.timeoutMs - 1)).to.include({ handedBack: 0 })
    expect((await row(stranded.ID)).status).to.equal('processing')
    expect(await recoverQueue(writeback, now + writeback.timeoutMs)).to.include({ handedBack: 1 })
    expect(await row(stranded.ID)).to.deep.equal({ status: null, lastAttemptTimestamp: null })
    expect(flushes).to.have.length(1)
    await cds.tx(() => DELETE.from(MESSAGES).where({ ID: stranded.ID }))
  })

  it('leaves a retried message alone for one timeout after the queue took it, however long ago it last failed', async () => {
    const { queue: writeback, flushes } = await queue()
    // Failed twice, the last time long before the queue takes it again (its instance stopped, or no flush came sooner).
    const failedAt = new Date(Date.now() - 10 * writeback.timeoutMs).toISOString()
    const retried = message('op-6', { target: 'queue-recovery-test', attempts: 2, lastAttemptTimestamp: failedAt })
    await cds.tx(() => INSERT.into(MESSAGES).entries(retried))
    // How CAP 10.1.1's queue takes a message (libx/queue/processing.js).
    const taken = Date.now()
    await cds.tx(() => UPDATE(MESSAGES).set({ status: 'processing' }).where({ ID: { in: [retried.ID] } }))
    // In hand now: neither overdue by CAP's rule (no flush would take it again) nor handed back.
    expect(await recoverQueue(writeback, taken + 100)).to.include({ handedBack: 0, overdue: 0 })
    expect(await recoverQueue(writeback, taken + writeback.timeoutMs - 100)).to.include({ handedBack: 0, overdue: 0 })
    expect(flushes).to.have.length(0)
    expect((await row(retried.ID)).status).to.equal('processing')
    // Still in processing two timeouts later: its instance stopped. CAP's rule takes it again; the pass flushes.
    expect(await recoverQueue(writeback, taken + 2 * writeback.timeoutMs + 100)).to.include({ overdue: 1 })
    expect(flushes).to.have.length(1)
    await cds.tx(() => DELETE.from(MESSAGES).where({ ID: retried.ID }))
  })

  it('calls a message stuck only when the queue will not deliver it by itself, and then removes it', async () => {
    const fresh = message('op-2', {})
    const old = new Date(Date.now() - 3_600_000).toISOString()
    const stranded = message('op-3', { status: 'processing', timestamp: old })
    const dead = message('op-4', { attempts: 10, timestamp: old })
    await cds.tx(() => INSERT.into(MESSAGES).entries([fresh, stranded, dead]))
    expect(await cds.tx(() => clearStuckMessages('writeback', 'deliver', { operation: 'op-2' }))).to.equal(false)
    expect(await cds.tx(() => clearStuckMessages('writeback', 'deliver', { operation: 'op-3' }))).to.equal(true)
    expect(await cds.tx(() => clearStuckMessages('writeback', 'deliver', { operation: 'op-4' }))).to.equal(true)
    expect(await cds.tx(() => clearStuckMessages('writeback', 'deliver', { operation: 'op-5' }))).to.equal(true)
    const left = (await SELECT.from(MESSAGES).columns('ID').where({ ID: { in: [fresh.ID, stranded.ID, dead.ID] } })) as { ID: string }[]
    expect(left.map(r => r.ID)).to.deep.equal([fresh.ID])
    await cds.tx(() => DELETE.from(MESSAGES).where({ ID: fresh.ID }))
  })
})
