// What every machine rule answers: a transition (result, record to write, events), its refusals and their reasons.
import type { MFAEventDraft } from '../events.js'
import type { MFARecord, RecoveryDigests } from '../record.js'

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
