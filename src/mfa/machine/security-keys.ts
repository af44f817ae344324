// Security keys and passkeys: registration (begun with a proof once the user has an authenticator, finished by the
// browser's response), the sign-in challenge, and an assertion as proof of the user (single-use challenges, the
// signature counter, the one failure budget). The verification of the WebAuthn responses is the evidence side's
// (../security-key-evidence.ts); what its verdict means is decided here.
import type { ChallengeReason, EnrollReason, MFAPolicy, ProofChange, RegisterKeyReason } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import { MAX_KEY_CHALLENGES } from '../record/security-key.js'
import { type KeyChallenge, type KeyState, keysOf, type MFARecord, type SecurityKey, totpOf } from '../record/shapes.js'
import { proveToAdd } from './enrollment.js'
import { type ClosedGate, type CodeGate, refuseClosed } from './gates.js'
import type { Proved } from './prove.js'
import { unsavedFor } from './recovery-codes.js'
import { fail, refuse } from './refusal.js'
import type { ProofEvidence } from './step-up.js'
import type { NeedsRecovery, Refusal, Transition } from './types.js'

/** The label of a key registered without one. */
export const DEFAULT_KEY_LABEL = 'Security key'

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

const KEY = { kind: 'webauthn', method: 'webauthn' } as const

