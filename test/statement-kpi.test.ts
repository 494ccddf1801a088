// The launchpad's share of monthly statements confirmed within 10 days, over OData, for a hand-made set of sent
// statements: which of them are shared out (sent 10 to 40 days ago, the edges included as the service counts them),
// which count as confirmed in time (confirmed, answered at most 10 days after sending), the rounding, and no number
// at all when none was sent then. Also as Work Zone's dynamic tile reads it, and the statements sent by the index.
import cds from '@sap/cds'

const S = 'invoicecrm.statements'
const DAY = 24 * 60 * 60 * 1000
const HOUR = 60 * 60 * 1000

describe("the launchpad's share of statements confirmed within 10 days", () => {
  const { GET, expect } = cds.test(__dirname + '/..')
  const clerk = { auth: { username: 'clerk', password: 'clerk' } }
  const kpi = async () => (await GET('/odata/v4/launchpad/kpis()', clerk)).data.statementsConfirmedIn10Days as number | null
  let customer = 0

  /** A statement sent `sentAgo` ms ago, answered `answeredAfter` ms after it was sent (undefined: no answer). */
  const sent = (sentAgo: number, status: string, answeredAfter?: number) => {
    const sentAt = Date.now() - sentAgo
    customer++
    return {
      ID: cds.utils.uuid(),
      customer_ID: String(17_100_000 + customer),
      companyCode: '1010',
      currency: 'EUR',
      periodStart: '2026-01-01',
      periodEnd: '2026-01-31',
      status,
      closingBalance: 100,
      recipientEmail: 'ap@example.com',
      sentAt: new Date(sentAt).toISOString(),
      sentBy: 'clerk',
      answeredAt: answeredAfter === undefined ? null : new Date(sentAt + answeredAfter).toISOString(),
    }
  }

  it('is no number while no statement has been sent 10 to 40 days ago, whatever was sent before or after', async () => {
    await INSERT.into(`${S}.Statements`).entries([
      // Sent 9 days ago and confirmed the next day: its 10 days are not over yet.
      sent(9 * DAY, 'confirmed', DAY),
      // Sent 41 days ago: last month's, no longer counted.
      sent(41 * DAY, 'confirmed', DAY),
      // Drafts and approved statements were never sent.
      { ...sent(20 * DAY, 'draft'), sentAt: null, sentBy: null },
      { ...sent(20 * DAY, 'approved'), sentAt: null, sentBy: null },
    ])
    expect(await kpi()).to.equal(null)
    const { data } = await GET(`/odata/v4/launchpad/tile(kpi='statementsConfirmedIn10Days')`, clerk)
    expect(data).to.include({ number: null, numberState: 'Neutral', numberUnit: '%' })
  })

  it('shares out the statements sent 10 to 40 days ago: of 7, 3 confirmed within 10 days of sending (43%)', async () => {
    await INSERT.into(`${S}.Statements`).entries([
      // Confirmed in time: the next day, after 9 days, a minute before its 10 days were over.
      sent(15 * DAY, 'confirmed', DAY),
      sent(25 * DAY, 'confirmed', 9 * DAY),
      sent(12 * DAY, 'confirmed', 10 * DAY - 60_000),
      // Confirmed, but an hour too late.
      sent(30 * DAY, 'confirmed', 10 * DAY + HOUR),
      // Answered in time, but disagreeing; reminded and never answered; not answered yet.
      sent(20 * DAY, 'disagreed', 2 * DAY),
      sent(35 * DAY, 'noAnswer'),
      // The window's edges: sent just over 10 days ago (counted), just under 40 days ago (counted).
      sent(10 * DAY + HOUR, 'sent'),
      // Outside it, on both sides, each confirmed at once: counted for neither.
      sent(10 * DAY - HOUR, 'confirmed', HOUR),
      sent(40 * DAY + HOUR, 'confirmed', HOUR),
    ])
    // In the window: the 3 in time, the late one, the disagreed, the unanswered, the one sent just over 10 days ago
    // (not the first test's draft and approved ones, never sent): 3 of 7, 42.86 %, shown as 43.
    expect(await kpi()).to.equal(43)
    const { data } = await GET(`/odata/v4/launchpad/tile(kpi='statementsConfirmedIn10Days')`, clerk)
    expect(data).to.include({ number: 43, numberState: 'Neutral', numberUnit: '%' })
  })

  it('rounds to whole percent: 5 of 9 is 56, 5 of 7 is 71', async () => {
    // Two more in the window, both confirmed in time: 5 of 9 = 55.6 % → 56.
    await INSERT.into(`${S}.Statements`).entries([sent(11 * DAY, 'confirmed', 3 * DAY), sent(39 * DAY, 'confirmed', 10 * DAY - 1000)])
    expect(await kpi()).to.equal(56)
    // Without the two of the window still waiting for an answer: 5 of 7 = 71.4 % → 71.
    await DELETE.from(`${S}.Statements`).where({ status: { in: ['noAnswer', 'sent'] } })
    expect(await kpi()).to.equal(71)
  })

  it('reads the statements sent by an index on sentAt (its plan checked on SQLite; PostgreSQL plans a table this small by scan)', async () => {
    const sqlite = cds.db.kind === 'sqlite'
    const indexes = (await cds.db.run(
      sqlite
        ? `select name from sqlite_master where type = 'index' and tbl_name = 'invoicecrm_statements_Statements'`
        : `select indexname as name from pg_indexes where tablename = 'invoicecrm_statements_statements'`
    )) as { name: string }[]
    expect(indexes.map(i => i.name.toLowerCase())).to.include('invoicecrm_statements_statements_sentat')
    if (!sqlite) return
    const sql = `explain query plan select count(1) from invoicecrm_statements_Statements where sentAt >= ? and sentAt < ? and status = 'confirmed'`
    const range = [new Date(Date.now() - 40 * DAY).toISOString(), new Date(Date.now() - 10 * DAY).toISOString()]
    // (CAP runs plain SQL for its rows only when it starts with SELECT: the plan is read from the statement prepared.)
    type Prepared = { prepare(sql: string): { all(params: unknown[]): unknown } }
    const plan = (await cds.db.tx(async tx => {
      await tx.run('SELECT 1')
      return (tx as unknown as Prepared).prepare(sql).all(range)
    })) as { detail: string }[]
    expect(plan.map(p => p.detail).join('; ')).to.match(/USING INDEX invoicecrm_statements_Statements_sentAt/)
  })
})
