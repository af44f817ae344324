import { describe, integerOption, OTPError } from '../errors.js'
import { MAX_PERIOD, MIN_PERIOD } from '../internal/limits.js'
import { checkAlgorithm } from '../internal/otp.js'

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
  /** Steps around now accepted for the second enrollment code (default 2 back, 1 ahead; at most 5 back, 4 ahead). */
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
  /** Authenticators a user may have, 1 to 100 (default 8, as AWS IAM); more are refused with `limit_reached`. */
  maxAuthenticators: number
  /**
   * Trusted devices kept per user, 1 to 50 (default 10); trusting one more revokes the oldest. Revoked ones are
   * remembered up to the same number, so a record holds at most 100 device entries.
   */
  maxTrustedDevices: number
  /** Lifetime of a trusted device in milliseconds, 1 minute to 400 days (default 30 days); `trustDevice.ttlMs` overrides it. */
  trustedDeviceTTLMs: number
  /** Steps each way `resync` searches around an authenticator's drift, 1 to 40 (default 10). */
  resyncWindow: number
}

/**
 * The default {@link MFAPolicy}: SHA1, 6 digits, 30 s, 20-byte secrets; enrollments live 10 minutes and accept the
 * second code 2 steps back to 1 ahead; logins accept 1 step each way around the recorded drift; 5 failures lock for
 * 30 s, doubling with each further failure up to 15 minutes; 5 confirmation attempts; 10 recovery codes; 8
 * authenticators per user; 10 trusted devices of 30 days each; resync searches 10 steps each way.
 *
 * @example
 * const mfa = createMFA({ issuer: 'Example', policy: { ...DEFAULT_POLICY, lockMaxMs: 60 * 60_000 } })
 */
export const DEFAULT_POLICY: Readonly<MFAPolicy> = /* @__PURE__ */ Object.freeze({
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  secretBytes: 20,
  enrollmentTTLMs: 600_000, // 10 minutes
  enrollmentWindow: /* @__PURE__ */ Object.freeze({ past: 2, future: 1 }),
  loginWindow: 1,
  maxFailures: 5,
  lockBaseMs: 30_000,
  lockMaxMs: 900_000, // 15 minutes
  maxEnrollmentAttempts: 5,
  recoveryCodes: 10,
  maxAuthenticators: 8,
  maxTrustedDevices: 10,
  trustedDeviceTTLMs: 2_592_000_000, // 30 days
  resyncWindow: 10,
})

// [field, min, max] of every integer field
const LIMITS: [keyof MFAPolicy, number, number][] = [
  ['digits', 6, 8],
  ['period', MIN_PERIOD, MAX_PERIOD],
  ['secretBytes', 16, 64],
  ['enrollmentTTLMs', 1000, 604_800_000], // a week
  ['loginWindow', 0, 10],
  ['maxFailures', 1, 1000],
  ['lockBaseMs', 0, 31_536_000_000], // a year
  ['lockMaxMs', 0, 31_536_000_000],
  ['maxEnrollmentAttempts', 1, 1000],
  ['recoveryCodes', 0, 100],
  ['maxAuthenticators', 1, 100],
  ['maxTrustedDevices', 1, 50],
  ['trustedDeviceTTLMs', 60_000, 34_560_000_000], // 400 days
  ['resyncWindow', 1, 40],
]

/** Throws the developer-misuse error. */
export function misuse(message: string): never {
  throw new OTPError('ERR_INVALID_OPTION', message)
}

// integerOption is the core's own option check (one message shape); undefined means the default
const int = (name: string, value: unknown, min: number, max: number, fallback: number): number =>
  integerOption(value, `policy.${name}`, min, max, fallback)

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
    misuse(`policy must be an object, got ${describe(policy)}`)
  }
  const p: MFAPolicy = { ...DEFAULT_POLICY, ...policy }
  p.algorithm = checkAlgorithm(p.algorithm)
  for (const [name, min, max] of LIMITS) (p as any)[name] = int(name, p[name], min, max, DEFAULT_POLICY[name] as number)
  const ew = p.enrollmentWindow
  if (typeof ew !== 'object' || ew === null) {
    misuse(`policy.enrollmentWindow must be { past, future }, got ${describe(ew)}`)
  }
  // both codes are matched in one verification window of past + future + 1 steps, at most 10 (MAX_WINDOW)
  p.enrollmentWindow = Object.freeze({
    past: int('enrollmentWindow.past', ew.past, 0, 5, 2),
    future: int('enrollmentWindow.future', ew.future, 0, 4, 1),
  })
  if (p.lockMaxMs < p.lockBaseMs) {
    misuse('policy.lockMaxMs must not be smaller than policy.lockBaseMs')
  }
  return Object.freeze(p)
}
