// Enrollment: begin (with a proof once the user has an authenticator), confirm with two consecutive codes.

import { likeliestFirst } from '../../internal/otp.js'
import type { ConfirmReason, EnrollReason, MFAPolicy } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import {
  type Authenticator,
  countUp,
  emptyRecord,
  isTOTP,
  MAX_ATTEMPTS_COUNT,
  type MFARecord,
  type PendingEnrollment,
  type SecretParams,
} from '../record/shapes.js'
import { type ClosedGate, type CodeGate, proofGate, refuseClosed, stepAt } from './gates.js'
import { dropRegistration } from './key-assertions.js'
import { type RepeatedConfirmation, repeatConfirmation, unsavedFor } from './recovery-codes.js'
import { refuse } from './refusal.js'
import { cancelled, registrationCancelled, securityChange } from './security-change.js'
import { type ProofEvidence, proveStepUp } from './step-up.js'
import type { NeedsRecovery, Refusal, Transition } from './types.js'
import { identityRefusal } from './verification-codes.js'

/** A first enrollment under `policy.requireIdentityProof`: it begins only on an identity proof (verification-codes.ts). */
export type IdentityGate = { identity: true }

/** A fresh secret the service generated, with its id and label, ready to become a pending enrollment. */
export interface NewSecret extends SecretParams {
  id: string
  label: string
}

/**
 * A gate for `beginEnrollment`: `limit_reached` at `maxAuthenticators`; no proof needed for a first
 * authenticator (`{ open: true }`), or, with `policy.requireIdentityProof`, an identity proof (`{ identity: true }`,
 * `locked` while the user is locked out); else as {@link proofGate}.
 */
export function enrollGate(
  record: MFARecord | null,
  hasProof: boolean,
  now: number,
  policy: MFAPolicy,
): ClosedGate<EnrollReason> | CodeGate | IdentityGate | { open: true } {
  const count = record?.authenticators.length ?? 0
  if (count >= policy.maxAuthenticators) return { reason: 'limit_reached' }
  if (count === 0 && policy.requireIdentityProof) {
    if (record && now < record.lockedUntil) return { reason: 'locked', retryAfterMs: record.lockedUntil - now }
    return { identity: true }
  }
  if (count === 0) return { open: true }
  return proofGate(record, hasProof, now, policy)
}

/**
 * The proof before adding an authenticator (an app or a security key), as an open enrollment gate asks: none for a
 * first authenticator, or a standing identity proof behind the identity gate (`identityRefusal`, with
 * `policy.requireIdentityProof`), else one checked and consumed under `policy.proofMethods.enroll`. The record to
 * build on (the proof consumed) and the proof's events, or the refusal.
 */
export function proveToAdd(
  record: MFARecord | null,
  gate: CodeGate | IdentityGate | { open: true },
  evidence: ProofEvidence | null,
  now: number,
  policy: MFAPolicy,
): { base: MFARecord; events: MFAEventDraft[] } | { refused: Transition<Refusal<EnrollReason>> } {
  const base = record ?? emptyRecord()
  if ('identity' in gate) {
    const why = identityRefusal(record, evidence, now)
    return why === null ? { base, events: [] } : { refused: refuse(why) }
  }
  if (!('candidates' in gate)) return { base, events: [] }
  const outcome = proveStepUp(base, gate, evidence, now, policy, 'enroll')
  if ('refused' in outcome) return outcome
  return { base: outcome.proved.next, events: [...outcome.proved.events] }
}

/**
 * Starts (or restarts: it replaces any pending one) an enrollment. For a user who already has authenticators the
 * proof is checked and consumed first; the pending enrollment changes nothing of theirs until confirmed. A first
 * enrollment behind an identity gate needs a standing identity proof (`identityRefusal`). A closed gate is refused
 * as is.
 */
export function begin(
  record: MFARecord | null,
  gate: ClosedGate<EnrollReason> | CodeGate | IdentityGate | { open: true },
  evidence: ProofEvidence | null,
  secret: NewSecret,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true; authenticatorId: string; expiresAt: number } | Refusal<EnrollReason>> {
  if ('reason' in gate) return refuseClosed(gate)
  const proved = proveToAdd(record, gate, evidence, now, policy)
  if ('refused' in proved) return proved.refused
  const { base, events } = proved
  const expiresAt = now + policy.enrollmentTTLMs
  const pending: PendingEnrollment = { ...secret, createdAt: now, expiresAt, attempts: 0, replaces: null }
  events.push({ type: 'enrollment_started', authenticatorId: secret.id })
  return { result: { ok: true, authenticatorId: secret.id, expiresAt }, next: { ...base, pending }, events }
}

