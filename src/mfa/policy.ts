// The service's rules in numbers: the default policy, the bounds of every policy field and of every per-call option
// (proof ages, device lifetimes, resync reach), and the check that merges a partial policy over the defaults. Every
// other file reads its bounds from here and writes no literal of its own.
import { describe, integerOption, misuse } from '../errors.js'
import { MAX_PERIOD, MIN_PERIOD } from '../internal/limits.js'
import { checkAlgorithm } from '../internal/otp.js'
import type { MFAPolicy, ProofChange, ProofMethod } from './api.js'

/** Default lifetime of a pending enrollment: 10 minutes. */
export const DEFAULT_ENROLLMENT_TTL_MS = 600_000
/** The longest a pending enrollment may live (a week): the bound of `policy.enrollmentTTLMs` and of stored records. */
export const MAX_ENROLLMENT_TTL_MS = 604_800_000

/** Trusted devices kept per user by default; trusting one more revokes the oldest. */
export const DEFAULT_MAX_TRUSTED_DEVICES = 10
/** The most trusted devices a policy may keep per user (and revoked ones remembered: a record holds at most twice). */
export const MAX_TRUSTED_DEVICES = 50
/** Default lifetime of a trusted device: 30 days. */
export const DEFAULT_TRUSTED_DEVICE_TTL_MS = 2_592_000_000
/** Shortest lifetime of a trusted device: 1 minute. */
export const MIN_TRUSTED_DEVICE_TTL_MS = 60_000
/** Longest lifetime of a trusted device: 400 days (what Chromium allows a cookie). */
export const MAX_TRUSTED_DEVICE_TTL_MS = 34_560_000_000

/** Steps each way a resync searches by default (10 steps of 30 s: 5 minutes). */
export const DEFAULT_RESYNC_WINDOW = 10
/** The widest resync search, and the largest drift an authenticator may have, in steps (40 of 30 s: 20 minutes). */
export const MAX_RESYNC_WINDOW = 40

/** The default `maxAgeMs` of a step-up proof: 10 minutes (Authelia's elevated-session default). */
export const DEFAULT_PROOF_MAX_AGE_MS = 600_000
/** The shortest `maxAgeMs` of a step-up proof: 1 second. */
export const MIN_PROOF_MAX_AGE_MS = 1000
/** The longest `maxAgeMs` of a step-up proof: 1 day. */
export const MAX_PROOF_MAX_AGE_MS = 86_400_000
/** How far in the future (ms) a proof's time may lie: clocks of servers sharing a store differ a little. */
export const PROOF_CLOCK_SKEW_MS = 60_000

/** Default window in which newly issued recovery codes can be shown again until acknowledged: 15 minutes. */
export const DEFAULT_UNSAVED_RECOVERY_CODES_TTL_MS = 900_000
/** The longest such window (a day): the bound of the policy field and of stored records. */
export const MAX_UNSAVED_RECOVERY_CODES_TTL_MS = 86_400_000
/** Every proof method: what a change accepts unless `policy.proofMethods` says otherwise. */
export const ALL_PROOF_METHODS: readonly ProofMethod[] = /* @__PURE__ */ Object.freeze([
  'totp',
  'recovery',
  'webauthn',
] as const)

/** Default lifetime of a sign-in challenge of a security key: 5 minutes (also the browser's timeout). */
export const DEFAULT_CHALLENGE_TTL_MS = 300_000
/** The shortest `policy.challengeTTLMs`: 10 seconds. */
export const MIN_CHALLENGE_TTL_MS = 10_000
/** The longest a challenge may live (an hour): the bound of `policy.challengeTTLMs` and of stored records. */
export const MAX_CHALLENGE_TTL_MS = 3_600_000

/** How long a record without any authenticator is kept after disable or reset (a tombstone, 1 day). */
export const TOMBSTONE_TTL_MS = 86_400_000

/** The shortest secret the service imports: 80 bits, what older systems (and Google Authenticator exports) used. */
export const MIN_IMPORT_SECRET_BYTES = 10
/** The longest secret the service imports. */
export const MAX_IMPORT_SECRET_BYTES = 1024

/**
 * The default {@link MFAPolicy}: SHA1, 6 digits, 30 s, 20-byte secrets; enrollments live 10 minutes and accept the
 * second code 2 steps back to 1 ahead; logins accept 1 step each way around the recorded drift; 5 failures lock for
 * 30 s, doubling with each further failure up to 15 minutes; 5 confirmation attempts; 10 recovery codes; 8
 * authenticators per user; 10 trusted devices of 30 days each; resync searches 10 steps each way; new recovery
 * codes can be shown again for 15 minutes until acknowledged; security keys: no change requires one, a counter that
 * did not grow is refused, sign-in challenges live 5 minutes.
 *
 * @example
 * const mfa = createMFA({ issuer: 'Example', policy: { ...DEFAULT_POLICY, lockMaxMs: 60 * 60_000 } })
 */
