// The machine's security-key rules, table by table: an assertion as a login or proof (every verdict, challenge state
// and counter case), registration begun and finished (every gate and evidence), the sign-in challenge (methods,
// the bounded list, expiry), requireSecurityKeyFor, and what pruning and security changes do to the WebAuthn state.
// No crypto: the verifier's verdicts are given as evidence.
import { describe, expect, it } from 'vitest'
import type { MFAPolicy } from '../../../src/mfa/api.js'
import * as m from '../../../src/mfa/machine/index.js'
import { resolvePolicy } from '../../../src/mfa/policy.js'
import { withSchema } from '../../../src/mfa/record/parse.js'
import type { KeyChallenge, MFARecord, SecurityKey } from '../../../src/mfa/record/shapes.js'
import { DAY, FRESH, PHONE, RECOVERY, S, T, twoAuthenticators } from './fixtures.js'

const POLICY = resolvePolicy({ maxFailures: 3, lockBaseMs: 60_000 })
const REPORT = resolvePolicy({ maxFailures: 3, lockBaseMs: 60_000, counterRegression: 'report' })

const KEY: SecurityKey = {
  kind: 'webauthn',
  id: 'yubikey',
  label: 'YubiKey',
  createdAt: T - DAY,
  lastUsedAt: null,
  credentialId: 'Y3JlZA',
  publicKey: 'cHVibGlj',
  algorithm: -7,
  signCount: 10,
  transports: ['usb'],
  backupEligible: false,
  backedUp: false,
  aaguid: '00000000-0000-0000-0000-000000000000',
}
const LIVE = 'bGl2ZWxpdmVsaXZlbGl2ZQ'
const USED = 'dXNlZHVzZWR1c2VkdXNlZA'
const OLD = 'b2xkb2xkb2xkb2xkb2xkbw'
const challenges: KeyChallenge[] = [
  { challenge: OLD, expiresAt: T, used: false },
  { challenge: USED, expiresAt: T + 60_000, used: true },
  { challenge: LIVE, expiresAt: T + 60_000, used: false },
]
/** A user with the phone app and the key, three challenges (expired, used, live), `over` changed. */
const withKey = (over: Partial<MFARecord> = {}): MFARecord => {
  const base = twoAuthenticators()
  return {
    ...base,
    authenticators: [base.authenticators[0] as MFARecord['authenticators'][number], KEY],
    webauthn: { userHandle: 'aGFuZGxl', registration: null, challenges },
    ...over,
  }
}

type Verdict = m.KeyEvidence['verdict']
const OK = (signCount: number, counterRegressed = false, backedUp = false): Verdict => ({
  ok: true,
  signCount,
  backedUp,
  counterRegressed,
})
const NO = (reason: string): Verdict => ({ ok: false, reason })

function login(record: MFARecord, evidence: m.KeyEvidence | { kind: 'malformed' }, policy: MFAPolicy = POLICY) {
  const gate = m.codeGate(record, T, policy)
  if ('reason' in gate) throw new Error(gate.reason)
  return m.verify(record, gate, evidence, T, policy)
}

