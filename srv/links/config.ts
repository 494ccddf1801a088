import cds from '@sap/cds'

// cds.requires.links: how the secure links in customer e-mails are signed, how long they live, and how hard
// a client that keeps presenting bad links is throttled.

export interface LinkSettings {
  /** HMAC key of every link; CDS_REQUIRES_LINKS_SECRET in production. Changing it invalidates every link out there. */
  secret?: string
  /** Default lifetime of a new link. */
  validDays?: number
  /** Failed verifications (bad signature, unknown link) one client IP may cause per window before it gets 429. */
  failures?: { max?: number; windowMs?: number }
  /** Proxies in front of the app whose X-Forwarded-For is trusted for the client IP (1: Cloud Foundry's router). */
  trustProxyHops?: number
}

/** At least 256 bits of base64 text: HMAC-SHA256 gains nothing from a longer key, and loses from a shorter one. */
export const MIN_SECRET_LENGTH = 32

const DEFAULT_VALID_DAYS = 60
const DEFAULT_FAILURES = { max: 20, windowMs: 10 * 60_000 }

export const linkSettings = (): LinkSettings => (cds.env.requires as Record<string, LinkSettings | undefined>).links ?? {}

const isProduction = () => cds.env.profiles.includes('production')

/**
 * The signing key. Throws, with what to do, when there is none; in production also when it is short or the
 * development placeholder, since anyone who reads the repository could then sign links for any invoice.
 * Called when srv/links is loaded, so a misconfigured app refuses to start instead of failing at the first click.
 */
export function linkSecret(settings: LinkSettings = linkSettings(), production = isProduction()): string {
  const { secret } = settings
  const howTo = `set the environment variable CDS_REQUIRES_LINKS_SECRET to a random value of at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 48\`)`
  if (typeof secret !== 'string' || !secret) throw new Error(`No secret for the customers' secure links (cds.requires.links.secret): ${howTo}`)
  if (production && (secret.length < MIN_SECRET_LENGTH || secret.startsWith('dev-only')))
    throw new Error(`The secret for the customers' secure links (cds.requires.links.secret) is not fit for production: ${howTo}`)
  return secret
}

export const defaultValidDays = (): number => linkSettings().validDays ?? DEFAULT_VALID_DAYS

export const failureSettings = (): { max: number; windowMs: number } => ({ ...DEFAULT_FAILURES, ...linkSettings().failures })
