// The pure machine against the console flow, line by line: each row is one thing a user or support does on the
// MFA page, with the evidence the service would have computed, and what the machine must answer and store. No
// crypto, no clock, no store: records and evidence are written out by hand.
import { describe, expect, it } from 'vitest'
import * as m from '../../../src/mfa/machine/index.js'
import { resolvePolicy, TOMBSTONE_TTL_MS } from '../../../src/mfa/policy.js'
import { emptyRecord, isTOTP, type MFARecord } from '../../../src/mfa/record/shapes.js'
import { FRESH, PHONE, RECOVERY, S, T, TABLET } from './fixtures.js'

const policy = resolvePolicy({ maxAuthenticators: 2 })

const totp = (authenticatorId: string, step: number): m.CodeEvidence => ({
  kind: 'totp',
  match: { authenticatorId, step },
})
const wrong: m.CodeEvidence = { kind: 'totp', match: null }
const recovery = (digest: string): m.CodeEvidence => ({ kind: 'recovery', digest })

type Step = {
  line: string
  at: number
  act: (record: MFARecord | null, at: number) => m.Transition<unknown> | m.NeedsRecovery<unknown>
  result: unknown
  events?: string[]
  check?: (record: MFARecord | null) => void
}

// Every rule takes its gate as the gate function returned it: a closed gate is refused by the rule itself.
const loginWith = (e: m.CodeEvidence) => (r: MFARecord | null, at: number) =>
  m.verify(r, m.codeGate(r, at, policy), e, at, policy)

