// Step-up proofs: the proofKey option, the codec (sign, open, never throw), and the pure decision the machine applies.
import fc from 'fast-check'
import { isOTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { decodeBase64URL, encodeBase64URL } from '../../src/internal/base64url'
import {
  checkMaxAge,
  checkProofKey,
  createProofCodec,
  DEFAULT_PROOF_MAX_AGE_MS,
  decideProof,
  type OpenedProof,
  PROOF_CLOCK_SKEW_MS,
  type ProofClaims,
  type ProofFacts,
} from '../../src/mfa/proof'
import { numRuns } from '../support/env'
import { HOSTILE } from '../support/hostile'

const key = (fill: number, length = 32) => new Uint8Array(length).fill(fill)
const T = Date.UTC(2026, 11, 1, 12, 0, 0)
const runs = { numRuns: Math.max(20, Math.floor(numRuns / 4)) }
const codec = createProofCodec(checkProofKey(key(7))!)
const totp = (over: Partial<Omit<ProofClaims, 'kid'>> = {}): Omit<ProofClaims, 'kid'> => ({
  verifiedAt: T,
  generation: 3,
  method: 'totp',
  authenticatorId: 'a1',
  ...over,
})
const facts = (over: Partial<ProofFacts> = {}): ProofFacts => ({
  generation: 3,
  authenticators: [
    { id: 'a1', createdAt: T - 86_400_000 },
    { id: 'a2', createdAt: T - 3_600_000 },
  ],
  ...over,
})

const misuse = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return isOTPError(error, 'ERR_INVALID_OPTION') ? (error as Error).message : `other: ${String(error)}`
  }
  return 'no throw'
}

describe('proofKey option', () => {
  it.each<[string, unknown]>([
    ['31 bytes', key(1, 31)],
    ['an empty list', []],
    ['17 keys', Array.from({ length: 17 }, (_, i) => ({ id: `k${i}`, key: key(i) }))],
    ['a string', 'x'.repeat(40)],
    ['an entry without a key', [{ id: 'a' }]],
    ['a short key in a list', [{ id: 'a', key: key(1, 16) }]],
    ['an id with a dot-free bad character', [{ id: 'a b', key: key(1) }]],
    ['an empty id', [{ id: '', key: key(1) }]],
    ['a 17-character id', [{ id: 'x'.repeat(17), key: key(1) }]],
    [
      'duplicate ids',
      [
        { id: 'a', key: key(1) },
        { id: 'a', key: key(2) },
      ],
    ],
    ['null', null],
    ['a number entry', [5]],
    ['1025 bytes', key(1, 1025)],
  ])('refuses %s with ERR_INVALID_OPTION', (_, value) => {
    expect(misuse(() => checkProofKey(value))).not.toMatch(/^(no throw|other)/)
  })

  it('accepts 32 bytes as id 0, and lists with the first key current', () => {
    expect(checkProofKey(undefined)).toBeUndefined()
    const one = checkProofKey(key(1))!
    expect(one.current).toBe('0')
    expect([...one.keys.keys()]).toEqual(['0'])
    const two = checkProofKey([
      { id: 'new', key: key(2) },
      { id: 'old.1', key: key(3, 64) },
    ])!
    expect(two.current).toBe('new')
    expect([...two.keys.keys()]).toEqual(['new', 'old.1'])
  })

  it('copies the key bytes (a later change to the caller array changes nothing)', async () => {
    const bytes = key(9)
    const mine = createProofCodec(checkProofKey(bytes)!)
    const proof = await mine.issue('mfa:alice', totp())
    bytes.fill(0)
    expect((await mine.open('mfa:alice', proof)).ok).toBe(true)
  })

  it('never echoes key bytes in its messages', () => {
    const message = misuse(() => checkProofKey(new Uint8Array(20).fill(0x41)))
    expect(message).toContain('20 bytes')
    expect(message).not.toContain('AAAA')
  })
})

describe('maxAgeMs option', () => {
  it.each<[unknown, number | 'throws']>([
    [undefined, DEFAULT_PROOF_MAX_AGE_MS],
    [1000, 1000],
    [86_400_000, 86_400_000],
    [999, 'throws'],
    [86_400_001, 'throws'],
    [1.5e3 + 0.5, 'throws'],
    ['600000', 'throws'],
    [Number.NaN, 'throws'],
  ])('%s gives %s', (value, expected) => {
    if (expected === 'throws') expect(misuse(() => checkMaxAge(value))).toMatch(/^maxAgeMs must be/)
    else expect(checkMaxAge(value)).toBe(expected)
  })
  it('defaults to 10 minutes', () => expect(DEFAULT_PROOF_MAX_AGE_MS).toBe(600_000))
})

