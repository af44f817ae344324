// The MFA state machine: pure functions from (record, input, now) to (result, record to write, events).
// No I/O, no clock, no randomness, no crypto: the service computes the evidence (which steps a code matches, the
// digest of a recovery code, fresh secrets and recovery digests) and this file decides what it means.
import { OTPError } from '../errors.js'
import { timingSafeEqualString } from '../internal/bytes.js'
import type { MFAEventDraft } from './events.js'
import type { MFAPolicy } from './policy.js'
import type { ActiveAuthenticator, MFARecord, PendingEnrollment, SecretParams } from './record.js'

/** Why `confirmEnrollment` refused. */
export type ConfirmReason =
  | 'malformed'
  | 'same_code'
  | 'reversed'
  | 'not_consecutive'
  | 'invalid'
  | 'expired'
  | 'locked'
  | 'not_pending'

/** Why `verify`, `disable` or `regenerateRecoveryCodes` refused. */
export type CodeReason = 'malformed' | 'invalid' | 'replayed' | 'locked' | 'not_enrolled'

/**
 * The outcome of one transition: the result for the caller, what to store (`next`: absent = keep the record as it
 * is, null = remove everything, a record = write it), and the events.
 */
export interface Transition<R> {
  result: R
  next?: MFARecord | null
  events: MFAEventDraft[]
}

/**
 * What the two enrollment codes match, computed by the service over the steps {@link confirmGate} allows: why they
 * could not be checked, or the step each code matched (null: none; the oldest one if several).
 */
export type ConfirmEvidence = 'malformed' | 'same_code' | [first: number | null, second: number | null]

/**
 * What a typed code is: a TOTP code and the step it matched after the last accepted one (null: none), a TOTP code
 * that matched only the last accepted step or earlier ones (`'replayed'`), the digest of a recovery code, or
 * `'malformed'`.
 */
export type CodeEvidence = 'malformed' | 'replayed' | { step: number | null } | { digest: string }

export type CodeOperation = 'verify' | 'disable' | 'regenerate'

type Refusal<Reason> = { ok: false; reason: Reason; retryAfterMs?: number }

/** A refusal: the result, its event(s), and the record to write if the refusal changes it (e.g. a failure count). */
function refuse<Reason extends string>(
  reason: Reason,
  next?: MFARecord,
  locked?: { retryAfterMs?: number },
): Transition<Refusal<Reason>> {
  const events: MFAEventDraft[] = [{ type: reason === 'replayed' ? 'replay_rejected' : 'failed', reason }]
  const t: Transition<Refusal<Reason>> = { result: { ok: false, reason }, events }
  if (next) t.next = next
  if (locked) {
    events.push({ type: 'locked', ...locked })
    Object.assign(t.result, locked)
  }
  return t
}

/** The RFC 6238 time step containing `now` (ms). */
export function stepAt(now: number, period: number): number {
  return Math.floor(now / 1000 / period)
}

/**
 * Starts (or restarts) an enrollment with a secret the service generated.
 *
 * @throws OTPError `ERR_INVALID_OPTION` when the user already has an active authenticator and `replaceActive` is
 * not set: rotating is an explicit operation
 */
export function begin(
  record: MFARecord | null,
  params: SecretParams,
  replaceActive: boolean,
  now: number,
  policy: MFAPolicy,
): Transition<{ expiresAt: number }> {
  const active = record?.active ?? null
  if (active && !replaceActive) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      'the user already has an active authenticator; pass { replaceActive: true } to rotate it',
    )
  }
  const expiresAt = now + policy.enrollmentTTLMs
  const rotated = active !== null
  return {
    result: { expiresAt },
    next: { schema: 1, active, pending: { ...params, createdAt: now, expiresAt, attempts: 0, replaceActive: rotated } },
    events: [{ type: 'enrollment_started', rotated }],
  }
}

/**
 * Says whether a confirmation can be checked now and, if so, over which steps the service must match both codes:
 * code2 is step s+1 within [t - past, t + future] of the current step t, code1 is step s, one earlier.
 */
export function confirmGate(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): { reason: 'not_pending' | 'expired' | 'locked' } | { pending: PendingEnrollment; from: number; to: number } {
  const pending = record?.pending
  if (!pending) return { reason: 'not_pending' }
  if (now >= pending.expiresAt) return { reason: 'expired' }
  if (pending.attempts >= policy.maxEnrollmentAttempts) return { reason: 'locked' }
  const t = stepAt(now, pending.period)
  return { pending, from: t - policy.enrollmentWindow.past - 1, to: t + policy.enrollmentWindow.future }
}

/**
 * Confirms a pending enrollment with two consecutive codes. `malformed` and `same_code` do not count as attempts;
 * the other refusals do, and the last allowed one locks the pending enrollment.
 *
 * @param recovery - digests of the fresh recovery codes, stored on success
 */
