using { invoicecrm.crm as crm } from '../../db/crm';

/**
 * Customers answer here, through the secure link in their e-mail: no login. Every action takes the link's token
 * in the request body (never in a URL, so it stays out of logs and referrers) and grants one kind of answer
 * about one document.
 */
@path: '/rest/respond'
@protocol: 'rest'
@requires: 'any'
service RespondService {

  type InvoiceLine {
    item        : String(6);
    description : String(40);
    quantity    : Decimal(13, 3);
    unit        : String(3);
    netAmount   : Decimal(16, 3);
  }

  type InvoiceSummary {
    number      : String(10);
    date        : Date;
    dueDate     : Date;
    currency    : String(5);
    netAmount   : Decimal(16, 3);
    taxAmount   : Decimal(14, 3);
    grossAmount : Decimal(17, 3);
    openAmount  : Decimal(24, 3);
    isCleared   : Boolean;
    daysOverdue : Integer;
    items       : many InvoiceLine;
  }

  type DisputeSummary {
    status       : crm.DisputeStatus;
    /** Of the whole invoice, or of some lines or an amount. */
    wholeInvoice : Boolean;
    reason     : crm.DisputeReason;
    outcome    : crm.DisputeOutcome;
    resolution : String(2000);
    raisedAt   : Timestamp;
  }

  /** The company the invoice is from (srv/respond/company.ts): its letterhead on the page. */
  type Company {
    name         : String(120);
    /** Relative to the page: the company's logo (srv/server.ts serves it). */
    logoUrl      : String(100);
    contactEmail : String(241);
    contactPhone : String(40);
  }

  /** Where to pay the invoice: the company's bank account, the invoice number as the reference. */
  type PaymentDetails {
    accountHolder : String(120);
    bankName      : String(120);
    iban          : String(34);
    bic           : String(11);
    reference     : String(35);
  }

  /** The invoice as S/4HANA prints it, for the page to show or save. */
  type InvoiceDocument {
    fileName  : String(100);
    mediaType : String(100);
    /** base64 */
    content   : LargeString;
  }

  /** What the response page shows: the document, and what this contact already said about it. */
  type View {
    purpose         : crm.LinkPurpose;
    language        : String(2);
    customerName    : String(81);
    company         : Company;
    payment         : PaymentDetails;
    invoice         : InvoiceSummary;
    confirmedAt     : Timestamp;
    dispute         : DisputeSummary;
    contactProposed : Boolean;
    surveyAnswered  : Boolean;
    promise         : PromiseSummary;
    paymentReport   : PaymentReportSummary;
    /** The days a promise may reach ahead, from today (the first day it may name). */
    promiseWindow   : {
      earliest : Date;
      latest   : Date;
    };
    /** The largest remittance advice file "I've paid" takes. */
    remittanceAdviceMaxBytes : Integer;
    /** The reasons a dispute may give, with their texts in the page's language (the code list's). */
    reasons         : many {
      code : crm.DisputeReason;
      name : String(255);
    };
  }

  /** The customer's open promise to pay the invoice. */
  type PromiseSummary {
    promisedDate : Date;
    amount       : Decimal(24, 3);
    promisedAt   : Timestamp;
  }

  /** The payment the customer reported and FI has not cleared yet. */
  type PaymentReportSummary {
    paidOn     : Date;
    amount     : Decimal(24, 3);
    reference  : String(35);
    reportedAt : Timestamp;
    /** The file name of the remittance advice attached to it. */
    remittanceAdvice : String(100);
  }

  type Outcome {
    /** confirmed, alreadyConfirmed, disputed, alreadyDisputed, proposed, answered, alreadyAnswered, promised, paymentReported, remittanceAttached */
    status : String(20);
    at     : Timestamp;
  }

  type DisputedLine {
    item     : String(6) @mandatory;
    amount   : Decimal(16, 3) @assert.range: [ 0, 9999999999999 ];
    quantity : Decimal(13, 3) @assert.range: [ 0, 9999999999 ];
  }

  action view(token : String(200) @mandatory)                                returns View;
  action invoiceDocument(token : String(200) @mandatory)                     returns InvoiceDocument;
  action confirm(token : String(200) @mandatory)                             returns Outcome;

  /** The whole invoice (no lines, no amount) or chosen lines and/or an amount, with a reason. */
  action dispute(token : String(200) @mandatory,
                 reason : crm.DisputeReason @mandatory,
                 comment : String(2000) @UI.MultiLineText,
                 lines : many DisputedLine,
                 amount : Decimal(17, 3) @assert.range: [ 0, 99999999999999 ]) returns Outcome;

  /** "This invoice should go to someone else": the right billing contact. */
  action proposeContact(token : String(200) @mandatory,
                        name : String(81) @mandatory,
                        email : crm.EMailAddress @mandatory)                 returns Outcome;

  /** "I will pay by …": a date within the promise window, optionally a part of the open amount. */
  action promiseToPay(token : String(200) @mandatory,
                      promisedDate : Date @mandatory,
                      amount : Decimal(24, 3) @assert.range: [ 0, 99999999999999 ])        returns Outcome;

  /** "I've paid": when, how much, and the payment's reference. */
  action reportPayment(token : String(200) @mandatory,
                       paidOn : Date @mandatory,
                       amount : Decimal(24, 3) @mandatory @assert.range: [ 0, 99999999999999 ],
                       reference : String(35))                                            returns Outcome;

  /**
   * The remittance advice of the payment reported ("I've paid"): a PDF, PNG or JPEG file of at most
   * cds.requires.collections.remittanceAdviceMaxBytes, base64.
   */
  action attachRemittanceAdvice(token : String(200) @mandatory,
                                fileName : String(255) @mandatory,
                                content : LargeString @mandatory)                                  returns Outcome;

  action answerSurvey(token : String(200) @mandatory,
                      csat : Integer @mandatory @assert.range: [ 1, 5 ],
                      nps : Integer @assert.range: [ 0, 10 ],
                      comment : String(1000) @UI.MultiLineText)                                returns Outcome;
}
