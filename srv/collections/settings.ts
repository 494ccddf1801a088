import cds from '@sap/cds'

/** cds.requires.collections: how reminders, promises and reported payments behave. */
export interface CollectionsSettings {
  /** Reminder mails leave on working days (Monday to Friday) between these hours, in the customer's time zone. */
  businessHours: { start: number; end: number }
  /** A promise to pay may name a date at most this many days ahead. */
  promiseHorizonDays: number
  /** A promise is broken when the invoice is still open this many days after the promised date. */
  promiseGraceDays: number
  /** After a reported payment the invoice is not reminded for this many days, then AR gets a task. */
  paymentReportWaitDays: number
  /** The largest remittance advice file a customer may attach to "I've paid". */
  remittanceAdviceMaxBytes: number
  /** Invoices judged per transaction of a run. */
  batchSize: number
}

export const collectionsSettings = () => cds.env.requires.collections as CollectionsSettings
