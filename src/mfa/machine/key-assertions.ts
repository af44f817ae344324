// A security key's assertion proved (single-use challenges, the signature counter, the one failure budget), and the
// WebAuthn state every rule keeps tidy: what the login, the step-up proofs, recovery-code regeneration and every
// security change need of security keys. It imports none of those rules, so each can use it; registration and the
// sign-in challenge, which build on them, are in security-keys.ts.
import type { MFAPolicy, ProofChange } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import { type KeyState, keysOf, type MFARecord, type SecurityKey } from '../record/shapes.js'
import type { CodeGate } from './gates.js'
import { fail, refuse } from './refusal.js'
import type { Proved, Refusal, Transition } from './types.js'

/**
 * What an assertion is, as the evidence side found it (`{ kind: 'malformed' }` when it is not a browser's JSON at
 * all): the key it names among the gate's (null: none of them), the challenge its client data names, and the
 * verifier's verdict against that key and, when the record holds that challenge, that challenge.
 */
export interface KeyEvidence {
  kind: 'webauthn'
  authenticatorId: string | null
  challenge: string
  verdict: { ok: true; signCount: number; backedUp: boolean; counterRegressed: boolean } | { ok: false; reason: string }
}

export const KEY = { kind: 'webauthn', method: 'webauthn' } as const

/** A refusal of an assertion, its events marked as a security key's (and with the verifier's detail). */
export function marked<R extends string>(
  t: Transition<Refusal<R>>,
  detail: string | undefined,
  authenticatorId: string | null,
): Transition<Refusal<R>> {
  const [first, ...rest] = t.events
  const event: MFAEventDraft = { ...(first as MFAEventDraft), ...KEY }
  if (detail !== undefined) event.detail = detail
  if (authenticatorId !== null) event.authenticatorId = authenticatorId
  return { ...t, events: [event, ...rest] }
}

/** The record with its WebAuthn state replaced (or removed: `null`). */
export function withState(record: MFARecord, state: KeyState | null): MFARecord {
  const { webauthn: _, ...rest } = record
  return state === null ? rest : { ...rest, webauthn: state }
}

/** The record with one sign-in challenge taken out (`drop`) or marked used. */
function spend(record: MFARecord, challenge: string, how: 'drop' | 'use'): MFARecord {
  const state = record.webauthn
  if (!state) return record
  const challenges =
    how === 'drop'
      ? state.challenges.filter((c) => c.challenge !== challenge)
      : state.challenges.map((c) => (c.challenge === challenge ? { ...c, used: true } : c))
  return withState(record, { ...state, challenges })
}

/**
 * Decides an assertion given as a login or as a proof. Not a browser's JSON at all: `malformed`, not counted.
 * Otherwise the challenge it names is spent, whatever the verdict: taken out when refused, marked used when accepted
 * (the write that accepts it is the compare-and-set that consumes it, so it is accepted once under any concurrency).
 * A response that does not verify, names another key or a challenge the record does not hold (or no longer: expired)
 * is `invalid`, counted like a wrong code, the event's `detail` saying why. A valid assertion over a used challenge is
 * `replayed`, not counted. A counter that did not grow is `cloned` (counted) unless `policy.counterRegression` is
 * `'report'`; both emit the `cloned` event. Accepted: failures cleared, the counter (it only moves forward), the
 * backup state and the last use updated.
 */
export function proveKey(
  record: MFARecord,
  gate: CodeGate,
  evidence: KeyEvidence,
  now: number,
  policy: MFAPolicy,
): { proved: Proved } | { refused: Transition<Refusal<'malformed' | 'invalid' | 'replayed' | 'cloned'>> } {
  const { verdict, authenticatorId } = evidence
  if (!verdict.ok && verdict.reason === 'malformed') return { refused: marked(refuse('malformed'), undefined, null) }
  const key = gate.keys.find((k) => k.id === authenticatorId)
  const entry = gate.challenges.find((c) => c.challenge === evidence.challenge)
  const live = entry !== undefined && now < entry.expiresAt
  if (!verdict.ok || !key || !live) {
    const spent = entry && !entry.used ? spend(record, entry.challenge, 'drop') : record
    const detail = !verdict.ok
      ? verdict.reason
      : !key
        ? 'credential_mismatch'
        : entry
          ? 'challenge_expired'
          : 'challenge_mismatch'
    return { refused: marked(fail(spent, 'invalid', now, policy), detail, key ? key.id : null) }
  }
  if (entry.used) return { refused: marked(refuse('replayed'), undefined, key.id) }
  const spent = spend(record, entry.challenge, 'use')
  const events: MFAEventDraft[] = []
  if (verdict.counterRegressed) {
    const cloned: MFAEventDraft = { type: 'cloned', authenticatorId: key.id, ...KEY }
    if (policy.counterRegression === 'refuse') {
      const refused = marked(fail(spent, 'cloned', now, policy), undefined, key.id)
      return { refused: { ...refused, events: [...refused.events, cloned] } }
    }
    events.push(cloned)
  }
  const updated: SecurityKey = {
    ...key,
    signCount: Math.max(key.signCount, verdict.signCount),
    // §6.1: BS may change over a credential's life (BE may not: the verifier refuses that)
    backedUp: verdict.backedUp,
    lastUsedAt: now,
  }
  const next: MFARecord = {
    ...spent,
    failures: 0,
    lockedUntil: 0,
    authenticators: spent.authenticators.map((a) => (a.id === key.id ? updated : a)),
  }
  return { proved: { next, method: 'webauthn', authenticatorId: key.id, events } }
}

/**
 * `policy.requireSecurityKeyFor`: whether a proof made by `method` may authorize `change` for this record (a user
 * with a security key must use it, or a recovery code, for the changes listed).
 */
export function keyRequirementMet(
  record: MFARecord,
  method: Proved['method'],
  change: ProofChange,
  policy: MFAPolicy,
): boolean {
  if (method !== 'totp' || !policy.requireSecurityKeyFor.includes(change)) return true
  return keysOf(record).length === 0
}

/** The record without a registration begun (and without its WebAuthn state, when nothing else is left in it). */
export function dropRegistration(record: MFARecord): MFARecord {
  const state = record.webauthn
  return state?.registration ? pruneKeyState(withState(record, { ...state, registration: null })) : record
}

/**
 * The record without what has expired of its WebAuthn state (challenges, a registration), and without the state
 * itself once it holds nothing and the user has no key (the record reads as schema 2 again).
 */
export function pruneKeyState(record: MFARecord, now?: number): MFARecord {
  const state = record.webauthn
  if (!state) return record
  const challenges = now === undefined ? state.challenges : state.challenges.filter((c) => now < c.expiresAt)
  const registration =
    now !== undefined && state.registration && now >= state.registration.expiresAt ? null : state.registration
  if (registration === null && challenges.length === 0 && keysOf(record).length === 0) return withState(record, null)
  if (registration === state.registration && challenges.length === state.challenges.length) return record
  return withState(record, { ...state, registration, challenges })
}
