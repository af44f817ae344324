// The MFA state machine: pure functions from (record, input, now) to (result, record to write, events).
// No I/O, no clock, no randomness, no crypto: the service computes the evidence (which steps a code matches, the
// digest of a recovery code, fresh secrets and recovery digests) and this file decides what it means.
import { OTPError } from '../errors.js'
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

/** What the two enrollment codes match, computed by the service over the steps {@link confirmGate} asked for. */
export type ConfirmEvidence =
  | { kind: 'malformed' }
  | { kind: 'same_code' }
  | { kind: 'steps'; first: readonly number[]; second: readonly number[] }

/**
 * What a typed code is: a TOTP code and the step it matched after the last accepted one (null: none), a TOTP code
 * that matched only the last accepted step or earlier ones (`replayed`), or the digest of a recovery code.
 */
export type CodeEvidence =
  | { kind: 'malformed' }
  | { kind: 'totp'; step: number | null }
  | { kind: 'replayed' }
  | { kind: 'recovery'; digest: string }

export type CodeOperation = 'verify' | 'disable' | 'regenerate'

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
  if (active !== null && !replaceActive) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      'the user already has an active authenticator; pass { replaceActive: true } to rotate it',
    )
  }
  const expiresAt = now + policy.enrollmentTTLMs
  const pending: PendingEnrollment = {
    ...params,
    createdAt: now,
    expiresAt,
    attempts: 0,
    replaceActive: active !== null,
  }
  return {
    result: { expiresAt },
    next: { schema: 1, active, pending },
    events: [{ type: 'enrollment_started', rotated: active !== null }],
  }
}

/**
 * Says whether a confirmation can be checked now and, if so, over which steps the service must match both codes.
 */
export function confirmGate(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): { reason: 'not_pending' | 'expired' | 'locked' } | { pending: PendingEnrollment; from: number; to: number } {
  const pending = record?.pending ?? null
  if (pending === null) return { reason: 'not_pending' }
  if (now >= pending.expiresAt) return { reason: 'expired' }
  if (pending.attempts >= policy.maxEnrollmentAttempts) return { reason: 'locked' }
  const t = stepAt(now, pending.period)
  // code2 is step s+1 within [t - past, t + future]; code1 is step s, one earlier
  return { pending, from: t - policy.enrollmentWindow.past - 1, to: t + policy.enrollmentWindow.future }
}

/**
 * Confirms a pending enrollment with two consecutive codes.
 *
 * @param recovery - digests of the fresh recovery codes, stored on success
 */
