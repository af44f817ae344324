// The pure machine's rules for recovery codes shown again until saved, and for a confirmation submitted twice (a
// double click, a reload): one table each. Records and evidence are written out by hand; the sealed codes are a
// placeholder the machine stores and hands back, never opens.
import { describe, expect, it } from 'vitest'
import * as m from '../../../src/mfa/machine/index.js'
import { resolvePolicy } from '../../../src/mfa/policy.js'
import { type Authenticator, emptyRecord, type MFARecord } from '../../../src/mfa/record/shapes.js'
import { FRESH, PHONE, RECOVERY, S, SEALED, T, TABLET } from './fixtures.js'

const policy = resolvePolicy({})
const WINDOW = 900_000 // the default unsavedRecoveryCodesTTLMs
const NO_KEYS: m.FreshRecoveryCodes = { ...FRESH, codes: ['fresh-one', 'fresh-two'], sealed: null }

/** The phone, confirmed at T with steps S-1, S (its second code's step consumed). */
const phone: Authenticator = { ...PHONE, createdAt: T, lastUsedAt: T, lastStep: S, drift: 0 }
const unsaved = { sealed: SEALED, authenticatorId: 'phone', issuedAt: T, expiresAt: T + WINDOW }
/** Right after the first confirmation: MFA on, the codes in their window. */
const enabled: MFARecord = {
  ...emptyRecord(),
  enabledAt: T,
  recovery: RECOVERY,
  authenticators: [phone],
  unsaved,
}

const give = <R>(t: m.Transition<R> | m.NeedsRecovery<R>, fresh = FRESH): m.Transition<R> =>
  'needsRecovery' in t ? t.needsRecovery(fresh) : t

describe('issuing: which changes open, keep and end the window', () => {
  const pending = { ...PHONE, createdAt: T - 30_000, expiresAt: T + 600_000, attempts: 0, replaces: null }
  const proofGate = (r: MFARecord) => m.proofGate(r, true, T + 60_000, policy)
  const rows: [string, () => m.Transition<unknown> | m.NeedsRecovery<unknown>, m.FreshRecoveryCodes, unknown][] = [
    [
      'the first authenticator opens it, sealed, for its confirmation',
      () => {
        const r = { ...emptyRecord(), pending }
        return m.confirm(r, m.confirmGate(r, T, policy), { kind: 'pair', first: S - 1, second: S }, T, policy)
      },
      FRESH,
      unsaved,
    ],
    [
      'without keys, only the window (nothing to show again but a fresh set)',
      () => {
        const r = { ...emptyRecord(), pending }
        return m.confirm(r, m.confirmGate(r, T, policy), { kind: 'pair', first: S - 1, second: S }, T, policy)
      },
      NO_KEYS,
      { ...unsaved, sealed: null },
    ],
    [
      'with a policy of 0, none: the codes are shown once',
      () => {
        const r = { ...emptyRecord(), pending }
        const once = resolvePolicy({ unsavedRecoveryCodesTTLMs: 0 })
        return m.confirm(r, m.confirmGate(r, T, once), { kind: 'pair', first: S - 1, second: S }, T, once)
      },
      FRESH,
      null,
    ],
    [
      'a further authenticator leaves it as it was',
      () => {
        const r = { ...enabled, pending: { ...pending, ...TABLET } }
        return m.confirm(r, m.confirmGate(r, T, policy), { kind: 'pair', first: S - 1, second: S }, T, policy)
      },
      FRESH,
      unsaved,
    ],
    [
      'a regeneration replaces it, for no authenticator',
      () => {
        const r = { ...enabled, authenticators: [{ ...phone, lastStep: S - 5 }] }
        const e = { kind: 'totp', match: { authenticatorId: 'phone', step: S + 2 } } as const
        return m.regenerateRecoveryCodes(r, proofGate(r), e, T + 60_000, policy)
      },
      FRESH,
      { ...unsaved, authenticatorId: null, issuedAt: T + 60_000, expiresAt: T + 60_000 + WINDOW },
    ],
    [
      'a login with a TOTP code keeps it',
      () => {
        const e = { kind: 'totp', match: { authenticatorId: 'phone', step: S + 2 } } as const
        return m.verify(enabled, m.codeGate(enabled, T + 60_000, policy), e, T + 60_000, policy)
      },
      FRESH,
      unsaved,
    ],
    [
      'a recovery code used ends it (whoever uses one has them)',
      () => {
        const e = { kind: 'recovery', digest: RECOVERY.digests[0] as string } as const
        return m.verify(enabled, m.codeGate(enabled, T + 60_000, policy), e, T + 60_000, policy)
      },
      FRESH,
      null,
    ],
    [
      'an import with new codes ends it (the application holds those)',
      () => m.importAuthenticator(enabled, m.importGate(enabled, policy), { ...TABLET, lastStep: -1 }, true, T),
      FRESH,
      null,
    ],
    [
      'disable ends it',
      () => {
        const e = { kind: 'totp', match: { authenticatorId: 'phone', step: S + 2 } } as const
        return m.disable(enabled, proofGate(enabled), e, T + 60_000, policy)
      },
      FRESH,
      null,
    ],
    ['a support reset ends it', () => m.reset(enabled, 'support', 'lost'), FRESH, null],
    ['acknowledging ends it', () => m.acknowledgeRecoveryCodes(enabled), FRESH, null],
  ]
  it.each(rows)('%s', (_, change, fresh, expected) => {
    expect(give(change(), fresh).next?.unsaved).toEqual(expected)
  })

  it('acknowledging nothing writes nothing', () => {
    expect(m.acknowledgeRecoveryCodes({ ...enabled, unsaved: null })).toEqual({ result: { ok: true }, events: [] })
    expect(m.acknowledgeRecoveryCodes(null)).toEqual({ result: { ok: true }, events: [] })
  })

  it('a write after the window drops the sealed copy; before it, the record is written as it is', () => {
    expect(m.forgetStale(enabled, T + WINDOW - 1)).toBe(enabled)
    expect(m.forgetStale(enabled, T + WINDOW)).toEqual({ ...enabled, unsaved: null })
  })
})

