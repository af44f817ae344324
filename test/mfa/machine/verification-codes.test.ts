// The verification-code rules of the pure machine, table by table: sending (lock, cooldown, hourly limit, one live
// code), checking (lock, no code, purpose, expiry, malformed, right, wrong, the code's own attempts, the failure
// budget), voiding an undelivered code, and the identity proof of a first enrollment. No crypto: digests are
// placeholders.
import { describe, expect, it } from 'vitest'
import {
  checkCode,
  codeCheckGate,
  forgetStaleCodes,
  identityRefusal,
  type NewCode,
  sendCode,
  voidUndelivered,
} from '../../../src/mfa/machine/index'
import { DEFAULT_POLICY } from '../../../src/mfa/policy'
import { withSchema } from '../../../src/mfa/record/parse'
import { emptyRecord, type MFARecord } from '../../../src/mfa/record/shapes'
import type { PendingCode } from '../../../src/mfa/record/verification'
import { ACTIVE, identityClaims, openedProof, T } from './fixtures'

const MIN = 60_000
const HOUR = 60 * MIN
const policy = DEFAULT_POLICY
const NEW: NewCode = {
  digest: 'd'.repeat(32),
  kid: 'encryption:k1',
  purpose: 'enroll',
  channel: 'email',
  to: 'e'.repeat(32),
  masked: 'a•••@example.com',
  length: 6,
}
const live = (over: Partial<PendingCode> = {}): PendingCode => ({
  ...NEW,
  sentAt: T - MIN,
  expiresAt: T + 9 * MIN,
  attempts: 0,
  ...over,
})
/** A record of a user without MFA holding `code` and the sends `sent`. */
const withCode = (code: PendingCode | null, sent: number[] = [T - MIN], over: Partial<MFARecord> = {}): MFARecord => ({
  ...emptyRecord(),
  schema: 3,
  verification: { code, sent },
  ...over,
})

describe('sendCode', () => {
  // [rule, record, now, policy changes, expected result]
  const table: [string, MFARecord | null, number, Partial<typeof policy>, object][] = [
    ['first code, no record', null, T, {}, { ok: true, expiresAt: T + 10 * MIN, resendAfterMs: MIN }],
    ['after the cooldown', withCode(live(), [T - MIN]), T, {}, { ok: true, resendAfterMs: MIN }],
    [
      '1 ms before the cooldown ends',
      withCode(live(), [T - MIN + 1]),
      T,
      {},
      { ok: false, reason: 'too_soon', retryAfterMs: 1 },
    ],
    ['just sent', withCode(live(), [T]), T, {}, { ok: false, reason: 'too_soon', retryAfterMs: MIN }],
    [
      'the fifth of the hour leaves the next one waiting for the first to age out',
      withCode(live(), [T - 50 * MIN, T - 40 * MIN, T - 30 * MIN, T - 20 * MIN]),
      T,
      {},
      { ok: true, resendAfterMs: 10 * MIN },
    ],
    [
      'five in the last hour',
      withCode(live(), [T - 50 * MIN, T - 40 * MIN, T - 30 * MIN, T - 20 * MIN, T - 10 * MIN]),
      T,
      {},
      { ok: false, reason: 'limit_reached', retryAfterMs: 10 * MIN },
    ],
    [
      'five, the oldest exactly an hour ago, no longer counts',
      withCode(live(), [T - HOUR, T - 40 * MIN, T - 30 * MIN, T - 20 * MIN, T - 10 * MIN]),
      T,
      {},
      { ok: true },
    ],
    [
      'limit and cooldown: the longer wait',
      withCode(live(), [T - 50 * MIN, T - 40 * MIN, T - 30 * MIN, T - 20 * MIN, T - 1000]),
      T,
      {},
      { ok: false, reason: 'limit_reached', retryAfterMs: 10 * MIN },
    ],
    ['locked user', { ...ACTIVE, lockedUntil: T + 5000 }, T, {}, { ok: false, reason: 'locked', retryAfterMs: 5000 }],
    ['no cooldown in the policy', withCode(live(), [T]), T, { verificationCodeCooldownMs: 0 }, { ok: true }],
    ['a longer life', null, T, { verificationCodeTTLMs: HOUR }, { ok: true, expiresAt: T + HOUR }],
  ]
  for (const [rule, record, now, change, expected] of table) {
    it(rule, () => {
      const t = sendCode(record, NEW, now, { ...policy, ...change })
      expect(t.result).toMatchObject(expected)
      if (t.result.ok) {
        // the write stores it as schema 3 (withSchema decides the number from what the record holds)
        expect(t.next && withSchema(t.next).schema).toBe(3)
        expect(t.next?.verification?.code).toEqual({ ...NEW, sentAt: now, expiresAt: t.result.expiresAt, attempts: 0 })
        expect(t.next?.verification?.sent.at(-1)).toBe(now)
        expect(t.events).toEqual([
          { type: 'code_sent', method: 'email', purpose: 'enroll', destination: 'a•••@example.com' },
        ])
      } else {
        expect(t.next).toBeUndefined()
        expect(t.events).toEqual([
          {
            type: 'failed',
            reason: t.result.reason,
            method: 'email',
            purpose: 'enroll',
            destination: 'a•••@example.com',
          },
        ])
      }
    })
  }

  it('a new code replaces (voids) the live one and forgets sends older than an hour', () => {
    const old = live({ digest: 'f'.repeat(32), purpose: 'change_email' })
    const t = sendCode(withCode(old, [T - 2 * HOUR, T - 5 * MIN]), NEW, T, policy)
    expect(t.next?.verification).toEqual({
      code: { ...NEW, sentAt: T, expiresAt: T + 10 * MIN, attempts: 0 },
      sent: [T - 5 * MIN, T],
    })
  })

  it('keeps the user’s authenticators, failures and generation as they are', () => {
    const t = sendCode({ ...ACTIVE, failures: 2 }, NEW, T, policy)
    expect(t.next).toMatchObject({ authenticators: ACTIVE.authenticators, failures: 2, generation: 4 })
  })
})

