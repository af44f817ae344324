// Resync: a phone whose clock is minutes off proves it holds the secret with two consecutive codes, found over a
// wider window than a login looks at; their step sets the authenticator's drift. `resyncGate` and `decideResync`
// are pure (for the machine); `findConsecutive` is the evidence (the HMACs).
import { integerOption } from '../errors.js'
import { timingSafeEqualString } from '../internal/bytes.js'
import type { HMACSigner } from '../internal/engine.js'
import { counterBytes, truncate } from '../internal/otp.js'

/** Steps each way a resync searches by default (10 steps of 30 s: 5 minutes). */
export const DEFAULT_RESYNC_WINDOW = 10
/** The widest resync search, and the largest drift an authenticator may have, in steps (40 of 30 s: 20 minutes). */
export const MAX_RESYNC_WINDOW = 40

/**
 * Checks the policy's `resyncWindow`.
 *
 * @throws OTPError `ERR_INVALID_OPTION` unless an integer from 1 to 40 (steps)
 */
export const checkResyncWindow = (value: unknown): number =>
  integerOption(value, 'policy.resyncWindow', 1, MAX_RESYNC_WINDOW, DEFAULT_RESYNC_WINDOW)

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
export function resyncGate(auth: ResyncAuthenticator, now: number, window: number): number[] {
  const t = Math.floor(now / 1000 / auth.period)
  const centre = t + auth.drift
  const steps: number[] = []
  for (let d = 0; d <= window; d++) {
    for (const s of d === 0 ? [centre] : [centre - d, centre + d]) {
      if (s >= 1 && Math.abs(s - t) <= MAX_RESYNC_WINDOW) steps.push(s)
    }
  }
  return steps
}

/**
 * Evidence: the step of `code1` when `code1` and `code2` are the codes of two consecutive steps (s, s + 1) with
 * s + 1 among `seconds` (from {@link resyncGate}), checked in that order; null when no such pair exists. Both
 * codes of each candidate pair are computed before they are compared, so until a pair is found the work done
 * does not depend on what was typed; a miss computes every step. Comparisons are constant-time.
 *
 * @param signer - the authenticator's prepared secret
 * @param code1 - the first code, normalised (digits only)
 * @param code2 - the code that followed it, normalised
 * @param digits - code length
 * @param seconds - candidate steps of the second code
 */
export async function findConsecutive(
  signer: HMACSigner,
  code1: string,
  code2: string,
  digits: number,
  seconds: readonly number[],
): Promise<number | null> {
  const codes = new Map<number, string>()
  const codeAt = async (step: number): Promise<string> => {
    let code = codes.get(step)
    if (code === undefined) {
      code = truncate(await signer.sign(counterBytes(step)), digits)
      codes.set(step, code)
    }
    return code
  }
  for (const second of seconds) {
    const [first, next] = [await codeAt(second - 1), await codeAt(second)]
    if (timingSafeEqualString(first, code1) && timingSafeEqualString(next, code2)) return second - 1
  }
  return null
}

/** Why a resync was refused. */
export type ResyncReason = 'malformed' | 'same_code' | 'invalid' | 'replayed'

/**
 * What the two codes are: unusable as typed (`malformed`), twice the same code (`same`), or, per authenticator in the
 * record's order, the step of the first code of the pair found (null: none).
 */
export type ResyncEvidence = 'malformed' | 'same' | readonly { authenticatorId: string; step: number | null }[]

/** The outcome of {@link decideResync}; `counts` says whether the refusal counts toward the failure budget. */
export type ResyncDecision =
  | { ok: true; authenticatorId: string; drift: number; lastStep: number }
  | { ok: false; reason: ResyncReason; counts: boolean }

/**
 * Decides a resync. The first authenticator with a pair newer than its last accepted step wins: its drift becomes
 * the distance of the second code's step from ours, and the second step is consumed (both codes are then
 * replays). A pair at or before the last accepted step is `replayed`; no pair at all is `invalid` and counts as a
 * failure. `malformed`, `same_code` and `replayed` do not count (as for a login).
 *
 * @param authenticators - the user's authenticators
 * @param evidence - from {@link findConsecutive}, per authenticator
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
    const drift = step + 1 - Math.floor(now / 1000 / auth.period)
    // the gate never offers a step further than MAX_RESYNC_WINDOW; evidence from elsewhere is not trusted
    if (Math.abs(drift) > MAX_RESYNC_WINDOW) continue
    return { ok: true, authenticatorId, drift, lastStep: step + 1 }
  }
  return replayed ? { ok: false, reason: 'replayed', counts: false } : { ok: false, reason: 'invalid', counts: true }
}