/** Why a confirmation cannot be checked at all (nothing the user typed is looked at). */
export type ConfirmClosed = 'not_pending' | 'enrollment_expired' | 'locked' | 'enrollment_locked' | 'limit_reached'

/**
 * A confirmation can be checked: the secret to check the codes with (`holder`), and the steps code2 (step s+1) and
 * code1 (step s) may match, likeliest first. Either the pending enrollment's, or (`repeat`, nothing pending) the
 * newest authenticator's two consumed steps, to recognise the confirmation that created it submitted again.
 */
export type ConfirmGate = { second: number[]; first: number[] } & (
  | { holder: PendingEnrollment; pending: PendingEnrollment }
  | { holder: Authenticator; repeat: Authenticator }
)

/**
 * The newest authenticator, when a confirmation submitted again could be the one that created it: nothing used it
 * since (no login, no resync: `lastUsedAt` is still its creation), and its second step is still within the
 * enrollment window of now.
 */
function repeatable(record: MFARecord, now: number, policy: MFAPolicy): Authenticator | null {
  const newest = record.authenticators.at(-1)
  // a security key added last: no confirmation of an app can be the one that created it
  if (!newest || !isTOTP(newest) || newest.lastUsedAt !== newest.createdAt) return null
  const t = stepAt(now, newest.period)
  const { past, future } = policy.enrollmentWindow
  return newest.lastStep >= t - past && newest.lastStep <= t + future ? newest : null
}

/**
 * Says whether a confirmation can be checked now and over which steps: code2 is step s+1 within
 * [t - past, t + future] of the current step t, code1 is step s, one earlier. With nothing pending, only the
 * confirmation that created the newest authenticator can be checked again (its two steps exactly).
 */
export function confirmGate(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): ClosedGate<ConfirmClosed> | ConfirmGate {
  const pending = record?.pending
  if (!record || !pending) {
    const repeat = record && repeatable(record, now, policy)
    if (!repeat) return { reason: 'not_pending' }
    return { holder: repeat, repeat, second: [repeat.lastStep], first: [repeat.lastStep - 1] }
  }
  if (now >= pending.expiresAt) return { reason: 'enrollment_expired' }
  // a user locked out after failed codes cannot add a phone either (the lock is the user's, across everything)
  if (now < record.lockedUntil) return { reason: 'locked', retryAfterMs: record.lockedUntil - now }
  if (pending.attempts >= policy.maxEnrollmentAttempts) return { reason: 'enrollment_locked' }
  const kept = record.authenticators.filter((a) => a.id !== pending.replaces).length
  if (kept >= policy.maxAuthenticators) return { reason: 'limit_reached' }
  const t = stepAt(now, pending.period)
  const { past, future } = policy.enrollmentWindow
  return {
    holder: pending,
    pending,
    second: likeliestFirst(t, past, future),
    first: likeliestFirst(t, past + 1, future),
  }
}

/**
 * What the two enrollment codes are: not codes; the same code twice (not compared further); or the step each
 * matched among the gate's steps (null: none).
 */
export type ConfirmEvidence =
  | { kind: 'malformed' }
  | { kind: 'same' }
  | { kind: 'pair'; first: number | null; second: number | null }

/**
 * The result of a confirmation: the recovery codes to show (empty for a further authenticator), or, for a repeated
 * confirmation with keys, their sealed copy for the service to open.
 */
export type ConfirmSuccess = RepeatedConfirmation

/**
 * Confirms a pending enrollment with two consecutive codes, in order. `malformed` and `same_code` do not count as
 * attempts; the other refusals do, and the last allowed one locks the pending enrollment. The first authenticator
 * of a user turns MFA on and issues recovery codes (shown again until acknowledged); a further one leaves them as
 * they are. The same two codes again, once confirmed, answer as the first time (a double submit, a reload) and
 * change nothing; other codes then are `not_pending`, counted nowhere (the steps checked are spent ones).
 */