describe('codeCheckGate', () => {
  // [rule, record, purpose, now, expected gate]
  const table: [string, MFARecord | null, string, number, object][] = [
    ['no record', null, 'enroll', T, { reason: 'no_code' }],
    ['no code', withCode(null), 'enroll', T, { reason: 'no_code' }],
    ['a code', withCode(live()), 'enroll', T, { code: live() }],
    ['another purpose', withCode(live()), 'change_email', T, { reason: 'purpose_mismatch' }],
    ['1 ms before expiry', withCode(live()), 'enroll', T + 9 * MIN - 1, { code: live() }],
    ['at expiry', withCode(live()), 'enroll', T + 9 * MIN, { reason: 'expired' }],
    ['attempts used up (a lowered policy)', withCode(live({ attempts: 3 })), 'enroll', T, { reason: 'no_code' }],
    [
      'locked: nothing checked',
      withCode(live(), [T], { lockedUntil: T + 7000 }),
      'enroll',
      T,
      { reason: 'locked', retryAfterMs: 7000 },
    ],
  ]
  for (const [rule, record, purpose, now, expected] of table) {
    it(rule, () => expect(codeCheckGate(record, purpose, now, policy)).toEqual(expected))
  }
})

describe('checkCode', () => {
  const RIGHT = { kind: 'digest', digest: NEW.digest } as const
  const WRONG = { kind: 'digest', digest: '0'.repeat(32) } as const
  const check = (record: MFARecord, evidence: Parameters<typeof checkCode>[2], now = T, proof = false) =>
    checkCode(record, codeCheckGate(record, 'enroll', now, policy), evidence, now, policy, { proof })

  // [rule, record, evidence, expected result, code left (undefined: record not written), failures after]
  const table: [string, MFARecord, Parameters<typeof checkCode>[2], object, PendingCode | null | undefined, number][] =
    [
      ['right code: spent', withCode(live()), RIGHT, { ok: true, channel: 'email' }, null, 0],
      [
        'right code clears the failures of a user without MFA',
        withCode(live(), [T], { failures: 3 }),
        RIGHT,
        { ok: true, channel: 'email' },
        null,
        0,
      ],
      [
        'right code keeps the failures of a user with MFA (an inbox does not reset the TOTP budget)',
        { ...ACTIVE, failures: 3, schema: 3, verification: { code: live(), sent: [T] } },
        RIGHT,
        { ok: true, channel: 'email' },
        null,
        3,
      ],
      [
        'wrong code: counted twice',
        withCode(live()),
        WRONG,
        { ok: false, reason: 'invalid', attemptsLeft: 2 },
        live({ attempts: 1 }),
        1,
      ],
      [
        'the last attempt voids the code',
        withCode(live({ attempts: 2 }), [T], { failures: 2 }),
        WRONG,
        { ok: false, reason: 'invalid', attemptsLeft: 0 },
        null,
        3,
      ],
      [
        'a wrong code that reaches maxFailures locks the user',
        withCode(live(), [T], { failures: 4 }),
        WRONG,
        { ok: false, reason: 'invalid', attemptsLeft: 2, retryAfterMs: 30_000 },
        live({ attempts: 1 }),
        5,
      ],
      [
        'malformed: counted nowhere',
        withCode(live()),
        { kind: 'malformed' },
        { ok: false, reason: 'malformed' },
        undefined,
        0,
      ],
      ['no evidence', withCode(live()), null, { ok: false, reason: 'malformed' }, undefined, 0],
      [
        'the code’s key is gone: void',
        withCode(live()),
        { kind: 'digest', digest: null },
        { ok: false, reason: 'no_code' },
        null,
        0,
      ],
    ]
  for (const [rule, record, evidence, expected, left, failures] of table) {
    it(rule, () => {
      const t = check(record, evidence)
      expect(t.result).toEqual(expected)
      if (left === undefined) expect(t.next).toBeUndefined()
      else {
        // a code left is still there; none: the state holds only the send times
        expect(t.next?.verification?.code ?? null).toEqual(left)
        expect(t.next?.failures).toBe(failures)
      }
    })
  }

  it('events: code_verified names channel, purpose and masked destination; failures too', () => {
    const about = { method: 'email', purpose: 'enroll', destination: 'a•••@example.com' }
    expect(check(withCode(live()), RIGHT).events).toEqual([{ type: 'code_verified', ...about }])
    expect(check(withCode(live()), WRONG).events).toEqual([{ type: 'failed', reason: 'invalid', ...about }])
    expect(check(withCode(live(), [T], { failures: 4 }), WRONG).events).toEqual([
      { type: 'failed', reason: 'invalid', ...about },
      { type: 'locked', retryAfterMs: 30_000 },
    ])
  })

  it('a proof asked for: claims with the channel and the purpose, at the committed generation', () => {
    const t = check(withCode(live(), [T], { generation: 7 }), RIGHT, T, true)
    expect(t.result).toEqual({
      ok: true,
      channel: 'email',
      claims: { verifiedAt: T, generation: 7, method: 'email', authenticatorId: null, purpose: 'enroll' },
    })
    expect(t.events.map((e) => e.type)).toEqual(['code_verified', 'proof_issued'])
  })

  // [rule, record, now, expected reason, whether the dead code is removed]
  const closed: [string, MFARecord, number, string, boolean][] = [
    ['expired: removed', withCode(live()), T + 9 * MIN, 'expired', true],
    ['void after a lowered policy: removed', withCode(live({ attempts: 3 })), T, 'no_code', true],
    ['another purpose: kept', withCode({ ...live(), purpose: 'change_email' }), T, 'purpose_mismatch', false],
    ['locked: kept', withCode(live(), [T], { lockedUntil: T + 1 }), T, 'locked', false],
  ]
  for (const [rule, record, now, reason, removed] of closed) {
    it(`closed gate, ${rule}`, () => {
      const t = check(record, RIGHT, now)
      expect(t.result).toMatchObject({ ok: false, reason })
      if (removed) expect(t.next?.verification?.code).toBeNull()
      else expect(t.next).toBeUndefined()
    })
  }

  it('a state with no code and no send left goes, and the record is schema 2 again', () => {
    const t = check(withCode(live(), []), RIGHT)
    expect(t.next && withSchema(t.next).schema).toBe(2)
    expect(t.next && 'verification' in t.next).toBe(false)
  })
})

