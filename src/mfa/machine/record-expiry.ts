// What the store may forget, and when: only a record without an authenticator expires.
import type { MFAPolicy } from '../api.js'
import { MAX_ENROLLMENT_TTL_MS, TOMBSTONE_TTL_MS } from '../policy.js'
import type { MFARecord } from '../record/shapes.js'

/** True when the record holds nothing a user would lose (no authenticator, nothing pending). */
export function isEmpty(record: MFARecord): boolean {
  return record.authenticators.length === 0 && record.pending === null && !record.webauthn?.registration
}

/**
 * How long the store may keep a record (ms), or undefined for ever. Only a record without an authenticator may
 * expire: a tombstone after a day, a pending enrollment one TTL after it did (a late confirmation still hears
 * `expired` rather than `not_pending`), never later than the longest enrollment a policy allows, whatever the
 * clock did.
 */
export function expiry(record: MFARecord, now: number, policy: MFAPolicy): number | undefined {
  if (record.authenticators.length > 0) return undefined
  // what is pending: an app's enrollment, a security key's registration (the later one when both)
  const ends = Math.max(record.pending?.expiresAt ?? -1, record.webauthn?.registration?.expiresAt ?? -1)
  if (ends < 0) return TOMBSTONE_TTL_MS
  const left = Math.min(Math.max(ends - now, 0), MAX_ENROLLMENT_TTL_MS)
  return left + policy.enrollmentTTLMs
}