describe('proof codec', () => {
  it('round-trips the claims, as a short URL-safe string without the user id', async () => {
    for (const claims of [totp(), totp({ method: 'recovery', authenticatorId: null, generation: 2 ** 40 })]) {
      const proof = await codec.issue('mfa:alice@example.com', claims)
      expect(proof).toMatch(/^[A-Za-z0-9_-]{40,120}$/)
      expect(
        atob(
          proof
            .replace(/-/g, '+')
            .replace(/_/g, '/')
            .padEnd(Math.ceil(proof.length / 4) * 4, '='),
        ),
      ).not.toContain('alice')
      expect(await codec.open('mfa:alice@example.com', proof)).toEqual({ ok: true, claims: { ...claims, kid: '0' } })
    }
  })

  it('is useless for another user, another prefix, or under another key', async () => {
    const proof = await codec.issue('mfa:alice', totp())
    expect(await codec.open('mfa:bob', proof)).toEqual({ ok: false, reason: 'invalid' })
    expect(await codec.open('app:alice', proof)).toEqual({ ok: false, reason: 'invalid' })
    const other = createProofCodec(checkProofKey(key(8))!)
    expect(await other.open('mfa:alice', proof)).toEqual({ ok: false, reason: 'invalid' })
  })

  it('opens proofs of every listed key, signs with the first', async () => {
    const old = createProofCodec(checkProofKey([{ id: 'old', key: key(1) }])!)
    const rotated = createProofCodec(
      checkProofKey([
        { id: 'new', key: key(2) },
        { id: 'old', key: key(1) },
      ])!,
    )
    const before = await old.issue('mfa:u', totp())
    const opened = await rotated.open('mfa:u', before)
    expect(opened.ok && opened.claims.kid).toBe('old')
    const after = await rotated.issue('mfa:u', totp())
    expect((await rotated.open('mfa:u', after)).ok && 'new').toBe('new')
    expect(await old.open('mfa:u', after)).toEqual({ ok: false, reason: 'invalid' })
    // a proof names its key id, and the id is signed: the same key listed under another id opens nothing
    const relabelled = createProofCodec(checkProofKey([{ id: 'other', key: key(1) }])!)
    expect(await relabelled.open('mfa:u', before)).toEqual({ ok: false, reason: 'invalid' })
  })

  it.each<[string, unknown]>([
    ['a number', 42],
    ['undefined', undefined],
    ['an object', { proof: 'x' }],
    ['an empty string', ''],
    ['padding', 'AAAA=='],
    ['standard base64 characters', 'AQID+/=='],
    ['a huge string', 'A'.repeat(100_000)],
    ['one character', 'A'],
    ['only a tag', encodeBase64URL(new Uint8Array(16))],
    ['zeros', encodeBase64URL(new Uint8Array(60))],
    ['a lone surrogate', '\uD800abc'],
  ])('refuses %s as invalid without throwing', async (_, input) => {
    expect(await codec.open('mfa:alice', input)).toEqual({ ok: false, reason: 'invalid' })
  })

  it('refuses any flipped bit, truncation or extension of a genuine proof', async () => {
    const proof = await codec.issue('mfa:alice', totp())
    const bytes = decodeBase64URL(proof)!
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const copy = new Uint8Array(bytes)
      copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7))
      expect((await codec.open('mfa:alice', encodeBase64URL(copy))).ok).toBe(false)
    }
    expect((await codec.open('mfa:alice', proof.slice(0, -1))).ok).toBe(false)
    expect((await codec.open('mfa:alice', `${proof}A`)).ok).toBe(false)
    expect((await codec.open('mfa:alice', `${proof}AAAA`)).ok).toBe(false)
  })

  it('refuses to sign claims it could not encode (developer misuse)', async () => {
    for (const bad of [
      totp({ verifiedAt: -1 }),
      totp({ generation: 1.5 }),
      totp({ authenticatorId: null }),
      totp({ method: 'recovery' }),
      totp({ authenticatorId: '' }),
      totp({ authenticatorId: 'x'.repeat(256) }),
    ]) {
      await expect(codec.issue('mfa:u', bad)).rejects.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION'))
    }
  })

  it('property: a proof for user A never opens for user B', async () => {
    const id = fc.string({ minLength: 1, maxLength: 40 })
    await fc.assert(
      fc.asyncProperty(id, id, fc.integer({ min: 0, max: 2 ** 40 }), async (a, b, generation) => {
        fc.pre(a !== b)
        const proof = await codec.issue(`mfa:${a}`, totp({ generation }))
        expect((await codec.open(`mfa:${a}`, proof)).ok).toBe(true)
        expect(await codec.open(`mfa:${b}`, proof)).toEqual({ ok: false, reason: 'invalid' })
      }),
      runs,
    )
  })

  it('property: opening never throws, whatever the string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.base64String(), fc.stringMatching(/^[\w-]{0,200}$/)), async (text) => {
        const opened = await codec.open('mfa:u', text)
        expect(opened).toEqual({ ok: false, reason: 'invalid' })
      }),
      runs,
    )
  })
})

