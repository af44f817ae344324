// Step-up proofs: a proof from an earlier `verify(..., { proof: true })` given instead of a code, and the check
// of one against the record now.
import type { MFAPolicy } from '../policy.js'
import { decideProof, type OpenedProof } from '../proof.js'
import type { MFARecord } from '../record.js'
import type { CodeGate } from './gates.js'
import { type CodeEvidence, type Proved, prove } from './prove.js'
import { refuse } from './refusal.js'
import type { CodeReason, Refusal, StepUpReason, Transition } from './types.js'

/**
 * Evidence for an operation that takes a proof: a code ({@link CodeEvidence}), or a step-up proof from an earlier
 * `verify(..., { proof: true })`, opened (signature checked) by the evidence side, with the oldest age accepted (ms).
 */
export type ProofEvidence = CodeEvidence | { kind: 'proof'; opened: OpenedProof; maxAgeMs: number }

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
