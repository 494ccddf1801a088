import cds from '@sap/cds'

// cds.requires.links: how the secure links in customer e-mails are signed, how long they live, and how hard
// a client that keeps presenting bad links is throttled.

export interface LinkSettings {
  /** HMAC key of every link. Changing it invalidates every link out there. */
  secret?: string
  /**
   * On BTP: the credentials of the bound user-provided service invoice-crm-links ({ "secret": "…" }, found by
   * cds.requires.links.vcap); its secret wins over `secret`, so no key has to sit in an environment variable.
   */
  credentials?: { secret?: string }
  /** Default lifetime of a new link. */
  validDays?: number
  /** Failed verifications (bad signature, unknown link) one client IP may cause per window before it gets 429. */
  failures?: { max?: number; windowMs?: number }
  /** Contact corrections the contact of one invoice may propose through its links (default 3): a link is no mailbox. */
  maxContactProposals?: number
  /** Proxies in front of the app whose X-Forwarded-For is trusted for the client IP (1: Cloud Foundry's router). */
  trustProxyHops?: number
}

/** At least 256 bits of base64 text: HMAC-SHA256 gains nothing from a longer key, and loses from a shorter one. */
export const MIN_SECRET_LENGTH = 32
/**
 * What production asks of the secret by estimatedSecretBits: 112 bits, NIST's minimum security strength for keys.
 * Random text passes with room to spare (32 random base64 characters come to 120 or more by this estimate,
 * `openssl rand -base64 48` to about 330), while a long text of few characters or a pattern does not
 * (32 × 'x': 0, 'abcd1234' four times: 32, 'abcdef…': 7, 'password' four times: 88).
 */
export const MIN_SECRET_BITS = 112

const DEFAULT_VALID_DAYS = 60
const DEFAULT_FAILURES = { max: 20, windowMs: 10 * 60_000 }

export const linkSettings = (): LinkSettings => (cds.env.requires as Record<string, LinkSettings | undefined>).links ?? {}

const isProduction = () => cds.env.profiles.includes('production')

/**
 * The signing key. Throws, with what to do, when there is none; in production also when it is the development
 * placeholder (anyone who reads the repository could sign links for any invoice), short, or guessable.
 * Called when srv/links is loaded, so a misconfigured app refuses to start instead of failing at the first click.
 */
export function linkSecret(settings: LinkSettings = linkSettings(), production = isProduction()): string {
  const secret = settings.credentials?.secret ?? settings.secret
  const howTo =
    `bind a user-provided service invoice-crm-links with {"secret": "<random>"}, or set the environment variable CDS_REQUIRES_LINKS_SECRET, ` +
    `to a random value of at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 48\`)`
  if (typeof secret !== 'string' || !secret) throw new Error(`No secret for the customers' secure links (cds.requires.links.secret): ${howTo}`)
  if (!production) return secret
  const unfit = (why: string) => new Error(`The secret for the customers' secure links (cds.requires.links.secret) is not fit for production: ${why}; ${howTo}`)
  if (secret.startsWith('dev-only')) throw unfit('it is the development placeholder from the repository')
  if (secret.length < MIN_SECRET_LENGTH) throw unfit(`it has ${secret.length} characters`)
  // Never the secret itself in the message: only how guessable it looks.
  const bits = Math.floor(estimatedSecretBits(secret))
  if (bits < MIN_SECRET_BITS) throw unfit(`it is too predictable (about ${bits} bits of entropy by its characters, at least ${MIN_SECRET_BITS} needed)`)
  return secret
}

/**
 * A rough upper bound of the secret's entropy: its length times the Shannon entropy per character of its own
 * characters, or of the steps between neighbouring characters where that is lower, so that a run like 'abcdef…'
 * counts as little as 'aaaaaa…'. It cannot tell a random text from a well-mixed phrase, but it refuses what a
 * person types as a placeholder: repeats, few distinct characters, sequences.
 */
export function estimatedSecretBits(secret: string): number {
  const chars = [...secret].map(c => c.codePointAt(0)!)
  const steps = chars.slice(1).map((c, i) => c - chars[i])
  return chars.length * Math.min(shannonBits(chars), shannonBits(steps))
}

/** Entropy per symbol of the symbols' frequencies in the sample. */
function shannonBits(symbols: number[]): number {
  const counts = new Map<number, number>()
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1)
  let bits = 0
  for (const n of counts.values()) bits -= (n / symbols.length) * Math.log2(n / symbols.length)
  return bits
}

export const defaultValidDays = (): number => linkSettings().validDays ?? DEFAULT_VALID_DAYS

export const failureSettings = (): { max: number; windowMs: number } => ({ ...DEFAULT_FAILURES, ...linkSettings().failures })