export function confirm(
  record: MFARecord | null,
  evidence: ConfirmEvidence,
  recovery: readonly string[],
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true } | { ok: false; reason: ConfirmReason }> {
  const gate = confirmGate(record, now, policy)
  if ('reason' in gate) {
    const t: Transition<{ ok: false; reason: ConfirmReason }> = {
      result: { ok: false, reason: gate.reason },
      events: [{ type: 'failed', reason: gate.reason }],
    }
    if (gate.reason === 'expired') t.next = { ...(record as MFARecord), pending: null }
    return t
  }
  const rec = record as MFARecord
  const { pending } = gate
  const t = stepAt(now, pending.period)
  const refuse = (reason: ConfirmReason, counts: boolean): Transition<{ ok: false; reason: ConfirmReason }> => {
    const events: MFAEventDraft[] = [{ type: 'failed', reason }]
    if (!counts) return { result: { ok: false, reason }, events }
    const attempts = pending.attempts + 1
    if (attempts >= policy.maxEnrollmentAttempts) events.push({ type: 'locked' })
    return {
      result: { ok: false, reason },
      next: { ...rec, pending: { ...pending, attempts } },
      events,
    }
  }
  if (evidence.kind === 'malformed') return refuse('malformed', false)
  if (evidence.kind === 'same_code') return refuse('same_code', false)
  const { first, second } = evidence
  let s: number | null = null
  for (const a of first) {
    const b = a + 1
    const inWindow = b >= t - policy.enrollmentWindow.past && b <= t + policy.enrollmentWindow.future
    if (inWindow && second.includes(b) && (s === null || a > s)) s = a
  }
  if (s === null) {
    if (second.some((b) => first.includes(b + 1))) return refuse('reversed', true)
    if (first.length > 0 && second.length > 0) return refuse('not_consecutive', true)
    return refuse('invalid', true)
  }
  const step = s + 1
  const previous = rec.active
  const active: ActiveAuthenticator = {
    secret: pending.secret,
    algorithm: pending.algorithm,
    digits: pending.digits,
    period: pending.period,
    enabledAt: previous?.enabledAt ?? now,
    rotatedAt: previous ? now : null,
    lastStep: step,
    drift: Math.abs(step - t) <= 1 ? step - t : 0,
    failures: 0,
    lockedUntil: 0,
    recovery: [...recovery],
  }
  return {
    result: { ok: true },
    next: { schema: 1, active, pending: null },
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
  const active = record?.active ?? null
  if (active === null) return { reason: 'not_enrolled' }
  if (now < active.lockedUntil) return { reason: 'locked', retryAfterMs: active.lockedUntil - now }
  const timestamp = now + active.drift * active.period * 1000
  return { active, timestamp, window: policy.loginWindow, afterStep: active.lastStep }
}

/** Compares two digests without an early exit on the first differing character (their length is public). */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Checks a typed code for `verify`, `disable` or `regenerate` and applies replay protection, throttling, drift,
 * and the operation's effect.
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
): Transition<{ ok: true; method: 'totp' | 'recovery' } | { ok: false; reason: CodeReason; retryAfterMs?: number }> {
  const gate = codeGate(record, now, policy)
  if ('reason' in gate) {
    const result =
      gate.reason === 'locked'
        ? { ok: false as const, reason: gate.reason, retryAfterMs: gate.retryAfterMs }
        : { ok: false as const, reason: gate.reason }
    return { result, events: [{ type: 'failed', reason: gate.reason }] }
  }
  const rec = record as MFARecord
  const { active } = gate
  if (evidence.kind === 'malformed') {
    return {
      result: { ok: false, reason: 'malformed' },
      events: [{ type: 'failed', reason: 'malformed' }],
    }
  }

  let matched: { method: 'totp'; step: number } | { method: 'recovery'; index: number } | null = null
  const replayed =
    evidence.kind === 'replayed' ||
    (evidence.kind === 'totp' && evidence.step !== null && evidence.step <= active.lastStep)
  if (replayed) {
    return {
      result: { ok: false, reason: 'replayed' },
      events: [{ type: 'replay_rejected', reason: 'replayed' }],
    }
  }
  if (evidence.kind === 'totp' && evidence.step !== null) {
    const centre = stepAt(gate.timestamp, active.period)
    if (Math.abs(evidence.step - centre) <= gate.window) matched = { method: 'totp', step: evidence.step }
  } else if (evidence.kind === 'recovery' && operation === 'verify') {
    let index = -1
    active.recovery.forEach((digest, i) => {
      if (sameDigest(digest, evidence.digest) && index < 0) index = i
    })
    if (index >= 0) matched = { method: 'recovery', index }
  }

  if (matched === null) {
    const failures = active.failures + 1
    const events: MFAEventDraft[] = [{ type: 'failed', reason: 'invalid' }]
    if (failures < policy.maxFailures) {
      return {
        result: { ok: false, reason: 'invalid' },
        next: { ...rec, active: { ...active, failures } },
        events,
      }
    }
    // Each failure past the limit doubles the lock, up to the cap.
    const retryAfterMs = Math.min(policy.lockBaseMs * 2 ** (failures - policy.maxFailures), policy.lockMaxMs)
    events.push({ type: 'locked', retryAfterMs })
    const next = { ...active, failures, lockedUntil: now + retryAfterMs }
    return {
      result: { ok: false, reason: 'invalid', retryAfterMs },
      next: { ...rec, active: next },
      events,
    }
  }

  let next: ActiveAuthenticator = { ...active, failures: 0, lockedUntil: 0 }
  const events: MFAEventDraft[] = []
  if (matched.method === 'totp') {
    const delta = matched.step - stepAt(now, active.period)
    next.lastStep = matched.step
    // Only a small, plausible drift is remembered (the window itself may reach further).
    if (Math.abs(delta) <= 1) next.drift = delta
  } else {
    next.recovery = active.recovery.filter((_, i) => i !== matched.index)
  }
  const method = matched.method
  if (operation === 'disable') {
    return {
      result: { ok: true, method },
      next: null,
      events: [{ type: 'disabled', method }],
    }
  }
  if (operation === 'regenerate') {
    next = { ...next, recovery: [...recovery] }
    events.push({ type: 'recovery_regenerated', recoveryCodesLeft: recovery.length })
  } else {
    events.push({ type: 'verified', method })
    if (method === 'recovery') {
      events.push({ type: 'recovery_used', method, recoveryCodesLeft: next.recovery.length })
    }
  }
  return { result: { ok: true, method }, next: { ...rec, active: next }, events }
}

/** The support path: removes everything, no code needed. */
export function reset(actor: string, reason: string): Transition<{ ok: true }> {
  return {
    result: { ok: true },
    next: null,
    events: [{ type: 'reset', actor, reason }],
  }
}