describe('an assertion as a login: the verdict, the challenge and the counter', () => {
  // [name, key id named, challenge named, verdict, policy, result reason or 'ok', counted, challenge after, event detail]
  const rows: [string, string | null, string, Verdict, MFAPolicy, string, boolean, string, string | undefined][] = [
    ['valid, live challenge', 'yubikey', LIVE, OK(11), POLICY, 'ok', false, 'used', undefined],
    ['counter regressed, refuse', 'yubikey', LIVE, OK(9, true), POLICY, 'cloned', true, 'used', undefined],
    ['counter regressed, report', 'yubikey', LIVE, OK(9, true), REPORT, 'ok', false, 'used', undefined],
    ['valid over a used challenge', 'yubikey', USED, OK(12), POLICY, 'replayed', false, 'used', undefined],
    [
      'valid over an expired challenge',
      'yubikey',
      OLD,
      OK(12),
      POLICY,
      'invalid',
      true,
      'dropped',
      'challenge_expired',
    ],
    [
      'valid over an unknown challenge',
      'yubikey',
      'bm9uZQ',
      OK(12),
      POLICY,
      'invalid',
      true,
      'none',
      'challenge_mismatch',
    ],
    [
      'bad signature, live challenge',
      'yubikey',
      LIVE,
      NO('bad_signature'),
      POLICY,
      'invalid',
      true,
      'dropped',
      'bad_signature',
    ],
    ['wrong origin', 'yubikey', LIVE, NO('origin_mismatch'), POLICY, 'invalid', true, 'dropped', 'origin_mismatch'],
    ['wrong RP', 'yubikey', LIVE, NO('rp_id_mismatch'), POLICY, 'invalid', true, 'dropped', 'rp_id_mismatch'],
    ['no presence', 'yubikey', LIVE, NO('user_not_present'), POLICY, 'invalid', true, 'dropped', 'user_not_present'],
    [
      'no verification',
      'yubikey',
      LIVE,
      NO('user_not_verified'),
      POLICY,
      'invalid',
      true,
      'dropped',
      'user_not_verified',
    ],
    [
      'BE changed',
      'yubikey',
      LIVE,
      NO('backup_state_invalid'),
      POLICY,
      'invalid',
      true,
      'dropped',
      'backup_state_invalid',
    ],
    [
      'bad signature, used challenge',
      'yubikey',
      USED,
      NO('bad_signature'),
      POLICY,
      'invalid',
      true,
      'used',
      'bad_signature',
    ],
    [
      'an unknown key',
      null,
      LIVE,
      NO('credential_mismatch'),
      POLICY,
      'invalid',
      true,
      'dropped',
      'credential_mismatch',
    ],
    ['malformed authenticator data', 'yubikey', LIVE, NO('malformed'), POLICY, 'malformed', false, 'live', undefined],
  ]
  it.each(rows)('%s', (_name, id, challenge, verdict, policy, expected, counted, after, detail) => {
    const rec = withKey({ failures: 1 })
    const t = login(rec, { kind: 'webauthn', authenticatorId: id, challenge, verdict }, policy)
    expect(t.result.ok ? 'ok' : t.result.reason).toBe(expected)
    const next = t.next ?? rec
    expect(next.failures).toBe(counted ? 2 : t.result.ok ? 0 : 1)
    const left = next.webauthn?.challenges.find((c) => c.challenge === challenge)
    const state =
      left === undefined
        ? challenge === 'bm9uZQ'
          ? 'none'
          : 'dropped'
        : left.used
          ? 'used'
          : T >= left.expiresAt
            ? 'expired'
            : 'live'
    expect(state).toBe(after)
    const first = t.events[0]
    expect(first).toMatchObject({ kind: 'webauthn', method: 'webauthn' })
    expect(first?.detail).toBe(detail)
    if (t.result.ok) {
      const key = next.authenticators.find((a) => a.id === 'yubikey') as SecurityKey
      expect(key.signCount).toBe(Math.max(10, (verdict as { signCount: number }).signCount))
      expect(key.lastUsedAt).toBe(T)
      expect(next.lockedUntil).toBe(0)
    }
    const cloned = t.events.filter((e) => e.type === 'cloned')
    expect(cloned.length).toBe(verdict.ok && verdict.counterRegressed ? 1 : 0)
  })

  it('the failure that reaches maxFailures locks, whichever factor it came from', () => {
    const t = login(withKey({ failures: 2 }), {
      kind: 'webauthn',
      authenticatorId: 'yubikey',
      challenge: LIVE,
      verdict: NO('bad_signature'),
    })
    expect(t.result).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 60_000 })
    expect(t.events.map((e) => e.type)).toEqual(['failed', 'locked'])
    const locked = m.codeGate(t.next as MFARecord, T, POLICY)
    expect(locked).toEqual({ reason: 'locked', retryAfterMs: 60_000 })
  })

  it('an accepted assertion updates the backup state and keeps the other entries as they are', () => {
    const t = login(withKey(), {
      kind: 'webauthn',
      authenticatorId: 'yubikey',
      challenge: LIVE,
      verdict: OK(20, false, true),
    })
    expect(t.result).toEqual({ ok: true, method: 'webauthn', authenticatorId: 'yubikey' })
    const next = t.next as MFARecord
    expect(next.authenticators[0]).toEqual(withKey().authenticators[0])
    expect(next.authenticators[1]).toEqual({ ...KEY, signCount: 20, backedUp: true, lastUsedAt: T })
  })

  it('announces a webauthn step-up proof', () => {
    const record = withKey()
    const gate = m.codeGate(record, T, POLICY)
    if ('reason' in gate) throw new Error(gate.reason)
    const t = m.verify(
      record,
      gate,
      { kind: 'webauthn', authenticatorId: 'yubikey', challenge: LIVE, verdict: OK(11) },
      T,
      POLICY,
      { proof: true },
    )
    expect(t.result).toMatchObject({ claims: { method: 'webauthn', authenticatorId: 'yubikey', verifiedAt: T } })
    expect(t.events.map((e) => [e.type, e.method])).toEqual([
      ['verified', 'webauthn'],
      ['proof_issued', 'webauthn'],
    ])
  })
})

