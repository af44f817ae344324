// Verification codes by email or SMS: sending (cooldown, hourly limit, one live code), checking (single use, its own
// attempts and the user's one failure budget), voiding a code nobody received, and the identity proof a first
// enrollment asks for under `policy.requireIdentityProof`.
import { timingSafeEqualString } from '../../internal/bytes.js'
import type { CheckCodeReason, MFAPolicy, SendCodeReason, VerificationChannel } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import {
  MAX_VERIFICATION_CODE_ATTEMPTS,
  MAX_VERIFICATION_CODES_PER_HOUR,
  VERIFICATION_SEND_WINDOW_MS,
} from '../policy.js'
import { countUp, emptyRecord, type MFARecord } from '../record/shapes.js'
import type { PendingCode, VerificationState } from '../record/verification.js'
import { type ClosedGate, refuseClosed } from './gates.js'
import { fail, refuse } from './refusal.js'
import { decideProof, isChannel, type ProofClaims, type ProofEvidence } from './step-up.js'
import type { Refusal, Transition } from './types.js'

/** A new code as the service prepared it (digests computed), before the machine dates it. */
export type NewCode = Omit<PendingCode, 'sentAt' | 'expiresAt' | 'attempts'>

/** The result of a send: when the code expires and when another may go out (ms), or why nothing was sent. */
export type SendDecision =
  | { ok: true; expiresAt: number; resendAfterMs: number }
  | { ok: false; reason: SendCodeReason; retryAfterMs: number }

/** The send times still within the hourly window at `now` (a time ahead of `now`, from another server, stays). */
const recentSends = (state: VerificationState | undefined, now: number): number[] =>
  (state?.sent ?? []).filter((t) => t > now - VERIFICATION_SEND_WINDOW_MS)

/**
 * How long until a send may go out after `sent` (ms, 0: now): the cooldown after the last one, and, with the hourly
 * allowance used up, until the oldest send that fills it leaves the window.
 */
function waitBeforeSend(sent: readonly number[], now: number, policy: MFAPolicy): { cooldown: number; limit: number } {
  const last = sent.at(-1)
  const cooldown = last === undefined ? 0 : Math.max(last + policy.verificationCodeCooldownMs - now, 0)
  const perHour = policy.verificationCodesPerHour
  const blocking = sent.length >= perHour ? (sent[sent.length - perHour] as number) : undefined
  const limit = blocking === undefined ? 0 : Math.max(blocking + VERIFICATION_SEND_WINDOW_MS - now, 1)
  return { cooldown, limit }
}

/**
 * The record with `state`; without a code or a recent send the field goes. The write sets the schema number from
 * what the record holds (`withSchema` in record/parse.ts: 3 with this state, 2 again without it and without keys).
 */
export function withVerification(record: MFARecord, state: VerificationState): MFARecord {
  const { verification: _, ...rest } = record
  if (state.code === null && state.sent.length === 0) return rest
  return { ...rest, verification: state }
}

/**
 * The record as any write stores it: send times older than an hour, and a code sent more than an hour ago (expired
 * under any policy), are forgotten; with nothing left the field goes.
 *
 * @param record - the record about to be written
 * @param now - the service's clock (ms)
 */
export function forgetStaleCodes(record: MFARecord, now: number): MFARecord {
  const state = record.verification
  if (!state) return record
  const sent = recentSends(state, now)
  const code = state.code && now - state.code.sentAt < VERIFICATION_SEND_WINDOW_MS ? state.code : null
  return sent.length === state.sent.length && code === state.code ? record : withVerification(record, { code, sent })
}

/** The event fields naming a code: its channel (`method`), purpose and masked destination. */
const about = (code: Pick<PendingCode, 'channel' | 'purpose' | 'masked'>) => ({
  method: code.channel,
  purpose: code.purpose,
  destination: code.masked,
})

/**
 * Sends a new code, unless the user is locked (`locked`), the last code went out less than
 * `policy.verificationCodeCooldownMs` ago (`too_soon`), or `policy.verificationCodesPerHour` went out in the last
 * hour (`limit_reached`); each refusal says how long to wait and writes nothing. A sent code replaces (voids) any
 * earlier one and lives `policy.verificationCodeTTLMs`; `resendAfterMs` is when the next may go out.
 *
 * @param record - the user's record, or null
 * @param code - the new code's digests, purpose, channel and masked destination
 * @param now - the service's clock (ms)
 * @param policy - the service's policy
 */
