// Resync: an authenticator's clock drift learned again from two consecutive codes. The search window and the
// decision itself are in ../resync.ts.
import type { MFAPolicy } from '../policy.js'
import type { Authenticator, MFARecord } from '../record.js'
import { decideResync, type ResyncEvidence, type ResyncReason, resyncGate } from '../resync.js'
import { type ClosedGate, deviceGate } from './gates.js'
import { fail, refuse } from './refusal.js'
import type { Refusal, Transition } from './types.js'

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
