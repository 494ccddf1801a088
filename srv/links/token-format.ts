import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { LinkPurpose } from '#cds-models/invoicecrm/crm'

// The token in a customer's link: <link ID>.<expiry>.<signature>
//   link ID    the SecureLinks row's UUID as 16 bytes, base64url (22 characters)
//   expiry     seconds since 1970, base36
//   signature  HMAC-SHA256(secret, "<link ID as UUID>|<purpose>|<expiry>"), base64url, first 32 characters (192 bits)
// The signature makes a token unguessable and lets a forged one be refused without a database read; the row
// (found by its ID and the token's hash) binds it to one document and one contact and lets it be revoked.
// Only the canonical spelling of each part is accepted, so one link has exactly one token and one hash.
// Pure functions: no database, no configuration.

/** The purposes a link may have: the model's enum (db/crm.cds LinkPurpose), in its order. */
export const PURPOSES: readonly LinkPurpose[] = Object.values(LinkPurpose)
export type { LinkPurpose }

export interface TokenParts {
  linkId: string
  /** Expiry, whole seconds since 1970. */
  expiresAt: number
  signature: string
}

const SIGNATURE_LENGTH = 32
/** Generous for 22 + 1 + ≤10 + 1 + 32 characters; anything longer is refused before a regular expression sees it. */
export const MAX_TOKEN_LENGTH = 80
const TOKEN = /^([A-Za-z0-9_-]{22})\.([1-9a-z][0-9a-z]{0,9})\.([A-Za-z0-9_-]{32})$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const idToText = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url')
const textToId = (text: string) => Buffer.from(text, 'base64url').toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')

export function sign(secret: string, linkId: string, purpose: string, expiresAt: number): string {
  return createHmac('sha256', secret).update(`${linkId}|${purpose}|${expiresAt.toString(36)}`).digest('base64url').slice(0, SIGNATURE_LENGTH)
}

export function encodeToken(secret: string, linkId: string, purpose: LinkPurpose, expiresAt: number): string {
  if (!UUID.test(linkId)) throw new TypeError('A link ID is a lower-case UUID')
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) throw new RangeError('A link expires at a positive whole number of seconds')
  return `${idToText(linkId)}.${expiresAt.toString(36)}.${sign(secret, linkId, purpose, expiresAt)}`
}

/** The parts of a well-formed token, or undefined for anything else, whatever its type, length or characters. */
export function parseToken(token: unknown): TokenParts | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined
  const match = TOKEN.exec(token)
  if (!match) return undefined
  const [, idText, expiryText, signature] = match
  const linkId = textToId(idText)
  // 22 base64url characters carry 132 bits for 128: four spellings per ID; only ours is the token.
  if (idToText(linkId) !== idText) return undefined
  const expiresAt = parseInt(expiryText, 36)
  if (!Number.isSafeInteger(expiresAt)) return undefined
  return { linkId, expiresAt, signature }
}

/** Whether the signature is the one for this purpose, compared in constant time. */
export function signatureMatches(secret: string, parts: TokenParts, purpose: string): boolean {
  const expected = Buffer.from(sign(secret, parts.linkId, purpose, parts.expiresAt))
  const given = Buffer.from(parts.signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** What SecureLinks.tokenHash holds: the token itself is never stored. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')