describe('requireSecurityKeyFor: a user with a key proves the listed changes with it or a recovery code', () => {
  const strict = resolvePolicy({ requireSecurityKeyFor: ['remove', 'disable'] })
  // [record, method, change, allowed]
  const rows: [string, 'totp' | 'recovery' | 'webauthn', 'enroll' | 'remove' | 'regenerate' | 'disable', boolean][] = [
    ['with a key', 'totp', 'remove', false],
    ['with a key', 'totp', 'disable', false],
    ['with a key', 'totp', 'enroll', true],
    ['with a key', 'totp', 'regenerate', true],
    ['with a key', 'webauthn', 'remove', true],
    ['with a key', 'recovery', 'remove', true],
    ['with a key', 'recovery', 'disable', true],
    ['without a key', 'totp', 'remove', true],
    ['without a key', 'totp', 'disable', true],
  ]
  it.each(rows)('%s, %s for %s: %s', (which, method, change, allowed) => {
    const record = which === 'with a key' ? withKey() : twoAuthenticators()
    expect(m.keyRequirementMet(record, method, change, strict)).toBe(allowed)
    expect(m.keyRequirementMet(record, method, change, POLICY)).toBe(true)
  })

  it('refuses an app code for removal without consuming it or counting it', () => {
    const record = withKey({ failures: 1 })
    const gate = m.codeGate(record, T, strict)
    if ('reason' in gate) throw new Error(gate.reason)
    const t = m.removeAuthenticator(
      record,
      'yubikey',
      gate,
      { kind: 'totp', match: { authenticatorId: 'phone', step: S } },
      T,
      strict,
    )
    expect(t.result).toEqual({ ok: false, reason: 'method_not_allowed' })
    expect(t.next).toBeUndefined()
  })
})

