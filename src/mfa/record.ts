import { OTPError } from '../errors.js'
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
  /** Lower-case hex SHA-256 digests of the unused recovery codes. */
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

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)
const isStr = (v: unknown): v is string => typeof v === 'string'

function badRecord(detail: string): never {
  throw new OTPError('ERR_RECORD_INVALID', `stored MFA record is not readable: ${detail}`)
}

function checkSecretParams(o: any, where: string): void {
  if (typeof o !== 'object' || o === null) badRecord(`${where} is not an object`)
  const s = o.secret
  const okSecret = typeof s === 'object' && s !== null && (isStr(s.b32) || (isStr(s.kid) && isStr(s.iv) && isStr(s.ct)))
  if (!okSecret) badRecord(`${where}.secret has an unknown shape`)
  if (o.algorithm !== 'SHA1' && o.algorithm !== 'SHA256' && o.algorithm !== 'SHA512') {
    badRecord(`${where}.algorithm is unknown`)
  }
  if (!isInt(o.digits) || !isInt(o.period)) badRecord(`${where}.digits or period is not an integer`)
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
  } catch (error) {
    throw new OTPError('ERR_RECORD_INVALID', 'stored MFA record is not JSON', { cause: error })
  }
  if (typeof o !== 'object' || o === null) badRecord('not an object')
  if (o.schema !== 1) badRecord(`schema ${typeof o.schema === 'number' ? o.schema : '?'} is not supported (expected 1)`)
  if (o.active === undefined || o.pending === undefined) badRecord('active or pending is missing')
  if (o.active !== null) {
    checkSecretParams(o.active, 'active')
    const a = o.active
    const ints = [a.enabledAt, a.lastStep, a.drift, a.failures, a.lockedUntil]
    if (!ints.every(isInt) || !(a.rotatedAt === null || isInt(a.rotatedAt))) badRecord('active has a bad number')
    if (!Array.isArray(a.recovery) || !a.recovery.every(isStr)) badRecord('active.recovery is not a string array')
  }
  if (o.pending !== null) {
    checkSecretParams(o.pending, 'pending')
    const p = o.pending
    if (![p.createdAt, p.expiresAt, p.attempts].every(isInt) || typeof p.replaceActive !== 'boolean') {
      badRecord('pending has a bad field')
    }
  }
  return o as MFARecord
}

/** An empty record: no authenticator, nothing pending. */
export function emptyRecord(): MFARecord {
  return { schema: 1, active: null, pending: null }
}
