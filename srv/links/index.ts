import { linkSecret } from './config'

// Secure links for customers, who never log in (design §5): issue a signed, expiring, purpose-bound token for
// one document, verify it on every answer, revoke it; throttle the endpoints that accept them.

// Refuse to start without a usable secret, rather than fail at a customer's first click.
linkSecret()

export { linkSecret, linkSettings, type LinkSettings } from './config'
export { PURPOSES, type LinkPurpose } from './token-format'
export { issueLink, verifyLink, revokeLinks, LinkError, type LinkErrorCode, type IssueLinkInput, type IssuedLink, type VerifiedLink, type RevokeLinksInput } from './tokens'
export { rateLimit, clientIp, recordFailure, isBlocked, blockedFor, sendTooManyRequests, retryAfterSeconds, TooManyRequests, type RateLimitOptions } from './rate-limit'
export { verifyLinkFrom } from './guard'
