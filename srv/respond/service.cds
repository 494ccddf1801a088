using { invoicecrm.crm as crm } from '../../db/crm';

/**
 * Customers answer here, through the secure link in their e-mail: no login. Every action takes the link's token
 * in the request body (never in a URL, so it stays out of logs and referrers) and grants one kind of answer
 * about one document; a link of purpose account grants the answers about each invoice (and the PDF of each statement)
 * of its customer, and the request names which (`invoice`, `statement`: srv/account/access.ts). A link of one document
 * needs no name; a request that names another document than the link's is refused as unknown (404).
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

  /** What the response page shows: the document, and what this contact already said about it (a statement: StatementView's). */
  type View {
    /** A link of purpose account without an invoice named: the customer's account (srv/account/account.ts). */
    account         : Account;
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
    /** A link of purpose statement: the statement, the customer's answer once given, the largest file it takes. */
    statement       : StatementFigures;
    answer          : StatementAnswer;
    attachmentMaxBytes : Integer;
    /** The reasons a dispute (or a flagged statement line) may give, with their texts in the page's language (the code list's). */
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
    /** confirmed, alreadyConfirmed, disputed, alreadyDisputed, proposed, answered, alreadyAnswered, promised, paymentReported, remittanceAttached, disagreed */
    status : String(20);
    at     : Timestamp;
  }

  type DisputedLine {
    item     : String(6) @mandatory;
    amount   : Decimal(16, 3) @assert.range: [ 0, 9999999999999 ];
    quantity : Decimal(13, 3) @assert.range: [ 0, 9999999999 ];
  }

  /** A line of a statement: an FI item posted in its period, flagged if the customer said it is wrong. */
  type StatementLine {
    lineNo             : Integer;
    postingDate        : Date;
    documentDate       : Date;
    /** FI's document type (RV invoice, DG credit memo, DZ payment, …): the page names the common ones. */
    documentType       : String(2);
    accountingDocument : String(10);
    billingDocument    : String(10);
    purchaseOrder      : String(35);
    netDueDate         : Date;
    amount             : Decimal(24, 3);
    flagged            : Boolean;
    flagReason         : crm.DisputeReason;
    flagComment        : String(2000);
  }

  /** An item open at the end of the statement's period, with its days past the due date then. */
  type StatementOpenItem {
    lineNo             : Integer;
    postingDate        : Date;
    documentType       : String(2);
    accountingDocument : String(10);
    billingDocument    : String(10);
    purchaseOrder      : String(35);
    netDueDate         : Date;
    daysOverdue        : Integer;
    agingBucket        : crm.AgingBucket;
    amount             : Decimal(24, 3);
  }

  /** A statement's figures, lines and open items, as the customer's page shows them. */
  type StatementFigures {
    customer       : String(10);
    companyCode    : String(4);
    currency       : String(5);
    periodStart    : Date;
    periodEnd      : Date;
    statementDate  : Date;
    openingBalance : Decimal(24, 3);
    debits         : Decimal(24, 3);
    credits        : Decimal(24, 3);
    closingBalance : Decimal(24, 3);
    /** sent, noAnswer, confirmed, disagreed */
    status         : String(10);
    /** Whether it still takes an answer: sent or reminded, and not answered. */
    answerable     : Boolean;
    lines          : many StatementLine;
    openItems      : many StatementOpenItem;
    /** The open items' amounts by aging bucket (not due, 1–30, 31–60, 61–90, over 90 days). */
    aging          : many {
      bucket : crm.AgingBucket;
      amount : Decimal(24, 3);
    };
  }

  /** The customer's answer to a statement, once given. */
  type StatementAnswer {
    /** confirmed or disagreed */
    status          : String(10);
    at              : Timestamp;
    customerBalance : Decimal(24, 3);
    comment         : String(2000);
    attachmentName  : String(100);
  }

  /** What the customer's page shows of a statement (srv/statements/answers.ts statementForCustomer). */
  type StatementView {
    purpose      : crm.LinkPurpose;
    language     : String(2);
    customerName : String(81);
    company      : Company;
    statement    : StatementFigures;
    answer       : StatementAnswer;
    /** The largest file "Something differs" takes (as a remittance advice). */
    attachmentMaxBytes : Integer;
    /** The reasons a flagged line may give, with their texts in the customer's language. */
    reasons      : many {
      code : crm.DisputeReason;
      name : String(255);
    };
  }

  /** SD's overall status of an order in one respect (A not yet, B partly, C completely, empty: not relevant). */
  type Progress : String(11) enum { notStarted; partial; complete; notRelevant; };

  /** An invoice on the account page: open, with what was said about it, or paid (clearingDate). */
  type AccountInvoice {
    number            : String(10);
    /** invoice or creditMemo */
    kind              : String(10);
    date              : Date;
    dueDate           : Date;
    currency          : String(5);
    grossAmount       : Decimal(17, 3);
    openAmount        : Decimal(24, 3);
    daysOverdue       : Integer;
    companyCode       : String(4);
    purchaseOrder     : String(35);
    sent              : Boolean;
    confirmed         : Boolean;
    /** An open dispute (not closed), and its status. */
    disputed          : Boolean;
    disputeStatus     : crm.DisputeStatus;
    /** The day of its open promise to pay. */
    promisedDate      : Date;
    /** The day the customer said it paid, until FI clears the invoice. */
    paymentReportedOn : Date;
    overdue           : Boolean;
    clearingDate      : Date;
  }

  /** The customer's account: what it owes, its open and paid invoices, statements, disputes and orders. */
  type Account {
    customer     : String(10);
    /** The day it was read, and the first day of the paid invoices and orders it lists (12 months back). */
    asOf         : Date;
    since        : Date;
    /** The companies (company codes) of its invoices and statements, as configured (srv/respond/company.ts). */
    companies    : many {
      companyCode  : String(4);
      name         : String(120);
      logoUrl      : String(100);
      contactEmail : String(241);
      contactPhone : String(40);
    };
    /** What is open and overdue, per currency, of every open invoice (not only of those listed). */
    totals       : many {
      currency        : String(5);
      openAmount      : Decimal(24, 3);
      openInvoices    : Integer;
      overdueAmount   : Decimal(24, 3);
      overdueInvoices : Integer;
    };
    // Each section: at most 200 rows, the most relevant first, and how many more there are.
    openInvoices : { items : many AccountInvoice; more : Integer; };
    paidInvoices : { items : many AccountInvoice; more : Integer; };
    statements   : {
      items : many {
        ID             : UUID;
        companyCode    : String(4);
        currency       : String(5);
        periodStart    : Date;
        periodEnd      : Date;
        statementDate  : Date;
        closingBalance : Decimal(24, 3);
        /** sent, noAnswer, confirmed, disagreed */
        status         : String(10);
        answeredAt     : Timestamp;
      };
      more  : Integer;
    };
    disputes     : {
      items : many {
        invoice        : String(10);
        status         : crm.DisputeStatus;
        reason         : crm.DisputeReason;
        wholeInvoice   : Boolean;
        disputedAmount : Decimal(17, 3);
        currency       : String(5);
        outcome        : crm.DisputeOutcome;
        resolution     : String(2000);
        raisedAt       : Timestamp;
        resolvedAt     : Timestamp;
        closedAt       : Timestamp;
      };
      more  : Integer;
    };
    orders       : {
      items : many {
        number        : String(10);
        date          : Date;
        purchaseOrder : String(35);
        netAmount     : Decimal(16, 3);
        currency      : String(5);
        processing    : Progress;
        delivery      : Progress;
        billing       : Progress;
        /** A delivery or billing block holds it back in S/4HANA. */
        blocked       : Boolean;
      };
      more  : Integer;
    };
  }

  /** A statement line the customer says is wrong, and why. */
  type FlaggedLine {
    lineNo  : Integer @mandatory;
    reason  : crm.DisputeReason @mandatory;
    comment : String(2000) @UI.MultiLineText;
  }

  /**
   * Any link's page: an invoice's, a survey's, a statement's (then as the action statement answers), an account's
   * (the account; with an invoice named, that invoice's page as through its own link).
   */
  action view(token : String(200) @mandatory, invoice : String(10))                            returns View;

  // The answers about an invoice: through its own link (invoice: none, or that one), or through the account link of
  // its payer (invoice: required).

  action invoiceDocument(token : String(200) @mandatory, invoice : String(10))                 returns InvoiceDocument;
  action confirm(token : String(200) @mandatory, invoice : String(10))                         returns Outcome;

  /** The whole invoice (no lines, no amount) or chosen lines and/or an amount, with a reason. */
  action dispute(token : String(200) @mandatory,
                 invoice : String(10),
                 reason : crm.DisputeReason @mandatory,
                 comment : String(2000) @UI.MultiLineText,
                 lines : many DisputedLine,
                 amount : Decimal(17, 3) @assert.range: [ 0, 99999999999999 ]) returns Outcome;

  /** "This invoice should go to someone else": the right billing contact. */
  action proposeContact(token : String(200) @mandatory,
                        invoice : String(10),
                        name : String(81) @mandatory,
                        email : crm.EMailAddress @mandatory)                 returns Outcome;

  /** "I will pay by …": a date within the promise window, optionally a part of the open amount. */
  action promiseToPay(token : String(200) @mandatory,
                      invoice : String(10),
                      promisedDate : Date @mandatory,
                      amount : Decimal(24, 3) @assert.range: [ 0, 99999999999999 ])        returns Outcome;

  /** "I've paid": when, how much, and the payment's reference. */
  action reportPayment(token : String(200) @mandatory,
                       invoice : String(10),
                       paidOn : Date @mandatory,
                       amount : Decimal(24, 3) @mandatory @assert.range: [ 0, 99999999999999 ],
                       reference : String(35))                                            returns Outcome;

  /**
   * The remittance advice of the payment reported ("I've paid"): a PDF, PNG or JPEG file of at most
   * cds.requires.collections.remittanceAdviceMaxBytes, base64.
   */
  action attachRemittanceAdvice(token : String(200) @mandatory,
                                invoice : String(10),
                                fileName : String(255) @mandatory,
                                content : LargeString @mandatory)                                  returns Outcome;

  action answerSurvey(token : String(200) @mandatory,
                      csat : Integer @mandatory @assert.range: [ 1, 5 ],
                      nps : Integer @assert.range: [ 0, 10 ],
                      comment : String(1000) @UI.MultiLineText)                                returns Outcome;

  // A monthly statement of account, through a link of purpose statement: the statement, its PDF, and the customer's
  // one answer to it (srv/statements/answers.ts).

  action statement(token : String(200) @mandatory)                           returns StatementView;
  /**
   * The statement's PDF as it was sent (once confirmed: with the confirmation on it), base64: the statement link's, or
   * the one an account link names (a statement sent to its customer).
   */
  action statementPdf(token : String(200) @mandatory, statement : UUID)      returns InvoiceDocument;
  /** "The balance is right." */
  action confirmStatement(token : String(200) @mandatory)                    returns Outcome;

  /**
   * "Something differs": the lines that are wrong with a reason each, the balance in the customer's own books, a
   * comment, and the customer's own statement as a file (PDF, PNG or JPEG, base64, at most
   * cds.requires.collections.remittanceAdviceMaxBytes); at least one of lines, balance and comment.
   */
  action disagreeWithStatement(token : String(200) @mandatory,
                               lines : many FlaggedLine,
                               // Checked by the service (at most 3 decimals, −10^14 ≤ it < 10^14), which says so in words.
                               customerBalance : Decimal,
                               comment : String(2000) @UI.MultiLineText,
                               attachmentName : String(255),
                               attachment : LargeString)                      returns Outcome;
}
