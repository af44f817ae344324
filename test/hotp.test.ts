import { generateHOTP, generateSecret, isOTPError, verifyHOTP } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { ascii } from './support/env'

const SECRET = ascii('12345678901234567890')
const MAX = 2n ** 64n - 1n

describe('HOTP counters', () => {
  it('are exact to 2^64 - 1 and refuse anything outside, never wrapping', async () => {
    const top = await generateHOTP(SECRET, MAX)
    expect(top).toMatch(/^\d{6}$/)
    expect(top).not.toBe(await generateHOTP(SECRET, 0))
    // 2^53 + 1 is exact as a bigint; as a number it would round, so numbers above 2^53 - 1 are refused.
    expect(await generateHOTP(SECRET, 2n ** 53n + 1n)).not.toBe(await generateHOTP(SECRET, 2n ** 53n))
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -1n, MAX + 1n, '1', null, undefined]) {
      await expect(generateHOTP(SECRET, bad as number)).rejects.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_COUNTER'))
    }
  })

  it('encodes the counter big-endian across the 32-bit boundary', async () => {
    const high = await generateHOTP(SECRET, 2 ** 32)
    expect(high).toBe(await generateHOTP(SECRET, 2n ** 32n))
    expect(high).not.toBe(await generateHOTP(SECRET, 0))
    expect(await generateHOTP(SECRET, 2 ** 53 - 1)).toBe(await generateHOTP(SECRET, 2n ** 53n - 1n))
  })
})

describe('verifyHOTP', () => {
  it('looks ahead, never behind, and returns the matched counter', async () => {
    const code5 = await generateHOTP(SECRET, 5)
    expect(await verifyHOTP(SECRET, code5, 5)).toEqual({ valid: true, counter: 5n, delta: 0 })
    expect(await verifyHOTP(SECRET, code5, 3)).toEqual({ valid: false, reason: 'mismatch' })
    expect(await verifyHOTP(SECRET, code5, 3, { lookAhead: 2 })).toEqual({ valid: true, counter: 5n, delta: 2 })
    expect(await verifyHOTP(SECRET, code5, 6, { lookAhead: 10 })).toEqual({ valid: false, reason: 'mismatch' })
  })

  it('stops the look-ahead at 2^64 - 1', async () => {
    const code = await generateHOTP(SECRET, MAX)
    expect(await verifyHOTP(SECRET, code, MAX - 1n, { lookAhead: 5 })).toEqual({ valid: true, counter: MAX, delta: 1 })
  })

  it('returns malformed for non-codes and refuses a huge look-ahead', async () => {
    expect(await verifyHOTP(SECRET, '12 34 5', 0)).toEqual({ valid: false, reason: 'malformed' })
    expect(await verifyHOTP(SECRET, '75522x', 0)).toEqual({ valid: false, reason: 'malformed' })
    await expect(verifyHOTP(SECRET, '755224', 0, { lookAhead: 1000 })).rejects.toThrow(/lookAhead/)
  })
})

describe('secrets', () => {
  it('generateSecret defaults to the hash length and never issues fewer than 16 bytes', () => {
    expect(generateSecret().length).toBe(20)
    expect(generateSecret({ algorithm: 'SHA256' }).length).toBe(32)
    expect(generateSecret({ algorithm: 'SHA512' }).length).toBe(64)
    expect(generateSecret({ bytes: 16 }).length).toBe(16)
    expect(generateSecret({ bytes: 1024 }).length).toBe(1024)
    expect(() => generateSecret({ bytes: 10 })).toThrow(/16/)
    expect(() => generateSecret({ bytes: 1025 })).toThrow(/1024/)
    expect(() => generateSecret({ bytes: 16.5 })).toThrow(/integer/)
    expect(() => generateSecret({ algorithm: 'MD5' as 'SHA1' })).toThrow(/algorithm/)
    const a = generateSecret()
    const b = generateSecret()
    expect(a).not.toEqual(b)
  })

  it('old 10-byte secrets still work; empty or non-byte secrets are refused', async () => {
    expect(await generateHOTP(ascii('1234567890'), 0)).toMatch(/^\d{6}$/)
    await expect(generateHOTP(new Uint8Array(0), 0)).rejects.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_SECRET'))
    await expect(generateHOTP('JBSWY3DPEHPK3PXP' as unknown as Uint8Array, 0)).rejects.toThrow(/decodeBase32/)
  })
})
