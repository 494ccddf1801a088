import cds from '@sap/cds'
import { dateAndTimeStamp, dateTimeOffsetStamp, type ChangeStamp } from './change-stamps'
import { RECEIVABLE_STATUS_TARGETS, refreshReceivableStatus } from './receivable-status'
import { refreshCustomerBalances } from './customer-balances'
import { BillingDocumentItems, CustomerBalances, BillingDocumentPartners, BillingDocuments, CustomerCompanies, CustomerDunning_, CustomerSalesAreas, Customers, ReceivableItems, SalesOrderItems, SalesOrders } from '#cds-models/invoicecrm/mirror'

// What the sync mirrors: one declarative description per entity, read by the one engine in ./engine.ts.
// Field maps go from our column to S/4HANA's property (a string) or to a function of the converted record
// when a value is derived (e.g. the billing contact's e-mail from the expanded addresses).

export type S4Record = Record<string, unknown>
export type FieldMap = Record<string, string | ((record: S4Record) => unknown)>

export interface ChildDescription {
  /** Navigation property of the remote header, read with $expand. */
  navigation: string
  target: string
  /** Our column that points to the header, and the header's key it is filled from. */
  parentColumn: string
  fields: FieldMap
}

export interface SyncDescription {
  name: string
  api: string
  remote: string
  target: string
  /** Remote key properties in order, with the column each lands in. */
  keys: { remote: string; local: string }[]
  /** Absent: no change stamp in S/4HANA, so this entity is only ever reconciled in full. */
  stamp?: ChangeStamp
  /** Restricts which remote rows belong in the mirror at all. */
  filter?: string
  /** Remote properties and navigation paths that derived fields read, beyond the mapped ones. */
  select?: string[]
  expand?: string[]
  fields: FieldMap
  children?: ChildDescription[]
  /** What happens to a mirrored row that S/4HANA no longer has: deleted, or marked removedInS4 to keep CRM history intact. */
  onRemoved: 'delete' | 'mark'
  /**
   * Brings what the mirror derives from these rows up to date, in the transaction that wrote them: `rows` a page just
   * written, 'removed' after a reconciliation deleted or marked rows no longer in S/4HANA.
   */
  afterWrite?: (tx: cds.Service, rows: S4Record[] | 'removed') => Promise<unknown>
  /** The entities afterWrite writes: an initial load of this entity defers their maintained indexes too (srv/bulk-loads.ts). */
  afterWriteTargets?: string[]
}

const syncSettings = () => cds.env.requires.sync as { pageSize: number; businessPartnerOverlapMinutes: number }

type Address = S4Record & { ValidityEndDate?: string | null; to_EmailAddress?: { results?: S4Record[] } }
type Expanded<T> = { results?: T[] } | undefined

/** The address that is valid today (S/4HANA keeps history); its default e-mail is the billing contact. */
function currentAddress(record: S4Record): Address | undefined {
  const addresses = (record.to_BusinessPartnerAddress as Expanded<Address>)?.results ?? []
  const today = new Date().toISOString()
  return addresses.find(a => !a.ValidityEndDate || a.ValidityEndDate >= today) ?? addresses[0]
}

function billingEmail(record: S4Record): unknown {
  const emails = currentAddress(record)?.to_EmailAddress?.results ?? []
  return (emails.find(e => e.IsDefaultEmailAddress) ?? emails[0])?.EmailAddress ?? null
}

const customerRole = (record: S4Record, property: string) => (record.to_Customer as S4Record | null)?.[property] ?? null

