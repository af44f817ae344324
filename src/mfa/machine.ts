// The MFA state machine: every product rule, as pure functions of (record, gate, evidence, now, policy).
// No I/O, no clock, no randomness, no crypto. A gate says whether an operation can be checked now and what the
// evidence side must compute (which steps of which authenticator); the evidence says what the user's input is;
// the functions here decide what it means and return the result, the record to write and the events.
import { timingSafeEqualString } from '../internal/bytes.js'
import {
  type DeviceReason,
  listDevices,
  revokeAllDevices,
  revokeDevice,
  type TrustedDeviceInfo,
  trustDevice,
  useDevice,
} from './device.js'
import type { MFAEventDraft } from './events.js'
import type { MFAPolicy } from './policy.js'
import { decideProof, type OpenedProof } from './proof.js'
import {
  type Authenticator,
  DEFAULT_LABEL,
  emptyRecord,
  MAX_ENROLLMENT_TTL_MS,
  type MFARecord,
  type PendingEnrollment,
  type RecoveryDigests,
  type SecretParams,
} from './record.js'
import { decideResync, type ResyncEvidence, type ResyncReason, resyncGate } from './resync.js'

/** Why `verify`, or a proof for another operation, was refused. */
export type CodeReason = 'malformed' | 'invalid' | 'replayed' | 'locked' | 'not_enrolled'
/** Why a step-up proof given instead of a code was refused: too old, or voided by a change since. */
export type StepUpReason = 'expired' | 'revoked'
/**
 * Why an operation that needs a proof was refused: the code reasons, no proof given, or a step-up proof that is
 * too old or voided (`invalid` also covers a proof that is not genuine).
 */
export type ProofReason = CodeReason | StepUpReason | 'proof_required'
/** Why `beginEnrollment` refused. */
export type EnrollReason = ProofReason | 'limit_reached'
/** Why `removeAuthenticator` refused. */
export type RemoveReason = ProofReason | 'not_found'
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
  | 'limit_reached'

/** A refusal; `retryAfterMs` (ms) is set when the user is or just became locked. */
export type Refusal<Reason extends string> = { ok: false; reason: Reason; retryAfterMs?: number }

/**
 * The outcome of one transition: the result for the caller, the record to write (absent: keep the stored one as
 * it is), and the events to emit once the write has committed.
 */
export interface Transition<R> {
  result: R
  next?: MFARecord
  events: MFAEventDraft[]
}

/** A transition that needs fresh recovery digests first (the service generates them only when they will be kept). */
export interface NeedsRecovery<R> {
  needsRecovery: (recovery: RecoveryDigests) => Transition<R>
}

/** How long a record without any authenticator is kept after disable or reset (a tombstone, 1 day). */
export const TOMBSTONE_TTL_MS = 86_400_000

/** The RFC 6238 time step containing `now` (ms). */
export function stepAt(now: number, period: number): number {
  return Math.floor(now / 1000 / period)
}

/** `centre`, then alternately one step earlier and later, up to `past` and `future` steps: the likeliest first. */
function likeliestFirst(centre: number, past: number, future: number): number[] {
  const steps = [centre]
  for (let d = 1; d <= Math.max(past, future); d++) {
    if (d <= past) steps.push(centre - d)
    if (d <= future) steps.push(centre + d)
  }
  // RFC 6238 §4: time steps before the epoch do not exist
  return steps.filter((s) => s >= 0)
}

/** The refusal of a failed gate or input, with its events; `next` when the refusal changes the record. */
export function refuse<Reason extends string>(
  reason: Reason,
  options: { next?: MFARecord; retryAfterMs?: number; locked?: boolean; authenticatorId?: string } = {},
): Transition<Refusal<Reason>> {
  const first: MFAEventDraft = { type: reason === 'replayed' ? 'replay_rejected' : 'failed', reason }
  if (options.authenticatorId !== undefined) first.authenticatorId = options.authenticatorId
  const events: MFAEventDraft[] = [first]
  const t: Transition<Refusal<Reason>> = { result: { ok: false, reason }, events }
  if (options.next) t.next = options.next
  if (options.retryAfterMs !== undefined) t.result.retryAfterMs = options.retryAfterMs
  if (options.locked) {
    const locked: MFAEventDraft = { type: 'locked' }
    if (options.retryAfterMs !== undefined) locked.retryAfterMs = options.retryAfterMs
    events.push(locked)
  }
  return t
}

// ---------------------------------------------------------------------------------------------------------------
// Codes and proofs: one failure budget per user across every authenticator and recovery code.

/** One authenticator the evidence side must try, with its steps in the order to compute them. */
export interface Candidate {
  authenticator: Authenticator
  steps: number[]
}

