import { describe, OTPError } from '../errors.js'

/** Hash algorithm of a TOTP secret, spelled as in otpauth:// URIs. */
export type MFAAlgorithm = 'SHA1' | 'SHA256' | 'SHA512'

/**
 * The rules an MFA service enforces. Every field has a default (see {@link DEFAULT_POLICY}); pass only what you change.
 *
 * @example
 * const mfa = createMFA({ store, issuer: 'Example Cloud', policy: { maxFailures: 3, lockMaxMs: 60 * 60_000 } })
 */
export interface MFAPolicy {
  /** HMAC algorithm of new secrets (default `'SHA1'`: the only one every authenticator app supports). */
  algorithm: MFAAlgorithm
  /** Digits per code, 6 to 8 (default 6). */
  digits: number
  /** Time step in seconds (default 30). */
  period: number
  /** Length of new secrets in bytes, 16 to 64 (default 20, RFC 4226 §4 recommends 20). */
  secretBytes: number
  /** How long a pending enrollment may be confirmed, in milliseconds (default 10 minutes). */
  enrollmentTTLMs: number
  /** Steps around now accepted for the second enrollment code (default 2 back, 1 ahead). */
  enrollmentWindow: { past: number; future: number }
  /** Steps each way accepted at login, centred on the recorded drift (default 1). */
  loginWindow: number
  /** Consecutive failed codes before the user is locked (default 5). */
  maxFailures: number
  /** First lock duration in milliseconds; each further failure doubles it (default 30 s). */
  lockBaseMs: number
  /** Longest lock in milliseconds (default 15 minutes). */
  lockMaxMs: number
  /** Failed confirmations before a pending enrollment is locked until it expires or is begun again (default 5). */
  maxEnrollmentAttempts: number
  /** Recovery codes issued at activation and on regeneration (default 10). */
  recoveryCodes: number
}

/** The default {@link MFAPolicy}. */
export const DEFAULT_POLICY: Readonly<MFAPolicy> = Object.freeze({
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  secretBytes: 20,
  enrollmentTTLMs: 10 * 60_000,
  enrollmentWindow: Object.freeze({ past: 2, future: 1 }),
  loginWindow: 1,
  maxFailures: 5,
  lockBaseMs: 30_000,
  lockMaxMs: 15 * 60_000,
  maxEnrollmentAttempts: 5,
  recoveryCodes: 10,
})

function int(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `policy.${name} must be an integer from ${min} to ${max}, got ${describe(value)}`,
    )
  }
  return value
}

/**
 * Merges a partial policy over the defaults and validates every field.
 *
 * @param policy - the fields to change
 * @returns a complete, frozen policy
 * @throws OTPError `ERR_INVALID_OPTION` when a field has the wrong type or is out of range
 */
export function resolvePolicy(policy: Partial<MFAPolicy> | undefined): Readonly<MFAPolicy> {
  if (policy === undefined) return DEFAULT_POLICY
  if (typeof policy !== 'object' || policy === null) {
    throw new OTPError('ERR_INVALID_OPTION', `policy must be an object, got ${describe(policy)}`)
  }
  const p = { ...DEFAULT_POLICY, ...policy }
  if (p.algorithm !== 'SHA1' && p.algorithm !== 'SHA256' && p.algorithm !== 'SHA512') {
    throw new OTPError('ERR_INVALID_OPTION', `policy.algorithm must be 'SHA1', 'SHA256' or 'SHA512'`)
  }
  const ew = p.enrollmentWindow
  if (typeof ew !== 'object' || ew === null) {
    throw new OTPError('ERR_INVALID_OPTION', `policy.enrollmentWindow must be { past, future }, got ${describe(ew)}`)
  }
  const resolved: MFAPolicy = {
    algorithm: p.algorithm,
    digits: int('digits', p.digits, 6, 8),
    period: int('period', p.period, 1, 3600),
    secretBytes: int('secretBytes', p.secretBytes, 16, 64),
    enrollmentTTLMs: int('enrollmentTTLMs', p.enrollmentTTLMs, 1000, 7 * 24 * 3600_000),
    enrollmentWindow: Object.freeze({
      past: int('enrollmentWindow.past', ew.past, 0, 10),
      future: int('enrollmentWindow.future', ew.future, 0, 10),
    }),
    loginWindow: int('loginWindow', p.loginWindow, 0, 10),
    maxFailures: int('maxFailures', p.maxFailures, 1, 1000),
    lockBaseMs: int('lockBaseMs', p.lockBaseMs, 0, 365 * 24 * 3600_000),
    lockMaxMs: int('lockMaxMs', p.lockMaxMs, 0, 365 * 24 * 3600_000),
    maxEnrollmentAttempts: int('maxEnrollmentAttempts', p.maxEnrollmentAttempts, 1, 1000),
    recoveryCodes: int('recoveryCodes', p.recoveryCodes, 0, 100),
  }
  if (resolved.lockMaxMs < resolved.lockBaseMs) {
    throw new OTPError('ERR_INVALID_OPTION', 'policy.lockMaxMs must not be smaller than policy.lockBaseMs')
  }
  return Object.freeze(resolved)
}