export const customers: SyncDescription = {
  name: 'Customers',
  api: 'API_BUSINESS_PARTNER',
  remote: 'A_BusinessPartner',
  target: Customers.name,
  keys: [{ remote: 'BusinessPartner', local: 'businessPartner' }],
  stamp: dateAndTimeStamp('LastChangeDate', 'LastChangeTime', syncSettings().businessPartnerOverlapMinutes * 60_000),
  filter: "Customer ne ''",
  select: ['BusinessPartnerFullName', 'OrganizationBPName1', 'CorrespondenceLanguage', 'Language', 'LastChangeDate', 'LastChangeTime', 'IsMarkedForArchiving'],
  expand: ['to_Customer', 'to_BusinessPartnerAddress/to_EmailAddress'],
  fields: {
    ID: 'Customer',
    businessPartner: 'BusinessPartner',
    name: r => r.BusinessPartnerFullName || customerRole(r, 'CustomerName') || r.OrganizationBPName1,
    category: 'BusinessPartnerCategory',
    language: r => r.CorrespondenceLanguage || r.Language || null,
    country: r => currentAddress(r)?.Country ?? null,
    city: r => currentAddress(r)?.CityName ?? null,
    billingEmail,
    isBlocked: 'BusinessPartnerIsBlocked',
    orderBlock: r => customerRole(r, 'OrderIsBlockedForCustomer'),
    billingBlock: r => customerRole(r, 'BillingIsBlockedForCustomer'),
    deliveryBlock: r => customerRole(r, 'DeliveryIsBlocked'),
    postingBlock: r => customerRole(r, 'PostingIsBlocked'),
    changedInS4At: r => (r.LastChangeDate ? `${r.LastChangeDate}T${r.LastChangeTime ?? '00:00:00'}Z` : null),
    removedInS4: r => Boolean(r.IsMarkedForArchiving),
  },
  onRemoved: 'mark',
}

export const customerSalesAreas: SyncDescription = {
  name: 'CustomerSalesAreas',
  api: 'API_BUSINESS_PARTNER',
  remote: 'A_CustomerSalesArea',
  target: CustomerSalesAreas.name,
  keys: [
    { remote: 'Customer', local: 'customer_ID' },
    { remote: 'SalesOrganization', local: 'salesOrganization' },
    { remote: 'DistributionChannel', local: 'distributionChannel' },
    { remote: 'Division', local: 'division' },
  ],
  fields: {
    customer_ID: 'Customer',
    salesOrganization: 'SalesOrganization',
    distributionChannel: 'DistributionChannel',
    division: 'Division',
    currency: 'Currency',
    paymentTerms: 'CustomerPaymentTerms',
    orderBlock: 'OrderIsBlockedForCustomer',
    billingBlock: 'BillingIsBlockedForCustomer',
    deliveryBlock: 'DeliveryIsBlockedForCustomer',
    markedForDeletion: 'DeletionIndicator',
  },
  onRemoved: 'delete',
}

export const customerCompanies: SyncDescription = {
  name: 'CustomerCompanies',
  api: 'API_BUSINESS_PARTNER',
  remote: 'A_CustomerCompany',
  target: CustomerCompanies.name,
  keys: [
    { remote: 'Customer', local: 'customer_ID' },
    { remote: 'CompanyCode', local: 'companyCode' },
  ],
  fields: {
    customer_ID: 'Customer',
    companyCode: 'CompanyCode',
    paymentTerms: 'PaymentTerms',
    paymentBlock: 'PaymentBlockingReason',
    accountingClerk: 'AccountingClerk',
    markedForDeletion: 'DeletionIndicator',
  },
  onRemoved: 'delete',
}

export const customerDunning: SyncDescription = {
  name: 'CustomerDunning',
  api: 'API_BUSINESS_PARTNER',
  remote: 'A_CustomerDunning',
  target: CustomerDunning_.name,
  keys: [
    { remote: 'Customer', local: 'customer_ID' },
    { remote: 'CompanyCode', local: 'companyCode' },
    { remote: 'DunningArea', local: 'dunningArea' },
  ],
  fields: {
    customer_ID: 'Customer',
    companyCode: 'CompanyCode',
    dunningArea: 'DunningArea',
    dunningProcedure: 'DunningProcedure',
    dunningBlock: 'DunningBlock',
    dunningLevel: 'DunningLevel',
    lastDunnedOn: 'LastDunnedOn',
  },
  onRemoved: 'delete',
}

