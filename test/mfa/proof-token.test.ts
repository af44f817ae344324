// The step-up proof's codec: the proofKey option, sign and open (never a throw for what it is given), bound to the
// store key.
import fc from 'fast-check'
import { isOTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { decodeBase64URL, encodeBase64URL } from '../../src/internal/base64url'
import { checkProofKey, createProofCodec } from '../../src/mfa/proof-token'
import { numRuns } from '../support/env'
import { otpErrorMessage } from '../support/errors'
import { HOSTILE } from '../support/hostile'
import { codec, key, totp } from './proof-fixtures'

const runs = { numRuns: Math.max(20, Math.floor(numRuns / 4)) }
const misuse = (fn: () => unknown) => otpErrorMessage('ERR_INVALID_OPTION', fn)

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
    expect(misuse(() => checkProofKey(value))).toMatch(/^proofKey/)
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

  it('property: a proof bound to one session opens for that session only (not another, not unbound)', async () => {
    const session = fc.option(fc.string({ minLength: 1, maxLength: 60 }), { nil: undefined })
    await fc.assert(
      fc.asyncProperty(session, session, async (bound, presented) => {
        const proof = await codec.issue('mfa:u', totp(), bound)
        const opened = await codec.open('mfa:u', proof, presented)
        expect(opened.ok).toBe(bound === presented)
        if (!opened.ok) expect(opened).toEqual({ ok: false, reason: 'invalid' })
      }),
      runs,
    )
  })

  it('a bound proof has the payload of an unbound one and another tag: the session is signed over, never carried', async () => {
    const unbound = await codec.issue('mfa:u', totp())
    const bound = await codec.issue('mfa:u', totp(), 'session-1')
    expect(bound).not.toBe(unbound)
    // same payload, another tag: the session is signed over, never carried
    expect(bound.length).toBe(unbound.length)
    expect(decodeBase64URL(bound)?.subarray(0, -16)).toEqual(decodeBase64URL(unbound)?.subarray(0, -16))
    // the empty string is a binding like any other, not "unbound"
    expect((await codec.open('mfa:u', await codec.issue('mfa:u', totp(), ''))).ok).toBe(false)
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

describe('hostile inputs', () => {
  it.each(HOSTILE.map((v) => [v]))('open(%s) is invalid, never a throw', async (value) => {
    expect(await codec.open('mfa:u', value)).toEqual({ ok: false, reason: 'invalid' })
  })
  it.each(HOSTILE.filter((v) => v !== undefined).map((v) => [v]))('proofKey %s is misuse', (value) => {
    expect(misuse(() => checkProofKey(value))).toMatch(/^proofKey/)
  })
})
