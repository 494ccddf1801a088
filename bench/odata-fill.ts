// Fills a deployed database with a mirror and CRM data of a given volume, straight in SQL (INSERT … SELECT from a
// number sequence): the volume of a large customer in seconds instead of a simulator's full sync, on SQLite and
// PostgreSQL alike. What the apps read depends on the shape, not the source: per billing document 3 items, one FI
// item (every 20th a second one, a partial payment), a conversation for 9 of 10, 2 timeline entries; a dispute
// for every 50th; every 50th document has no FI item yet. Due dates spread over the past 200 and the next 100 days.
type Db = { kind: string; run(sql: string): Promise<unknown> }

export async function fill(db: Db, documents: number) {
  const pg = db.kind === 'postgres'
  const customers = Math.max(10, Math.round(documents / 10))
  const pad = (expr: string, n: number) => (pg ? `lpad((${expr})::text, ${n}, '0')` : `printf('%0${n}d', ${expr})`)
  const day = (offset: string) => (pg ? `(current_date + (${offset})::int)` : `date('now', (${offset}) || ' days')`)
  const stamp = (hoursAgo: string) =>
    pg ? `(now() - (${hoursAgo}) * interval '1 hour')` : `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (${hoursAgo}) || ' hours')`
  const uuid = (prefix: string, expr: string) => `'${prefix}-0000-4000-8000-' || ${pad(expr, 12)}`
  // bigint on PostgreSQL: i * 7919 outgrows an integer at 1M.
  const seq = (n: number) => (pg ? `generate_series(1::bigint, ${n}) as s(i)` : `(with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s) as s`)
  const doc = (expr: string) => `'9' || ${pad(expr, 9)}`
  const customer = (expr: string) => pad(`(${expr}) % ${customers} + 1`, 10)
  const run = async (what: string, sql: string) => {
    const started = Date.now()
    await db.run(sql)
    console.error(`  ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }

  await run('customers', `insert into invoicecrm_mirror_Customers (ID, businessPartner, name, category, language, country, city, billingEmail, isBlocked, removedInS4)
    select ${pad('i', 10)}, ${pad('i', 10)}, 'Customer ' || i || ' GmbH', '2', 'EN', 'DE', 'City ' || (i % 97), 'billing' || i || '@example.com', ${pg ? 'false' : '0'}, ${pg ? 'false' : '0'} from ${seq(customers)}`)
  await run('dunning', `insert into invoicecrm_mirror_CustomerDunning (customer_ID, companyCode, dunningArea, dunningProcedure, dunningBlock, dunningLevel)
    select ${pad('i', 10)}, '1710', '01', '0001', case when i % 40 = 0 then 'R' else '' end, '1' from ${seq(customers)}`)
  await run('sales orders', `insert into invoicecrm_mirror_SalesOrders (ID, type, soldTo_ID, purchaseOrderByCustomer, orderDate, netAmount, currency, removedInS4)
    select ${pad('i', 10)}, 'OR', ${customer('i * 7919')}, 'PO-' || ${pad('i', 7)}, ${day('-(i % 300) - 30')}, 100 + (i % 900), 'EUR', ${pg ? 'false' : '0'} from ${seq(Math.ceil(documents / 2))}`)
  await run('billing documents', `insert into invoicecrm_mirror_BillingDocuments (ID, type, category, documentDate, createdOn, isCancelled, salesOrganization,
      soldTo_ID, payer_ID, netAmount, taxAmount, grossAmount, currency, paymentTerms, companyCode, fiscalYear, accountingDocument, purchaseOrderByCustomer, removedInS4)
    select ${doc('i')}, 'F2', 'M', ${day('-(i * 7 % 300) + 70')}, ${day('-(i * 7 % 300) + 70')}, ${pg ? 'false' : '0'}, '1710',
      ${customer('i * 7919')}, ${customer('i * 7919')}, 1000 + (i % 5000), (1000 + (i % 5000)) * 0.19, (1000 + (i % 5000)) * 1.19, 'EUR', '0004', '1710', '2026', ${pad('i', 10)},
      'PO-' || ${pad('(i + 1) / 2', 7)}, ${pg ? 'false' : '0'} from ${seq(documents)}`)
  await run('billing document items', `insert into invoicecrm_mirror_BillingDocumentItems (billingDocument_ID, item, description, material, quantity, unit, netAmount, grossAmount, currency, salesOrder_ID, salesOrderItem)
    select ${doc('(i + 2) / 3')}, ${pad('(i + 2) % 3 * 10 + 10', 6)}, 'Material ' || (i % 500), 'MAT-' || (i % 500), 1 + i % 7, 'PC', 300 + i % 1000, (300 + i % 1000) * 1.19, 'EUR', ${pad('(i + 5) / 6', 10)}, '000010'
    from ${seq(documents * 3)}`)
  await run('billing document partners', `insert into invoicecrm_mirror_BillingDocumentPartners (billingDocument_ID, partnerFunction, customer)
    select ${doc('i')}, 'RG', ${customer('i * 7919')} from ${seq(documents)}`)
  // FI items: one per document but every 50th; cleared for 2 in 5; every 20th also has a cleared partial payment.
  const cleared = '(i % 5 < 2)'
  await run('FI items', `insert into invoicecrm_mirror_ReceivableItems (companyCode, fiscalYear, accountingDocument, item, customer_ID, billingDocument_ID, documentType,
      postingDate, documentDate, netDueDate, isCleared, clearingDate, amount, currency, debitCredit, isReversed)
    select '1710', '2026', ${pad('i', 10)}, '001', ${customer('i * 7919')}, ${doc('i')}, 'RV', ${day('-(i * 7 % 300) + 70')}, ${day('-(i * 7 % 300) + 70')},
      ${day('-(i * 7 % 300) + 100')}, ${cleared}, case when ${cleared} then ${day('-(i % 30)')} end, (1000 + (i % 5000)) * 1.19, 'EUR', 'S', ${pg ? 'false' : '0'}
    from ${seq(documents)} where i % 50 <> 7`)
  await run('FI partial payments', `insert into invoicecrm_mirror_ReceivableItems (companyCode, fiscalYear, accountingDocument, item, customer_ID, billingDocument_ID, documentType,
      postingDate, documentDate, netDueDate, isCleared, clearingDate, amount, currency, debitCredit, isReversed)
    select '1710', '2026', ${pad('i', 10)}, '002', ${customer('i * 7919')}, ${doc('i')}, 'DZ', ${day('-(i % 30)')}, ${day('-(i % 30)')},
      ${day('-(i * 7 % 300) + 100')}, ${pg ? 'true' : '1'}, ${day('-(i % 30)')}, -100, 'EUR', 'H', ${pg ? 'false' : '0'}
    from ${seq(documents)} where i % 20 = 0 and i % 5 >= 2`)
  await run('conversations', `insert into invoicecrm_crm_InvoiceConversations (invoice_ID, customer_ID, dispatchStatus, sentTo, sentAt, dispatchAttempts, confirmedAt, confirmationChannel)
    select ${doc('i')}, ${customer('i * 7919')}, case when i % 30 = 0 then 'failed' else 'sent' end, 'billing' || i || '@example.com', ${stamp('i % 5000')}, 1,
      case when i % 3 = 0 then ${stamp('i % 4000')} end, case when i % 3 = 0 then 'web' end from ${seq(documents)} where i % 10 <> 0`)
  await run('disputes', `insert into invoicecrm_crm_Disputes (ID, invoice_ID, customer_ID, reason, wholeInvoice, disputedAmount, currency, status, priority, slaDueAt, source, escalated, createdAt, modifiedAt)
    select ${uuid('d0000000', 'i')}, ${doc('i * 50')}, ${customer('i * 50 * 7919')}, 'price', ${pg ? 'true' : '1'}, 100 + (i % 900), 'EUR',
      case i % 4 when 0 then 'Open' when 1 then 'InProcess' when 2 then 'Resolved' else 'Closed' end, 'medium', ${stamp('(i % 400) - 200')}, 'web', ${pg ? 'false' : '0'},
      ${stamp('i % 3000')}, ${stamp('i % 3000')} from ${seq(Math.floor(documents / 50))}`)
  // As the app writes them: a message and its parameters, rendered for the reader (a code list read per page).
  await run('timeline', `insert into invoicecrm_crm_TimelineEntries (ID, customer_ID, invoice_ID, at, kind, message, params)
    select ${uuid('e0000000', 'i')}, ${customer('(i + 1) / 2 * 7919')}, ${doc('(i + 1) / 2')}, ${stamp('i % 9000')},
      case when i % 2 = 0 then 'mailSent' else 'confirmed' end, case when i % 2 = 0 then 'TIMELINE_MAIL_SENT' else 'TIMELINE_CONFIRMED' end,
      case when i % 2 = 0 then null else '{"channel":"web"}' end
    from ${seq(documents * 2)}`)
  await run('write-back operations', `insert into invoicecrm_writeback_WriteBackOperations (ID, target, event, invoice_ID, customer_ID, status, attempts, createdAt, modifiedAt)
    select ${uuid('b0000000', 'i')}, 'dunningBlock', 'disputeEscalated', ${doc('i * 50')}, ${customer('i * 50 * 7919')},
      case when i % 10 = 0 then 'Failed' else 'Delivered' end, 1, ${stamp('i % 3000')}, ${stamp('i % 3000')} from ${seq(Math.floor(documents / 50))}`)
  await run('sync runs', `insert into invoicecrm_integration_SyncRuns (ID, entity, mode, status, startedAt, finishedAt, durationMs, pages, rowsRead, rowsUpserted)
    select ${uuid('c0000000', 'i')}, case i % 3 when 0 then 'BillingDocuments' when 1 then 'ReceivableItems' else 'Customers' end, 'delta', 'succeeded',
      ${stamp('i')}, ${stamp('i')}, 1000, 1, 10, 10 from ${seq(5000)}`)
  await run('sync schedules', `insert into invoicecrm_integration_SyncSchedules (entity, paused)
    select e, ${pg ? 'false' : '0'} from (select 'BillingDocuments' as e union all select 'ReceivableItems' union all select 'Customers') as x`)
  // Planner statistics, as a database that has lived with this data would have them.
  await run('analyze', 'analyze')
  return { customers }
}

/** Billing document number i as fill() makes it. */
export const documentId = (i: number) => `9${String(i).padStart(9, '0')}`
export const customerId = (i: number) => String(i).padStart(10, '0')

export type { Db }
