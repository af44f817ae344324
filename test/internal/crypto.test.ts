import { generateHOTP, generateSecret, generateTOTP, importSecret, isOTPError, verifyTOTP } from 'mfa-core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { concatBytes, timingSafeEqualBytes } from '../../src/internal/bytes'
import { importVerifyKey, verifySignature } from '../../src/internal/crypto'

const SECRET = new TextEncoder().encode('12345678901234567890')

describe('a runtime without WebCrypto', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('imports fine and fails at call time with ERR_CRYPTO_UNAVAILABLE', async () => {
    vi.stubGlobal('crypto', undefined)
    expect(() => generateSecret()).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_UNAVAILABLE' }))
    await expect(generateTOTP(SECRET)).rejects.toSatisfy((e) => isOTPError(e, 'ERR_CRYPTO_UNAVAILABLE'))
  })

  it('says so when crypto.subtle is missing (a browser page over plain http)', async () => {
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => a })
    await expect(verifyTOTP(SECRET, '123456')).rejects.toThrow(/crypto\.subtle.*mfa-core\/sync/)
    await expect(importSecret(SECRET)).rejects.toSatisfy((e) => isOTPError(e, 'ERR_CRYPTO_UNAVAILABLE'))
  })
})

describe('byte arrays from elsewhere', () => {
  it('accepts Uint8Array subclasses and refuses other typed arrays and look-alikes', async () => {
    class Sub extends Uint8Array {}
    expect(await generateHOTP(Sub.from(SECRET), 0)).toBe('755224')
    await expect(generateHOTP(new Uint16Array(10) as unknown as Uint8Array, 0)).rejects.toThrow(/secret/)
    const fake = { length: 20, [Symbol.toStringTag]: 'Uint8Array' }
    await expect(generateHOTP(fake as unknown as Uint8Array, 0)).rejects.toThrow(/secret/)
  })
})

describe('signature helpers', () => {
  it('importVerifyKey resolves to null for key bytes the runtime refuses, verifySignature to false when it throws', async () => {
    expect(await importVerifyKey('raw', new Uint8Array(10), { name: 'ECDSA', namedCurve: 'P-256' })).toBeNull()
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    // an HMAC algorithm with an ECDSA key: WebCrypto rejects (InvalidAccessError); the helper answers false
    expect(await verifySignature('HMAC', pair.publicKey, new Uint8Array(64), new Uint8Array(1))).toBe(false)
  })
  it('timingSafeEqualBytes and concatBytes', () => {
    expect(timingSafeEqualBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true)
    expect(timingSafeEqualBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false)
    expect(timingSafeEqualBytes(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false)
    expect(concatBytes(Uint8Array.of(1), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3))
  })
})