describe('registration begun', () => {
  const fresh: m.NewKeyRegistration = {
    id: 'newkey',
    label: 'Key',
    challenge: 'Y2hhbGxlbmdlY2hhbGxlbmdl',
    userHandle: 'bmV3aGFuZGxl',
  }
  it('for a first authenticator: no proof, a new user handle, nothing excluded', () => {
    const gate = m.enrollGate(null, false, T, POLICY)
    const t = m.beginKeyRegistration(null, gate, null, fresh, T, POLICY)
    expect(t.result).toEqual({
      ok: true,
      authenticatorId: 'newkey',
      expiresAt: T + 600_000,
      userHandle: 'bmV3aGFuZGxl',
      exclude: [],
    })
    expect(t.next?.webauthn).toEqual({
      userHandle: 'bmV3aGFuZGxl',
      registration: { id: 'newkey', label: 'Key', challenge: fresh.challenge, createdAt: T, expiresAt: T + 600_000 },
      challenges: [],
    })
    expect(t.events).toEqual([{ type: 'enrollment_started', authenticatorId: 'newkey', kind: 'webauthn' }])
  })
  // [name, record, has proof, evidence, expected]
  const rows: [string, MFARecord, boolean, m.ProofEvidence | null, string][] = [
    ['further key, no proof', withKey(), false, null, 'proof_required'],
    ['further key, a code', withKey(), true, { kind: 'totp', match: { authenticatorId: 'phone', step: S } }, 'ok'],
    [
      'further key, an assertion',
      withKey(),
      true,
      { kind: 'webauthn', authenticatorId: 'yubikey', challenge: LIVE, verdict: OK(11) },
      'ok',
    ],
    [
      'further key, a bad assertion',
      withKey(),
      true,
      { kind: 'webauthn', authenticatorId: 'yubikey', challenge: LIVE, verdict: NO('bad_signature') },
      'invalid',
    ],
    ['locked user', withKey({ lockedUntil: T + 1 }), true, null, 'locked'],
    ['at the limit', withKey(), true, null, 'limit_reached'],
  ]
  it.each(rows)('%s', (name, record, hasProof, evidence, expected) => {
    const policy = name === 'at the limit' ? resolvePolicy({ maxAuthenticators: 2 }) : POLICY
    const gate = m.enrollGate(record, hasProof, T, policy)
    const t = m.beginKeyRegistration(record, gate, evidence, fresh, T, policy)
    expect(t.result.ok ? 'ok' : t.result.reason).toBe(expected)
    // a locked user hears how long to wait
    if (expected === 'locked') expect(t.result).toEqual({ ok: false, reason: 'locked', retryAfterMs: 1 })
    if (t.result.ok) {
      // the user's handle is kept; their key is excluded
      expect(t.result.userHandle).toBe('aGFuZGxl')
      expect(t.result.exclude).toEqual([{ id: 'Y3JlZA', transports: ['usb'] }])
      expect(t.next?.webauthn?.registration?.id).toBe('newkey')
    }
  })
})

describe('registration finished', () => {
  const registration = {
    id: 'newkey',
    label: 'Key',
    challenge: 'Y2hhbGxlbmdl',
    createdAt: T - 1000,
    expiresAt: T + 60_000,
  }
  const pending = (over: Partial<MFARecord> = {}) =>
    withKey({ webauthn: { userHandle: 'aGFuZGxl', registration, challenges: [] }, ...over })
  const registered: m.RegistrationEvidence = {
    kind: 'registered',
    key: {
      credentialId: 'bmV3Y3JlZA',
      publicKey: 'bmV3cHVi',
      algorithm: -8,
      signCount: 0,
      transports: ['internal', 'hybrid'],
      backupEligible: true,
      backedUp: true,
      aaguid: '00000000-0000-0000-0000-000000000000',
    },
  }
  const rows: [string, MFARecord | null, m.RegistrationEvidence | null, string, 'kept' | 'spent' | 'none'][] = [
    ['nothing begun', withKey(), null, 'not_pending', 'none'],
    ['no record', null, null, 'not_pending', 'none'],
    ['expired', pending({}), null, 'enrollment_expired', 'spent'],
    ['locked', pending({ lockedUntil: T + 5 }), null, 'locked', 'kept'],
    ['malformed', pending(), { kind: 'malformed' }, 'malformed', 'kept'],
    ['refused by the verifier', pending(), { kind: 'refused', detail: 'challenge_mismatch' }, 'invalid', 'spent'],
    [
      'a key the user has',
      pending(),
      { ...registered, key: { ...registered.key, credentialId: 'Y3JlZA' } },
      'already_registered',
      'spent',
    ],
    ['a new key', pending(), registered, 'ok', 'spent'],
  ]
  it.each(rows)('%s', (name, record, evidence, expected, after) => {
    const now = name === 'expired' ? T + 60_000 : T
    const gate = m.finishGate(record, now, POLICY)
    let t = m.finishKeyRegistration(record, gate, evidence, now, POLICY)
    if ('needsRecovery' in t) t = t.needsRecovery(FRESH)
    expect(t.result.ok ? 'ok' : t.result.reason).toBe(expected)
    const next = t.next ?? record
    expect(next?.webauthn?.registration ? 'kept' : record?.webauthn?.registration ? 'spent' : 'none').toBe(after)
    if (name === 'refused by the verifier')
      expect(t.events[0]).toMatchObject({ type: 'failed', detail: 'challenge_mismatch', kind: 'webauthn' })
    if (t.result.ok) {
      expect(t.result).toEqual({ ok: true, authenticatorId: 'newkey', recoveryCodes: [] })
      expect(next?.authenticators.at(-1)).toEqual({
        kind: 'webauthn',
        id: 'newkey',
        label: 'Key',
        createdAt: T,
        lastUsedAt: null,
        ...registered.key,
      })
      expect(t.events).toEqual([{ type: 'authenticator_added', authenticatorId: 'newkey', kind: 'webauthn' }])
      // the user handle stays with the user's keys
      expect(next?.webauthn).toEqual({ userHandle: 'aGFuZGxl', registration: null, challenges: [] })
    }
    // refusals here never count against the failure budget
    expect(next?.failures ?? 0).toBe(record?.failures ?? 0)
  })

  it('at the limit', () => {
    const gate = m.finishGate(pending(), T, resolvePolicy({ maxAuthenticators: 2 }))
    expect(gate).toEqual({ reason: 'limit_reached' })
  })

  it("the user's first authenticator turns MFA on with recovery codes", () => {
    const record: MFARecord = {
      ...(m.beginKeyRegistration(
        null,
        { open: true },
        null,
        { id: 'newkey', label: 'Key', challenge: 'Y2hhbGxlbmdl', userHandle: 'aA' },
        T,
        POLICY,
      ).next as MFARecord),
    }
    const t = m.finishKeyRegistration(record, m.finishGate(record, T, POLICY), registered, T, POLICY)
    if (!('needsRecovery' in t)) throw new Error('expected fresh recovery codes')
    const done = t.needsRecovery(FRESH)
    expect(done.result).toEqual({ ok: true, authenticatorId: 'newkey', recoveryCodes: FRESH.codes })
    expect(done.next?.enabledAt).toBe(T)
    expect(done.next?.recovery).toEqual(RECOVERY)
    expect(done.next?.unsaved).toMatchObject({ authenticatorId: 'newkey', issuedAt: T })
    expect(done.events).toEqual([{ type: 'enrolled', authenticatorId: 'newkey', kind: 'webauthn' }])
    expect(done.next?.webauthn).toEqual({ userHandle: 'aA', registration: null, challenges: [] })
    expect(withSchema(done.next as MFARecord).schema).toBe(3)
  })
})

