// What every security change does, one table: each operation that moves the generation on (a removal, new recovery
// codes, an import that replaces them, disable, a 0.1.0 rotation confirmed) also revokes the trusted devices and
// cancels a pending enrollment, so an enrollment begun with a proof never outlives that proof. Then the pending
// enrollment's own rules: cancelled by the user, shown by status, not confirmed while the user is locked out. And the
// record's counters: at their bounds they stay there.
import { describe, expect, it } from 'vitest'
import * as m from '../../../src/mfa/machine/index.js'
import { resolvePolicy } from '../../../src/mfa/policy.js'
import {
  MAX_ATTEMPTS_COUNT,
  MAX_FAILURES_COUNT,
  MAX_GENERATION,
  type MFARecord,
  type PendingEnrollment,
} from '../../../src/mfa/record/shapes.js'
import { ACTIVE, DAY, FRESH, S, T, TABLET } from './fixtures.js'

const policy = resolvePolicy({ maxFailures: 2 })
const PENDING: PendingEnrollment = {
  ...TABLET,
  id: 'thief-phone',
  label: 'New phone',
  createdAt: T - 60_000,
  expiresAt: T + 540_000,
  attempts: 0,
  replaces: null,
}
const record: MFARecord = { ...ACTIVE, pending: PENDING }
const gate = (r: MFARecord) => {
  const g = m.codeGate(r, T, policy)
  if ('reason' in g) throw new Error(g.reason)
  return g
}
/** A step-up proof of the phone, of the record's generation: every change below is authorised by it. */
const proof: m.ProofEvidence = {
  kind: 'proof',
  opened: { ok: true, claims: { kid: '0', verifiedAt: T, generation: 4, method: 'totp', authenticatorId: 'phone' } },
  maxAgeMs: 600_000,
}
const written = (t: m.Transition<unknown> | m.NeedsRecovery<unknown>) =>
  'needsRecovery' in t ? t.needsRecovery(FRESH) : t
const imported = {
  id: 'imp',
  label: 'I',
  secret: { b32: 'AAAA' },
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  lastStep: -1,
} as const

describe('every generation bump cancels the pending enrollment', () => {
  // [operation, the transition it makes from `record`, the generation after it]
  const rows: [string, () => m.Transition<unknown>, number][] = [
    ['removeAuthenticator', () => m.removeAuthenticator(record, 'tablet', gate(record), proof, T, policy), 5],
    ['regenerateRecoveryCodes', () => written(m.regenerateRecoveryCodes(record, gate(record), proof, T, policy)), 5],
    [
      'importAuthenticator replacing recovery codes',
      () => written(m.importAuthenticator(record, { open: true }, imported, true, T)),
      5,
    ],
    ['disable', () => m.disable(record, gate(record), proof, T, policy), 5],
    [
      'removing the last authenticator',
      () => {
        const one = { ...record, authenticators: record.authenticators.slice(0, 1) }
        return m.removeAuthenticator(one, 'phone', gate(one), proof, T, policy)
      },
      5,
    ],
  ]
  it.each(rows)('%s', (_, change, generation) => {
    const t = change()
    expect(t.next?.generation).toBe(generation)
    expect(t.next?.pending).toBeNull()
    expect(m.trustedDevices(t.next as MFARecord, T)).toEqual([])
    expect(t.events).toContainEqual({
      type: 'enrollment_cancelled',
      authenticatorId: 'thief-phone',
      reason: 'security',
    })
    // so the thief's confirmation, however good its codes, finds nothing to confirm
    const g = m.confirmGate(t.next as MFARecord, T, policy)
    expect(g).toEqual({ reason: 'not_pending' })
  })

  it('what does not bump the generation leaves it: a login, an import that keeps the codes, a rename', () => {
    const login = m.verify(
      record,
      gate(record),
      { kind: 'totp', match: { authenticatorId: 'phone', step: S } },
      T,
      policy,
    )
    const keep = written(m.importAuthenticator(record, { open: true }, imported, false, T))
    const rename = m.rename(record, 'tablet', 'Older')
    for (const t of [login, keep, rename]) {
      expect(t.next?.pending).toEqual(PENDING)
      expect(t.next?.generation).toBe(4)
    }
  })

  it('an import issuing the first recovery codes is no security change (there were none to replace)', () => {
    const none = { ...record, recovery: null }
    const t = written(m.importAuthenticator(none, { open: true }, imported, true, T))
    expect(t.next?.generation).toBe(4)
    expect(t.next?.pending).toEqual(PENDING)
  })
})

