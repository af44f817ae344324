// The machine's rules for sensitive operations, one table each, written out by hand: step-up proofs given instead
// of a code, trusted devices (trust at login, use, revoke, what security changes do to them), resync, the login's
// drift rule, and what status shows. No crypto, no clock, no store.
import { describe, expect, it } from 'vitest'
import * as m from '../../../src/mfa/machine/index.js'
import { resolvePolicy } from '../../../src/mfa/policy.js'
import { emptyRecord, isTOTP, type MFARecord } from '../../../src/mfa/record/shapes.js'
import { ACTIVE, DAY, LAPTOP, RECOVERY, S, T, TABLET } from './fixtures.js'

const policy = resolvePolicy({ maxFailures: 2, maxTrustedDevices: 2 })
const record = ACTIVE

const opened = (claims: Partial<Extract<m.OpenedProof, { ok: true }>['claims']> = {}): m.OpenedProof => ({
  ok: true,
  claims: { kid: '0', verifiedAt: T - 60_000, generation: 4, method: 'totp', authenticatorId: 'phone', ...claims },
})
const stepUp = (o: m.OpenedProof, maxAgeMs = 600_000): m.ProofEvidence => ({ kind: 'proof', opened: o, maxAgeMs })
const gate = (r: MFARecord, at = T) => {
  const g = m.codeGate(r, at, policy)
  if ('reason' in g) throw new Error(g.reason)
  return g
}
const types = (t: { events: { type: string }[] }) => t.events.map((e) => e.type)

describe('a step-up proof instead of a code (disable, remove, regenerate, begin)', () => {
  // [rule, evidence, expected result]
  const rows: [string, m.ProofEvidence, unknown][] = [
    ['a fresh proof of the phone', stepUp(opened()), { ok: true }],
    ['a proof of a recovery code', stepUp(opened({ method: 'recovery', authenticatorId: null })), { ok: true }],
    ['older than maxAgeMs', stepUp(opened(), 30_000), { ok: false, reason: 'proof_expired' }],
    ['of an earlier generation', stepUp(opened({ generation: 3 })), { ok: false, reason: 'proof_revoked' }],
    ['of a removed authenticator', stepUp(opened({ authenticatorId: 'gone' })), { ok: false, reason: 'proof_revoked' }],
    ['not genuine', stepUp({ ok: false, reason: 'invalid' }), { ok: false, reason: 'proof_invalid' }],
  ]
  it.each(rows)('disable with %s', (_, evidence, expected) => {
    const t = m.disable(record, gate(record), evidence, T, policy)
    expect(t.result).toEqual(expected)
    // a refused proof is no failure, and writes nothing; an accepted one is a disable
    if (!(t.result as { ok: boolean }).ok) expect(t.next).toBeUndefined()
    else expect(t.next).toEqual(emptyRecord(5))
  })

  it('an accepted proof consumes nothing: failures, steps and recovery codes stay as they were', () => {
    const failing = { ...record, failures: 1 }
    const t = m.removeAuthenticator(failing, 'tablet', gate(failing), stepUp(opened()), T, policy)
    expect(t.result).toEqual({ ok: true })
    expect(t.next).toMatchObject({ failures: 1, recovery: RECOVERY, generation: 5 })
    expect(t.next?.authenticators.filter(isTOTP).map((a) => [a.id, a.lastStep])).toEqual([['phone', S - 10]])
  })

  it('begin: a proof stands in for the code of an existing authenticator', () => {
    const two = { ...record, authenticators: [record.authenticators[0]!] }
    const g = m.enrollGate(two, true, T, policy)
    if ('reason' in g || 'open' in g) throw new Error('gate closed')
    const secret = { ...TABLET, id: 'new' }
    expect(m.begin(two, g, stepUp(opened()), secret, T, policy).result).toMatchObject({
      ok: true,
      authenticatorId: 'new',
    })
    expect(m.begin(two, g, stepUp(opened(), 1000), secret, T, policy).result).toEqual({
      ok: false,
      reason: 'proof_expired',
    })
  })
})