describe('the sign-in challenge', () => {
  it.each([
    ['no record', null, { ok: false, reason: 'not_enrolled' }],
    ['locked', withKey({ lockedUntil: T + 10 }), { ok: false, reason: 'locked', retryAfterMs: 10 }],
    ['an app only', twoAuthenticators(), { ok: true, methods: ['totp', 'recovery'] }],
    [
      'an app only, no recovery codes left',
      twoAuthenticators({ recovery: { ...RECOVERY, digests: [] } }),
      { ok: true, methods: ['totp'] },
    ],
  ] as const)('%s', (_name, record, expected) => {
    const t = m.issueChallenge(m.challengeGate(record, T), 'bmV3', 'aA', T, POLICY)
    expect(t.result).toEqual(expected)
    expect(t.next).toBeUndefined()
  })

  it('with a key: a new challenge; expired ones go, and only the newest five are kept', () => {
    const t = m.issueChallenge(m.challengeGate(withKey(), T), 'bmV3', 'aA', T, POLICY)
    expect(t.result).toEqual({
      ok: true,
      methods: ['webauthn', 'totp', 'recovery'],
      allow: [{ id: 'Y3JlZA', transports: ['usb'] }],
      expiresAt: T + 300_000,
    })
    expect(t.next?.webauthn?.challenges.map((c) => c.challenge)).toEqual([USED, LIVE, 'bmV3'])
    let record = t.next as MFARecord
    for (const c of ['YQ', 'Yg', 'Yw', 'ZA'])
      record = m.issueChallenge(m.challengeGate(record, T), c, 'aA', T, POLICY).next as MFARecord
    expect(record.webauthn?.challenges.map((c) => c.challenge)).toEqual(['bmV3', 'YQ', 'Yg', 'Yw', 'ZA'])
    expect(t.events).toEqual([])
  })
})

