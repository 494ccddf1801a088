// Shared by the test suites that play S/4HANA with nock and run jobs on the real Redis.

export const REDIS = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
export const S4 = 'http://s4.test'
export const DUNNING = '/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_CustomerDunning'

/** An OData V2 collection response body. */
export const collection = (results: unknown[], next?: string) => ({ d: { results, ...(next && { __next: next }) } })

export const dunning = (customer: string) => ({
  Customer: customer,
  CompanyCode: '1710',
  DunningArea: '01',
  DunningProcedure: '0001',
  DunningBlock: '',
  DunningLevel: '1',
})

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Polls until probe returns something truthy, for effects of asynchronous jobs. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
