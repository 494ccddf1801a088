/**
 * Simulated changes "in S/4HANA" (what other users/processes do there): touch documents (new change
 * stamps, optionally a visible change), delete, cancel invoices, clear receivables, post new
 * documents, and serve deliberately malformed records.
 */
import type { EntityInfo } from './model'
import type { Row } from './odata-query'
import type { Store } from './store'
import { badRequest, notFound } from './errors'
import { msFromIso } from './edm-values'
import { parseKeyPredicate } from './odata-query'
import { keyPredicate } from './v2-json'
import {
  buildCancellation, buildCustomer, buildInvoice, buildSalesOrder, DAY, fiscalYear, type BillingBundle, type CustomerMeta, type Rng, type Stamp,
} from './data-generator'

export type KeyInput = string | Row

const BILLING = 'A_BillingDocument'
const FI = 'A_OperationalAcctgDocItemCube'

const stampOf = (iso: string): Stamp => ({ ms: msFromIso(iso), ticks: +iso.slice(23, 27) })

export class ChangeSimulator {
  constructor(private store: Store, private rng: Rng) {}

  entity(entitySet: string): EntityInfo {
    const e = this.store.model.entitySets.get(entitySet)
    if (!e) throw notFound(`Entity set '${entitySet}' not found`)
    return e
  }

  /** A key given as value (single-key sets), key object, or key predicate text `A='1',B='2'`. */
  row(entitySet: string, key: KeyInput): Row {
    const e = this.entity(entitySet)
    let k: Row
    if (typeof key === 'object') k = key
    else if (e.keys.length === 1 && !/^\w+=/.test(key)) k = { [e.keys[0].name]: key }
    else k = parseKeyPredicate(e, key.replace(/^\(|\)$/g, ''))
    const row = this.store.table(e).get(k)
    if (!row) throw notFound(`${entitySet}${keyPredicate(e, k)} not found`)
    return row
  }

  keyText(e: EntityInfo, row: Row): string {
    return e.keys.length === 1 ? String(row[e.keys[0].name]) : keyPredicate(e, row).slice(1, -1)
  }

  /**
   * New change stamps (now, strictly increasing) for `n` deterministic-random rows or the given keys.
   * `mutate` also makes a visible change (purchase order reference / search term text, sales order
   * quantity + amounts); `set` applies property values (internal representation).
   */
  touch(entitySet: string, which: number | KeyInput[], opts: { mutate?: boolean; set?: Row } = {}): string[] {
    const e = this.entity(entitySet)
    const table = this.store.table(e)
    let rows: Row[]
    if (typeof which === 'number') {
      const n = Math.min(which, table.rows.length)
      const picked = new Set<number>()
      while (picked.size < n) picked.add(Math.floor(this.rng.next() * table.rows.length))
      rows = [...picked].sort((a, b) => a - b).map((i) => table.rows[i])
    } else rows = which.map((k) => this.row(entitySet, k))
    for (const row of rows) {
      if (opts.set) {
        for (const name of Object.keys(opts.set)) if (!e.elements.has(name)) throw badRequest(`Property '${name}' not found in '${e.name}'`)
        table.update(row, opts.set)
      }
      if (opts.mutate) this.mutate(e, row)
      this.store.bumpStamps(e, row)
    }
    return rows.map((r) => this.keyText(e, r))
  }

  private mutate(e: EntityInfo, row: Row) {
    const table = this.store.table(e)
    const rev = (s: string, max: number) => {
      const m = / R(\d+)$/.exec(s)
      const suffix = ` R${m ? +m[1] + 1 : 1}`
      return s.replace(/ R\d+$/, '').slice(0, max - suffix.length) + suffix
    }
    for (const name of ['PurchaseOrderByCustomer', 'SearchTerm1', 'OrganizationBPName1']) {
      const el = e.elements.get(name)
      const v = row[name]
      if (el && el.edmType === 'Edm.String' && typeof v === 'string' && v) table.update(row, { [name]: rev(v, el.maxLength ?? 20) })
    }
    // sales order: one more piece on the first item, amounts recomputed
    const itemsNav = e.navs.get('to_Item')
    if (itemsNav && e.elements.has('TotalNetAmount')) {
      const items = this.store.navigate(itemsNav, row)
      const itemTable = this.store.table(itemsNav.target)
      const first = items[0]
      if (first && typeof first.RequestedQuantity === 'number' && typeof first.NetAmount === 'number') {
        const qty = first.RequestedQuantity
        const price = Math.round((first.NetAmount * 100) / Math.max(1, qty))
        itemTable.update(first, { RequestedQuantity: qty + 1, NetAmount: ((qty + 1) * price) / 100 })
        const total = items.reduce((s, it) => s + Math.round(((it.NetAmount as number) ?? 0) * 100), 0)
        table.update(row, { TotalNetAmount: total / 100 })
      }
    }
  }

