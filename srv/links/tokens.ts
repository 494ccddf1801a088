import cds from '@sap/cds'
import { defaultValidDays, linkSecret } from './config'
import { PURPOSES, encodeToken, hashToken, parseToken, signatureMatches, type LinkPurpose } from './token-format'
import { SecureLinks, type SecureLink } from '#cds-models/invoicecrm/crm'
import type { Filled } from '../model-types'

// Issue, verify and revoke the links in customer e-mails (design §5): a link grants exactly one kind of answer
// about exactly one document, to the contact it was sent to, until it expires or is revoked. Verifying it again
// is harmless: what a link allows, the answer handlers make idempotent.

const LOG = cds.log('links')
const DAY_MS = 24 * 60 * 60_000

export type LinkErrorCode = 'malformed' | 'forged' | 'expired' | 'revoked' | 'wrong-purpose' | 'unknown'

// The message is the key of a text in _i18n/messages*.properties, which CAP translates for the customer (the page
// also translates by code): it says what to do, not what we checked.
const ERRORS: Record<LinkErrorCode, { status: number; key: string }> = {
  malformed: { status: 400, key: 'LINK_MALFORMED' },
  forged: { status: 403, key: 'LINK_NOT_VALID' },
  unknown: { status: 403, key: 'LINK_NOT_VALID' },
  'wrong-purpose': { status: 403, key: 'LINK_WRONG_PURPOSE' },
  expired: { status: 410, key: 'LINK_EXPIRED' },
  revoked: { status: 410, key: 'LINK_REVOKED' },
}

/** Why a link was refused; `status`, `code` and the message key are what CAP answers with. */
export class LinkError extends Error {
  readonly status: number
  constructor(readonly code: LinkErrorCode) {
    super(ERRORS[code].key)
    this.status = ERRORS[code].status
  }
  /** Bad signatures and unknown links are what guessing produces; an expired or revoked link is a real customer's. */
  get suspicious(): boolean {
    return this.code === 'malformed' || this.code === 'forged' || this.code === 'unknown'
  }
}
// On the prototype: CAP's answer to a thrown error carries the error's own properties, and the class name is not
// the customer's business.
LinkError.prototype.name = 'LinkError'

export interface IssueLinkInput {
  purpose: LinkPurpose
  /** Billing document ID; required for invoiceResponse. */
  invoice?: string
  /** SurveyInvitations ID; required for survey. */
  invitation?: string
  /** Statements ID; required for statement. */
  statement?: string
  /** Customer number; required for account. */
  customer?: string
  /** Who the link is sent to: the "who" of whatever is answered through it. */
  contactEmail: string
  /** Default cds.requires.links.validDays; zero or less issues an expired link (tests). */
  validDays?: number
}

export interface IssuedLink {
  /** Goes into the e-mail and nowhere else: not into the database, not into a log. */
  token: string
  linkId: string
  expiresAt: Date
}

export interface VerifiedLink {
  linkId: string
  purpose: LinkPurpose
  invoiceId?: string
  invitationId?: string
  statementId?: string
  customerId?: string
  contactEmail: string
  expiresAt: Date
}

/** A link's row as verification reads it: issueLink sets all of these. */
type LinkRow = Filled<SecureLink, 'ID' | 'purpose' | 'contactEmail' | 'expiresAt'>

const NEEDS: Record<LinkPurpose, 'invoice' | 'invitation' | 'statement' | 'customer'> = {
  invoiceResponse: 'invoice',
  survey: 'invitation',
  statement: 'statement',
  account: 'customer',
}

export async function issueLink({ purpose, invoice, invitation, statement, customer, contactEmail, validDays = defaultValidDays() }: IssueLinkInput): Promise<IssuedLink> {
  if (!PURPOSES.includes(purpose)) throw new TypeError(`Unknown link purpose '${purpose}'`)
  const needed = NEEDS[purpose]
  if (!{ invoice, invitation, statement, customer }[needed]) throw new TypeError(`A ${purpose} link needs the ${needed} it is about`)
  if (!contactEmail) throw new TypeError('A link needs the contact it is sent to')
  if (!Number.isFinite(validDays)) throw new RangeError('validDays must be a number')

  const linkId = cds.utils.uuid()
  // Whole seconds, as in the token, so that the row and the token agree on the very same instant.
  const expirySeconds = Math.floor((Date.now() + validDays * DAY_MS) / 1000)
  const token = encodeToken(linkSecret(), linkId, purpose, expirySeconds)
  const expiresAt = new Date(expirySeconds * 1000)
  await INSERT.into(SecureLinks).entries({
    ID: linkId,
    tokenHash: hashToken(token),
    purpose,
    invoice_ID: invoice ?? null,
    invitation_ID: invitation ?? null,
    statement_ID: statement ?? null,
    customer_ID: customer ?? null,
    contactEmail,
    expiresAt: expiresAt.toISOString(),
    createdAt: new Date().toISOString(),
  })
  LOG.debug('issued link', { linkId, purpose, validDays })
  return { token, linkId, expiresAt }
}

