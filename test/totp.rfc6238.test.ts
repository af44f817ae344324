// RFC 6238 Appendix B: TOTP test vectors, 8 digits, 30-second steps, T0 = 0, with the seeds of the reference
// implementation, read from the one copy of the table (mfa-core/testing's rfc6238Vectors).
import { generateHOTP, generateTOTP, importSecret, verifyTOTP } from 'mfa-core'
import { rfc6238Vectors } from 'mfa-core/testing'
import { describe, expect, it } from 'vitest'
import { ascii } from './support/env'

describe('RFC 6238 Appendix B', () => {
  it('the table has the 18 rows of the RFC, 20-, 32- and 64-byte seeds', () => {
    expect(rfc6238Vectors).toHaveLength(18)
    expect(new Set(rfc6238Vectors.map((v) => `${v.algorithm}:${v.secret.length}`))).toEqual(
      new Set(['SHA1:20', 'SHA256:32', 'SHA512:64']),
    )
  })

  it.each(rfc6238Vectors)('at $time s (T = $step) the code is $code with $algorithm', async (v) => {
    const secret = ascii(v.secret)
    const { algorithm, digits, period, epoch } = v
    const options = { algorithm, digits, period, epoch, timestamp: v.time * 1000 }
    expect(await generateTOTP(secret, options)).toBe(v.code)
    // T is the HOTP counter: TOTP = HOTP(K, T) (RFC 6238 §4.2).
    expect(await generateHOTP(secret, BigInt(v.step), { algorithm, digits })).toBe(v.code)
    expect(await verifyTOTP(secret, v.code, options)).toEqual({ valid: true, step: v.step, delta: 0 })
    const key = await importSecret(secret, algorithm)
    expect(await generateTOTP(key, { digits, timestamp: v.time * 1000 })).toBe(v.code)
  })
})
