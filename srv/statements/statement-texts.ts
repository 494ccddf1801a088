import type { MailLanguage } from '../mail/locale'

// The wording of the statement-of-account PDF, in the customer's correspondence language: one table per language
// with the same keys (the compiler checks that no language misses one), as the mails' texts in srv/mail/templates.ts.
// Texts that embed values are functions, because word order differs between the languages. The words follow the
// statement mail's (Anfangssaldo, 期初余额, …), so that mail and PDF name the same figures alike.

/** The FI document types a statement names in words; any other shows its code. */
export type DocumentKind = 'invoice' | 'creditMemo' | 'payment' | 'clearing'

export interface StatementTexts {
  title: string
  companyCode(code: string): string
  customer: string
  customerNumber: string
  period: string
  currency: string
  statementDate: string
  openingBalance(date: string): string
  closingBalance(date: string): string
  items: string
  noItems: string
  itemColumns: {
    postingDate: string
    document: string
    billingDocument: string
    type: string
    purchaseOrder: string
    dueDate: string
    debit: string
    credit: string
  }
  documentKinds: Record<DocumentKind, string>
  openItems(date: string): string
  noOpenItems: string
  openItemColumns: {
    document: string
    billingDocument: string
    dueDate: string
    daysOverdue: string
    amount: string
  }
  /** In the days-overdue column of an item that is not due yet. */
  notDue: string
  aging: string
  /** Not due, 1–30, 31–60, 61–90, over 90 days overdue. */
  agingBuckets: [string, string, string, string, string]
  confirmed(by: string, date: string): string
}

const TEXTS: Record<MailLanguage, StatementTexts> = {
  EN: {
    title: 'Statement of account',
    companyCode: code => `Company code ${code}`,
    customer: 'Customer',
    customerNumber: 'Customer number',
    period: 'Period',
    currency: 'Currency',
    statementDate: 'Statement date',
    openingBalance: date => `Opening balance on ${date}`,
    closingBalance: date => `Closing balance on ${date}`,
    items: 'Items posted in the period',
    noItems: 'No items were posted in this period.',
    itemColumns: {
      postingDate: 'Posting date',
      document: 'Document',
      billingDocument: 'Invoice',
      type: 'Type',
      purchaseOrder: 'Your order',
      dueDate: 'Due date',
      debit: 'Debit',
      credit: 'Credit',
    },
    documentKinds: { invoice: 'Invoice', creditMemo: 'Credit memo', payment: 'Payment', clearing: 'Clearing' },
    openItems: date => `Open items on ${date}`,
    noOpenItems: 'No items are open.',
    openItemColumns: { document: 'Document', billingDocument: 'Invoice', dueDate: 'Due date', daysOverdue: 'Days overdue', amount: 'Amount' },
    notDue: 'not due',
    aging: 'Ageing of the open items',
    agingBuckets: ['Not due', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days'],
    confirmed: (by, date) => `You confirmed this balance on ${date} (confirmed by ${by}). Thank you.`,
  },
  DE: {
    title: 'Kontoauszug',
    companyCode: code => `Buchungskreis ${code}`,
    customer: 'Kunde',
    customerNumber: 'Kundennummer',
    period: 'Zeitraum',
    currency: 'Währung',
    statementDate: 'Datum',
    openingBalance: date => `Anfangssaldo am ${date}`,
    closingBalance: date => `Endsaldo am ${date}`,
    items: 'Buchungen im Zeitraum',
    noItems: 'Im Zeitraum wurde nichts gebucht.',
    itemColumns: {
      postingDate: 'Buchungsdatum',
      document: 'Beleg',
      billingDocument: 'Rechnung',
      type: 'Belegart',
      purchaseOrder: 'Ihre Bestellung',
      dueDate: 'Fälligkeit',
      debit: 'Soll',
      credit: 'Haben',
    },
    documentKinds: { invoice: 'Rechnung', creditMemo: 'Gutschrift', payment: 'Zahlung', clearing: 'Ausgleich' },
    openItems: date => `Offene Posten am ${date}`,
    noOpenItems: 'Es sind keine Posten offen.',
    openItemColumns: { document: 'Beleg', billingDocument: 'Rechnung', dueDate: 'Fälligkeit', daysOverdue: 'Tage überfällig', amount: 'Betrag' },
    notDue: 'nicht fällig',
    aging: 'Fälligkeitsstruktur der offenen Posten',
    agingBuckets: ['Nicht fällig', '1–30 Tage', '31–60 Tage', '61–90 Tage', 'Über 90 Tage'],
    confirmed: (by, date) => `Sie haben diesen Saldo am ${date} bestätigt (bestätigt von ${by}). Vielen Dank.`,
  },
  ZH: {
    title: '对账单',
    companyCode: code => `公司代码 ${code}`,
    customer: '客户',
    customerNumber: '客户编号',
    period: '期间',
    currency: '币种',
    statementDate: '对账日期',
    openingBalance: date => `期初余额（${date}）`,
    closingBalance: date => `期末余额（${date}）`,
    items: '本期过账项目',
    noItems: '本期没有过账项目。',
    itemColumns: {
      postingDate: '过账日期',
      document: '凭证',
      billingDocument: '发票',
      type: '类型',
      purchaseOrder: '贵司订单号',
      dueDate: '到期日',
      debit: '借方',
      credit: '贷方',
    },
    documentKinds: { invoice: '发票', creditMemo: '贷项通知单', payment: '付款', clearing: '清账' },
    openItems: date => `未清项目（${date}）`,
    noOpenItems: '没有未清项目。',
    openItemColumns: { document: '凭证', billingDocument: '发票', dueDate: '到期日', daysOverdue: '逾期天数', amount: '金额' },
    notDue: '未到期',
    aging: '未清项目账龄',
    agingBuckets: ['未到期', '1–30 天', '31–60 天', '61–90 天', '90 天以上'],
    confirmed: (by, date) => `贵司已于${date}确认上述余额（确认人：${by}）。谨致谢意。`,
  },
}

export const statementTexts = (language: MailLanguage): StatementTexts => TEXTS[language]
