import { blockedFor, recordFailure, TooManyRequests } from './rate-limit'
import { LinkError, verifyLink, type VerifiedLink } from './tokens'
import type { LinkPurpose } from './token-format'

/**
 * verifyLink for a request from `ip` (clientIp(req)): throws TooManyRequests (429, with retryAfterMs) while the
 * client is blocked for failed verifications, even for a valid token, so that guessing stays shut out once it
 * began; counts the failures that guessing produces (malformed, forged, unknown), not a customer's old link.
 * What every link endpoint calls, so that none of them forgets to count.
 */
export async function verifyLinkFrom(ip: string, token: unknown, expected: LinkPurpose | readonly LinkPurpose[]): Promise<VerifiedLink> {
  const wait = await blockedFor(ip)
  if (wait) throw new TooManyRequests(wait)
  try {
    return await verifyLink(token, expected)
  } catch (error) {
    if (error instanceof LinkError && error.suspicious) await recordFailure(ip)
    throw error
  }
}