describe('what security changes do to trusted devices and proofs', () => {
  // [change, transition] -> the laptop's token says `revoked` afterwards (or the record is gone), generation moves
  const code = (r: MFARecord) => ({
    gate: gate(r),
    e: { kind: 'totp', match: { authenticatorId: 'phone', step: S } } as const,
  })
  const rows: [string, () => m.Transition<unknown>, number, 'device_revoked' | 'not_enrolled'][] = [
    ['disable', () => m.disable(record, code(record).gate, code(record).e, T, policy), 5, 'not_enrolled'],
    [
      'removing the tablet',
      () => m.removeAuthenticator(record, 'tablet', code(record).gate, code(record).e, T, policy),
      5,
      'device_revoked',
    ],
    [
      'regenerating recovery codes',
      () => {
        const t = m.regenerateRecoveryCodes(record, code(record).gate, code(record).e, T, policy)
        return 'needsRecovery' in t
          ? t.needsRecovery({ codes: [], digests: { ...RECOVERY, digests: [] }, sealed: null })
          : t
      },
      5,
      'device_revoked',
    ],
    ['support reset', () => m.reset(record, 'support', 'lost'), 5, 'not_enrolled'],
  ]
  it.each(rows)('%s', (_, change, generation, reason) => {
    const t = change()
    expect(t.next?.generation).toBe(generation)
    expect(
      m.useTrustedDevice(t.next ?? null, { id: 'laptop', digest: LAPTOP.digest }, 'd'.repeat(32), T + 1, policy).result,
    ).toMatchObject({ ok: false, reason })
    if (reason === 'device_revoked') {
      expect(t.events).toContainEqual({ type: 'device_revoked', deviceId: 'laptop', reason: 'security' })
    }
  })
  it('removing the last authenticator is disable: the same record and events, after authenticator_removed', () => {
    const one = { ...record, authenticators: [record.authenticators[0]!] }
    const e = code(one).e
    const removed = m.removeAuthenticator(one, 'phone', gate(one), e, T, policy)
    const disabled = m.disable(one, gate(one), e, T, policy)
    expect(removed.result).toEqual({ ok: true })
    expect(removed.next).toEqual(emptyRecord(5))
    expect(removed.next).toEqual(disabled.next)
    expect(types(disabled)).toEqual(['device_revoked', 'disabled'])
    expect(removed.events).toEqual([
      { type: 'authenticator_removed', authenticatorId: 'phone', kind: 'totp' },
      ...disabled.events,
    ])
  })
  it('adding an authenticator or renaming one changes neither', () => {
    const renamed = m.rename(record, 'tablet', 'iPad')
    expect(renamed.next?.generation).toBe(4)
    expect(m.trustedDevices(renamed.next ?? null, T)).toHaveLength(1)
  })
})