describe('showing them again', () => {
  const rows: [string, MFARecord | null, number, unknown, unknown][] = [
    ['no record', null, T, null, undefined],
    ['none issued lately', { ...enabled, unsaved: null }, T, null, undefined],
    [
      'sealed: handed back with the digests it is bound to; nothing written',
      enabled,
      T + 60_000,
      { issuedAt: T, expiresAt: T + WINDOW, sealed: { sealed: SEALED, digests: RECOVERY.digests } },
      undefined,
    ],
    ['at the end of the window: none', enabled, T + WINDOW, null, undefined],
    [
      'without keys: a fresh set replaces the unseen one, in the same window',
      { ...enabled, unsaved: { ...unsaved, sealed: null } },
      T + 60_000,
      { issuedAt: T, expiresAt: T + WINDOW, recoveryCodes: NO_KEYS.codes },
      { ...unsaved, sealed: null },
    ],
  ]
  it.each(rows)('%s', (_, record, at, result, written) => {
    const t = give(m.unsavedRecoveryCodes(record, at), NO_KEYS)
    expect(t.result).toEqual(result)
    expect(t.next?.unsaved).toEqual(written)
    if (written) {
      expect(t.next?.recovery).toEqual(NO_KEYS.digests)
      expect(t.events).toEqual([{ type: 'recovery_regenerated', recoveryCodesLeft: RECOVERY.digests.length }])
    } else expect(t.events).toEqual([])
  })

  it('status says until when', () => {
    expect(m.status(enabled, T + 1).unsavedRecoveryCodesUntil).toBe(T + WINDOW)
    expect(m.status(enabled, T + WINDOW).unsavedRecoveryCodesUntil).toBeUndefined()
  })
})

