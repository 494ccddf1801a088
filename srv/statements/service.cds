using { invoicecrm.statements as statements } from '../../db/statements';
using { invoicecrm.crm as crm } from '../../db/crm';

/**
 * Monthly statements: AR chooses the statement customers and the statement day, reviews each month's drafts
 * (exceptions first), approves and sends them, and follows the customers' answers.
 */
@path: '/odata/v4/statements'
service StatementsService {

  /** Who gets monthly statements: AR's choice per customer, over the payment-terms rules. */
  @odata.draft.enabled
  entity StatementProfiles as projection on statements.StatementProfiles {
    *,
    customer.name as customerName : String(81) @title: '{i18n>CustomerName}' @readonly,
  };

  @odata.draft.enabled
  entity StatementRules as projection on statements.StatementRules;

  /** The statement day and the review's settings: one row. */
  @odata.draft.enabled
  entity StatementSchedules as projection on statements.StatementSchedules;

  @readonly
  entity Statements as projection on statements.Statements {
    *,
    customer.name as customerName : String(81) @title: '{i18n>CustomerName}',
    cast(case when isException = true then 2 else 0 end as Integer) as exceptionCriticality : Integer @UI.Hidden,
  } actions {
    action approve() returns Statements;
    action sendToCustomer() returns Statements;
  };

  @readonly
  entity StatementLines as projection on statements.StatementLines;

  @readonly
  entity StatementOpenItems as projection on statements.StatementOpenItems;

  type GenerationResult {
    customers : Integer;
    created   : Integer;
    remade    : Integer;
    unchanged : Integer;
    kept      : Integer;
    removed   : Integer;
  }

  /**
   * The customers' WeCom groups, which get the statement and reminder notices too; without their webhook keys, a
   * secret that is set through setWeComGroup and never read back.
   */
  @readonly
  entity WeComGroups as projection on crm.CustomerWeComGroups {
    key customer,
        customer.name as customerName : String(81) @title: '{i18n>CustomerName}',
        active,
        cast(case when webhookKey is null then false else true end as Boolean) as hasWebhookKey : Boolean @title: '{i18n>HasWebhookKey}',
        modifiedAt,
        modifiedBy,
  };

  /** The notices to the customers' WeCom groups and how they went: a failure shows here as a mail's does on its statement. */
  @readonly
  entity WeComNotices as projection on crm.WeComNotices {
    key ID,
        customer,
        customer.name as customerName : String(81) @title: '{i18n>CustomerName}',
        kind,
        statement,
        statementReminder,
        reminderMail.ID as reminderMail : UUID,
        status,
        attempts,
        lastError,
        queuedAt,
        sentAt,
        kindText,
        statusText,
  };

  /**
   * Sets a customer's WeCom group: the group robot's webhook key (or its whole webhook URL; empty: keep the key set
   * before) and whether its notices go there.
   */
  action setWeComGroup(customer : String(10) @mandatory @title: '{i18n>Customer}', webhookKey : String(100) @title: '{i18n>WebhookKey}', active : Boolean @title: '{i18n>WeComActive}') returns WeComGroups;

  /** Makes (or brings up to date) the drafts of the month of the given day, for every statement customer. */
  action generateStatements(period : Date @mandatory) returns GenerationResult;
  /** Approves every draft of the month that is no exception; the exceptions are approved one by one. */
  action approveStatements(period : Date @mandatory) returns Integer;
  /** Sends every approved statement of the month. */
  action sendStatements(period : Date @mandatory) returns Integer;
}

// A statement's review, declared: CAP refuses an action from any other status (409) and sets the one it leads to.
annotate StatementsService.Statements with @flow.status: status actions {
  approve        @from: #draft    @to: #approved;
  sendToCustomer @from: #approved @to: #sent;
};