  /** Document deleted in S/4 (with its composition children). */
  remove(entitySet: string, key: KeyInput): boolean {
    const e = this.entity(entitySet)
    let row: Row
    try { row = this.row(entitySet, key) } catch { return false }
    const owners = this.store.owners(e, row)
    this.store.removeDeep(e, row)
    const stamp = this.store.nextStamp()
    for (const [oe, or] of owners) this.store.bumpStamps(oe, or, stamp)
    return true
  }

  private fiItem(billingDocument: string): Row | undefined {
    if (!this.store.model.entitySets.has(FI)) return undefined
    return this.store.table(FI).lookup(['BillingDocument'], [billingDocument]).find((r) => (r.DebitCreditCode ?? 'S') === 'S')
  }

  private nextNumber(entitySet: string, prop: string, start: number, filter?: (n: number) => boolean): string {
    if (!this.store.model.entitySets.has(entitySet)) return String(start)
    let max = start - 1
    for (const r of this.store.table(entitySet).rows) {
      const n = Number(r[prop])
      if (Number.isInteger(n) && n > max && (!filter || filter(n))) max = n
    }
    return String(max + 1)
  }

  private insertRows(set: string, rows: Row[]) {
    if (!this.store.model.entitySets.has(set)) return
    const t = this.store.table(set)
    for (const r of rows) t.insert(r)
  }

  private insertBilling(b: BillingBundle) {
    this.insertRows(BILLING, [b.header])
    this.insertRows('A_BillingDocumentItem', b.items)
    this.insertRows('A_BillingDocumentPartner', b.partners)
    this.insertRows(FI, [b.fi])
  }

  /** Cancels an invoice: S1 document referencing it, original flagged, its FI item cleared. Returns the S1 number. */
  cancel(billingDocument: string): string {
    const bd = this.row(BILLING, billingDocument)
    if (bd.BillingDocumentIsCancelled) throw badRequest(`Billing document ${billingDocument} is already cancelled`, 'VF/020')
    if (bd.CancelledBillingDocument) throw badRequest(`Billing document ${billingDocument} is a cancellation document`, 'VF/021')
    const fi = this.fiItem(billingDocument)
    if (fi?.IsCleared) throw badRequest(`The receivable of billing document ${billingDocument} is already cleared; reset the clearing first`, 'F5/263')
    const items = this.store.navigate(this.entity(BILLING).navs.get('to_Item')!, bd)
    const partnerNav = this.entity(BILLING).navs.get('to_Partner')
    const partners = partnerNav ? this.store.navigate(partnerNav, bd) : []
    const orig: BillingBundle = { header: { ...bd }, items: items.map((r) => ({ ...r })), partners: partners.map((r) => ({ ...r })), fi: { ...(fi ?? {}) } }
    const number = this.nextNumber(BILLING, 'BillingDocument', 90000001)
    const acct = this.nextNumber(FI, 'AccountingDocument', 9400000001, (n) => n >= 9400000000 && n < 9500000000)
    const stamp = this.store.nextStamp()
    const cancellation = buildCancellation(orig, number, acct, stampOf(stamp))
    const t = this.store.table(BILLING)
    t.update(bd, { BillingDocumentIsCancelled: true, LastChangeDate: orig.header.LastChangeDate, LastChangeDateTime: stamp })
    if (fi) this.store.table(FI).update(fi, {
      IsCleared: true, ClearingDate: orig.fi.ClearingDate, ClearingAccountingDocument: acct, ClearingDocFiscalYear: orig.fi.ClearingDocFiscalYear,
      IsReversed: true, DunningLevel: '0', LastDunningDate: null, LastChangeDate: orig.fi.LastChangeDate,
    })
    this.insertRows(BILLING, [cancellation.header])
    this.insertRows('A_BillingDocumentItem', cancellation.items)
    this.insertRows('A_BillingDocumentPartner', cancellation.partners)
    if (fi) this.insertRows(FI, [cancellation.fi])
    return number
  }

