import cds from '@sap/cds'
import nodemailer, { type NodemailerError, type SMTPSentMessageInfo, type SMTPTransportOptions, type Transporter } from 'nodemailer'
import { redact } from '../logging'

// Outgoing mail over SMTP, configured in cds.requires.mail:
//
//   { smtp: { host, port, secure, auth?: { user, pass } }, from: 'Accounts Receivable <ar@example.com>', publicUrl }
//
// `smtp` is handed to nodemailer as is, so any of its SMTP options (timeouts, pool, tls) can be set there.
// On BTP the SMTP server and its login come from a binding instead: a user-provided service with the credentials
// { host, port, secure?, user, password } (cf create-user-provided-service invoice-crm-mail -p '{…}'), bound to
// the app. CAP finds a bound service named like the requires entry, or as cds.requires.mail.vcap says
// ({ "name": "invoice-crm-mail" }), and puts its credentials in cds.requires.mail.credentials; what they say wins
// over `smtp`. A BTP destination of type MAIL is not read (yet): copy its properties into such a service.

const LOG = cds.log('mail')

export interface MailSettings {
  smtp?: SMTPTransportOptions
  /** From a bound service; see above. */
  credentials?: SmtpCredentials
  /** Sender of every mail, with display name. */
  from: string
  /** Where customers reach the app; the base of the links in mails. */
  publicUrl: string
}

/** A bound service's credentials; JSON of a user-provided service may give the port as a string. */
export interface SmtpCredentials {
  host?: string
  port?: number | string
  secure?: boolean | string
  user?: string
  password?: string
}

/** A bare address, or one with a display name (nodemailer encodes the name, whatever characters it has). */
export type MailAddress = string | { name: string; address: string }

export interface OutgoingMail {
  to: MailAddress | MailAddress[]
  cc?: MailAddress | MailAddress[]
  replyTo?: MailAddress
  subject: string
  text: string
  html: string
  attachments?: { filename: string; content: Buffer; contentType?: string }[]
  /** What the mail is about, for the log (an invoice number); never a name or an address. */
  reference?: string
  /** Which try this is, for the log, where the caller counts them (the invoice mail's retries). */
  attempt?: number
}

export interface SentMail {
  messageId: string
  /** Recipients the server refused while it accepted others: the mail went out, but not to these. */
  rejected: string[]
}

/**
 * Why a mail was not sent. permanent: the SMTP server refused it for good (5xx, e.g. 550 mailbox unknown: the mail
 * bounced), sending it again gets the same answer. Otherwise it may go through later: a 4xx reply, no connection,
 * a timeout, or a login the operator has to fix.
 */
export class MailError extends Error {
  readonly permanent: boolean
  readonly smtpCode?: number
  /** nodemailer's error code, e.g. EENVELOPE, ECONNECTION, ETIMEDOUT, EAUTH. */
  readonly code?: string

  constructor(message: string, options: { permanent: boolean; smtpCode?: number; code?: string }) {
    super(message)
    this.name = 'MailError'
    this.permanent = options.permanent
    this.smtpCode = options.smtpCode
    this.code = options.code
  }
}

export const mailSettings = (): MailSettings | undefined => cds.env.requires.mail as MailSettings | undefined

/** Generous for a mail server, short enough that a dead one does not hold a dispatch run (nodemailer: 2 min to connect). */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 }

export async function sendMail(message: OutgoingMail): Promise<SentMail> {
  const settings = mailSettings()
  if (!settings?.from) throw new MailError('Mail not sent: cds.requires.mail (from, smtp) is not configured', { permanent: false, code: 'ECONFIG' })
  const { reference, attempt, ...mail } = message
  try {
    const info = await transporter(transportOptions(settings)).sendMail({ ...mail, from: settings.from })
    LOG.info('Mail sent', { messageId: loggable(info.messageId), reference, recipients: info.accepted.length, rejected: info.rejected.length || undefined })
    return { messageId: info.messageId, rejected: info.rejected.map(String) }
  } catch (error) {
    const failure = mailError(error as NodemailerError)
    // One line per failed send, for operations: what, how the server answered, which try; never whom to.
    LOG.warn('Mail not sent', { reference, smtpCode: failure.smtpCode, code: failure.code, attempt, permanent: failure.permanent, reason: failure.message })
    throw failure
  }
}

/**
 * A Message-ID (<unique@sender-domain>) looks like an e-mail address to the log's mask; its unique part alone finds
 * the mail in the SMTP server's log just as well.
 */
const loggable = (messageId: string) => messageId.replace(/^<?([^@>]*).*$/, '$1')

/** For shutdown and tests: closes the transport's connections; the next mail opens a new one. */
export function closeMailer(): void {
  cached?.transporter.close()
  cached = undefined
}

cds.on('shutdown', closeMailer)

let cached: { key: string; transporter: Transporter<SMTPSentMessageInfo, SMTPTransportOptions> } | undefined

/** One transport while the configuration stays the same; a changed one (a test, a new binding) gets a new transport. */
function transporter(options: SMTPTransportOptions) {
  const key = JSON.stringify(options)
  if (cached?.key !== key) {
    closeMailer()
    cached = { key, transporter: nodemailer.createTransport(options) }
  }
  return cached.transporter
}

function transportOptions({ smtp, credentials: c }: MailSettings): SMTPTransportOptions {
  const options: SMTPTransportOptions = { ...TIMEOUTS, ...smtp }
  if (!c?.host) return options
  const port = c.port === undefined ? undefined : Number(c.port)
  return {
    ...options,
    host: c.host,
    port,
    // Port 465 is SMTP over TLS from the first byte; the others (587, 25) upgrade with STARTTLS.
    secure: c.secure === undefined ? port === 465 : c.secure === true || c.secure === 'true',
    auth: c.user ? { user: c.user, pass: c.password } : undefined,
  }
}

/** nodemailer's codes for a server that could not be reached or did not answer in time. */
const UNREACHABLE = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS'])

function mailError(error: NodemailerError): MailError {
  const { responseCode: smtpCode, code } = error
  // The server's reply says what failed; it may quote the recipient's address, which is personal data.
  const detail = smtpCode
    ? redact(error.response || String(smtpCode))
    : `${[code, error.originalCode].filter(Boolean).join('/') || 'error'}: ${redact(error.message)}`
  // Not the nodemailer error as cause: it carries the recipients' addresses, and everything else it says is here.
  const options = { smtpCode, code }
  // A refused login is the configuration's fault, not the recipient's: the mail has not bounced.
  if (code === 'EAUTH' || code === 'ENOAUTH') return new MailError(`Mail not sent: SMTP login failed (${detail})`, { ...options, permanent: false })
  // nodemailer marks 5xx replies permanent (but 503, bad sequence of commands). An envelope without a valid address
  // never leaves: nothing to retry either.
  if (error.permanent) return new MailError(`Mail bounced: ${detail}`, { ...options, permanent: true })
  if (code === 'EENVELOPE' && !smtpCode) return new MailError(`Mail undeliverable: ${detail}`, { ...options, permanent: true })
  if (smtpCode) return new MailError(`Mail deferred by the SMTP server: ${detail}`, { ...options, permanent: false })
  if (code && UNREACHABLE.has(code)) return new MailError(`Mail not sent: SMTP server unreachable (${detail})`, { ...options, permanent: false })
  return new MailError(`Mail not sent (${detail})`, { ...options, permanent: false })
}
