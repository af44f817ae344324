// Resync: a phone whose clock is minutes off proves it holds the secret with two consecutive codes, found over a
// wider window than a login looks at; their step sets the authenticator's drift. The HMAC search over the steps
// listed here is `findConsecutive`, the HMAC engine's step search, run by the evidence side.
import { likeliestFirst } from '../../internal/otp.js'
import type { MFAPolicy, ResyncReason } from '../api.js'
import { MAX_RESYNC_WINDOW } from '../policy.js'
import { type Authenticator, isTOTP, type MFARecord, totpOf } from '../record/shapes.js'
import { type ClosedGate, deviceGate, refuseClosed, stepAt } from './gates.js'
import { fail, refuse } from './refusal.js'
import type { Refusal, Transition } from './types.js'

/** What a resync needs of an authenticator. */
export interface ResyncAuthenticator {
  id: string
  period: number
  /** The last accepted step; both codes must be newer. */
  lastStep: number
  /** Steps the phone's clock is ahead (+) or behind (-). */
  drift: number
}

/**
 * The steps at which the second code may lie, likeliest first: the phone's current step (ours shifted by the
 * recorded drift), then alternately one earlier and one later, up to `window` each way, never further than
 * {@link MAX_RESYNC_WINDOW} from our own step and never below 1 (the first code is one step earlier).
 *
 * @param auth - the authenticator
 * @param now - the service's clock (ms)
 * @param window - the policy's `resyncWindow` (steps)
 */
export function resyncSteps(auth: ResyncAuthenticator, now: number, window: number): number[] {
  const t = stepAt(now, auth.period)
  return likeliestFirst(t + auth.drift, window, window).filter((s) => s >= 1 && Math.abs(s - t) <= MAX_RESYNC_WINDOW)
}

/** A resync can be checked: for each authenticator, the steps its second code may lie at, likeliest first. */
export interface ResyncGate {
  candidates: { authenticator: Authenticator; seconds: number[] }[]
}

/**
 * Says whether a resync can be checked now and, if so, where to search: `policy.resyncWindow` steps each way
 * around each authenticator's drift (never further than 40 steps from our clock).
 */
export function resyncGate(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): ClosedGate<'not_enrolled' | 'locked'> | ResyncGate {
  const gate = deviceGate(record, now)
  if ('reason' in gate) return gate
  return {
    candidates: totpOf(record as MFARecord).map((authenticator) => ({
      authenticator,
      seconds: resyncSteps(authenticator, now, policy.resyncWindow),
    })),
  }
}

/**
 * What the two codes are: unusable as typed (`malformed`), twice the same code (`same`), or, per authenticator in the
 * record's order, the step of the first code of the pair found (null: none).
 */
export type ResyncEvidence = 'malformed' | 'same' | readonly { authenticatorId: string; step: number | null }[]

/** The outcome of {@link decideResync}; `counts` says whether the refusal counts toward the failure budget. */
export type ResyncDecision =
  | { ok: true; authenticatorId: string; drift: number; lastStep: number }
  | { ok: false; reason: 'malformed' | 'same_code' | 'invalid' | 'replayed'; counts: boolean }

/**
 * Decides a resync. The first authenticator with a pair newer than its last accepted step wins: its drift becomes
 * the distance of the second code's step from ours, and the second step is consumed (both codes are then
 * replays). A pair at or before the last accepted step is `replayed`; no pair at all is `invalid` and counts as a
 * failure. `malformed`, `same_code` and `replayed` do not count (as for a login).
 *
 * @param authenticators - the user's authenticators
 * @param evidence - the pairs found, per authenticator
 * @param now - the service's clock (ms)
 */
export function decideResync(
  authenticators: readonly ResyncAuthenticator[],
  evidence: ResyncEvidence,
  now: number,
): ResyncDecision {
  if (evidence === 'same') return { ok: false, reason: 'same_code', counts: false }
  if (evidence === 'malformed') return { ok: false, reason: 'malformed', counts: false }
  let replayed = false
  for (const { authenticatorId, step } of evidence) {
    const auth = authenticators.find((a) => a.id === authenticatorId)
    if (auth === undefined || step === null) continue
    if (step <= auth.lastStep) {
      replayed = true
      continue
    }
    const drift = step + 1 - stepAt(now, auth.period)
    // the gate never offers a step further than MAX_RESYNC_WINDOW; evidence from elsewhere is not trusted
    if (Math.abs(drift) > MAX_RESYNC_WINDOW) continue
    return { ok: true, authenticatorId, drift, lastStep: step + 1 }
  }
  return replayed ? { ok: false, reason: 'replayed', counts: false } : { ok: false, reason: 'invalid', counts: true }
}

/**
 * Resyncs an authenticator from two consecutive codes found by the evidence side: its drift becomes the distance
 * of the second code's step from ours and both steps are consumed; failures are cleared as by a login. No pair
 * counts as a failure; malformed input, the same code twice and replays do not. A closed gate is refused as is.
 */
export function resync(
  record: MFARecord | null,
  gate: ClosedGate<'not_enrolled' | 'locked'> | ResyncGate,
  evidence: ResyncEvidence | null,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true; authenticatorId: string; drift: number } | Refusal<ResyncReason>> {
  if ('reason' in gate) return refuseClosed(gate)
  const rec = record as MFARecord
  const decision = decideResync(totpOf(rec), evidence ?? 'malformed', now)
  if (!decision.ok) {
    if (decision.counts) return fail(rec, decision.reason, now, policy)
    return refuse(decision.reason)
  }
  const { authenticatorId, drift, lastStep } = decision
  return {
    result: { ok: true, authenticatorId, drift },
    next: {
      ...rec,
      failures: 0,
      lockedUntil: 0,
      authenticators: rec.authenticators.map((a) =>
        a.id === authenticatorId && isTOTP(a) ? { ...a, drift, lastStep, lastUsedAt: now } : a,
      ),
    },
    events: [{ type: 'resynced', authenticatorId, drift }],
  }
}