export function sendCode(
  record: MFARecord | null,
  code: NewCode,
  now: number,
  policy: MFAPolicy,
): Transition<SendDecision> {
  const base: MFARecord = record ?? emptyRecord()
  if (now < base.lockedUntil) {
    const retryAfterMs = base.lockedUntil - now
    return {
      result: { ok: false, reason: 'locked', retryAfterMs },
      events: [{ type: 'failed', reason: 'locked', ...about(code) }],
    }
  }
  const sent = recentSends(base.verification, now)
  const wait = waitBeforeSend(sent, now, policy)
  if (wait.limit > 0 || wait.cooldown > 0) {
    const reason = wait.limit > 0 ? 'limit_reached' : 'too_soon'
    const retryAfterMs = Math.max(wait.limit, wait.cooldown)
    return { result: { ok: false, reason, retryAfterMs }, events: [{ type: 'failed', reason, ...about(code) }] }
  }
  const expiresAt = now + policy.verificationCodeTTLMs
  const pending: PendingCode = { ...code, sentAt: now, expiresAt, attempts: 0 }
  const after = [...sent, now].slice(-MAX_VERIFICATION_CODES_PER_HOUR)
  const next = withVerification(base, { code: pending, sent: after })
  const resend = waitBeforeSend(after, now, policy)
  return {
    result: { ok: true, expiresAt, resendAfterMs: Math.max(resend.cooldown, resend.limit) },
    next,
    events: [{ type: 'code_sent', ...about(pending) }],
  }
}

/**
 * Voids the code whose delivery failed (`sendCode` threw): no code that nobody received stays valid. Only that code
 * (by its digest): a newer one sent meanwhile stays. The send still counts towards the cooldown and the hourly limit.
 */
export function voidUndelivered(record: MFARecord | null, digest: string): Transition<{ voided: boolean }> {
  const state = record?.verification
  const code = state?.code
  if (!record || !state || !code || code.digest !== digest) return { result: { voided: false }, events: [] }
  return {
    result: { voided: true },
    next: withVerification(record, { ...state, code: null }),
    events: [{ type: 'failed', reason: 'delivery_failed', ...about(code) }],
  }
}

/** A code can be checked: the live code, of the purpose asked for, unexpired. */
export interface CodeCheckGate {
  code: PendingCode
}

/**
 * Says whether a code can be checked now: not while the user is locked (`locked`), nor without a live code
 * (`no_code`), nor for another purpose than the code was sent for (`purpose_mismatch`: nothing is compared), nor
 * past its lifetime (`expired`).
 */
export function codeCheckGate(
  record: MFARecord | null,
  purpose: string,
  now: number,
  policy: MFAPolicy,
): ClosedGate<Exclude<CheckCodeReason, 'malformed' | 'invalid'>> | CodeCheckGate {
  if (record && now < record.lockedUntil) return { reason: 'locked', retryAfterMs: record.lockedUntil - now }
  const code = record?.verification?.code
  // a code past a lowered policy's attempts is void too
  if (!code || code.attempts >= policy.verificationCodeAttempts) return { reason: 'no_code' }
  if (code.purpose !== purpose) return { reason: 'purpose_mismatch' }
  if (now >= code.expiresAt) return { reason: 'expired' }
  return { code }
}

/**
 * What the user typed, as the evidence side found it: not a code of the expected length (`malformed`), or its
 * digest under the code's key, bound like the stored one (null: that key is no longer configured).
 */
export type TypedCodeEvidence = { kind: 'malformed' } | { kind: 'digest'; digest: string | null }

/** A checked code: the channel it went through, and the claims of the step-up proof to sign when one was asked for. */
export type CodeCheckSuccess = {
  ok: true
  channel: VerificationChannel
  claims?: Omit<ProofClaims, 'kid'>
}

/** Why a check failed: `invalid` comes with the attempts the code has left (0: void). */
export type CodeCheckRefusal =
  | { ok: false; reason: 'invalid'; attemptsLeft: number; retryAfterMs?: number }
  | Refusal<Exclude<CheckCodeReason, 'invalid'>>

/**
 * Checks a typed code. A closed gate is refused as is (an expired or void code is removed). `malformed` counts
 * nowhere. A right code is spent (single use: the compare-and-set of its removal admits one winner), with
 * `code_verified` and, when asked, the claims of a step-up proof (`method` the channel, the code's purpose); it clears
 * the failure budget only for a user with no authenticator (an inbox must not reset the count of wrong authenticator
 * codes). A wrong one counts against the code's attempts (the last one voids it) and, like every wrong code, against
 * the user's failure budget (the lock included).
 */