const FLOW: Step[] = [
  {
    line: 'the MFA page of a new user shows nothing enabled',
    at: T,
    act: (r, at) => ({ result: m.status(r, at), events: [] }),
    result: { state: 'none' },
  },
  {
    line: 'step 1: bind a virtual MFA device (a first one needs no proof)',
    at: T,
    act: (r, at) => m.begin(r, m.enrollGate(r, false, at, policy), null, PHONE, at, policy),
    result: { ok: true, authenticatorId: 'phone', expiresAt: T + 600_000 },
    events: ['enrollment_started'],
  },
  {
    line: 'step 2: the same code twice is refused and costs no attempt',
    at: T + 30_000,
    act: (r, at) => m.confirm(r, m.confirmGate(r, at, policy), { kind: 'same' }, at, policy),
    result: { ok: false, reason: 'same_code' },
    events: ['failed'],
  },
  {
    line: 'step 2: codes in the wrong order are refused and counted',
    at: T + 30_000,
    act: (r, at) => m.confirm(r, m.confirmGate(r, at, policy), { kind: 'pair', first: S + 1, second: S }, at, policy),
    result: { ok: false, reason: 'reversed' },
    check: (r) => expect(r?.pending?.attempts).toBe(1),
  },
  {
    line: 'step 2: two consecutive codes activate it, with recovery codes',
    at: T + 30_000,
    act: (r, at) => m.confirm(r, m.confirmGate(r, at, policy), { kind: 'pair', first: S, second: S + 1 }, at, policy),
    result: { ok: true, authenticatorId: 'phone', recoveryCodes: FRESH.codes },
    events: ['enrolled'],
    check: (r) => {
      expect(r?.authenticators.filter(isTOTP).map((a) => [a.id, a.lastStep])).toEqual([['phone', S + 1]])
      expect(r?.enabledAt).toBe(T + 30_000)
      expect(r?.pending).toBeNull()
    },
  },
  {
    line: 'login: the code just used for activation is a replay',
    at: T + 40_000,
    act: loginWith(totp('phone', S + 1)),
    result: { ok: false, reason: 'replayed' },
    events: ['replay_rejected'],
  },
  {
    line: 'login: the next code logs in and says which device',
    at: T + 60_000,
    act: loginWith(totp('phone', S + 2)),
    result: { ok: true, method: 'totp', authenticatorId: 'phone' },
    events: ['verified'],
    check: (r) => expect(r?.authenticators[0]?.lastUsedAt).toBe(T + 60_000),
  },
  ...Array.from({ length: 4 }, (_, i) => ({
    line: `login: wrong code ${i + 1} of 5 is counted`,
    at: T + 61_000,
    act: loginWith(wrong),
    result: { ok: false, reason: 'invalid' },
    check: (r: MFARecord | null) => expect(r?.failures).toBe(i + 1),
  })),
  {
    line: 'login: the fifth wrong code locks the user for 30 s',
    at: T + 61_000,
    act: loginWith(wrong),
    result: { ok: false, reason: 'invalid', retryAfterMs: 30_000 },
    events: ['failed', 'locked'],
  },
  {
    line: 'login: while locked even a right code is not looked at',
    at: T + 71_000,
    act: loginWith(totp('phone', S + 3)),
    result: { ok: false, reason: 'locked', retryAfterMs: 20_000 },
  },
  {
    line: 'login: after the lock, a right code logs in and clears the count',
    at: T + 95_000,
    act: loginWith(totp('phone', S + 3)),
    result: { ok: true, method: 'totp', authenticatorId: 'phone' },
    check: (r) => expect([r?.failures, r?.lockedUntil]).toEqual([0, 0]),
  },
  {
    line: 'add a second phone for the team: refused without a proof',
    at: T + 120_000,
    act: (r, at) => m.begin(r, m.enrollGate(r, false, at, policy), null, TABLET, at, policy),
    result: { ok: false, reason: 'proof_required' },
  },
  {
    line: 'add a second phone: a fresh code of the first is the proof, and is consumed',
    at: T + 120_000,
    act: (r, at) => m.begin(r, m.enrollGate(r, true, at, policy), totp('phone', S + 4), TABLET, at, policy),
    result: { ok: true, authenticatorId: 'tablet', expiresAt: T + 720_000 },
    check: (r) => {
      expect(r?.authenticators.map((a) => a.id)).toEqual(['phone'])
      expect(r?.authenticators.filter(isTOTP)[0]?.lastStep).toBe(S + 4)
    },
  },
  {
    line: 'the pending second phone changes nothing for the first: it still logs in',
    at: T + 150_000,
    act: loginWith(totp('phone', S + 5)),
    result: { ok: true, method: 'totp', authenticatorId: 'phone' },
  },
  {
    line: 'the second phone is confirmed: no new recovery codes',
    at: T + 180_000,
    act: (r, at) =>
      m.confirm(r, m.confirmGate(r, at, policy), { kind: 'pair', first: S + 5, second: S + 6 }, at, policy),
    result: { ok: true, authenticatorId: 'tablet', recoveryCodes: [] },
    events: ['authenticator_added'],
  },
  {
    line: 'a third device is over the cap of this policy (2)',
    at: T + 180_000,
    act: (r, at) => m.begin(r, m.enrollGate(r, true, at, policy), totp('phone', S + 7), TABLET, at, policy),
    result: { ok: false, reason: 'limit_reached' },
    check: (r) => expect(r?.authenticators.filter(isTOTP).find((a) => a.id === 'phone')?.lastStep).toBe(S + 5),
  },
  {
    line: 'each phone has its own replay state: the tablet’s step S+6 is used, the phone’s is not',
    at: T + 185_000,
    act: loginWith(totp('phone', S + 6)),
    result: { ok: true, method: 'totp', authenticatorId: 'phone' },
  },
  {
    line: 'remove the old phone: an unknown id is not found, and no proof is consumed',
    at: T + 210_000,
    act: (r, at) =>
      m.removeAuthenticator(
        r,
        'laptop',
        m.removeGate(r, 'laptop', true, at, policy),
        totp('tablet', S + 7),
        at,
        policy,
      ),
    result: { ok: false, reason: 'not_found' },
    check: (r) => expect(r?.authenticators.filter(isTOTP).find((a) => a.id === 'tablet')?.lastStep).toBe(S + 6),
  },
  {
    line: 'remove the old phone with a code of the tablet',
    at: T + 210_000,
    act: (r, at) =>
      m.removeAuthenticator(r, 'phone', m.removeGate(r, 'phone', true, at, policy), totp('tablet', S + 7), at, policy),
    result: { ok: true },
    events: ['authenticator_removed'],
    check: (r) => {
      expect(r?.authenticators.map((a) => a.id)).toEqual(['tablet'])
      expect(r?.generation).toBe(1)
    },
  },
  {
    line: 'a recovery code logs in once',
    at: T + 220_000,
    act: loginWith(recovery('a'.repeat(32))),
    result: { ok: true, method: 'recovery' },
    events: ['verified', 'recovery_used'],
    check: (r) => expect(r?.recovery?.digests).toEqual(['b'.repeat(32)]),
  },
  {
    line: 'the same recovery code again is a counted failure',
    at: T + 220_000,
    act: loginWith(recovery('a'.repeat(32))),
    result: { ok: false, reason: 'invalid' },
  },
  {
    line: 'disable: refused without a proof',
    at: T + 240_000,
    act: (r, at) => m.disable(r, m.proofGate(r, false, at, policy), null, at, policy),
    result: { ok: false, reason: 'proof_required' },
  },
  {
    line: 'disable with the last recovery code: everything goes, a tombstone stays',
    at: T + 240_000,
    act: (r, at) => m.disable(r, m.proofGate(r, true, at, policy), recovery('b'.repeat(32)), at, policy),
    result: { ok: true },
    events: ['recovery_used', 'disabled'],
    check: (r) => {
      expect(r).toEqual({ ...emptyRecord(2) })
      expect(m.expiry(r as MFARecord, T, policy)).toBe(TOMBSTONE_TTL_MS)
    },
  },
  {
    line: 'login after disable: not enrolled',
    at: T + 250_000,
    act: loginWith(totp('tablet', S + 8)),
    result: { ok: false, reason: 'not_enrolled' },
  },
  {
    line: 'support reset (phone lost): no code needed, generation moves on',
    at: T + 260_000,
    act: (r) => m.reset(r, 'support:1', 'ticket 7'),
    result: { ok: true },
    events: ['reset'],
    check: (r) => expect(r?.generation).toBe(3),
  },
]

