// Outgoing mail: sendMail delivers over SMTP; the templates write the customer mails in the customer's language.
export { sendMail, closeMailer, mailSettings, MailError, type MailSettings, type OutgoingMail, type SentMail, type MailAddress } from './mailer'
export {
  invoiceMail,
  disputeResolvedMail,
  surveyInvitationMail,
  reminderMail,
  statementMail,
  type ReminderMailInput,
  type ReminderMailInvoice,
  type InvoiceMailInput,
  type DisputeResolvedMailInput,
  type SurveyInvitationMailInput,
} from './templates'
export { mailLanguage, MAIL_LANGUAGES, type MailLanguage } from './locale'
export { escapeHtml, type RenderedMail } from './layout'