export const DEFAULT_POLICY: Readonly<MFAPolicy> = /* @__PURE__ */ Object.freeze({
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  secretBytes: 20,
  enrollmentTTLMs: DEFAULT_ENROLLMENT_TTL_MS,
  enrollmentWindow: /* @__PURE__ */ Object.freeze({ past: 2, future: 1 }),
  loginWindow: 1,
  maxFailures: 5,
  lockBaseMs: 30_000,
  lockMaxMs: 900_000, // 15 minutes
  maxEnrollmentAttempts: 5,
  recoveryCodes: 10,
  maxAuthenticators: 8,
  maxTrustedDevices: DEFAULT_MAX_TRUSTED_DEVICES,
  trustedDeviceTTLMs: DEFAULT_TRUSTED_DEVICE_TTL_MS,
  resyncWindow: DEFAULT_RESYNC_WINDOW,
  unsavedRecoveryCodesTTLMs: DEFAULT_UNSAVED_RECOVERY_CODES_TTL_MS,
  proofMethods: /* @__PURE__ */ Object.freeze({
    enroll: ALL_PROOF_METHODS,
    remove: ALL_PROOF_METHODS,
    regenerate: ALL_PROOF_METHODS,
    disable: ALL_PROOF_METHODS,
  }),
  requireSecurityKeyFor: /* @__PURE__ */ Object.freeze([] as ProofChange[]),
  counterRegression: 'refuse',
  challengeTTLMs: DEFAULT_CHALLENGE_TTL_MS,
})

/** The changes `policy.proofMethods` names, and the methods it may list for each. */
const PROOF_CHANGES: readonly ProofChange[] = ['enroll', 'remove', 'regenerate', 'disable']

/** Checks `policy.proofMethods` and merges it over the defaults: each change a non-empty list of known methods. */
function checkProofMethods(value: unknown): MFAPolicy['proofMethods'] {
  if (value === DEFAULT_POLICY.proofMethods) return DEFAULT_POLICY.proofMethods
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    misuse(`policy.proofMethods must be an object of method lists, got ${describe(value)}`)
  }
  const given = value as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!(PROOF_CHANGES as readonly string[]).includes(key)) {
      misuse(`policy.proofMethods may name ${PROOF_CHANGES.join(', ')} only`)
    }
  }
  const out: Partial<Record<ProofChange, readonly ProofMethod[]>> = { ...DEFAULT_POLICY.proofMethods }
  for (const change of PROOF_CHANGES) {
    const list = given[change]
    if (list === undefined) continue
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      new Set(list).size !== list.length ||
      !list.every((m) => (ALL_PROOF_METHODS as readonly unknown[]).includes(m))
    ) {
      misuse(`policy.proofMethods.${change} must be a non-empty list of distinct 'totp', 'recovery', 'webauthn'`)
    }
    out[change] = Object.freeze([...list]) as readonly ProofMethod[]
  }
  return Object.freeze(out)
}

type IntegerField = {
  [K in keyof MFAPolicy]: MFAPolicy[K] extends number ? K : never
}[keyof MFAPolicy]

// [field, min, max] of every integer field
const LIMITS: readonly [IntegerField, number, number][] = [
  ['digits', 6, 8],
  ['period', MIN_PERIOD, MAX_PERIOD],
  ['secretBytes', 16, 64],
  ['enrollmentTTLMs', 1000, MAX_ENROLLMENT_TTL_MS],
  ['loginWindow', 0, 10],
  ['maxFailures', 1, 1000],
  ['lockBaseMs', 0, 31_536_000_000], // a year
  ['lockMaxMs', 0, 31_536_000_000],
  ['maxEnrollmentAttempts', 1, 1000],
  ['recoveryCodes', 0, 100],
  ['maxAuthenticators', 1, 100],
  ['maxTrustedDevices', 1, MAX_TRUSTED_DEVICES],
  ['trustedDeviceTTLMs', MIN_TRUSTED_DEVICE_TTL_MS, MAX_TRUSTED_DEVICE_TTL_MS],
  ['resyncWindow', 1, MAX_RESYNC_WINDOW],
  ['unsavedRecoveryCodesTTLMs', 0, MAX_UNSAVED_RECOVERY_CODES_TTL_MS],
  ['challengeTTLMs', MIN_CHALLENGE_TTL_MS, MAX_CHALLENGE_TTL_MS],
]

/** Checks `policy.requireSecurityKeyFor`: a list of distinct changes. */
function checkChanges(value: unknown): readonly ProofChange[] {
  if (value === DEFAULT_POLICY.requireSecurityKeyFor) return DEFAULT_POLICY.requireSecurityKeyFor
  if (
    !Array.isArray(value) ||
    new Set(value).size !== value.length ||
    !value.every((c) => (PROOF_CHANGES as readonly unknown[]).includes(c))
  ) {
    misuse(`policy.requireSecurityKeyFor must be a list of distinct ${PROOF_CHANGES.join(', ')}`)
  }
  return Object.freeze([...value]) as readonly ProofChange[]
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
  for (const [name, min, max] of LIMITS) p[name] = int(name, p[name], min, max, DEFAULT_POLICY[name])
  const ew = p.enrollmentWindow
  if (typeof ew !== 'object' || ew === null) {
    misuse(`policy.enrollmentWindow must be { past, future }, got ${describe(ew)}`)
  }
  // both codes are matched in one verification window of past + future + 1 steps, at most 10 (MAX_WINDOW)
  p.enrollmentWindow = Object.freeze({
    past: int('enrollmentWindow.past', ew.past, 0, 5, 2),
    future: int('enrollmentWindow.future', ew.future, 0, 4, 1),
  })
  p.proofMethods = checkProofMethods(p.proofMethods)
  p.requireSecurityKeyFor = checkChanges(p.requireSecurityKeyFor)
  if (p.counterRegression !== 'refuse' && p.counterRegression !== 'report') {
    misuse(`policy.counterRegression must be 'refuse' or 'report', got ${describe(p.counterRegression)}`)
  }
  if (p.lockMaxMs < p.lockBaseMs) {
    misuse('policy.lockMaxMs must not be smaller than policy.lockBaseMs')
  }
  return Object.freeze(p)
}
