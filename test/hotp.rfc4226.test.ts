// RFC 4226 Appendix D: HOTP test values for the secret "12345678901234567890" (ASCII), counters 0 to 9, read from
// the one copy of the table (mfa-core/testing's rfc4226Vectors).
import { generateHOTP, importSecret, verifyHOTP } from 'mfa-core'
import { rfc4226Vectors } from 'mfa-core/testing'
import { describe, expect, it } from 'vitest'
import { ascii, hex } from './support/env'

describe('RFC 4226 Appendix D', () => {
  it('the table has the ten counts of the RFC', () => {
    expect(rfc4226Vectors.map((v) => v.counter)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(Object.isFrozen(rfc4226Vectors) && Object.isFrozen(rfc4226Vectors[0])).toBe(true)
  })

  it.each(rfc4226Vectors)('intermediate HMAC-SHA-1 for count $counter', async ({ secret, counter, hmac }) => {
    // The table's HMAC column, checked with the platform's HMAC so the truncation below starts from known bytes.
    const key = await crypto.subtle.importKey('raw', ascii(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
    const message = new Uint8Array(8)
    message[7] = counter
    expect(hex(new Uint8Array(await crypto.subtle.sign('HMAC', key, message)))).toBe(hmac)
  })

  it.each(rfc4226Vectors)('count $counter gives the truncated value and the HOTP', async (v) => {
    const secret = ascii(v.secret)
    expect(await generateHOTP(secret, v.counter)).toBe(v.code)
    expect(await generateHOTP(secret, BigInt(v.counter))).toBe(v.code)
    // With 10 digits the modulus exceeds 2^31, so the code is the whole 31-bit truncated value (RFC 4226 §5.3).
    expect(await generateHOTP(secret, v.counter, { digits: 10 })).toBe(String(v.truncated).padStart(10, '0'))
    expect(await verifyHOTP(secret, v.code, v.counter)).toEqual({ valid: true, counter: BigInt(v.counter), delta: 0 })
  })

  it('gives the same codes through a prepared key', async () => {
    const key = await importSecret(ascii(rfc4226Vectors[0]!.secret))
    for (const { counter, code } of rfc4226Vectors) expect(await generateHOTP(key, counter)).toBe(code)
  })
})
