// MFA turned off: by `disable` after a proof, by removing the last authenticator, or by support's `reset`; what is
// left is a tombstone with the generation moved on.
import type { MFAPolicy, ProofReason } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import { countUp, emptyRecord, MAX_GENERATION, type MFARecord } from '../record/shapes.js'
import { type ClosedGate, type CodeGate, refuseClosed } from './gates.js'
import { withId } from './prove.js'
import { securityChange } from './security-change.js'
import { type ProofEvidence, proveStepUp } from './step-up.js'
import type { Proved, Refusal, Transition } from './types.js'

/** The record left when MFA is off: nothing but the bumped generation (so earlier proofs stay void). */
const tombstone = (record: MFARecord | null): MFARecord => emptyRecord(countUp(record?.generation ?? 0, MAX_GENERATION))

/**
 * MFA turned off after a proof, by `disable` or by removing the last authenticator: the tombstone, every trusted
 * device revoked, and the `disabled` event after the operation's own (`before`).
 */
export function turnOff(record: MFARecord, p: Proved, now: number, before: MFAEventDraft[]): Transition<{ ok: true }> {
  return {
    result: { ok: true },
    next: tombstone(record),
    events: [
      ...p.events,
      ...before,
      ...securityChange(record, now).events,
      withId({ type: 'disabled', method: p.method }, p.authenticatorId),
    ],
  }
}

/**
 * Turns MFA off after a proof: every authenticator, recovery code, trusted device and pending enrollment goes. A
 * closed gate is refused as is.
 */
export function disable(
  record: MFARecord | null,
  gate: ClosedGate<ProofReason> | CodeGate,
  evidence: ProofEvidence | null,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true } | Refusal<ProofReason>> {
  if ('reason' in gate) return refuseClosed(gate)
  const rec = record as MFARecord
  const outcome = proveStepUp(rec, gate, evidence, now, policy, 'disable')
  if ('refused' in outcome) return outcome.refused
  return turnOff(rec, outcome.proved, now, [])
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