describe('a confirmation submitted again', () => {
  const same = { kind: 'pair', first: S - 1, second: S } as const
  const rows: [string, MFARecord, number, m.ConfirmEvidence, m.FreshRecoveryCodes, unknown][] = [
    [
      'the same codes at once: the same answer, the sealed codes to open',
      enabled,
      T + 5_000,
      same,
      FRESH,
      { ok: true, authenticatorId: 'phone', recoveryCodes: [], sealed: { sealed: SEALED, digests: RECOVERY.digests } },
    ],
    [
      'the same codes two steps later (still in the enrollment window)',
      enabled,
      T + 60_000,
      same,
      FRESH,
      { ok: true, authenticatorId: 'phone', recoveryCodes: [], sealed: { sealed: SEALED, digests: RECOVERY.digests } },
    ],
    [
      'without keys: a fresh set (the unseen one replaced)',
      { ...enabled, unsaved: { ...unsaved, sealed: null } },
      T + 5_000,
      same,
      NO_KEYS,
      { ok: true, authenticatorId: 'phone', recoveryCodes: NO_KEYS.codes },
    ],
    [
      'once the codes were acknowledged: the same answer without codes',
      { ...enabled, unsaved: null },
      T + 5_000,
      same,
      FRESH,
      { ok: true, authenticatorId: 'phone', recoveryCodes: [] },
    ],
    [
      'a further authenticator (no codes of its own): the same answer',
      { ...enabled, authenticators: [{ ...TABLET, ...phone, id: 'old', lastStep: S - 9 }, phone] },
      T + 5_000,
      same,
      FRESH,
      { ok: true, authenticatorId: 'phone', recoveryCodes: [], sealed: { sealed: SEALED, digests: RECOVERY.digests } },
    ],
    ['three steps later: not pending', enabled, T + 90_000, same, FRESH, { ok: false, reason: 'not_pending' }],
    [
      'after a login with it: not pending',
      { ...enabled, authenticators: [{ ...phone, lastUsedAt: T + 30_000, lastStep: S + 1 }] },
      T + 30_000,
      same,
      FRESH,
      { ok: false, reason: 'not_pending' },
    ],
    [
      'other codes: not pending (and counted nowhere)',
      enabled,
      T + 5_000,
      { kind: 'pair', first: null, second: S },
      FRESH,
      { ok: false, reason: 'not_pending' },
    ],
    [
      'the newest authenticator is an import: not pending',
      { ...enabled, authenticators: [phone, { ...TABLET, createdAt: T, lastUsedAt: null, lastStep: S, drift: 0 }] },
      T + 5_000,
      same,
      FRESH,
      { ok: false, reason: 'not_pending' },
    ],
  ]
  it.each(rows)('%s', (_, record, at, evidence, fresh, expected) => {
    const gate = m.confirmGate(record, at, policy)
    const t = give(m.confirm(record, gate, evidence, at, policy), fresh)
    expect(t.result).toEqual(expected)
    // a repeat changes nothing but, without keys, the replaced codes
    if (fresh === NO_KEYS) expect(t.next?.unsaved).toEqual(record.unsaved)
    else expect(t.next).toBeUndefined()
    expect(t.events.map((e) => e.type)).toEqual(
      (expected as { ok: boolean }).ok ? (fresh === NO_KEYS ? ['recovery_regenerated'] : []) : ['failed'],
    )
  })

  it('the gate offers only the two consumed steps of the newest authenticator', () => {
    expect(m.confirmGate(enabled, T + 5_000, policy)).toEqual({
      holder: phone,
      repeat: phone,
      second: [S],
      first: [S - 1],
    })
  })
})

describe('the pending enrollment shown again', () => {
  const pending = { ...TABLET, createdAt: T, expiresAt: T + 600_000, attempts: 2, replaces: null }
  const rows: [string, MFARecord | null, number, unknown][] = [
    ['none', enabled, T, null],
    ['no record', null, T, null],
    ['pending, after two refused pairs', { ...enabled, pending }, T + 1, { pending, attemptsLeft: 3 }],
    [
      'locked: none left',
      { ...enabled, pending: { ...pending, attempts: 7 } },
      T + 1,
      { pending: { ...pending, attempts: 7 }, attemptsLeft: 0 },
    ],
    ['expired', { ...enabled, pending }, T + 600_000, null],
  ]
  it.each(rows)('%s', (_, record, at, expected) => {
    expect(m.pendingEnrollment(record, at, policy)).toEqual(expected)
  })
})