/** A code can be checked: the authenticators to try (the last used first) and the recovery digests. */
export interface CodeGate {
  candidates: Candidate[]
  recovery: RecoveryDigests | null
}

/** Why an operation cannot be checked now. */
export type ClosedGate<Reason extends string> = { reason: Reason; retryAfterMs?: number }

/**
 * Says whether a code can be checked now and, if so, what to compute: for each authenticator (the one used last
 * first, so the usual login stops after one), the login window centred on its drift, the likeliest step first.
 */
export function codeGate(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): ClosedGate<'not_enrolled' | 'locked'> | CodeGate {
  if (!record || record.authenticators.length === 0) return { reason: 'not_enrolled' }
  if (now < record.lockedUntil) return { reason: 'locked', retryAfterMs: record.lockedUntil - now }
  const w = policy.loginWindow
  const order = [...record.authenticators].sort((a, b) => (b.lastUsedAt ?? -1) - (a.lastUsedAt ?? -1))
  return {
    candidates: order.map((authenticator) => ({
      authenticator,
      steps: likeliestFirst(stepAt(now, authenticator.period) + authenticator.drift, w, w),
    })),
    recovery: record.recovery,
  }
}

/** A gate for an operation that needs a proof: as {@link codeGate}, and `proof_required` when none was given. */
export function proofGate(
  record: MFARecord | null,
  hasProof: boolean,
  now: number,
  policy: MFAPolicy,
): ClosedGate<ProofReason> | CodeGate {
  const gate = codeGate(record, now, policy)
  if ('reason' in gate) return gate
  return hasProof ? gate : { reason: 'proof_required' }
}

/**
 * What the user typed, as the evidence side found it: not a code at all; a TOTP code and the authenticator and
 * step it matched (null: none among the gate's candidates); or the digest of a recovery code under the record's
 * scheme.
 */
export type CodeEvidence =
  | { kind: 'malformed' }
  | { kind: 'totp'; match: { authenticatorId: string; step: number } | null }
  | { kind: 'recovery'; digest: string }

/**
 * Evidence for an operation that takes a proof: a code as above, or a step-up proof from an earlier
 * `verify(..., { proof: true })`, opened (signature checked) by the evidence side, with the oldest age accepted (ms).
 */
export type ProofEvidence = CodeEvidence | { kind: 'proof'; opened: OpenedProof; maxAgeMs: number }

/** A proof that passed: the record with the code consumed (failures cleared), and how it was proven. */
export interface Proved {
  next: MFARecord
  method: 'totp' | 'recovery'
  authenticatorId?: string
  events: MFAEventDraft[]
}

/**
 * Counts one failure against the user's budget (codes, recovery codes, resyncs and device tokens alike): from
 * `maxFailures` on, each failure locks for twice as long as the last, up to `lockMaxMs`.
 */
export function fail<Reason extends string>(
  record: MFARecord,
  reason: Reason,
  now: number,
  policy: MFAPolicy,
): Transition<Refusal<Reason>> {
  const failures = record.failures + 1
  const over = failures - policy.maxFailures
  // || 0: a lockBaseMs of 0 times 2 ** over (Infinity past 1023) is NaN, which would corrupt the stored record
  const retryAfterMs = over >= 0 ? Math.min(policy.lockBaseMs * 2 ** over, policy.lockMaxMs) || 0 : undefined
  const next = { ...record, failures, lockedUntil: retryAfterMs === undefined ? 0 : now + retryAfterMs }
  return refuse(reason, retryAfterMs === undefined ? { next } : { next, retryAfterMs, locked: true })
}

/**
 * {@link prove} for operations that also take a step-up proof: a proof stands (it consumes nothing and changes no
 * count) or is refused as {@link decideProof} says; a code goes through {@link prove}. A refused proof does not
 * count as a failure: it is a 128-bit signature, not something to guess.
 */
export function proveStepUp(
  record: MFARecord,
  gate: CodeGate,
  evidence: ProofEvidence,
  now: number,
  policy: MFAPolicy,
): { proved: Proved } | { refused: Transition<Refusal<CodeReason | StepUpReason>> } {
  if (evidence.kind !== 'proof') return prove(record, gate, evidence, now, policy)
  const decision = decideProof(evidence.opened, record, now, evidence.maxAgeMs)
  if (!decision.ok) return { refused: refuse(decision.reason) }
  const proved: Proved = { next: record, method: decision.method, events: [] }
  if (decision.authenticatorId !== null) proved.authenticatorId = decision.authenticatorId
  return { proved }
}

/** The result of a successful code check. */
export type CodeSuccess = { ok: true; method: 'totp'; authenticatorId: string } | { ok: true; method: 'recovery' }