describe('the pending enrollment', () => {
  // [rule, record, when, expected result, the pending enrollment after]
  const cancelRows: [string, MFARecord | null, number, unknown, PendingEnrollment | null | undefined][] = [
    ['a live one is cancelled', record, T, { ok: true, authenticatorId: 'thief-phone' }, null],
    ['an expired one is removed, not_pending', record, PENDING.expiresAt, { ok: false, reason: 'not_pending' }, null],
    ['none', { ...record, pending: null }, T, { ok: false, reason: 'not_pending' }, undefined],
    ['no record', null, T, { ok: false, reason: 'not_pending' }, undefined],
    [
      'while the user is locked out (it only takes away)',
      { ...record, lockedUntil: T + 60_000 },
      T,
      { ok: true, authenticatorId: 'thief-phone' },
      null,
    ],
  ]
  it.each(cancelRows)('cancelEnrollment: %s', (_, r, at, expected, after) => {
    const t = m.cancelEnrollment(r, at)
    expect(t.result).toEqual(expected)
    expect(t.next?.pending).toBe(after)
    expect(t.events).toEqual(
      (expected as { ok: boolean }).ok
        ? [{ type: 'enrollment_cancelled', authenticatorId: 'thief-phone', reason: 'user' }]
        : [],
    )
  })

  it('status shows its authenticator id and expiry while it is live', () => {
    expect(m.status(record, T)).toMatchObject({
      pendingAuthenticatorId: 'thief-phone',
      pendingExpiresAt: PENDING.expiresAt,
    })
    expect(m.status(record, PENDING.expiresAt)).not.toHaveProperty('pendingAuthenticatorId')
  })

  // [rule, lockedUntil, when, expected gate refusal (null: open)]
  const lockRows: [string, number, number, unknown][] = [
    ['locked out: refused with the wait', T + 90_000, T, { reason: 'locked', retryAfterMs: 90_000 }],
    ['the lock just ended', T, T, null],
    ['expired and locked: expired (and removed)', T + DAY, PENDING.expiresAt, { reason: 'enrollment_expired' }],
  ]
  it.each(lockRows)('confirm: %s', (_, lockedUntil, at, expected) => {
    const r = { ...record, lockedUntil }
    const g = m.confirmGate(r, at, policy)
    if (expected === null) expect(g).toHaveProperty('pending')
    else {
      expect(g).toEqual(expected)
      const t = written(
        m.confirm(r, g as m.ClosedGate<'locked'>, { kind: 'pair', first: S - 1, second: S }, at, policy),
      )
      expect(t.result).toEqual({ ok: false, ...(expected as object) })
      // a lock refusal uses no attempt of the pending enrollment
      if ((expected as { reason: string }).reason === 'locked') expect(t.next).toBeUndefined()
    }
  })
})

describe('counters at their bounds stay there', () => {
  // [rule, the transition, the counter read back, its bound]
  const rows: [string, () => number | undefined, number][] = [
    [
      'a failure at the failure bound',
      () => m.fail({ ...record, failures: MAX_FAILURES_COUNT }, 'invalid', T, policy).next?.failures,
      MAX_FAILURES_COUNT,
    ],
    [
      'a wrong confirmation at the attempts bound',
      () => {
        const r = { ...record, pending: { ...PENDING, attempts: MAX_ATTEMPTS_COUNT - 1 } }
        const big = resolvePolicy({ maxEnrollmentAttempts: MAX_ATTEMPTS_COUNT })
        const g = m.confirmGate(r, T, big) as m.ConfirmGate
        return written(m.confirm(r, g, { kind: 'pair', first: null, second: null }, T, big)).next?.pending?.attempts
      },
      MAX_ATTEMPTS_COUNT,
    ],
    [
      'a security change at the generation bound',
      () => m.securityChange({ ...record, generation: MAX_GENERATION }, T).next.generation,
      MAX_GENERATION,
    ],
    [
      'disable at the generation bound',
      () => {
        const r = { ...record, generation: MAX_GENERATION }
        const e: m.CodeEvidence = { kind: 'totp', match: { authenticatorId: 'phone', step: S } }
        return m.disable(r, gate(r), e, T, policy).next?.generation
      },
      MAX_GENERATION,
    ],
  ]
  it.each(rows)('%s', (_, counter, bound) => expect(counter()).toBe(bound))

  it('no proof stands on a generation at its bound (it no longer moves on a security change)', () => {
    const claims = {
      kid: '0',
      verifiedAt: T,
      generation: MAX_GENERATION,
      method: 'totp' as const,
      authenticatorId: 'phone',
    }
    const r = { ...record, generation: MAX_GENERATION }
    expect(m.decideProof({ ok: true, claims }, r, T, 600_000)).toEqual({ ok: false, reason: 'proof_revoked' })
    expect(m.decideProof({ ok: true, claims: { ...claims, generation: 4 } }, record, T, 600_000).ok).toBe(true)
  })
})