describe('decideProof: the machine rule', () => {
  const open = async (claims = totp()): Promise<OpenedProof> => codec.open('mfa:u', await codec.issue('mfa:u', claims))
  const INVALID: OpenedProof = { ok: false, reason: 'invalid' }
  const MIN = 60_000

  // [rule, claims, record facts, now, maxAgeMs, expected]
  const table: [string, Partial<ProofClaims> | 'invalid', ProofFacts | null, number, number, string][] = [
    ['fresh totp proof', {}, facts(), T + MIN, 10 * MIN, 'ok'],
    ['exactly maxAgeMs old', {}, facts(), T + 10 * MIN, 10 * MIN, 'ok'],
    ['1 ms past maxAgeMs', {}, facts(), T + 10 * MIN + 1, 10 * MIN, 'expired'],
    ['a shorter maxAgeMs for a sensitive action', {}, facts(), T + 2 * MIN, MIN, 'expired'],
    ['not genuine', 'invalid', facts(), T, 10 * MIN, 'invalid'],
    ['dated within the clock skew ahead', {}, facts(), T - PROOF_CLOCK_SKEW_MS, 10 * MIN, 'ok'],
    ['dated beyond the clock skew ahead', {}, facts(), T - PROOF_CLOCK_SKEW_MS - 1, 10 * MIN, 'invalid'],
    ['no record', {}, null, T, 10 * MIN, 'revoked'],
    ['generation bumped', {}, facts({ generation: 4 }), T, 10 * MIN, 'revoked'],
    ['generation lower (record re-created)', {}, facts({ generation: 0 }), T, 10 * MIN, 'revoked'],
    ['its authenticator removed', {}, facts({ authenticators: [{ id: 'a2', createdAt: 0 }] }), T, 10 * MIN, 'revoked'],
    ['no authenticators left', {}, facts({ authenticators: [] }), T, 10 * MIN, 'revoked'],
    [
      'an authenticator with its id enrolled after the proof',
      {},
      facts({ authenticators: [{ id: 'a1', createdAt: T + PROOF_CLOCK_SKEW_MS + 1 }] }),
      T + 2 * MIN,
      10 * MIN,
      'revoked',
    ],
    ['another authenticator removed', {}, facts({ authenticators: [{ id: 'a1', createdAt: 0 }] }), T, 10 * MIN, 'ok'],
    [
      'recovery proof, authenticators unchanged',
      { method: 'recovery', authenticatorId: null },
      facts(),
      T,
      10 * MIN,
      'ok',
    ],
    [
      'recovery proof, every authenticator newer',
      { method: 'recovery', authenticatorId: null },
      facts({ authenticators: [{ id: 'b1', createdAt: T + 5 * MIN }] }),
      T + 6 * MIN,
      10 * MIN,
      'revoked',
    ],
    ['revoked and expired: revoked', {}, facts({ generation: 9 }), T + 60 * MIN, 10 * MIN, 'revoked'],
  ]

  it.each(table)('%s', async (_, claims, record, now, maxAgeMs, expected) => {
    const opened = claims === 'invalid' ? INVALID : await open(totp(claims))
    const decision = decideProof(opened, record, now, maxAgeMs)
    expect(decision.ok ? 'ok' : decision.reason).toBe(expected)
    if (decision.ok && opened.ok) {
      expect(decision).toEqual({
        ok: true,
        verifiedAt: opened.claims.verifiedAt,
        method: opened.claims.method,
        authenticatorId: opened.claims.authenticatorId,
      })
    }
  })

  it('says which method a proof came from, so apps can refuse recovery-code proofs', async () => {
    const d = decideProof(await open(totp({ method: 'recovery', authenticatorId: null })), facts(), T, 10 * MIN)
    expect(d).toEqual({ ok: true, verifiedAt: T, method: 'recovery', authenticatorId: null })
  })

  it('property: any change of generation voids every earlier proof', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 10 * MIN }),
        async (issued, current, recovery, age) => {
          const claims = recovery
            ? totp({ generation: issued, method: 'recovery', authenticatorId: null })
            : totp({ generation: issued })
          const decision = decideProof(await open(claims), facts({ generation: current }), T + age, 10 * MIN)
          expect(decision.ok).toBe(issued === current)
          if (!decision.ok) expect(decision.reason).toBe('revoked')
        },
      ),
      runs,
    )
  })
})

describe('hostile inputs', () => {
  it.each(HOSTILE.map((v) => [v]))('open(%s) is invalid, never a throw', async (value) => {
    expect(await codec.open('mfa:u', value)).toEqual({ ok: false, reason: 'invalid' })
  })
  it.each(HOSTILE.filter((v) => v !== undefined).map((v) => [v]))('proofKey %s is misuse', (value) => {
    expect(misuse(() => checkProofKey(value))).not.toMatch(/^(no throw|other)/)
  })
  it.each(HOSTILE.filter((v) => v !== undefined).map((v) => [v]))('maxAgeMs %s is misuse', (value) => {
    expect(misuse(() => checkMaxAge(value))).toMatch(/^maxAgeMs must be/)
  })
})