export const salesOrders: SyncDescription = {
  name: 'SalesOrders',
  api: 'API_SALES_ORDER_SRV',
  remote: 'A_SalesOrder',
  target: SalesOrders.name,
  keys: [{ remote: 'SalesOrder', local: 'ID' }],
  stamp: dateTimeOffsetStamp('LastChangeDateTime'),
  fields: {
    ID: 'SalesOrder',
    type: 'SalesOrderType',
    salesOrganization: 'SalesOrganization',
    distributionChannel: 'DistributionChannel',
    division: 'OrganizationDivision',
    soldTo_ID: 'SoldToParty',
    purchaseOrderByCustomer: 'PurchaseOrderByCustomer',
    orderDate: 'SalesOrderDate',
    netAmount: 'TotalNetAmount',
    currency: 'TransactionCurrency',
    paymentTerms: 'CustomerPaymentTerms',
    processStatus: 'OverallSDProcessStatus',
    deliveryStatus: 'OverallTotalDeliveryStatus',
    billingStatus: 'OverallOrdReltdBillgStatus',
    billingBlock: 'HeaderBillingBlockReason',
    deliveryBlock: 'DeliveryBlockReason',
    createdOn: 'CreationDate',
    changedInS4At: 'LastChangeDateTime',
    removedInS4: () => false,
  },
  children: [
    {
      navigation: 'to_Item',
      target: SalesOrderItems.name,
      parentColumn: 'salesOrder_ID',
      fields: {
        item: 'SalesOrderItem',
        description: 'SalesOrderItemText',
        material: 'Material',
        quantity: 'RequestedQuantity',
        unit: 'RequestedQuantityUnit',
        netAmount: 'NetAmount',
        currency: 'TransactionCurrency',
        processStatus: 'SDProcessStatus',
        billingBlock: 'ItemBillingBlockReason',
        rejectionReason: 'SalesDocumentRjcnReason',
      },
    },
  ],
  onRemoved: 'mark',
}

export const billingDocuments: SyncDescription = {
  name: 'BillingDocuments',
  api: 'API_BILLING_DOCUMENT_SRV',
  remote: 'A_BillingDocument',
  target: BillingDocuments.name,
  keys: [{ remote: 'BillingDocument', local: 'ID' }],
  stamp: dateTimeOffsetStamp('LastChangeDateTime'),
  fields: {
    ID: 'BillingDocument',
    type: 'BillingDocumentType',
    category: 'BillingDocumentCategory',
    sdDocumentCategory: 'SDDocumentCategory',
    documentDate: 'BillingDocumentDate',
    createdOn: 'CreationDate',
    changedInS4At: 'LastChangeDateTime',
    isCancelled: 'BillingDocumentIsCancelled',
    cancelledDocument: 'CancelledBillingDocument',
    salesOrganization: 'SalesOrganization',
    distributionChannel: 'DistributionChannel',
    division: 'Division',
    soldTo_ID: 'SoldToParty',
    payer_ID: 'PayerParty',
    netAmount: 'TotalNetAmount',
    taxAmount: 'TaxAmount',
    grossAmount: 'TotalGrossAmount',
    currency: 'TransactionCurrency',
    paymentTerms: 'CustomerPaymentTerms',
    companyCode: 'CompanyCode',
    fiscalYear: 'FiscalYear',
    accountingDocument: 'AccountingDocument',
    purchaseOrderByCustomer: 'PurchaseOrderByCustomer',
    billingStatus: 'OverallBillingStatus',
    postingStatus: 'AccountingPostingStatus',
    removedInS4: () => false,
  },
  children: [
    {
      navigation: 'to_Item',
      target: BillingDocumentItems.name,
      parentColumn: 'billingDocument_ID',
      fields: {
        item: 'BillingDocumentItem',
        description: 'BillingDocumentItemText',
        material: 'Material',
        quantity: 'BillingQuantity',
        unit: 'BillingQuantityUnit',
        netAmount: 'NetAmount',
        taxAmount: 'TaxAmount',
        grossAmount: 'GrossAmount',
        currency: 'TransactionCurrency',
        salesOrder_ID: 'SalesDocument',
        salesOrderItem: 'SalesDocumentItem',
      },
    },
    {
      navigation: 'to_Partner',
      target: BillingDocumentPartners.name,
      parentColumn: 'billingDocument_ID',
      fields: { partnerFunction: 'PartnerFunction', customer: 'Customer', contactPerson: 'ContactPerson' },
    },
  ],
  onRemoved: 'mark',
  // A page of invoices writes their rows anew: their receivable status again from the FI items already mirrored.
  // Marking an invoice removedInS4 leaves its status as it is.
  afterWrite: (tx, rows) => (rows === 'removed' ? Promise.resolve() : refreshReceivableStatus(tx, rows.map(r => r.ID as string))),
  afterWriteTargets: RECEIVABLE_STATUS_TARGETS,
}

