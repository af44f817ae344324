// Step-up proofs: a proof from an earlier `verify(..., { proof: true })` given instead of a code, whether it still
// stands for the record now, and `checkProof`. The proof's codec (sign, open) is ../proof-token.ts.
import type {
  CheckProofResult,
  CodeReason,
  MFAPolicy,
  ProofChange,
  ProofMethod,
  StepUpReason,
  VerificationChannel,
} from '../api.js'
import { ALL_PROOF_METHODS, PROOF_CLOCK_SKEW_MS } from '../policy.js'
import { MAX_GENERATION, type MFARecord } from '../record/shapes.js'
import type { CodeGate } from './gates.js'
import { keyRequirementMet } from './key-assertions.js'
import { type CodeEvidence, prove } from './prove.js'
import { refuse } from './refusal.js'
import type { Proved, Refusal, Transition } from './types.js'

/** What a proof says. Times in milliseconds since the Unix epoch. */
export interface ProofClaims {
  /** The id of the key that signed it. */
  kid: string
  /** When the code or recovery code behind it was accepted. */
  verifiedAt: number
  /** The record generation at that time; any later bump voids the proof. */
  generation: number
  method: ProofMethod | VerificationChannel
  /** The authenticator whose code or assertion was accepted (null for a recovery code and a verification code). */
  authenticatorId: string | null
  /** For a verification code (`method: 'email' | 'sms'`): the purpose it was sent for. */
  purpose?: string
}

/** A proof string read back by the codec: its claims once the signature checked out, or `invalid`. */
export type OpenedProof = { ok: true; claims: ProofClaims } | { ok: false; reason: 'invalid' }

/**
 * Evidence for an operation that takes a proof: a code ({@link CodeEvidence}), or a step-up proof from an earlier
 * `verify(..., { proof: true })`, opened (signature checked) by the evidence side, with the oldest age accepted (ms).
 */
export type ProofEvidence = CodeEvidence | { kind: 'proof'; opened: OpenedProof; maxAgeMs: number }

/** The facts of a record a proof is checked against. */
export interface ProofFacts {
  generation: number
  authenticators: readonly { id: string; createdAt: number }[]
}

/** The outcome of {@link decideProof}. */
export type ProofDecision =
  | { ok: true; verifiedAt: number; method: ProofMethod; authenticatorId: string | null }
  | { ok: true; verifiedAt: number; method: VerificationChannel; authenticatorId: null; purpose: string }
  | { ok: false; reason: StepUpReason }

/** True for the methods of a verification code sent by email or SMS (an identity check, not a factor). */
export const isChannel = (method: string): method is VerificationChannel => method === 'email' || method === 'sms'

/**
 * Decides whether an opened proof still stands for the user's record now.
 *
 * - not genuine, or dated more than {@link PROOF_CLOCK_SKEW_MS} ahead of `now`: `proof_invalid`;
 * - no record, a different generation (disable, reset, a removal, a recovery regeneration happened since), the
 *   authenticator behind it removed, or (for a recovery proof) every authenticator newer than it: `proof_revoked`;
 * - older than `maxAgeMs`: `proof_expired`.
 *
 * The authenticator must also be older than the proof (within the clock skew), so an id reused by a later
 * enrollment never revives a proof. A verification-code proof (`email`, `sms`) names no authenticator: it stands
 * while the generation does.
 *
 * @param opened - from the proof codec's `open`
 * @param record - the user's generation and authenticators, or null when the user has no record
 * @param now - the service's clock (ms)
 * @param maxAgeMs - the oldest proof accepted (ms)
 */
export function decideProof(
  opened: OpenedProof,
  record: ProofFacts | null,
  now: number,
  maxAgeMs: number,
): ProofDecision {
  if (!opened.ok || opened.claims.verifiedAt > now + PROOF_CLOCK_SKEW_MS) return { ok: false, reason: 'proof_invalid' }
  const { verifiedAt, generation, method, authenticatorId, purpose } = opened.claims
  const older = (a: { createdAt: number }) => a.createdAt <= verifiedAt + PROOF_CLOCK_SKEW_MS
  const standing =
    record !== null &&
    record.generation === generation &&
    // a generation at its bound no longer moves on a security change: no proof may stand on it
    generation < MAX_GENERATION &&
    (isChannel(method) ||
      (method === 'recovery'
        ? record.authenticators.some(older)
        : record.authenticators.some((a) => a.id === authenticatorId && older(a))))
  if (!standing) return { ok: false, reason: 'proof_revoked' }
  if (now - verifiedAt > maxAgeMs) return { ok: false, reason: 'proof_expired' }
  if (isChannel(method)) return { ok: true, verifiedAt, method, authenticatorId: null, purpose: purpose ?? '' }
  return { ok: true, verifiedAt, method, authenticatorId }
}

/**
 * {@link prove} for the changes that take a proof: a step-up proof stands (it consumes nothing and changes no
 * count) or is refused as {@link decideProof} says; a code goes through {@link prove}. A refused proof does not
 * count as a failure: it is a 128-bit signature, not something to guess. A verification-code proof (email, SMS)
 * never authorizes a change to a user's MFA (`method_not_allowed`): an inbox is weaker than the factor it would
 * add to, remove or turn off. Then `policy.proofMethods[change]` says whether the proof's method may authorize this
 * change, and `policy.requireSecurityKeyFor` whether an app's code may (not for a user who has a security key): if
 * not, `method_not_allowed`, and nothing is written (a code is not consumed, no failure counted; a `failed` event
 * records the attempt).
 */
export function proveStepUp(
  record: MFARecord,
  gate: CodeGate,
  evidence: ProofEvidence | null,
  now: number,
  policy: MFAPolicy,
  change: ProofChange,
): { proved: Proved } | { refused: Transition<Refusal<CodeReason | StepUpReason | 'method_not_allowed'>> } {
  const outcome = proveAny(record, gate, evidence, now, policy)
  if ('refused' in outcome) return outcome
  const { method, authenticatorId } = outcome.proved
  const allowed = (policy.proofMethods[change] ?? ALL_PROOF_METHODS).includes(method)
  if (!allowed || !keyRequirementMet(record, method, change, policy)) {
    return { refused: refuse('method_not_allowed', authenticatorId === undefined ? {} : { authenticatorId }) }
  }
  return outcome
}

/** A code through {@link prove}, or a step-up proof as {@link decideProof} says, whatever the change. */
function proveAny(
  record: MFARecord,
  gate: CodeGate,
  evidence: ProofEvidence | null,
  now: number,
  policy: MFAPolicy,
): { proved: Proved } | { refused: Transition<Refusal<CodeReason | StepUpReason | 'method_not_allowed'>> } {
  if (evidence?.kind !== 'proof') return prove(record, gate, evidence, now, policy)
  const decision = decideProof(evidence.opened, record, now, evidence.maxAgeMs)
  if (!decision.ok) return { refused: refuse(decision.reason) }
  if (isChannel(decision.method)) return { refused: refuse('method_not_allowed') }
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
): CheckProofResult {
  const d = decideProof(opened, record, now, maxAgeMs)
  if (!d.ok) return d
  if (record && now < record.lockedUntil) return { ok: false, reason: 'locked', retryAfterMs: record.lockedUntil - now }
  if ('purpose' in d) return { ok: true, verifiedAt: d.verifiedAt, method: d.method, purpose: d.purpose }
  return d.authenticatorId === null || d.method === 'recovery'
    ? { ok: true, verifiedAt: d.verifiedAt, method: 'recovery' }
    : { ok: true, verifiedAt: d.verifiedAt, method: d.method, authenticatorId: d.authenticatorId }
}
