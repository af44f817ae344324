// Refusals and the failure budget: one per user across every authenticator, recovery code, resync and device token.
import type { MFAPolicy } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import { countUp, MAX_FAILURES_COUNT, type MFARecord } from '../record/shapes.js'
import type { Refusal, Transition } from './types.js'

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
  const failures = countUp(record.failures, MAX_FAILURES_COUNT)
  const over = failures - policy.maxFailures
  // || 0: a lockBaseMs of 0 times 2 ** over (Infinity past 1023) is NaN, which would corrupt the stored record
  const retryAfterMs = over >= 0 ? Math.min(policy.lockBaseMs * 2 ** over, policy.lockMaxMs) || 0 : undefined
  const next = { ...record, failures, lockedUntil: retryAfterMs === undefined ? 0 : now + retryAfterMs }
  return refuse(reason, retryAfterMs === undefined ? { next } : { next, retryAfterMs, locked: true })
}
