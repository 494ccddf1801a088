// Code lists for the enums of the CRM: the Fiori apps show their texts (English, German, Simplified Chinese, from
// db/data) instead of the codes, and offer them as fixed value helps in filters and action parameters.
namespace invoicecrm.codes;

using { sap } from '@sap/cds/common';
using { invoicecrm.crm as crm } from './crm';
using { invoicecrm.collections as collections } from './collections';
using { invoicecrm.statements as statements } from './statements';

entity PaymentStates    : sap.common.CodeList { key code : crm.PaymentState; }
entity DispatchStatuses : sap.common.CodeList { key code : crm.DispatchStatus; }
entity DisputeStatuses  : sap.common.CodeList { key code : crm.DisputeStatus; }
entity DisputeReasons   : sap.common.CodeList { key code : crm.DisputeReason; }
entity DisputeOutcomes  : sap.common.CodeList { key code : crm.DisputeOutcome; }
entity Channels         : sap.common.CodeList { key code : crm.Channel; }
entity Priorities       : sap.common.CodeList { key code : crm.Priority; }
entity TimelineKinds    : sap.common.CodeList { key code : crm.TimelineKind; }
entity AgingBuckets     : sap.common.CodeList { key code : crm.AgingBucket; }
entity ReminderTones         : sap.common.CodeList { key code : collections.ReminderTone; }
entity Escalations           : sap.common.CodeList { key code : collections.Escalation; }
entity DecisionKinds         : sap.common.CodeList { key code : collections.DecisionKind; }
entity ReminderStatuses      : sap.common.CodeList { key code : collections.ReminderStatus; }
entity PromiseStatuses       : sap.common.CodeList { key code : collections.PromiseStatus; }
entity PaymentReportStatuses : sap.common.CodeList { key code : collections.PaymentReportStatus; }
entity ContactOutcomes       : sap.common.CodeList { key code : collections.ContactOutcome; }
entity RiskClasses           : sap.common.CodeList { key code : collections.RiskClass; }
entity RunStatuses           : sap.common.CodeList { key code : collections.RunStatus; }
entity RunTriggers           : sap.common.CodeList { key code : collections.RunTrigger; }
entity DunningBlockProposalStatuses : sap.common.CodeList { key code : collections.DunningBlockProposalStatus; }
entity StatementStatuses            : sap.common.CodeList { key code : statements.StatementStatus; }
entity WeComNoticeKinds             : sap.common.CodeList { key code : crm.WeComNoticeKind; }
entity WeComNoticeStatuses          : sap.common.CodeList { key code : crm.WeComNoticeStatus; }

// Unmanaged associations from the enum fields to their texts: no columns, only joins when a text is read.
extend crm.Disputes with {
  statusText   : Association to one DisputeStatuses on statusText.code = status;
  reasonText   : Association to one DisputeReasons on reasonText.code = reason;
  outcomeText  : Association to one DisputeOutcomes on outcomeText.code = outcome;
  sourceText   : Association to one Channels on sourceText.code = source;
  priorityText : Association to one Priorities on priorityText.code = priority;
}

extend crm.InvoiceConversations with {
  dispatchStatusText      : Association to one DispatchStatuses on dispatchStatusText.code = dispatchStatus;
  confirmationChannelText : Association to one Channels on confirmationChannelText.code = confirmationChannel;
}

extend crm.TimelineEntries with {
  kindText : Association to one TimelineKinds on kindText.code = kind;
}

extend collections.ReminderSteps with {
  toneText       : Association to one ReminderTones on toneText.code = tone;
  escalationText : Association to one Escalations on escalationText.code = escalation;
}

extend collections.ReminderDecisions with {
  decisionText : Association to one DecisionKinds on decisionText.code = decision;
}

extend collections.Reminders with {
  statusText : Association to one ReminderStatuses on statusText.code = status;
}

extend collections.PaymentPromises with {
  statusText : Association to one PromiseStatuses on statusText.code = status;
  sourceText : Association to one Channels on sourceText.code = source;
}

extend collections.PaymentReports with {
  statusText : Association to one PaymentReportStatuses on statusText.code = status;
}

extend collections.CollectionContacts with {
  channelText : Association to one Channels on channelText.code = channel;
  outcomeText : Association to one ContactOutcomes on outcomeText.code = outcome;
}

extend collections.ReminderPolicies with {
  riskClassText : Association to one RiskClasses on riskClassText.code = riskClass;
}

extend collections.CustomerCollections with {
  riskClassText : Association to one RiskClasses on riskClassText.code = riskClass;
}

extend collections.ReminderRuns with {
  statusText  : Association to one RunStatuses on statusText.code = status;
  triggerText : Association to one RunTriggers on triggerText.code = trigger;
}

extend collections.DunningBlockProposals with {
  statusText : Association to one DunningBlockProposalStatuses on statusText.code = status;
}

extend statements.Statements with {
  statusText : Association to one StatementStatuses on statusText.code = status;
}

extend crm.WeComNotices with {
  kindText   : Association to one WeComNoticeKinds on kindText.code = kind;
  statusText : Association to one WeComNoticeStatuses on statusText.code = status;
}