describe('trusted devices', () => {
  const presented = { id: 'laptop', digest: LAPTOP.digest }
  // [rule, record, presented, at, expected result, failures after]
  const rows: [string, MFARecord | null, { id: string; digest: string } | null, number, unknown, number | null][] = [
    ['a genuine token', record, presented, T, { ok: true, deviceId: 'laptop', expiresAt: LAPTOP.expiresAt }, 0],
    ['malformed: no failure', record, null, T, { ok: false, reason: 'device_malformed' }, null],
    [
      'an unknown device: a failure',
      record,
      { id: 'nope', digest: LAPTOP.digest },
      T,
      { ok: false, reason: 'device_unknown' },
      1,
    ],
    [
      'a replaced token: a failure',
      record,
      { id: 'laptop', digest: 'e'.repeat(32) },
      T,
      { ok: false, reason: 'device_revoked' },
      1,
    ],
    ['at its expiry: a failure', record, presented, LAPTOP.expiresAt, { ok: false, reason: 'device_expired' }, 1],
    [
      'the failure that locks',
      { ...record, failures: 1 },
      { id: 'nope', digest: 'e'.repeat(32) },
      T,
      { ok: false, reason: 'device_unknown', retryAfterMs: 30_000 },
      2,
    ],
    [
      'a locked user: not looked at',
      { ...record, lockedUntil: T + 5 },
      presented,
      T,
      { ok: false, reason: 'locked', retryAfterMs: 5 },
      null,
    ],
    [
      'no authenticator',
      { ...record, authenticators: [], enabledAt: null },
      presented,
      T,
      { ok: false, reason: 'not_enrolled' },
      null,
    ],
    ['no record', null, presented, T, { ok: false, reason: 'not_enrolled' }, null],
  ]
  it.each(rows)('%s', (_, r, p, at, expected, failures) => {
    const t = m.useTrustedDevice(r, p, 'f'.repeat(32), at, policy)
    expect(t.result).toEqual(expected)
    if (failures === null) expect(t.next).toBeUndefined()
    else expect(t.next?.failures).toBe(failures)
  })

  it('a use rotates the digest and keeps failures as they are (a device skips MFA, it does not pass it)', () => {
    const t = m.useTrustedDevice({ ...record, failures: 1 }, presented, 'f'.repeat(32), T, policy)
    expect(t.next?.failures).toBe(1)
    // the replaced digest is remembered, so the token presented again is caught as a copy
    expect(t.next?.devices).toEqual([{ ...LAPTOP, digest: 'f'.repeat(32), lastUsedAt: T, replaced: [LAPTOP.digest] }])
    expect(t.events).toEqual([{ type: 'verified', method: 'device', deviceId: 'laptop' }])
  })

  it('login with trust: the device is added, over the cap the oldest revoked; proof_issued announced', () => {
    const e: m.CodeEvidence = { kind: 'totp', match: { authenticatorId: 'phone', step: S } }
    const fresh = (id: string) => ({ id, digest: 'd'.repeat(32), label: id, ttlMs: DAY })
    const one = m.verify(record, gate(record), e, T, policy, { trust: fresh('one'), proof: true })
    expect(one.result).toEqual({
      ok: true,
      method: 'totp',
      authenticatorId: 'phone',
      device: { id: 'one', expiresAt: T + DAY },
      // what the service signs once this login is written: the record's generation after it
      claims: { verifiedAt: T, generation: 4, method: 'totp', authenticatorId: 'phone' },
    })
    expect(types(one)).toEqual(['verified', 'proof_issued', 'device_trusted'])
    const r1 = one.next!
    const two = m.verify(
      r1,
      gate(r1, T + 30_000),
      { kind: 'totp', match: { authenticatorId: 'phone', step: S + 1 } },
      T + 30_000,
      policy,
      {
        trust: fresh('two'),
      },
    )
    expect(types(two)).toEqual(['verified', 'device_revoked', 'device_trusted'])
    expect(two.events[1]).toEqual({ type: 'device_revoked', deviceId: 'laptop', reason: 'limit' })
    expect(m.trustedDevices(two.next!, T + 30_000).map((d) => d.id)).toEqual(['one', 'two'])
    expect(m.status(two.next!, T + 30_000)).toMatchObject({ trustedDevices: 2 })
  })

  it('revoke one (not_found otherwise), revoke all (how many)', () => {
    expect(m.revokeTrustedDevice(record, 'nope', T)).toEqual({ result: { ok: false, reason: 'not_found' }, events: [] })
    const one = m.revokeTrustedDevice(record, 'laptop', T)
    expect(one.result).toEqual({ ok: true })
    expect(one.events).toEqual([{ type: 'device_revoked', deviceId: 'laptop', reason: 'user' }])
    expect(m.status(one.next!, T)).not.toHaveProperty('trustedDevices')
    expect(m.revokeTrustedDevices(record, T).result).toEqual({ ok: true, revoked: 1 })
    const none = m.revokeTrustedDevices(one.next!, T)
    expect(none).toEqual({ result: { ok: true, revoked: 0 }, events: [] })
    expect(m.revokeTrustedDevices(null, T).result).toEqual({ ok: true, revoked: 0 })
  })
})