/** A refusal of an assertion, its events marked as a security key's (and with the verifier's detail). */
function marked<R extends string>(
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
function withState(record: MFARecord, state: KeyState | null): MFARecord {
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

/** What the service made for a new registration: the key's id and label, a fresh challenge, a user handle. */
export interface NewKeyRegistration {
  id: string
  label: string
  /** 32 random bytes, base64url. */
  challenge: string
  /** 16 random bytes, base64url: used only when the user has no WebAuthn state yet. */
  userHandle: string
}

/** What the options of a registration need from the record: the user handle and the keys to exclude. */
export interface KeyRegistrationStarted {
  ok: true
  authenticatorId: string
  expiresAt: number
  userHandle: string
  exclude: { id: string; transports: string[] }[]
}

/**
 * Begins (or begins again: it replaces any registration begun) the registration of a security key, after the
 * proof the gate asks for (`enrollGate`: none for a first authenticator; `limit_reached` at `maxAuthenticators`).
 * The challenge is kept until `policy.enrollmentTTLMs`; the user's keys are excluded from the options.
 */
export function beginKeyRegistration(
  record: MFARecord | null,
  gate: ClosedGate<EnrollReason> | CodeGate | { open: true },
  evidence: ProofEvidence | null,
  fresh: NewKeyRegistration,
  now: number,
  policy: MFAPolicy,
): Transition<KeyRegistrationStarted | Refusal<EnrollReason>> {
  if ('reason' in gate) return refuseClosed(gate)
  const proved = proveToAdd(record, gate, evidence, now, policy)
  if ('refused' in proved) return proved.refused
  const { base, events } = proved
  const expiresAt = now + policy.enrollmentTTLMs
  const state: KeyState = base.webauthn ?? { userHandle: fresh.userHandle, registration: null, challenges: [] }
  const registration = { id: fresh.id, label: fresh.label, challenge: fresh.challenge, createdAt: now, expiresAt }
  events.push({ type: 'enrollment_started', authenticatorId: fresh.id, kind: 'webauthn' })
  const exclude = keysOf(base).map((k) => ({ id: k.credentialId, transports: [...k.transports] }))
  return {
    result: { ok: true, authenticatorId: fresh.id, expiresAt, userHandle: state.userHandle, exclude },
    next: withState(base, { ...state, registration }),
    events,
  }
}

/** Why a registration response cannot be checked (nothing the browser sent is looked at). */
export type FinishClosed = 'not_pending' | 'enrollment_expired' | 'locked' | 'limit_reached'

/** A registration response can be checked against this challenge (base64url). */
export interface FinishGate {
  challenge: string
}

/**
 * Says whether a registration response can be checked: a registration begun (`not_pending`), not expired
 * (`enrollment_expired`), the user not locked, room for one more authenticator.
 */
export function finishGate(
  record: MFARecord | null,
  now: number,
  policy: MFAPolicy,
): ClosedGate<FinishClosed> | FinishGate {
  const registration = record?.webauthn?.registration
  if (!record || !registration) return { reason: 'not_pending' }
  if (now >= registration.expiresAt) return { reason: 'enrollment_expired' }
  if (now < record.lockedUntil) return { reason: 'locked', retryAfterMs: record.lockedUntil - now }
  if (record.authenticators.length >= policy.maxAuthenticators) return { reason: 'limit_reached' }
  return { challenge: registration.challenge }
}

/** The credential a verified registration response carries (the public key base64url): a key entry's own facts. */
export type RegisteredKey = Omit<SecurityKey, 'kind' | 'id' | 'label' | 'createdAt' | 'lastUsedAt'>

/** What a registration response is: not a browser's JSON, refused by the verifier (why), or a credential. */
export type RegistrationEvidence =
  | { kind: 'malformed' }
  | { kind: 'refused'; detail: string }
  | { kind: 'registered'; key: RegisteredKey }

/** The result of a finished registration: the recovery codes only for the user's first authenticator. */
export type KeyRegistered = { ok: true; authenticatorId: string; recoveryCodes: string[] }

/**
 * Finishes a registration. `malformed` changes nothing (the page may send the right thing); any other refusal spends
 * the registration (its challenge is single use): `invalid` (the event's `detail` says why) or `already_registered`
 * (a credential this user has). Refusals here do not count against the failure budget: the user proved who they are
 * to begin. The key becomes an authenticator; the user's first turns MFA on with fresh recovery codes.
 */
export function finishKeyRegistration(
  record: MFARecord | null,
  gate: ClosedGate<FinishClosed> | FinishGate,
  evidence: RegistrationEvidence | null,
  now: number,
  policy: MFAPolicy,
): Transition<KeyRegistered | Refusal<RegisterKeyReason>> | NeedsRecovery<KeyRegistered | Refusal<RegisterKeyReason>> {
  if ('reason' in gate) {
    const t = refuse(gate.reason, gate.retryAfterMs === undefined ? {} : { retryAfterMs: gate.retryAfterMs })
    // an expired registration is removed, so later calls see none
    if (gate.reason === 'enrollment_expired' && record) t.next = dropRegistration(record)
    return { ...t, events: t.events.map((e) => ({ ...e, kind: 'webauthn' as const })) }
  }
  const rec = record as MFARecord
  const state = rec.webauthn as KeyState
  const registration = state.registration as NonNullable<KeyState['registration']>
  if (evidence === null || evidence.kind === 'malformed') return marked(refuse('malformed'), undefined, null)
  const spent = dropRegistration(rec)
  if (evidence.kind === 'refused') {
    return { ...marked(refuse('invalid'), evidence.detail, registration.id), next: spent }
  }
  const { key } = evidence
  if (keysOf(rec).some((k) => k.credentialId === key.credentialId)) {
    return { ...marked(refuse('already_registered'), undefined, null), next: spent }
  }
  const added: SecurityKey = {
    kind: 'webauthn',
    id: registration.id,
    label: registration.label,
    createdAt: now,
    lastUsedAt: null,
    ...key,
    transports: [...key.transports],
  }
  // the user handle stays with the user's keys (not pruned as the state of a record without keys would be)
  const kept = withState(rec, { ...state, registration: null })
  const next: MFARecord = {
    ...kept,
    authenticators: [...kept.authenticators, added],
    enabledAt: rec.enabledAt ?? now,
  }
  const id = added.id
  if (rec.authenticators.length > 0) {
    return {
      result: { ok: true, authenticatorId: id, recoveryCodes: [] },
      next,
      events: [{ type: 'authenticator_added', authenticatorId: id, kind: 'webauthn' }],
    }
  }
  return {
    needsRecovery: (fresh) => ({
      result: { ok: true, authenticatorId: id, recoveryCodes: fresh.codes },
      next: { ...next, recovery: fresh.digests, unsaved: unsavedFor(fresh, id, now, policy) },
      events: [{ type: 'enrolled', authenticatorId: id, kind: 'webauthn' }],
    }),
  }
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

/** The gate of `challenge`: no authenticator (`not_enrolled`), or `locked` (nothing is handed out). */
export function challengeGate(
  record: MFARecord | null,
  now: number,
): ClosedGate<ChallengeReason> | { record: MFARecord } {
  if (!record || record.authenticators.length === 0) return { reason: 'not_enrolled' }
  if (now < record.lockedUntil) return { reason: 'locked', retryAfterMs: record.lockedUntil - now }
  return { record }
}

/** What `challenge` answers: the methods; with a key, the challenge's keys (allowCredentials) and its expiry (ms). */
export type ChallengeIssued = {
  ok: true
  methods: ('webauthn' | 'totp' | 'recovery')[]
  allow?: { id: string; transports: string[] }[]
  expiresAt?: number
}

/**
 * The sign-in step: which kinds the user has and, when they have a key, a fresh challenge kept in the record
 * (`policy.challengeTTLMs`; the newest {@link MAX_KEY_CHALLENGES} live ones are kept, the oldest dropped). Without a
 * key nothing is written.
 */
export function issueChallenge(
  gate: ClosedGate<ChallengeReason> | { record: MFARecord },
  challenge: string,
  userHandle: string,
  now: number,
  policy: MFAPolicy,
): Transition<ChallengeIssued | Refusal<ChallengeReason>> {
  if ('reason' in gate) {
    const result: Refusal<ChallengeReason> = { ok: false, reason: gate.reason }
    if (gate.retryAfterMs !== undefined) result.retryAfterMs = gate.retryAfterMs
    return { result, events: [] }
  }
  const { record } = gate
  const keys = keysOf(record)
  const methods: ChallengeIssued['methods'] = []
  if (keys.length > 0) methods.push('webauthn')
  if (totpOf(record).length > 0) methods.push('totp')
  if ((record.recovery?.digests.length ?? 0) > 0) methods.push('recovery')
  if (keys.length === 0) return { result: { ok: true, methods }, events: [] }
  const state: KeyState = record.webauthn ?? { userHandle, registration: null, challenges: [] }
  const expiresAt = now + policy.challengeTTLMs
  const kept: KeyChallenge[] = state.challenges.filter((c) => now < c.expiresAt).slice(-(MAX_KEY_CHALLENGES - 1))
  const challenges = [...kept, { challenge, expiresAt, used: false }]
  return {
    result: {
      ok: true,
      methods,
      allow: keys.map((k) => ({ id: k.credentialId, transports: [...k.transports] })),
      expiresAt,
    },
    next: withState(record, { ...state, challenges }),
    events: [],
  }
}