describe('the machine against the console flow', () => {
  it('answers every line as the console flow says', () => {
    let record: MFARecord | null = null
    for (const step of FLOW) {
      let t = step.act(record, step.at)
      if ('needsRecovery' in t) t = t.needsRecovery(FRESH)
      expect([step.line, t.result]).toEqual([step.line, step.result])
      if (step.events) expect([step.line, t.events.map((e) => e.type)]).toEqual([step.line, step.events])
      if (t.next) record = t.next
      step.check?.(record)
    }
  })
})

describe('the machine’s rules, one table each', () => {
  const active: MFARecord = {
    ...emptyRecord(),
    enabledAt: T,
    authenticators: [{ ...PHONE, createdAt: T, lastUsedAt: T, lastStep: S, drift: 0 }],
    recovery: RECOVERY,
  }

  it('confirmEnrollment: the reason of every pair of steps (gate at S, window 2 back, 1 ahead)', () => {
    const record = {
      ...active,
      authenticators: [],
      enabledAt: null,
      pending: { ...TABLET, createdAt: T, expiresAt: T + 600_000, attempts: 0, replaces: null },
    }
    const rows: [first: number | null, second: number | null, reason: string][] = [
      [S - 1, S, 'ok'],
      [S + 1, S, 'reversed'],
      [S - 2, S, 'not_consecutive'],
      [null, S, 'invalid'],
      [S, null, 'invalid'],
      [null, null, 'invalid'],
    ]
    for (const [first, second, reason] of rows) {
      let t = m.confirm(record, m.confirmGate(record, T, policy), { kind: 'pair', first, second }, T, policy)
      if ('needsRecovery' in t) t = t.needsRecovery(FRESH)
      const got = t.result.ok ? 'ok' : t.result.reason
      expect([first, second, got]).toEqual([first, second, reason])
    }
    const gate = m.confirmGate(record, T, policy) as m.ConfirmGate
    expect(gate.second).toEqual([S, S - 1, S + 1, S - 2])
    expect(gate.first).toEqual([S, S - 1, S + 1, S - 2, S - 3])
  })

  it('confirmEnrollment gate: not pending, enrollment expired (and removed), locked at the attempt cap', () => {
    const pending = { ...TABLET, createdAt: T, expiresAt: T + 600_000, attempts: 0, replaces: null }
    const rows: [MFARecord | null, number, string][] = [
      [null, T, 'not_pending'],
      [{ ...active, pending }, T + 600_000, 'enrollment_expired'],
      [{ ...active, pending: { ...pending, attempts: 5 } }, T, 'enrollment_locked'],
      [
        { ...active, authenticators: [active.authenticators[0]!, { ...active.authenticators[0]!, id: 'x' }], pending },
        T,
        'limit_reached',
      ],
    ]
    for (const [record, at, reason] of rows) {
      const gate = m.confirmGate(record, at, policy)
      expect([reason, 'reason' in gate && gate.reason]).toEqual([reason, reason])
      const t = m.confirm(record, gate, { kind: 'malformed' }, at, policy) as m.Transition<unknown>
      if (reason === 'enrollment_expired') expect(t.next?.pending).toBeNull()
    }
  })

  it('codeGate: the last used authenticator first, the likeliest step first, around its drift', () => {
    const record: MFARecord = {
      ...active,
      authenticators: [
        { ...PHONE, createdAt: T, lastUsedAt: T, lastStep: S, drift: 1 },
        { ...TABLET, createdAt: T, lastUsedAt: T + 1, lastStep: S, drift: 0 },
        { ...TABLET, id: 'never', createdAt: T, lastUsedAt: null, lastStep: -1, drift: -1 },
      ],
    }
    const gate = m.codeGate(record, T, policy) as m.CodeGate
    expect(gate.candidates.map((c) => [c.authenticator.id, c.steps])).toEqual([
      ['tablet', [S, S - 1, S + 1]],
      ['phone', [S + 1, S, S + 2]],
      ['never', [S - 1, S - 2, S]],
    ])
  })

  it('status and expiry: what the page shows, and which records the store may drop', () => {
    const pending = { ...TABLET, createdAt: T, expiresAt: T + 600_000, attempts: 0, replaces: null }
    const onlyPending = { ...emptyRecord(), pending }
    expect(m.status(onlyPending, T)).toEqual({
      state: 'pending',
      pendingExpiresAt: T + 600_000,
      pendingAuthenticatorId: onlyPending.pending?.id,
    })
    expect(m.status(onlyPending, T + 600_000)).toEqual({ state: 'none' })
    expect(m.status({ ...active, lockedUntil: T + 5 }, T)).toEqual({
      state: 'active',
      enabledAt: T,
      authenticators: 1,
      recoveryCodesLeft: 2,
      lockedUntil: T + 5,
      // the recovery digests are keyed under k1
      keyIds: ['k1'],
    })
    expect(m.expiry(active, T, policy)).toBeUndefined()
    expect(m.expiry(onlyPending, T, policy)).toBe(1_200_000)
    // a pending enrollment whose expiry lies decades ahead (a clock corrected backwards) still expires in bounded time
    const far = { ...emptyRecord(), pending: { ...pending, expiresAt: T + 30 * 31_536_000_000 } }
    expect(m.expiry(far, T, policy)).toBe(604_800_000 + 600_000)
    expect(m.isEmpty(emptyRecord(4))).toBe(true)
  })

  it('import: active at once, recovery codes only when asked, limit at the cap', () => {
    const imported = { ...TABLET, lastStep: 77 }
    const t = m.importAuthenticator(null, m.importGate(null, policy), imported, false, T) as m.Transition<unknown>
    expect(t.result).toEqual({ ok: true, authenticatorId: 'tablet' })
    expect(t.next).toMatchObject({
      enabledAt: T,
      recovery: null,
      authenticators: [{ id: 'tablet', lastStep: 77, lastUsedAt: null }],
    })
    const asked = m.importAuthenticator(active, m.importGate(active, policy), imported, true, T)
    if (!('needsRecovery' in asked)) throw new Error('recovery codes were asked for')
    const again = asked.needsRecovery(FRESH)
    expect(again.result).toEqual({ ok: true, authenticatorId: 'tablet', recoveryCodes: FRESH.codes })
    expect(again.next?.generation).toBe(1)
    expect(again.events.map((e) => e.type)).toEqual(['imported', 'recovery_regenerated'])
    const full = again.next ?? null
    expect(m.importGate(full, policy)).toEqual({ reason: 'limit_reached' })
    expect(m.importAuthenticator(full, m.importGate(full, policy), imported, true, T)).toEqual({
      result: { ok: false, reason: 'limit_reached' },
      events: [],
    })
  })

  it('a lock time never becomes NaN (lockBaseMs 0, more than 1024 failures)', () => {
    const strict = resolvePolicy({ maxFailures: 1, lockBaseMs: 0, lockMaxMs: 0 })
    const record = { ...active, failures: 2000 }
    const gate = m.codeGate(record, T, strict) as m.CodeGate
    const t = m.verify(record, gate, wrong, T, strict)
    expect(t.next?.lockedUntil).toBe(T)
  })
})