export const receivableItems: SyncDescription = {
  name: 'ReceivableItems',
  api: 'API_OPLACCTGDOCITEMCUBE_SRV',
  remote: 'A_OperationalAcctgDocItemCube',
  target: ReceivableItems.name,
  keys: [
    { remote: 'CompanyCode', local: 'companyCode' },
    { remote: 'FiscalYear', local: 'fiscalYear' },
    { remote: 'AccountingDocument', local: 'accountingDocument' },
    { remote: 'AccountingDocumentItem', local: 'item' },
  ],
  // Customer line items only (account type D): the receivable side of each invoice.
  filter: "FinancialAccountType eq 'D'",
  select: ['BillingDocument'],
  fields: {
    companyCode: 'CompanyCode',
    fiscalYear: 'FiscalYear',
    accountingDocument: 'AccountingDocument',
    item: 'AccountingDocumentItem',
    customer_ID: 'Customer',
    billingDocument_ID: r => r.BillingDocument || null,
    documentType: 'AccountingDocumentType',
    postingDate: 'PostingDate',
    documentDate: 'DocumentDate',
    netDueDate: 'NetDueDate',
    isCleared: 'IsCleared',
    clearingDate: 'ClearingDate',
    clearingDocument: 'ClearingAccountingDocument',
    amount: 'AmountInTransactionCurrency',
    currency: 'TransactionCurrency',
    debitCredit: 'DebitCreditCode',
    dunningLevel: 'DunningLevel',
    dunningBlock: 'DunningBlockingReason',
    lastDunnedOn: 'LastDunningDate',
    paymentTerms: 'PaymentTerms',
    isReversed: 'IsReversed',
  },
  onRemoved: 'delete',
  // The receivable status of the invoices of a page; after FI items were deleted, of every invoice (which invoices
  // the deleted items belonged to is gone with them).
  // And what their customers owe (an item moved to another customer leaves the first one's balance until the next
  // day brings every balance up to date).
  afterWrite: async (tx, rows) => {
    await refreshReceivableStatus(tx, rows === 'removed' ? 'all' : rows.map(r => r.billingDocument_ID as string | null))
    await refreshCustomerBalances(tx, rows === 'removed' ? 'all' : rows.map(r => r.customer_ID as string | null))
  },
  afterWriteTargets: [...RECEIVABLE_STATUS_TARGETS, CustomerBalances.name],
}

export const descriptions: SyncDescription[] = [
  customers,
  customerSalesAreas,
  customerCompanies,
  customerDunning,
  salesOrders,
  billingDocuments,
  receivableItems,
]

export function descriptionOf(name: string): SyncDescription {
  const found = descriptions.find(d => d.name.toLowerCase() === name.toLowerCase())
  if (!found) throw new Error(`Unknown sync entity '${name}'. Known: ${descriptions.map(d => d.name).join(', ')}`)
  return found
}

export const pageSize = () => syncSettings().pageSize

/** A converted S/4HANA record as a row of our entity. */
export function mapFields(fields: FieldMap, record: S4Record): S4Record {
  const row: S4Record = {}
  for (const [column, source] of Object.entries(fields)) row[column] = typeof source === 'string' ? (record[source] ?? null) : source(record)
  return row
}