  /** Incoming payment: the invoice's FI item is cleared today. Returns the clearing document number. */
  clear(billingDocument: string): string {
    this.row(BILLING, billingDocument)
    const fi = this.fiItem(billingDocument)
    if (!fi) throw notFound(`No receivable found for billing document ${billingDocument}`)
    if (fi.IsCleared) throw badRequest(`The receivable of billing document ${billingDocument} is already cleared`, 'F5/263')
    const doc = this.nextNumber(FI, 'ClearingAccountingDocument', 1400000001, (n) => n >= 1400000000 && n < 1500000000)
    const today = msFromIso(this.store.nextStamp())
    const day = today - (today % DAY)
    this.store.table(FI).update(fi, {
      IsCleared: true, ClearingDate: day, ClearingAccountingDocument: doc, ClearingDocFiscalYear: fiscalYear(day),
      DunningLevel: '0', LastDunningDate: null, LastChangeDate: day,
    })
    return doc
  }

  /** Posts `n` new documents: billing documents (for existing sales orders), sales orders or customers. */
  insert(entitySet: string, n = 1): string[] {
    const out: string[] = []
    for (let i = 0; i < n; i++) {
      switch (entitySet) {
        case BILLING: out.push(this.newInvoice()); break
        case 'A_SalesOrder': out.push(this.newSalesOrder()); break
        case 'A_BusinessPartner': case 'A_Customer': out.push(this.newCustomer()); break
        default: throw badRequest(`insert supports A_BillingDocument, A_SalesOrder, A_BusinessPartner/A_Customer, not '${entitySet}'`)
      }
    }
    return out
  }

  private randomRow(entitySet: string): Row {
    const rows = this.store.table(entitySet).rows
    if (!rows.length) throw badRequest(`No ${entitySet} rows to base a new document on`)
    return rows[Math.floor(this.rng.next() * rows.length)]
  }

  private newInvoice(): string {
    const soEntity = this.entity('A_SalesOrder')
    const so = this.randomRow('A_SalesOrder')
    const items = this.store.navigate(soEntity.navs.get('to_Item')!, so)
    const prices = items.map((it) => Math.round(((it.NetAmount as number) * 100) / Math.max(1, it.RequestedQuantity as number)))
    const number = this.nextNumber(BILLING, 'BillingDocument', 90000001)
    const acct = this.nextNumber(FI, 'AccountingDocument', 9400000001, (x) => x >= 9400000000 && x < 9500000000)
    const stamp = stampOf(this.store.nextStamp())
    const b = buildInvoice(this.rng, number, acct, so, items, prices, so.SoldToParty as string, stamp, stamp.ms, { cleared: false })
    this.insertBilling(b)
    return number
  }

  private customerMeta(customer: string): CustomerMeta {
    const areas = this.store.model.entitySets.has('A_CustomerSalesArea') ? this.store.table('A_CustomerSalesArea').lookup(['Customer'], [customer]) : []
    return {
      customer,
      language: 'EN',
      currency: (areas[0]?.Currency as string) || 'USD',
      terms: (areas[0]?.CustomerPaymentTerms as string) || 'NT30',
      payer: customer,
      distributionChannels: areas.length ? areas.map((a) => a.DistributionChannel as string) : ['10'],
    }
  }

  private newSalesOrder(): string {
    const c = this.randomRow('A_Customer')
    const number = this.nextNumber('A_SalesOrder', 'SalesOrder', 1)
    const so = buildSalesOrder(this.rng, +number, this.customerMeta(c.Customer as string), stampOf(this.store.nextStamp()))
    this.insertRows('A_SalesOrder', [so.header])
    this.insertRows('A_SalesOrderItem', so.items)
    this.insertRows('A_SalesOrderText', so.texts)
    return number
  }

  private newCustomer(): string {
    const number = +this.nextNumber('A_BusinessPartner', 'BusinessPartner', 17100001, (x) => x >= 17100001 && x < 17200000)
    const iso = this.store.nextStamp()
    const emails = new Set<string>()
    if (this.store.model.entitySets.has('A_AddressEmailAddress')) for (const r of this.store.table('A_AddressEmailAddress').rows) emails.add(r.EmailAddress as string)
    const b = buildCustomer(this.rng, number - 17100001, stampOf(iso), stampOf(iso), emails)
    for (const [set, rows] of Object.entries(b.rows)) this.insertRows(set, rows)
    return b.meta.customer
  }

  /** Serve `rawValue` (any JSON value, or OMIT to leave the property out) instead of the property's value. */
  corrupt(entitySet: string, key: KeyInput, property: string, rawValue: unknown) {
    const e = this.entity(entitySet)
    if (!e.elements.has(property)) throw badRequest(`Property '${property}' not found in '${entitySet}'`)
    const row = this.row(entitySet, key)
    const t = this.store.table(e)
    t.corruptions.set(row, { ...(t.corruptions.get(row) ?? {}), [property]: rawValue })
  }

  repair(entitySet: string, key: KeyInput) {
    this.store.table(this.entity(entitySet)).corruptions.delete(this.row(entitySet, key))
  }
}