export function checkCode(
  record: MFARecord | null,
  gate: ClosedGate<Exclude<CheckCodeReason, 'malformed' | 'invalid'>> | CodeCheckGate,
  evidence: TypedCodeEvidence | null,
  now: number,
  policy: MFAPolicy,
  extras: { proof?: boolean } = {},
): Transition<CodeCheckSuccess | CodeCheckRefusal> {
  const state = record?.verification
  if ('reason' in gate) {
    const code = state?.code
    const refused = refuseClosed(gate)
    if (code) Object.assign(refused.events[0] as MFAEventDraft, about(code))
    // an expired or void code is removed, so later checks say no_code and the record holds no dead digest
    if (record && state && code && (gate.reason === 'expired' || gate.reason === 'no_code')) {
      refused.next = withVerification(record, { ...state, code: null })
    }
    return refused
  }
  const rec = record as MFARecord
  const { code } = gate
  const live = state as VerificationState
  if (evidence === null || evidence.kind === 'malformed') return tagged(refuse('malformed'), code)
  if (evidence.digest === null) {
    // the key the code was digested under is gone (rotated away within the code's life): it cannot open
    return tagged(refuse('no_code', { next: withVerification(rec, { ...live, code: null }) }), code)
  }
  if (timingSafeEqualString(code.digest, evidence.digest)) {
    let next = withVerification(rec, { ...live, code: null })
    if (rec.authenticators.length === 0) next = { ...next, failures: 0, lockedUntil: 0 }
    const events: MFAEventDraft[] = [{ type: 'code_verified', ...about(code) }]
    const result: CodeCheckSuccess = { ok: true, channel: code.channel }
    if (extras.proof) {
      events.push({ type: 'proof_issued', method: code.channel, purpose: code.purpose })
      const { channel: method, purpose } = code
      result.claims = { verifiedAt: now, generation: next.generation, method, authenticatorId: null, purpose }
    }
    return { result, next, events }
  }
  const attempts = countUp(code.attempts, MAX_VERIFICATION_CODE_ATTEMPTS)
  const attemptsLeft = Math.max(policy.verificationCodeAttempts - attempts, 0)
  const kept = attemptsLeft > 0 ? { ...code, attempts } : null
  const failed = fail(withVerification(rec, { ...live, code: kept }), 'invalid', now, policy)
  const result: CodeCheckRefusal = { ...failed.result, reason: 'invalid', attemptsLeft }
  return { ...tagged(failed, code), result }
}

/** A refusal whose first event names the code (channel, purpose, masked destination). */
function tagged<R>(t: Transition<R>, code: PendingCode): Transition<R> {
  Object.assign(t.events[0] as MFAEventDraft, about(code))
  return t
}

/** Why an identity proof does not let a first enrollment begin. */
export type IdentityRefusal =
  | 'proof_required'
  | 'proof_expired'
  | 'proof_revoked'
  | 'proof_invalid'
  | 'method_not_allowed'
  | 'purpose_mismatch'

/**
 * Decides the identity check of a first enrollment under `policy.requireIdentityProof`: a step-up proof of a
 * verification code sent for the purpose `'enroll'`, standing for the record now ({@link decideProof}) and within its
 * `maxAgeMs`. No proof (or a code typed instead of one) is `proof_required`; a proof of another method
 * `method_not_allowed`; of a code sent for another purpose `purpose_mismatch`. Nothing is consumed or counted: a proof
 * is a signature, not something to guess.
 *
 * @param record - the user's record, or null
 * @param evidence - the opened proof, or null when none was given
 * @param now - the service's clock (ms)
 * @returns null when the proof stands, else the refusal reason
 */
export function identityRefusal(
  record: MFARecord | null,
  evidence: ProofEvidence | null,
  now: number,
): IdentityRefusal | null {
  if (evidence?.kind !== 'proof') return 'proof_required'
  const decision = decideProof(evidence.opened, record, now, evidence.maxAgeMs)
  if (!decision.ok) return decision.reason
  if (!isChannel(decision.method)) return 'method_not_allowed'
  return 'purpose' in decision && decision.purpose === 'enroll' ? null : 'purpose_mismatch'
}