export function confirm(
  record: MFARecord | null,
  evidence: ConfirmEvidence,
  recovery: readonly string[],
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true } | Refusal<ConfirmReason>> {
  const gate = confirmGate(record, now, policy)
  const rec = record as MFARecord
  if ('reason' in gate) {
    // an expired enrollment is removed, so status and later calls see none
    return refuse(gate.reason, gate.reason === 'expired' ? { ...rec, pending: null } : undefined)
  }
  if (typeof evidence === 'string') return refuse(evidence)
  const { pending, from } = gate
  const [first, second] = evidence
  if (first === null || second !== first + 1 || second <= from) {
    const attempts = pending.attempts + 1
    const next = { ...rec, pending: { ...pending, attempts } }
    const reason =
      first !== null && second !== null ? (first === second + 1 ? 'reversed' : 'not_consecutive') : 'invalid'
    return refuse(reason, next, attempts >= policy.maxEnrollmentAttempts ? {} : undefined)
  }
  const previous = rec.active
  const delta = second - stepAt(now, pending.period)
  const { secret, algorithm, digits, period } = pending
  return {
    result: { ok: true },
    next: {
      schema: 1,
      active: {
        secret,
        algorithm,
        digits,
        period,
        enabledAt: previous?.enabledAt ?? now,
        rotatedAt: previous ? now : null,
        // the second code's step is consumed: the next login needs a newer code
        lastStep: second,
        drift: Math.abs(delta) <= 1 ? delta : 0,
        failures: 0,
        lockedUntil: 0,
        recovery: [...recovery],
      },
      pending: null,
    },
    events: [{ type: 'enrolled', rotated: previous !== null }],
  }
}

/**
 * Says whether a code can be checked now and, if so, the verification parameters: the timestamp (ms) at the centre
 * of the window (now shifted by the recorded drift), the window in steps each way, and the last accepted step.
 */
export function codeGate(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
):
  | { reason: 'not_enrolled' }
  | { reason: 'locked'; retryAfterMs: number }
  | { active: ActiveAuthenticator; timestamp: number; window: number; afterStep: number } {
  const active = record?.active
  if (!active) return { reason: 'not_enrolled' }
  if (now < active.lockedUntil) return { reason: 'locked', retryAfterMs: active.lockedUntil - now }
  return {
    active,
    timestamp: now + active.drift * active.period * 1000,
    window: policy.loginWindow,
    afterStep: active.lastStep,
  }
}

/**
 * Checks a typed code for `verify`, `disable` or `regenerate` and applies replay protection, throttling, drift,
 * and the operation's effect. Locked users' codes are not looked at; malformed input and replays do not count as
 * failures; every other failure does, and from `maxFailures` on each one locks for twice as long as the last.
 *
 * @param recovery - for `regenerate`: digests of the new recovery codes
 */
export function useCode(
  record: MFARecord | null,
  operation: CodeOperation,
  evidence: CodeEvidence,
  recovery: readonly string[],
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true; method: 'totp' | 'recovery' } | Refusal<CodeReason>> {
  const gate = codeGate(record, now, policy)
  if ('reason' in gate) {
    const t = refuse(gate.reason)
    if (gate.reason === 'locked') t.result.retryAfterMs = gate.retryAfterMs
    return t
  }
  const rec = record as MFARecord
  const { active } = gate
  if (typeof evidence === 'string') return refuse(evidence)
  let step: number | null = null
  let index = -1
  if ('step' in evidence) {
    step = evidence.step
    if (step !== null && step <= active.lastStep) return refuse('replayed')
    if (step !== null && Math.abs(step - stepAt(gate.timestamp, active.period)) > gate.window) step = null
  } else if (operation === 'verify') {
    // every digest is compared, so the time taken does not say which one matched
    active.recovery.forEach((digest, i) => {
      if (timingSafeEqualString(digest, evidence.digest) && index < 0) index = i
    })
  }

  if (step === null && index < 0) {
    const failures = active.failures + 1
    const over = failures - policy.maxFailures
    // || 0: a lockBaseMs of 0 times 2 ** over (Infinity past 1023) is NaN, which would corrupt the stored record
    const retryAfterMs = Math.min(policy.lockBaseMs * 2 ** over, policy.lockMaxMs) || 0
    const lockedUntil = over >= 0 ? now + retryAfterMs : 0
    return refuse(
      'invalid',
      { ...rec, active: { ...active, failures, lockedUntil } },
      over >= 0 ? { retryAfterMs } : undefined,
    )
  }

  const next: ActiveAuthenticator = { ...active, failures: 0, lockedUntil: 0 }
  const method = step === null ? 'recovery' : 'totp'
  const events: MFAEventDraft[] = []
  if (step !== null) {
    const delta = step - stepAt(now, active.period)
    next.lastStep = step
    // Only a small, plausible drift is remembered (the window itself may reach further).
    if (Math.abs(delta) <= 1) next.drift = delta
  } else {
    next.recovery = active.recovery.filter((_, i) => i !== index)
  }
  if (operation === 'disable')
    return { result: { ok: true, method }, next: null, events: [{ type: 'disabled', method }] }
  if (operation === 'regenerate') {
    next.recovery = [...recovery]
    events.push({ type: 'recovery_regenerated', recoveryCodesLeft: recovery.length })
  } else {
    events.push({ type: 'verified', method })
    if (step === null) events.push({ type: 'recovery_used', method, recoveryCodesLeft: next.recovery.length })
  }
  return { result: { ok: true, method }, next: { ...rec, active: next }, events }
}

/** The support path: removes everything, no code needed. */
export function reset(actor: string, reason: string): Transition<{ ok: true }> {
  return { result: { ok: true }, next: null, events: [{ type: 'reset', actor, reason }] }
}
