// Gates: whether an operation can be checked now and, if so, what the evidence side must compute (which steps of
// which authenticator, the likeliest first).
import { likeliestFirst } from '../../internal/otp.js'
import type { MFAPolicy, ProofReason } from '../api.js'
import {
  type Authenticator,
  type KeyChallenge,
  keysOf,
  type MFARecord,
  type RecoveryDigests,
  type SecurityKey,
  totpOf,
} from '../record/shapes.js'
import { refuse } from './refusal.js'
import type { Refusal, Transition } from './types.js'

/** The RFC 6238 time step containing `now` (ms). */
export function stepAt(now: number, period: number): number {
  return Math.floor(now / 1000 / period)
}

/** One authenticator the evidence side must try, with its steps in the order to compute them. */
export interface Candidate {
  authenticator: Authenticator
  steps: number[]
}

/**
 * A code can be checked: the authenticator apps to try (the last used first) and the recovery digests; an assertion
 * too: the user's security keys and the sign-in challenges the record holds.
 */
export interface CodeGate {
  candidates: Candidate[]
  recovery: RecoveryDigests | null
  keys: SecurityKey[]
  challenges: KeyChallenge[]
}

/** Why an operation cannot be checked now. */
export type ClosedGate<Reason extends string> = { reason: Reason; retryAfterMs?: number }

/** The refusal of a closed gate: its reason, and how long the user waits when locked. Nothing is written. */
export function refuseClosed<Reason extends string>(gate: ClosedGate<Reason>): Transition<Refusal<Reason>> {
  return refuse(gate.reason, gate.retryAfterMs === undefined ? {} : { retryAfterMs: gate.retryAfterMs })
}

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
  const list = totpOf(record)
  // the usual user has one authenticator: nothing to order
  const order = list.length < 2 ? list : [...list].sort((a, b) => (b.lastUsedAt ?? -1) - (a.lastUsedAt ?? -1))
  return {
    candidates: order.map((authenticator) => ({
      authenticator,
      steps: likeliestFirst(stepAt(now, authenticator.period) + authenticator.drift, w, w),
    })),
    recovery: record.recovery,
    keys: keysOf(record),
    challenges: record.webauthn?.challenges ?? [],
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
 * Says whether a device token (or a resync) can be checked now: not for a user without authenticators
 * (`not_enrolled`), nor while the user is locked (the token is not looked at, like a code).
 */
export function deviceGate(
  record: MFARecord | null,
  now: number,
): ClosedGate<'not_enrolled' | 'locked'> | { open: true } {
  if (!record || record.authenticators.length === 0) return { reason: 'not_enrolled' }
  if (now < record.lockedUntil) return { reason: 'locked', retryAfterMs: record.lockedUntil - now }
  return { open: true }
}