/**
 * The link behind a token, if it may be used for the expected purpose (or one of them) now; otherwise throws a
 * LinkError. Everything that can be decided from the token alone (form, signature, purpose, expiry) is decided
 * before the database is read, so forged tokens cost no more than three HMACs.
 */
export async function verifyLink(token: unknown, expected: LinkPurpose | readonly LinkPurpose[]): Promise<VerifiedLink> {
  const accepted: readonly LinkPurpose[] = typeof expected === 'string' ? [expected] : expected
  const unknownPurpose = accepted.find(p => !PURPOSES.includes(p))
  if (!accepted.length || unknownPurpose) throw new TypeError(`Unknown link purpose '${unknownPurpose}'`)
  const parts = parseToken(token)
  if (!parts) throw refused('malformed')
  const secret = linkSecret()
  // A signature that fits another purpose is a real link used for the wrong thing; one that fits none is forged.
  const signedFor = PURPOSES.find(p => signatureMatches(secret, parts, p))
  if (!signedFor) throw refused('forged')
  if (!accepted.includes(signedFor)) throw refused('wrong-purpose', parts.linkId)
  const now = new Date()
  if (parts.expiresAt * 1000 <= now.getTime()) throw refused('expired', parts.linkId)

  // By key and hash: the row of exactly this token, found through the primary key index.
  const row = (await SELECT.one
    .from(SecureLinks)
    .columns('ID', 'purpose', 'invoice_ID', 'invitation_ID', 'statement_ID', 'customer_ID', 'contactEmail', 'expiresAt', 'revokedAt')
    .where({ ID: parts.linkId, tokenHash: hashToken(token as string) })) as LinkRow | null
  if (!row || row.purpose !== signedFor) throw refused('unknown', parts.linkId)
  if (row.revokedAt) throw refused('revoked', row.ID)
  // The row may have been shortened since the token was issued; it never outlives the token.
  if (new Date(row.expiresAt) <= now) throw refused('expired', row.ID)

  await UPDATE(SecureLinks, row.ID).with({ lastUsedAt: now.toISOString() })
  return {
    linkId: row.ID,
    purpose: row.purpose,
    ...(row.invoice_ID && { invoiceId: row.invoice_ID }),
    ...(row.invitation_ID && { invitationId: row.invitation_ID }),
    ...(row.statement_ID && { statementId: row.statement_ID }),
    ...(row.customer_ID && { customerId: row.customer_ID }),
    contactEmail: row.contactEmail,
    expiresAt: new Date(row.expiresAt),
  }
}

export interface RevokeLinksInput {
  /** Every link about this billing document. */
  invoice?: string
  /** Every link of this survey invitation. */
  invitation?: string
  /** Every link of this statement. */
  statement?: string
  /** Every account link of this customer. */
  customer?: string
  linkId?: string
}

/** Revokes the matching links that are not revoked yet; returns how many. At least one criterion is required. */
export async function revokeLinks({ invoice, invitation, statement, customer, linkId }: RevokeLinksInput): Promise<number> {
  const where = {
    ...(invoice && { invoice_ID: invoice }),
    ...(invitation && { invitation_ID: invitation }),
    ...(statement && { statement_ID: statement }),
    ...(customer && { customer_ID: customer, purpose: 'account' as LinkPurpose }),
    ...(linkId && { ID: linkId }),
  }
  // Without this guard, a caller's undefined would revoke every link ever sent.
  if (!Object.keys(where).length) throw new TypeError('revokeLinks needs an invoice, an invitation, a statement, a customer or a link ID')
  const revoked = (await UPDATE(SecureLinks).where({ ...where, revokedAt: null }).with({ revokedAt: new Date().toISOString() })) as number
  LOG.info('revoked links', { count: revoked, ...(linkId && { linkId }), ...(invoice && { invoice }), ...(invitation && { invitation }) })
  return revoked
}

/**
 * Logs the refusal and returns the error to throw. Never the token: the link ID, passed only once the signature
 * proved it ours, is enough to find the row.
 */
function refused(code: LinkErrorCode, linkId?: string): LinkError {
  LOG.debug('refused link', { code, ...(linkId && { linkId }) })
  return new LinkError(code)
}
