// Security keys and passkeys: registration (begun with a proof once the user has an authenticator, finished by the
// browser's response) and the sign-in challenge. An assertion as proof of the user (single-use challenges, the
// signature counter, the one failure budget) is key-assertions.ts, which the login and every rule taking a proof use.
// The verification of the WebAuthn responses is the evidence side's (../security-key-evidence.ts); what its verdict
// means is decided here and there.
import type { ChallengeReason, EnrollReason, MFAPolicy, RegisterKeyReason } from '../api.js'
import { MAX_KEY_CHALLENGES } from '../record/security-key.js'
import { type KeyChallenge, type KeyState, keysOf, type MFARecord, type SecurityKey, totpOf } from '../record/shapes.js'
import { type IdentityGate, proveToAdd } from './enrollment.js'
import { type ClosedGate, type CodeGate, refuseClosed } from './gates.js'
import { dropRegistration, marked, withState } from './key-assertions.js'
import { unsavedFor } from './recovery-codes.js'
import { refuse } from './refusal.js'
import type { ProofEvidence } from './step-up.js'
import type { NeedsRecovery, Refusal, Transition } from './types.js'

/** The label of a key registered without one. */
export const DEFAULT_KEY_LABEL = 'Security key'

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
 * proof the gate asks for (`enrollGate`: none for a first authenticator, or an identity proof with
 * `policy.requireIdentityProof`; `limit_reached` at `maxAuthenticators`).
 * The challenge is kept until `policy.enrollmentTTLMs`; the user's keys are excluded from the options.
 */
export function beginKeyRegistration(
  record: MFARecord | null,
  gate: ClosedGate<EnrollReason> | CodeGate | IdentityGate | { open: true },
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
