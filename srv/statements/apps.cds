// What the Fiori apps of monthly statements (Monthly Statements, Statement Customers) need beyond the service: the
// customers to pick a statement customer from, and the code lists that show the codes' texts in the reader's language.
using { StatementsService } from './service';
using { invoicecrm.mirror as mirror } from '../../db/mirror';
using { invoicecrm.codes as codes } from '../../db/codes';

extend service StatementsService with {
  /** The mirrored customers: the value help of a statement customer, and the customer's name beside its number. */
  @readonly
  entity Customers as projection on mirror.Customers { ID, name, city, country, billingEmail };

  @readonly entity StatementStatuses as projection on codes.StatementStatuses;
  @readonly entity AgingBuckets      as projection on codes.AgingBuckets;
  @readonly entity DisputeReasons    as projection on codes.DisputeReasons;
  @readonly entity WeComNoticeKinds    as projection on codes.WeComNoticeKinds;
  @readonly entity WeComNoticeStatuses as projection on codes.WeComNoticeStatuses;
}

// Unmanaged associations to the texts of the codes: no columns, only joins when a text is read.
extend StatementsService.StatementOpenItems with columns {
  agingBucketText : Association to one StatementsService.AgingBuckets on agingBucketText.code = $self.agingBucket,
}
extend StatementsService.StatementLines with columns {
  flagReasonText : Association to one StatementsService.DisputeReasons on flagReasonText.code = $self.flagReason,
}