describe('resync and drift', () => {
  const g = m.resyncGate(record, T, policy)
  it('searches each authenticator around its drift, 10 steps each way by default', () => {
    if ('reason' in g) throw new Error(g.reason)
    expect(g.candidates.map((c) => [c.authenticator.id, c.seconds.length, c.seconds[0]])).toEqual([
      ['phone', 21, S],
      ['tablet', 21, S],
    ])
    expect(m.resyncGate({ ...record, lockedUntil: T + 1 }, T, policy)).toEqual({
      reason: 'locked',
      retryAfterMs: 1,
    })
    expect(m.resyncGate(null, T, policy)).toEqual({ reason: 'not_enrolled' })
  })

  // [rule, evidence, result, failures after (null: nothing written)]
  const rows: [string, m.ResyncEvidence, unknown, number | null][] = [
    [
      'a pair 8 steps behind',
      [{ authenticatorId: 'phone', step: S - 9 }],
      { ok: true, authenticatorId: 'phone', drift: -8 },
      0,
    ],
    ['no pair: a failure', [{ authenticatorId: 'phone', step: null }], { ok: false, reason: 'invalid' }, 2],
    ['a replayed pair', [{ authenticatorId: 'phone', step: S - 10 }], { ok: false, reason: 'replayed' }, null],
    ['malformed', 'malformed', { ok: false, reason: 'malformed' }, null],
    ['the same code twice', 'same', { ok: false, reason: 'same_code' }, null],
  ]
  it.each(rows)('%s', (_, evidence, expected, failures) => {
    const failing = { ...record, failures: 1 }
    const t = m.resync(failing, m.resyncGate(failing, T, policy), evidence, T, policy)
    expect(t.result).toMatchObject(expected as object)
    if (failures === null) expect(t.next).toBeUndefined()
    else expect(t.next?.failures).toBe(failures)
    if (failures === 0) {
      expect(t.next?.authenticators[0]).toMatchObject({ drift: -8, lastStep: S - 8, lastUsedAt: T })
      expect(t.events).toEqual([{ type: 'resynced', authenticatorId: 'phone', drift: -8 }])
    }
  })

  // [drift before, matched step offset from now, drift after]: a login never takes a drift further out
  const drift: [number, number, number][] = [
    [0, 1, 1],
    [1, 2, 1],
    [0, -1, -1],
    [6, 5, 5],
    [6, 7, 6],
    [-6, -5, -5],
    [-6, -7, -6],
    [3, 3, 3],
  ]
  it.each(drift)('login at drift %i matching %i steps away leaves drift %i', (before, offset, after) => {
    const r = { ...record, authenticators: [{ ...record.authenticators[0]!, drift: before }] }
    const t = m.verify(r, gate(r), { kind: 'totp', match: { authenticatorId: 'phone', step: S + offset } }, T, policy)
    expect(t.next?.authenticators.filter(isTOTP)[0]?.drift).toBe(after)
  })
})

describe('the device list stays a readable record', () => {
  it('at the largest cap, trusting and revoking over and over keeps at most 100 entries, which parse', async () => {
    const { parseRecord } = await import('../../../src/mfa/record/parse.js')
    const wide = resolvePolicy({ maxTrustedDevices: 50 })
    let r: MFARecord = { ...record, devices: [] }
    const e = (step: number): m.CodeEvidence => ({ kind: 'totp', match: { authenticatorId: 'phone', step } })
    for (let i = 0; i < 120; i++) {
      const at = T + i * 30_000
      const id = `d${String(i).padStart(3, 'a')}`
      const t = m.verify(r, gate(r, at), e(S + i), at, wide, {
        trust: { id, digest: 'd'.repeat(32), label: id, ttlMs: DAY },
      })
      r = t.next!
      if (i % 7 === 0) r = m.revokeTrustedDevices(r, at).next ?? r
    }
    expect(r.devices.length).toBeLessThanOrEqual(100)
    expect(parseRecord(JSON.stringify(r)).devices).toEqual(r.devices)
    expect(() => resolvePolicy({ maxTrustedDevices: 51 })).toThrow(/maxTrustedDevices/)
  })
})