describe('the WebAuthn state: pruning, security changes, schema', () => {
  it('forgets expired challenges and registrations, and the whole state once nothing is left and no key', () => {
    const expiredRegistration = { id: 'r', label: 'Key', challenge: 'YQ', createdAt: T - 2000, expiresAt: T - 1000 }
    const noKey = {
      ...twoAuthenticators(),
      webauthn: { userHandle: 'aA', registration: expiredRegistration, challenges: [] },
    }
    expect(m.pruneKeyState(noKey, T)).toEqual(twoAuthenticators())
    expect(withSchema(m.pruneKeyState(noKey, T)).schema).toBe(2)
    const pruned = m.pruneKeyState(withKey(), T + 1)
    expect(pruned.webauthn?.challenges.map((c) => c.challenge)).toEqual([USED, LIVE])
    const later = m.pruneKeyState(withKey(), T + 60_000)
    expect(later.webauthn).toEqual({ userHandle: 'aGFuZGxl', registration: null, challenges: [] })
  })

  it('a security change cancels a registration begun (its proof was of the old generation)', () => {
    const registration = {
      id: 'newkey',
      label: 'Key',
      challenge: 'Y2hhbGxlbmdl',
      createdAt: T - 1000,
      expiresAt: T + 60_000,
    }
    const record = withKey({ webauthn: { userHandle: 'aGFuZGxl', registration, challenges } })
    const changed = m.securityChange(record, T)
    expect(changed.next.webauthn?.registration).toBeNull()
    expect(changed.next.webauthn?.challenges).toEqual(challenges)
    expect(changed.events).toContainEqual({
      type: 'enrollment_cancelled',
      authenticatorId: 'newkey',
      reason: 'security',
      kind: 'webauthn',
    })
  })

  it('removing the key: the app remains (a security change); removing the last authenticator is disable', () => {
    const record = withKey()
    const gate = m.removeGate(record, 'yubikey', true, T, POLICY)
    if ('reason' in gate) throw new Error(gate.reason)
    const t = m.removeAuthenticator(
      record,
      'yubikey',
      gate,
      { kind: 'totp', match: { authenticatorId: 'phone', step: S } },
      T,
      POLICY,
    )
    expect(t.result).toEqual({ ok: true })
    expect(t.next?.authenticators.map((a) => a.id)).toEqual(['phone'])
    expect(t.next?.generation).toBe(5)
    // the state of a user without keys is forgotten on the next write (the record reads as schema 2 again)
    expect(withSchema(m.forgetStale(t.next as MFARecord, T + 60_000)).schema).toBe(2)
    const keyOnly: MFARecord = { ...withKey(), authenticators: [KEY] }
    const g2 = m.removeGate(keyOnly, 'yubikey', true, T, POLICY)
    if ('reason' in g2) throw new Error(g2.reason)
    const off = m.removeAuthenticator(
      keyOnly,
      'yubikey',
      g2,
      { kind: 'webauthn', authenticatorId: 'yubikey', challenge: LIVE, verdict: OK(11) },
      T,
      POLICY,
    )
    expect(off.result).toEqual({ ok: true })
    expect(off.next?.authenticators).toEqual([])
    expect(off.events.at(-1)).toEqual({ type: 'disabled', method: 'webauthn', authenticatorId: 'yubikey' })
  })

  it('a key entry is never a candidate for codes, resync or the sealed secrets', () => {
    const gate = m.codeGate(withKey(), T, POLICY)
    if ('reason' in gate) throw new Error(gate.reason)
    expect(gate.candidates.map((c) => c.authenticator.id)).toEqual([PHONE.id])
    expect(gate.keys).toEqual([KEY])
    const resync = m.resyncGate(withKey(), T, POLICY)
    expect('candidates' in resync && resync.candidates.map((c) => c.authenticator.id)).toEqual([PHONE.id])
    expect(m.keyIds(withKey())).toEqual(m.keyIds(twoAuthenticators()))
    expect(m.list(withKey()).map((a) => a.kind)).toEqual(['totp', 'webauthn'])
  })
})
