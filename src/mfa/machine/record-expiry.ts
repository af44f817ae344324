// What the store may forget, and when: what every write drops from a record, and when a record without an
// authenticator expires.
import type { MFAPolicy } from '../api.js'
import { MAX_ENROLLMENT_TTL_MS, TOMBSTONE_TTL_MS, VERIFICATION_SEND_WINDOW_MS } from '../policy.js'
import type { MFARecord } from '../record/shapes.js'
import { pruneKeyState } from './key-assertions.js'
import { forgetStaleCodes } from './verification-codes.js'

/**
 * A record as it is written: unsaved recovery codes past their window are dropped (so their sealed copy leaves the
 * store), so is what has expired of the WebAuthn state, and of the verification-code state what no limit needs.
 */
export function forgetStale(record: MFARecord, now: number): MFARecord {
  const kept = forgetStaleCodes(pruneKeyState(record, now), now)
  return kept.unsaved && now >= kept.unsaved.expiresAt ? { ...kept, unsaved: null } : kept
}

/**
 * True when the record holds nothing a user would lose (no authenticator, nothing pending) and nothing a limit
 * needs (no verification code, no recent send).
 */
export function isEmpty(record: MFARecord): boolean {
  return (
    record.authenticators.length === 0 &&
    record.pending === null &&
    !record.webauthn?.registration &&
    record.verification === undefined
  )
}

/**
 * How long the store may keep a record (ms), or undefined for ever. Only a record without an authenticator may
 * expire: a tombstone after a day, a pending enrollment one TTL after it did (a late confirmation still hears
 * `expired` rather than `not_pending`), never later than the longest enrollment a policy allows, whatever the
 * clock did. A record holding verification-code state lives at least until that state would be forgotten (an hour
 * after its last send: past the hourly limit and any code's life) and past the user's lock, so neither a limit nor
 * a lock expires with it.
 */
export function expiry(record: MFARecord, now: number, policy: MFAPolicy): number | undefined {
  if (record.authenticators.length > 0) return undefined
  // what is pending: an app's enrollment, a security key's registration (the later one when both)
  const ends = Math.max(record.pending?.expiresAt ?? -1, record.webauthn?.registration?.expiresAt ?? -1)
  const ttl =
    ends < 0 ? TOMBSTONE_TTL_MS : Math.min(Math.max(ends - now, 0), MAX_ENROLLMENT_TTL_MS) + policy.enrollmentTTLMs
  // verification codes: the hourly limit needs the sends of the last hour, and the lock must outlive the record
  const codes = record.verification
  if (!codes) return ttl
  const lastSent = Math.max(codes.sent.at(-1) ?? 0, codes.code?.sentAt ?? 0)
  return Math.max(ttl, lastSent + VERIFICATION_SEND_WINDOW_MS - now, record.lockedUntil - now)
}