/**
 * Applies replay protection and throttling to a code or proof. Malformed input and replays do not count as
 * failures; every other failure does, and from `maxFailures` on each one locks for twice as long as the last.
 * A TOTP code consumes its step (only later steps of that authenticator are accepted), a recovery code is spent.
 */
export function prove(
  record: MFARecord,
  gate: CodeGate,
  evidence: CodeEvidence,
  now: number,
  policy: MFAPolicy,
): { proved: Proved } | { refused: Transition<Refusal<CodeReason>> } {
  if (evidence.kind === 'malformed') return { refused: refuse('malformed') }
  let index = -1
  let used: Authenticator | undefined
  if (evidence.kind === 'totp') {
    const match = evidence.match
    used = match ? gate.candidates.find((c) => c.authenticator.id === match.authenticatorId)?.authenticator : undefined
    if (used && match && match.step <= used.lastStep) {
      return { refused: refuse('replayed', { authenticatorId: used.id }) }
    }
  } else if (gate.recovery) {
    // every digest is compared, so the time taken does not say which one matched
    gate.recovery.digests.forEach((digest, i) => {
      if (timingSafeEqualString(digest, evidence.digest) && index < 0) index = i
    })
  }
  if (!used && index < 0) return { refused: fail(record, 'invalid', now, policy) }
  const next: MFARecord = { ...record, failures: 0, lockedUntil: 0 }
  const events: MFAEventDraft[] = []
  if (used && evidence.kind === 'totp' && evidence.match) {
    const step = evidence.match.step
    const delta = step - stepAt(now, used.period)
    const updated: Authenticator = { ...used, lastStep: step, lastUsedAt: now }
    // Only a small, plausible drift is remembered (the window itself may reach further); a login may bring a drift
    // that resync set back towards 0, never take it further out: drift grows only through resync.
    if (Math.abs(delta) <= Math.max(1, Math.abs(used.drift))) updated.drift = delta
    const usedId = used.id
    next.authenticators = record.authenticators.map((a) => (a.id === usedId ? updated : a))
    return { proved: { next, method: 'totp', authenticatorId: usedId, events } }
  }
  const recovery = gate.recovery as RecoveryDigests
  next.recovery = { ...recovery, digests: recovery.digests.filter((_, i) => i !== index) }
  events.push({ type: 'recovery_used', method: 'recovery', recoveryCodesLeft: next.recovery.digests.length })
  return { proved: { next, method: 'recovery', events } }
}

const success = (p: Proved): CodeSuccess =>
  p.method === 'totp'
    ? { ok: true, method: 'totp', authenticatorId: p.authenticatorId as string }
    : { ok: true, method: 'recovery' }

const withId = (draft: MFAEventDraft, id: string | undefined): MFAEventDraft =>
  id === undefined ? draft : { ...draft, authenticatorId: id }

/** A device to trust at login: its id and token digest (minted by the evidence side), label and lifetime (ms). */
export interface FreshDevice {
  id: string
  digest: string
  label: string
  ttlMs: number
}

/** What a login may also do: issue a step-up proof (`proof`), trust the device it came from (`trust`). */
export interface VerifyExtras {
  proof?: boolean
  trust?: FreshDevice
}

/** A successful login, with the device trusted (its id and expiry, ms) when one was asked for. */
export type VerifySuccess = CodeSuccess & { device?: { id: string; expiresAt: number } }

/**
 * A login: a fresh code of any authenticator, or an unused recovery code. On success it may also trust a device
 * (over `maxTrustedDevices` the oldest is revoked) and announce the step-up proof the service will sign.
 */
export function verify(
  record: MFARecord,
  gate: CodeGate,
  evidence: CodeEvidence,
  now: number,
  policy: MFAPolicy,
  extras: VerifyExtras = {},
): Transition<VerifySuccess | Refusal<CodeReason>> {
  const outcome = prove(record, gate, evidence, now, policy)
  if ('refused' in outcome) return outcome.refused
  const p = outcome.proved
  const events = [withId({ type: 'verified', method: p.method }, p.authenticatorId), ...p.events]
  const result: VerifySuccess = success(p)
  let next = p.next
  if (extras.proof) events.push(withId({ type: 'proof_issued', method: p.method }, p.authenticatorId))
  if (extras.trust) {
    const { devices, dropped } = trustDevice(next.devices, extras.trust, now, policy.maxTrustedDevices)
    next = { ...next, devices }
    events.push(...dropped.map((deviceId): MFAEventDraft => ({ type: 'device_revoked', deviceId, reason: 'limit' })))
    events.push({ type: 'device_trusted', deviceId: extras.trust.id })
    result.device = { id: extras.trust.id, expiresAt: now + extras.trust.ttlMs }
  }
  return { result, next, events }
}