export function confirm(
  record: MFARecord | null,
  gate: ClosedGate<ConfirmClosed> | ConfirmGate,
  evidence: ConfirmEvidence | null,
  now: number,
  policy: MFAPolicy,
): Transition<Refusal<ConfirmReason> | ConfirmSuccess> | NeedsRecovery<Refusal<ConfirmReason> | ConfirmSuccess> {
  if ('reason' in gate) {
    // an expired enrollment is removed, so status and later calls see none
    if (gate.reason === 'enrollment_expired' && record)
      return refuse(gate.reason, { next: { ...record, pending: null } })
    return refuseClosed(gate)
  }
  const rec = record as MFARecord
  if ('repeat' in gate) {
    const { repeat } = gate
    const same =
      evidence?.kind === 'pair' && evidence.first === repeat.lastStep - 1 && evidence.second === repeat.lastStep
    return same ? repeatConfirmation(rec, repeat.id, now) : refuse('not_pending')
  }
  if (evidence === null || evidence.kind === 'malformed') return refuse('malformed')
  if (evidence.kind === 'same') return refuse('same_code')
  const { pending } = gate
  const { first, second } = evidence
  if (first === null || second === null || second !== first + 1) {
    const attempts = countUp(pending.attempts, MAX_ATTEMPTS_COUNT)
    const next = { ...rec, pending: { ...pending, attempts } }
    const reason =
      first !== null && second !== null ? (first === second + 1 ? 'reversed' : 'not_consecutive') : 'invalid'
    return refuse(reason, { next, locked: attempts >= policy.maxEnrollmentAttempts })
  }
  const delta = second - stepAt(now, pending.period)
  const { id, label, secret, algorithm, digits, period } = pending
  const added: Authenticator = {
    id,
    label,
    secret,
    algorithm,
    digits,
    period,
    createdAt: now,
    lastUsedAt: now,
    // the second code's step is consumed: the next login needs a newer code
    lastStep: second,
    drift: Math.abs(delta) <= 1 ? delta : 0,
  }
  const kept = rec.authenticators.filter((a) => a.id !== pending.replaces)
  const replaced = kept.length < rec.authenticators.length
  const events: MFAEventDraft[] = []
  let next: MFARecord = { ...rec, authenticators: [...kept, added], pending: null, enabledAt: rec.enabledAt ?? now }
  if (replaced) {
    // the 0.1.0 rotation removed the old authenticator: a security change (its pending enrollment is this one)
    const changed = securityChange(next, now)
    events.push(
      { type: 'authenticator_removed', authenticatorId: pending.replaces as string, kind: 'totp' },
      ...changed.events,
    )
    next = changed.next
  }
  if (kept.length > 0) {
    events.push({ type: 'authenticator_added', authenticatorId: id, kind: 'totp' })
    return { result: { ok: true, authenticatorId: id, recoveryCodes: [] }, next, events }
  }
  // the first authenticator (or the 0.1.0 rotation of the only one): MFA is on, with fresh recovery codes
  return {
    needsRecovery: (fresh) => ({
      result: { ok: true, authenticatorId: id, recoveryCodes: fresh.codes },
      next: { ...next, recovery: fresh.digests, unsaved: unsavedFor(fresh, id, now, policy) },
      events: [...events, { type: 'enrolled', authenticatorId: id, kind: 'totp' }],
    }),
  }
}

/** The pending enrollment a page may show again, with the confirmations it has left, or null (none, or expired). */
export function pendingEnrollment(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): { pending: PendingEnrollment; attemptsLeft: number } | null {
  const pending = record?.pending
  if (!pending || now >= pending.expiresAt) return null
  return { pending, attemptsLeft: Math.max(policy.maxEnrollmentAttempts - pending.attempts, 0) }
}

/**
 * Cancels what is pending (the user's choice): an app's enrollment and a security key's registration begun, each
 * removed with an `enrollment_cancelled` event. The answer names the app's pending authenticator, else the key's.
 * Expired ones are removed too but answer `not_pending`, as does a record with neither.
 */
export function cancelEnrollment(
  record: MFARecord | null,
  now: number,
): Transition<{ ok: true; authenticatorId: string } | Refusal<'not_pending'>> {
  const pending = record?.pending ?? null
  const registration = record?.webauthn?.registration ?? null
  if (!record || (!pending && !registration)) return { result: { ok: false, reason: 'not_pending' }, events: [] }
  const next = dropRegistration({ ...record, pending: null })
  // an expired one is removed without an event, as it had ended already
  const live = <T extends { expiresAt: number }>(held: T | null) => (held && now < held.expiresAt ? held : null)
  const events = [...cancelled(live(pending), 'user'), ...registrationCancelled(live(registration), 'user')]
  const first = events[0]?.authenticatorId
  if (first === undefined) return { result: { ok: false, reason: 'not_pending' }, next, events: [] }
  return { result: { ok: true, authenticatorId: first }, next, events }
}
