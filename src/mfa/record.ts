import { OTPError } from '../errors.js'
import { HASH_BYTES } from '../internal/otp.js'
import type { MFAAlgorithm } from './policy.js'

/**
 * A secret as stored: base32 in clear (`{ b32 }`), or AES-GCM encrypted (`{ kid, iv, ct }`, both base32, the tag
 * appended to the ciphertext, the user id as associated data).
 */
export type StoredSecret = { b32: string } | { kid: string; iv: string; ct: string }

/** The TOTP parameters a secret was issued with (kept with it, so a policy change never breaks an enrolled user). */
export interface SecretParams {
  secret: StoredSecret
  algorithm: MFAAlgorithm
  digits: number
  period: number
}

/** An enrollment waiting for two consecutive codes. Times in milliseconds since the Unix epoch. */
export interface PendingEnrollment extends SecretParams {
  createdAt: number
  expiresAt: number
  /** Failed confirmations so far; at the policy's cap the pending enrollment is locked. */
  attempts: number
  /** True when this enrollment will replace an active authenticator (rotation). */
  replaceActive: boolean
}

/** The confirmed authenticator of a user. Times in milliseconds since the Unix epoch. */
export interface ActiveAuthenticator extends SecretParams {
  enabledAt: number
  /** When the secret was last replaced by a rotation, or null. */
  rotatedAt: number | null
  /** The last time step accepted; only later steps are accepted (RFC 6238 §5.2). */
  lastStep: number
  /** Steps the user's clock is ahead (+) or behind (-) ours, -1 to 1; centres the login window. */
  drift: number
  /** Consecutive failed codes. */
  failures: number
  /** Codes are not checked before this time (0 = not locked). */
  lockedUntil: number
  /** Digests of the unused recovery codes: SHA-256 truncated to 128 bits, lower-case hex. */
  recovery: string[]
}

/**
 * The whole MFA state of one user: a plain JSON object, stored by an {@link MFAStore} as an opaque string.
 * `schema` is 1 for records written by this version; later versions keep reading schema 1.
 */
export interface MFARecord {
  schema: 1
  active: ActiveAuthenticator | null
  pending: PendingEnrollment | null
}

/**
 * True when `o` is a secret-holding part with integer fields `ints`, digits 6 to 10 and a period of 1 to 3600 s
 * (what the TOTP functions accept, so a damaged record is reported here, not as misuse later).
 */
function part(o: any, ints: string[]): boolean {
  const s = o?.secret
  return (
    typeof s === 'object' &&
    s !== null &&
    ((typeof s.b32 === 'string' && s.b32 !== '') || [s.kid, s.iv, s.ct].every((x) => typeof x === 'string')) &&
    Object.hasOwn(HASH_BYTES, o.algorithm) &&
    ['digits', 'period', ...ints].every((k) => Number.isSafeInteger(o[k])) &&
    o.digits > 5 &&
    o.digits < 11 &&
    o.period > 0 &&
    o.period < 3601
  )
}

/**
 * Parses and checks a stored record.
 *
 * @param data - the string an {@link MFAStore} returned
 * @returns the record
 * @throws OTPError `ERR_RECORD_INVALID` when the text is not JSON, has an unknown schema (e.g. written by a newer
 * version) or a field of the wrong type
 */
export function parseRecord(data: string): MFARecord {
  let o: any
  try {
    o = JSON.parse(data)
  } catch {}
  const a = o?.active
  const p = o?.pending
  const ok =
    o?.schema === 1 &&
    (a === null ||
      (part(a, ['enabledAt', 'lastStep', 'drift', 'failures', 'lockedUntil']) &&
        a.lastStep >= -1 &&
        a.drift * a.drift < 2 &&
        (a.rotatedAt === null || Number.isSafeInteger(a.rotatedAt)) &&
        Array.isArray(a.recovery) &&
        a.recovery.every((d: unknown) => typeof d === 'string'))) &&
    (p === null || (part(p, ['createdAt', 'expiresAt', 'attempts']) && typeof p.replaceActive === 'boolean'))
  if (!ok) {
    throw new OTPError('ERR_RECORD_INVALID', 'stored MFA record is not a valid schema-1 record (newer, or damaged)')
  }
  return o as MFARecord
}

/** An empty record: no authenticator, nothing pending. */
export function emptyRecord(): MFARecord {
  return { schema: 1, active: null, pending: null }
}