/**
 * Every trusted device revoked for a security change (disable, reset, a removed authenticator, new recovery
 * codes): the new list and one `device_revoked` event per device.
 */
function revokeForSecurity(
  record: MFARecord | null,
  now: number,
): { devices: MFARecord['devices']; events: MFAEventDraft[] } {
  const { devices, revoked } = revokeAllDevices(record?.devices ?? [], now)
  return {
    devices,
    events: revoked.map((deviceId): MFAEventDraft => ({ type: 'device_revoked', deviceId, reason: 'security' })),
  }
}

/** The record left when MFA is off: nothing but the bumped generation (so earlier proofs stay void). */
const tombstone = (record: MFARecord | null): MFARecord => emptyRecord((record?.generation ?? 0) + 1)

/**
 * MFA turned off after a proof, by `disable` or by removing the last authenticator: the tombstone, every trusted
 * device revoked, and the `disabled` event after the operation's own (`before`).
 */
function turnOff(record: MFARecord, p: Proved, now: number, before: MFAEventDraft[]): Transition<{ ok: true }> {
  return {
    result: { ok: true },
    next: tombstone(record),
    events: [
      ...p.events,
      ...before,
      ...revokeForSecurity(record, now).events,
      withId({ type: 'disabled', method: p.method }, p.authenticatorId),
    ],
  }
}

/** Turns MFA off after a proof: every authenticator, recovery code, trusted device and pending enrollment goes. */
export function disable(
  record: MFARecord,
  gate: CodeGate,
  evidence: ProofEvidence,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true } | Refusal<CodeReason | StepUpReason>> {
  const outcome = proveStepUp(record, gate, evidence, now, policy)
  if ('refused' in outcome) return outcome.refused
  return turnOff(record, outcome.proved, now, [])
}

/** A gate for `removeAuthenticator`: `not_found` before any code is looked at (nothing is consumed for nothing). */
export function removeGate(
  record: MFARecord | null,
  authenticatorId: string,
  hasProof: boolean,
  now: number,
  policy: MFAPolicy,
): ClosedGate<RemoveReason> | CodeGate {
  if (record && record.authenticators.length > 0 && !record.authenticators.some((a) => a.id === authenticatorId)) {
    return { reason: 'not_found' }
  }
  return proofGate(record, hasProof, now, policy)
}

/**
 * Removes one authenticator after a proof (any authenticator's code, the removed one's included, or a recovery
 * code). Removing the last one is `disable`. Trusted devices are revoked and the generation moves on.
 */
export function removeAuthenticator(
  record: MFARecord,
  authenticatorId: string,
  gate: CodeGate,
  evidence: ProofEvidence,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true } | Refusal<CodeReason | StepUpReason>> {
  const outcome = proveStepUp(record, gate, evidence, now, policy)
  if ('refused' in outcome) return outcome.refused
  const p = outcome.proved
  const removed: MFAEventDraft = { type: 'authenticator_removed', authenticatorId }
  const rest = p.next.authenticators.filter((a) => a.id !== authenticatorId)
  if (rest.length === 0) return turnOff(record, p, now, [removed])
  const revoked = revokeForSecurity(p.next, now)
  return {
    result: { ok: true },
    next: { ...p.next, authenticators: rest, devices: revoked.devices, generation: record.generation + 1 },
    events: [...p.events, removed, ...revoked.events],
  }
}

