// The key options of createMFA as text: base64url or base64 read into bytes, the lengths checked, and no message
// that shows the key.
import fc from 'fast-check'
import { createMFA, isOTPError, memoryStore } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { encodeBase64URL } from '../../src/internal/base64url'
import { readKey } from '../../src/mfa/key-option'
import { hex, numRuns } from '../support/env'
import { codeAt, fakeClock, STEP_MS } from './helpers'

const AES = (n: number) => [16, 24, 32].includes(n)
const read = (value: unknown) => readKey(value, 'encryption key "k1"', AES, '16, 24 or 32 bytes')
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const WORDING =
  'encryption key "k1" must be 16, 24 or 32 bytes, as a Uint8Array or base64url/base64 text; got text of characters that is not base64url or base64 hex'
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill)

/** The message of the OTPError `call` throws (anything else fails the test). */
function message(call: () => unknown): string {
  try {
    call()
  } catch (error) {
    expect(isOTPError(error, 'ERR_INVALID_OPTION')).toBe(true)
    return (error as Error).message
  }
  throw new Error('expected an OTPError')
}

describe('readKey', () => {
  it('takes bytes as they are (a copy), base64url and base64 text', () => {
    const key = crypto.getRandomValues(new Uint8Array(32))
    const copy = read(key)
    expect(copy).toEqual(key)
    expect(copy).not.toBe(key)
    expect(read(encodeBase64URL(key))).toEqual(key)
    expect(read(base64(key))).toEqual(key)
    expect(read(`${base64(key)}\n`)).toEqual(key)
    expect(read(base64(bytes(16)))).toEqual(bytes(16))
  })

  it.each<[string, unknown, string]>([
    ['bytes of the wrong length', bytes(31), 'got 31 bytes'],
    ['base64 of the wrong length', base64(bytes(31)), 'got base64 text of 31 bytes'],
    [
      'text that is not base64',
      'correct horse battery staple',
      'got text of 28 characters that is not base64url or base64',
    ],
    ['hex', hex(bytes(32, 0xab)), "got hex text of 64 characters (encode the key's bytes in base64)"],
    ['a number', 42, 'got 42'],
    ['nothing', undefined, 'got undefined'],
    ['an array', [1, 2, 3], 'got an array'],
  ])('refuses %s', (_, value, ending) => {
    expect(message(() => read(value))).toBe(
      `encryption key "k1" must be 16, 24 or 32 bytes, as a Uint8Array or base64url/base64 text; ${ending}`,
    )
  })

  it('property: a refused key never appears in the message, in either spelling', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 64 }), fc.boolean(), (key, url) => {
        const text = url ? encodeBase64URL(key) : base64(key)
        fc.pre(!AES(key.length) && !WORDING.includes(text.replace(/=+$/, '')) && !WORDING.includes(hex(key)))
        const said = message(() => read(text))
        expect(said).not.toContain(text.replace(/=+$/, ''))
        expect(said).not.toContain(hex(key))
      }),
      { numRuns },
    )
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 80 }), (text) => {
        // the fixed wording of every message may contain a short text by chance; the key is what must not appear
        fc.pre(!AES(decodeLength(text)) && !WORDING.includes(text.trim()))
        expect(message(() => read(text))).not.toContain(text.trim())
      }),
      { numRuns },
    )
  })
})

/** The byte length text would decode to, or -1. */
function decodeLength(text: string): number {
  try {
    return read(text).length
  } catch {
    return -1
  }
}

describe('createMFA with keys as text', () => {
  it('seals and signs with the text exactly as with its bytes: records and proofs pass between the two', async () => {
    const encryption = crypto.getRandomValues(new Uint8Array(32))
    const proof = crypto.getRandomValues(new Uint8Array(32))
    const store = memoryStore()
    const clock = fakeClock()
    const withBytes = createMFA({
      store,
      issuer: 'Example Cloud',
      now: clock.now,
      encryptionKeys: { current: 'k1', keys: { k1: encryption } },
      proofKey: proof,
    })
    const withText = createMFA({
      store,
      issuer: 'Example Cloud',
      now: clock.now,
      encryptionKeys: { current: 'k1', keys: { k1: `${base64(encryption)}\n` } },
      proofKey: [{ id: '0', key: encodeBase64URL(proof) }],
    })
    const begun = await withBytes.beginEnrollment('u1', { accountName: 'alice@example.com' })
    if (!begun.ok) throw new Error(begun.reason)
    const first = await codeAt(begun.secret, clock.t)
    clock.advance(STEP_MS)
    expect(await withText.confirmEnrollment('u1', first, await codeAt(begun.secret, clock.t))).toMatchObject({
      ok: true,
    })
    clock.advance(STEP_MS)
    const login = await withText.verify('u1', await codeAt(begun.secret, clock.t), { proof: true })
    if (!login.ok || login.proof === undefined) throw new Error('no proof')
    expect(await withBytes.checkProof('u1', login.proof)).toMatchObject({ ok: true, method: 'totp' })
  })

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a short encryption key',
      { encryptionKeys: { current: 'k1', keys: { k1: base64(bytes(20)) } } },
      'encryption key "k1" must be 16, 24 or 32 bytes, as a Uint8Array or base64url/base64 text; got base64 text of 20 bytes',
    ],
    [
      'a missing encryption key',
      { encryptionKeys: { current: 'k1', keys: { k1: undefined } } },
      'encryption key "k1" must be 16, 24 or 32 bytes, as a Uint8Array or base64url/base64 text; got undefined',
    ],
    [
      'a hex proof key',
      { proofKey: hex(bytes(32)) },
      "proofKey must be 32 to 1024 random bytes, as a Uint8Array or base64url/base64 text; got hex text of 64 characters (encode the key's bytes in base64)",
    ],
    [
      'a short proof key in a list',
      { proofKey: [{ id: 'p1', key: encodeBase64URL(bytes(16)) }] },
      'proofKey "p1" must be 32 to 1024 random bytes, as a Uint8Array or base64url/base64 text; got base64 text of 16 bytes',
    ],
  ])('refuses %s at creation, saying what it got', (_, options, said) => {
    expect(message(() => createMFA({ issuer: 'Example Cloud', ...options }))).toBe(said)
  })
})