describe('voidUndelivered', () => {
  it('voids the code that was not delivered, keeping its send counted', () => {
    const t = voidUndelivered(withCode(live(), [T]), NEW.digest)
    expect(t.result).toEqual({ voided: true })
    expect(t.next?.verification).toEqual({ code: null, sent: [T] })
    expect(t.events).toEqual([
      {
        type: 'failed',
        reason: 'delivery_failed',
        method: 'email',
        purpose: 'enroll',
        destination: 'a•••@example.com',
      },
    ])
  })
  it('leaves a newer code (sent meanwhile) alone', () => {
    const t = voidUndelivered(withCode(live({ digest: '1'.repeat(32) })), NEW.digest)
    expect(t).toEqual({ result: { voided: false }, events: [] })
  })
  it('nothing to void', () => {
    expect(voidUndelivered(null, NEW.digest).next).toBeUndefined()
    expect(voidUndelivered(withCode(null), NEW.digest).next).toBeUndefined()
  })
})

describe('identityRefusal: the proof a first enrollment asks for under requireIdentityProof', () => {
  const claims = identityClaims
  const proof = openedProof
  const record = withCode(null)
  // [rule, record, evidence, expected]
  const table: [string, MFARecord | null, Parameters<typeof identityRefusal>[1], string | null][] = [
    ['an email proof for enroll', record, proof(claims()), null],
    ['an SMS proof for enroll', record, proof(claims({ method: 'sms' })), null],
    ['no proof', record, null, 'proof_required'],
    ['a code typed instead of a proof', record, { kind: 'totp', match: null }, 'proof_required'],
    ['another purpose', record, proof(claims({ purpose: 'change_email' })), 'purpose_mismatch'],
    ['too old', record, proof(claims(), 30_000), 'proof_expired'],
    ['not genuine', record, proof('invalid'), 'proof_invalid'],
    ['generation moved on', { ...record, generation: 1 }, proof(claims()), 'proof_revoked'],
    ['no record', null, proof(claims()), 'proof_revoked'],
    [
      'a recovery proof (its authenticators are gone)',
      record,
      proof(claims({ method: 'recovery', purpose: undefined })),
      'proof_revoked',
    ],
  ]
  for (const [rule, rec, evidence, expected] of table) {
    it(rule, () => expect(identityRefusal(rec, evidence, T)).toBe(expected))
  }
})

describe('forgetStaleCodes: what every write forgets', () => {
  // [rule, state, now, expected state (null: gone, schema 2)]
  const table: [string, MFARecord, number, object | null][] = [
    ['nothing old', withCode(live(), [T - MIN]), T, { code: live(), sent: [T - MIN] }],
    ['a send an hour old', withCode(live(), [T - HOUR, T - MIN]), T, { code: live(), sent: [T - MIN] }],
    ['a code sent an hour ago, and its send', withCode(live({ sentAt: T - HOUR }), [T - HOUR]), T, null],
    [
      'a code sent 59 minutes ago stays',
      withCode(live({ sentAt: T - 59 * MIN }), []),
      T,
      { code: live({ sentAt: T - 59 * MIN }), sent: [] },
    ],
  ]
  for (const [rule, record, now, expected] of table) {
    it(rule, () => {
      const out = forgetStaleCodes(record, now)
      expect(out.verification ?? null).toEqual(expected)
      expect(withSchema(out).schema).toBe(expected === null ? 2 : 3)
    })
  }
  it('a record without the state is returned as it is', () => {
    expect(forgetStaleCodes(ACTIVE, T)).toBe(ACTIVE)
  })
})