/** Replaces every recovery code after a proof; the old ones (also 0.1.0 digests) stop working. */
export function regenerateRecoveryCodes(
  record: MFARecord,
  gate: CodeGate,
  evidence: ProofEvidence,
  now: number,
  policy: MFAPolicy,
):
  | Transition<Refusal<CodeReason | StepUpReason> | { ok: true }>
  | NeedsRecovery<Refusal<CodeReason | StepUpReason> | { ok: true }> {
  const outcome = proveStepUp(record, gate, evidence, now, policy)
  if ('refused' in outcome) return outcome.refused
  const p = outcome.proved
  const revoked = revokeForSecurity(p.next, now)
  return {
    needsRecovery: (recovery) => ({
      result: { ok: true },
      next: { ...p.next, recovery, devices: revoked.devices, generation: record.generation + 1 },
      events: [
        ...p.events,
        ...revoked.events,
        { type: 'recovery_regenerated', recoveryCodesLeft: recovery.digests.length },
      ],
    }),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Enrollment: begin (with a proof once the user has an authenticator), confirm with two consecutive codes.

/** A fresh secret the service generated, with its id and label, ready to become a pending enrollment. */
export interface NewSecret extends SecretParams {
  id: string
  label: string
}

/**
 * A gate for `beginEnrollment`: `limit_reached` at `maxAuthenticators`; no proof needed for a first
 * authenticator (`{ open: true }`); else as {@link proofGate}.
 */
export function enrollGate(
  record: MFARecord | null,
  hasProof: boolean,
  now: number,
  policy: MFAPolicy,
): ClosedGate<EnrollReason> | CodeGate | { open: true } {
  const count = record?.authenticators.length ?? 0
  if (count >= policy.maxAuthenticators) return { reason: 'limit_reached' }
  if (count === 0) return { open: true }
  return proofGate(record, hasProof, now, policy)
}

/**
 * Starts (or restarts: it replaces any pending one) an enrollment. For a user who already has authenticators the
 * proof is checked and consumed first; the pending enrollment changes nothing of theirs until confirmed.
 */
export function begin(
  record: MFARecord | null,
  gate: CodeGate | { open: true },
  evidence: ProofEvidence | null,
  secret: NewSecret,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true; authenticatorId: string; expiresAt: number } | Refusal<CodeReason | StepUpReason>> {
  let base = record ?? emptyRecord()
  const events: MFAEventDraft[] = []
  if ('candidates' in gate) {
    const outcome = proveStepUp(base, gate, evidence ?? { kind: 'malformed' }, now, policy)
    if ('refused' in outcome) return outcome.refused
    base = outcome.proved.next
    events.push(...outcome.proved.events)
  }
  const expiresAt = now + policy.enrollmentTTLMs
  const pending: PendingEnrollment = { ...secret, createdAt: now, expiresAt, attempts: 0, replaces: null }
  events.push({ type: 'enrollment_started', authenticatorId: secret.id })
  return { result: { ok: true, authenticatorId: secret.id, expiresAt }, next: { ...base, pending }, events }
}

/** A confirmation can be checked: the steps code2 (step s+1) and code1 (step s) may match, likeliest first. */
export interface ConfirmGate {
  pending: PendingEnrollment
  second: number[]
  first: number[]
}

/**
 * Says whether a confirmation can be checked now and over which steps: code2 is step s+1 within
 * [t - past, t + future] of the current step t, code1 is step s, one earlier.
 */
export function confirmGate(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): ClosedGate<'not_pending' | 'expired' | 'locked' | 'limit_reached'> | ConfirmGate {
  const pending = record?.pending
  if (!record || !pending) return { reason: 'not_pending' }
  if (now >= pending.expiresAt) return { reason: 'expired' }
  if (pending.attempts >= policy.maxEnrollmentAttempts) return { reason: 'locked' }
  const kept = record.authenticators.filter((a) => a.id !== pending.replaces).length
  if (kept >= policy.maxAuthenticators) return { reason: 'limit_reached' }
  const t = stepAt(now, pending.period)
  const { past, future } = policy.enrollmentWindow
  return { pending, second: likeliestFirst(t, past, future), first: likeliestFirst(t, past + 1, future) }
}

/**
 * What the two enrollment codes are: not codes; the same code twice (not compared further); or the step each
 * matched among the gate's steps (null: none).
 */
export type ConfirmEvidence =
  | { kind: 'malformed' }
  | { kind: 'same' }
  | { kind: 'pair'; first: number | null; second: number | null }

/** The result of a confirmation; the service adds the recovery codes it generated (if `recoveryIssued`). */
export type ConfirmSuccess = { ok: true; authenticatorId: string; recoveryIssued: boolean }

/**
 * Confirms a pending enrollment with two consecutive codes, in order. `malformed` and `same_code` do not count as
 * attempts; the other refusals do, and the last allowed one locks the pending enrollment. The first authenticator
 * of a user turns MFA on and issues recovery codes; a further one leaves them as they are.
 */
export function confirm(
  record: MFARecord | null,
  gate: ClosedGate<'not_pending' | 'expired' | 'locked' | 'limit_reached'> | ConfirmGate,
  evidence: ConfirmEvidence,
  now: number,
  policy: MFAPolicy,
): Transition<Refusal<ConfirmReason> | ConfirmSuccess> | NeedsRecovery<Refusal<ConfirmReason> | ConfirmSuccess> {
  if ('reason' in gate) {
    // an expired enrollment is removed, so status and later calls see none
    return refuse(gate.reason, gate.reason === 'expired' && record ? { next: { ...record, pending: null } } : {})
  }
  const rec = record as MFARecord
  if (evidence.kind === 'malformed') return refuse('malformed')
  if (evidence.kind === 'same') return refuse('same_code')
  const { pending } = gate
  const { first, second } = evidence
  if (first === null || second === null || second !== first + 1) {
    const attempts = pending.attempts + 1
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
  const revoked = revokeForSecurity(rec, now)
  if (replaced) events.push({ type: 'authenticator_removed', authenticatorId: pending.replaces as string })
  if (replaced) events.push(...revoked.events)
  const next: MFARecord = {
    ...rec,
    authenticators: [...kept, added],
    pending: null,
    enabledAt: rec.enabledAt ?? now,
    generation: replaced ? rec.generation + 1 : rec.generation,
    devices: replaced ? revoked.devices : rec.devices,
  }
  if (kept.length > 0) {
    events.push({ type: 'authenticator_added', authenticatorId: id })
    return { result: { ok: true, authenticatorId: id, recoveryIssued: false }, next, events }
  }
  // the first authenticator (or the 0.1.0 rotation of the only one): MFA is on, with fresh recovery codes
  return {
    needsRecovery: (recovery) => ({
      result: { ok: true, authenticatorId: id, recoveryIssued: true },
      next: { ...next, recovery },
      events: [...events, { type: 'enrolled', authenticatorId: id }],
    }),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Import, rename, reset; what may expire; what status shows.

/** An authenticator brought in by the application (a migration): its secret sealed, parameters checked. */
export interface ImportedSecret extends NewSecret {
  lastStep: number
}

/** A gate for `importAuthenticator`: `limit_reached` at `maxAuthenticators`. */
export function importGate(record: MFARecord | null, policy: MFAPolicy): ClosedGate<'limit_reached'> | { open: true } {
  return (record?.authenticators.length ?? 0) >= policy.maxAuthenticators ? { reason: 'limit_reached' } : { open: true }
}

/**
 * Adds an imported authenticator, active at once (no codes: the application vouches for it). With `recovery`
 * (the application asked for recovery codes), the user's recovery codes are replaced by fresh ones.
 */
export function importAuthenticator(
  record: MFARecord | null,
  imported: ImportedSecret,
  recovery: RecoveryDigests | null,
  now: number,
): Transition<{ ok: true; authenticatorId: string }> {
  const base = record ?? emptyRecord()
  const added: Authenticator = { ...imported, createdAt: now, lastUsedAt: null, drift: 0 }
  const next: MFARecord = { ...base, authenticators: [...base.authenticators, added], enabledAt: base.enabledAt ?? now }
  const events: MFAEventDraft[] = [{ type: 'imported', authenticatorId: imported.id }]
  if (recovery) {
    next.recovery = recovery
    if (base.recovery) {
      const revoked = revokeForSecurity(base, now)
      next.generation = base.generation + 1
      next.devices = revoked.devices
      events.push(...revoked.events)
    }
    events.push({ type: 'recovery_regenerated', recoveryCodesLeft: recovery.digests.length })
  }
  return { result: { ok: true, authenticatorId: imported.id }, next, events }
}

/** Renames an authenticator (no proof: a label protects nothing). */
export function rename(
  record: MFARecord | null,
  authenticatorId: string,
  label: string,
): Transition<{ ok: true } | Refusal<'not_found'>> {
  const found = record?.authenticators.some((a) => a.id === authenticatorId)
  if (!record || !found) return { result: { ok: false, reason: 'not_found' }, events: [] }
  return {
    result: { ok: true },
    next: {
      ...record,
      authenticators: record.authenticators.map((a) => (a.id === authenticatorId ? { ...a, label } : a)),
    },
    events: [{ type: 'authenticator_renamed', authenticatorId }],
  }
}

/**
 * The support path: removes everything, no code needed. `generation` replaces the count when the stored record
 * could not be parsed (the service passes its clock reading, larger than any counter a record reached).
 */
export function reset(
  record: MFARecord | null,
  actor: string,
  reason: string,
  generation?: number,
): Transition<{ ok: true }> {
  const next = generation === undefined ? tombstone(record) : emptyRecord(generation)
  return { result: { ok: true }, next, events: [{ type: 'reset', actor, reason }] }
}

/** True when the record holds nothing a user would lose (no authenticator, nothing pending). */
export function isEmpty(record: MFARecord): boolean {
  return record.authenticators.length === 0 && record.pending === null
}

/**
 * How long the store may keep a record (ms), or undefined for ever. Only a record without an authenticator may
 * expire: a tombstone after a day, a pending enrollment one TTL after it did (a late confirmation still hears
 * `expired` rather than `not_pending`), never later than the longest enrollment a policy allows, whatever the
 * clock did.
 */
export function expiry(record: MFARecord, now: number, policy: MFAPolicy): number | undefined {
  if (record.authenticators.length > 0) return undefined
  if (record.pending === null) return TOMBSTONE_TTL_MS
  const left = Math.min(Math.max(record.pending.expiresAt - now, 0), MAX_ENROLLMENT_TTL_MS)
  return left + policy.enrollmentTTLMs
}

/** What the user has, for a settings page. Times in milliseconds since the Unix epoch. */
export interface MFAStatus {
  /** `active`: codes are required; `pending`: a first enrollment awaits confirmation; `none`: neither. */
  state: 'none' | 'pending' | 'active'
  /** When MFA was turned on. */
  enabledAt?: number
  /** How many authenticators the user has. */
  authenticators?: number
  recoveryCodesLeft?: number
  /** Set while the user is locked out of code checks. */
  lockedUntil?: number
  /** Expiry of a pending enrollment (a first one, or another authenticator being added). */
  pendingExpiresAt?: number
  /** How many trusted devices (unexpired, unrevoked) the user has; absent when none. */
  trustedDevices?: number
}

/** The status of a record at `now`: an expired pending enrollment is not shown. */
export function status(record: MFARecord | null, now: number): MFAStatus {
  const pending = record?.pending && now < record.pending.expiresAt ? record.pending : null
  const count = record?.authenticators.length ?? 0
  const out: MFAStatus = { state: count > 0 ? 'active' : pending ? 'pending' : 'none' }
  if (record && count > 0) {
    out.enabledAt = record.enabledAt as number
    out.authenticators = count
    out.recoveryCodesLeft = record.recovery?.digests.length ?? 0
    if (record.lockedUntil > now) out.lockedUntil = record.lockedUntil
    const devices = listDevices(record.devices, now).length
    if (devices > 0) out.trustedDevices = devices
  }
  if (pending) out.pendingExpiresAt = pending.expiresAt
  return out
}

/** One authenticator as `listAuthenticators` shows it: never a secret. */
export interface AuthenticatorInfo {
  id: string
  label: string
  createdAt: number
  lastUsedAt: number | null
  algorithm: Authenticator['algorithm']
  digits: number
  period: number
}

/** The user's authenticators, in the order they were added. */
export function list(record: MFARecord | null): AuthenticatorInfo[] {
  return (record?.authenticators ?? []).map(({ id, label, createdAt, lastUsedAt, algorithm, digits, period }) => ({
    id,
    label,
    createdAt,
    lastUsedAt,
    algorithm,
    digits,
    period,
  }))
}

// ---------------------------------------------------------------------------------------------------------------
// Trusted devices and resync.

/** Why `verifyTrustedDevice` refused. */
export type DeviceTokenReason = DeviceReason | 'malformed' | 'locked' | 'not_enrolled'

/**
 * Says whether a device token can be checked now: not for a user without authenticators (`not_enrolled`), nor
 * while the user is locked (the token is not looked at, like a code).
 */
export function deviceGate(
  record: MFARecord | null,
  now: number,
): ClosedGate<'not_enrolled' | 'locked'> | { open: true } {
  if (!record || record.authenticators.length === 0) return { reason: 'not_enrolled' }
  if (now < record.lockedUntil) return { reason: 'locked', retryAfterMs: record.lockedUntil - now }
  return { open: true }
}

/**
 * Uses a trusted device's token: accepted once and replaced by `replacement` (the digest of the token the service
 * returns), so the presented token and any copy of it stop working. A malformed token does not count; every other
 * refusal (`unknown`, `revoked`, `expired`) counts against the same failure budget as a wrong code. Success
 * changes no failure count: a device skips MFA, it does not pass it.
 *
 * @param presented - the device id and digest of the token, or null when it was malformed
 */
export function useTrustedDevice(
  record: MFARecord | null,
  presented: { id: string; digest: string } | null,
  replacement: string,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true; deviceId: string; expiresAt: number } | Refusal<DeviceTokenReason>> {
  const gate = deviceGate(record, now)
  if ('reason' in gate)
    return refuse(gate.reason, gate.retryAfterMs === undefined ? {} : { retryAfterMs: gate.retryAfterMs })
  const rec = record as MFARecord
  if (presented === null) return refuse('malformed')
  const used = useDevice(rec.devices, presented, replacement, now)
  if (!used.ok) return fail(rec, used.reason, now, policy)
  const device = used.devices.find((d) => d.id === used.deviceId) as { expiresAt: number }
  return {
    result: { ok: true, deviceId: used.deviceId, expiresAt: device.expiresAt },
    next: { ...rec, devices: used.devices },
    events: [{ type: 'verified', method: 'device', deviceId: used.deviceId }],
  }
}

/**
 * Checks a step-up proof against the user's record now ({@link decideProof}); a read, nothing is written. A proof
 * that still stands is refused as `locked` while the user is locked out: every operation that takes a proof refuses
 * then too, so an application's own sensitive action must not go through on one.
 *
 * @param opened - the proof as the evidence side opened it (signature checked for this record's store key)
 */
export function checkProof(
  record: MFARecord | null,
  opened: OpenedProof,
  now: number,
  maxAgeMs: number,
):
  | { ok: true; verifiedAt: number; method: 'totp'; authenticatorId: string }
  | { ok: true; verifiedAt: number; method: 'recovery' }
  | { ok: false; reason: 'expired' | 'invalid' | 'revoked' }
  | { ok: false; reason: 'locked'; retryAfterMs: number } {
  const d = decideProof(opened, record, now, maxAgeMs)
  if (!d.ok) return d
  if (record && now < record.lockedUntil) return { ok: false, reason: 'locked', retryAfterMs: record.lockedUntil - now }
  return d.authenticatorId === null
    ? { ok: true, verifiedAt: d.verifiedAt, method: 'recovery' }
    : { ok: true, verifiedAt: d.verifiedAt, method: 'totp', authenticatorId: d.authenticatorId }
}

/** The user's trusted devices as a settings page shows them (unexpired, unrevoked; never a digest). */
export function trustedDevices(record: MFARecord | null, now: number): TrustedDeviceInfo[] {
  return listDevices(record?.devices ?? [], now)
}

/** Revokes one trusted device (no proof: revoking only takes access away). */
export function revokeTrustedDevice(
  record: MFARecord | null,
  deviceId: string,
  now: number,
): Transition<{ ok: true } | Refusal<'not_found'>> {
  const revoked = record ? revokeDevice(record.devices, deviceId, now) : { revoked: false, devices: [] }
  if (!record || !revoked.revoked) return { result: { ok: false, reason: 'not_found' }, events: [] }
  return {
    result: { ok: true },
    next: { ...record, devices: revoked.devices },
    events: [{ type: 'device_revoked', deviceId, reason: 'user' }],
  }
}

/** Revokes every trusted device of the user; says how many there were. */
export function revokeTrustedDevices(record: MFARecord | null, now: number): Transition<{ ok: true; revoked: number }> {
  const { devices, revoked } = revokeAllDevices(record?.devices ?? [], now)
  const t: Transition<{ ok: true; revoked: number }> = {
    result: { ok: true, revoked: revoked.length },
    events: revoked.map((deviceId): MFAEventDraft => ({ type: 'device_revoked', deviceId, reason: 'user' })),
  }
  if (record && revoked.length > 0) t.next = { ...record, devices }
  return t
}

/** Why `resync` refused. */
export type ResyncRefusal = ResyncReason | 'locked' | 'not_enrolled'

/** A resync can be checked: for each authenticator, the steps its second code may lie at, likeliest first. */
export interface ResyncGate {
  candidates: { authenticator: Authenticator; seconds: number[] }[]
}

/**
 * Says whether a resync can be checked now and, if so, where to search: `policy.resyncWindow` steps each way
 * around each authenticator's drift (never further than 40 steps from our clock).
 */
export function resyncCandidates(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): ClosedGate<'not_enrolled' | 'locked'> | ResyncGate {
  const gate = deviceGate(record, now)
  if ('reason' in gate) return gate
  return {
    candidates: (record as MFARecord).authenticators.map((authenticator) => ({
      authenticator,
      seconds: resyncGate(authenticator, now, policy.resyncWindow),
    })),
  }
}

/**
 * Resyncs an authenticator from two consecutive codes found by the evidence side: its drift becomes the distance
 * of the second code's step from ours and both steps are consumed; failures are cleared as by a login. No pair
 * counts as a failure; malformed input, the same code twice and replays do not.
 */
export function resync(
  record: MFARecord,
  evidence: ResyncEvidence,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true; authenticatorId: string; drift: number } | Refusal<ResyncRefusal>> {
  const decision = decideResync(record.authenticators, evidence, now)
  if (!decision.ok) {
    if (decision.counts) return fail(record, decision.reason, now, policy)
    return refuse(decision.reason)
  }
  const { authenticatorId, drift, lastStep } = decision
  return {
    result: { ok: true, authenticatorId, drift },
    next: {
      ...record,
      failures: 0,
      lockedUntil: 0,
      authenticators: record.authenticators.map((a) =>
        a.id === authenticatorId ? { ...a, drift, lastStep, lastUsedAt: now } : a,
      ),
    },
    events: [{ type: 'resynced', authenticatorId, drift }],
  }
}

export { DEFAULT_LABEL }
