// RFC 6238 Appendix B: TOTP test vectors, 8 digits, 30-second steps, T0 = 0, with the seeds of the reference
// implementation: 20 bytes for SHA-1, 32 for SHA-256 and 64 for SHA-512 (the ASCII digits "1234567890" repeated).
import { type Algorithm, generateHOTP, generateTOTP, importSecret, verifyTOTP } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { ascii } from './support/env'

const SEEDS: Record<Algorithm, Uint8Array> = {
  SHA1: ascii('12345678901234567890'),
  SHA256: ascii('12345678901234567890123456789012'),
  SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
}

// Time (s), T (hex), TOTP, mode: the Appendix B table.
const TABLE: [number, string, string, Algorithm][] = [
  [59, '0000000000000001', '94287082', 'SHA1'],
  [59, '0000000000000001', '46119246', 'SHA256'],
  [59, '0000000000000001', '90693936', 'SHA512'],
  [1111111109, '00000000023523EC', '07081804', 'SHA1'],
  [1111111109, '00000000023523EC', '68084774', 'SHA256'],
  [1111111109, '00000000023523EC', '25091201', 'SHA512'],
  [1111111111, '00000000023523ED', '14050471', 'SHA1'],
  [1111111111, '00000000023523ED', '67062674', 'SHA256'],
  [1111111111, '00000000023523ED', '99943326', 'SHA512'],
  [1234567890, '000000000273EF07', '89005924', 'SHA1'],
  [1234567890, '000000000273EF07', '91819424', 'SHA256'],
  [1234567890, '000000000273EF07', '93441116', 'SHA512'],
  [2000000000, '0000000003F940AA', '69279037', 'SHA1'],
  [2000000000, '0000000003F940AA', '90698825', 'SHA256'],
  [2000000000, '0000000003F940AA', '38618901', 'SHA512'],
  [20000000000, '0000000027BC86AA', '65353130', 'SHA1'],
  [20000000000, '0000000027BC86AA', '77737706', 'SHA256'],
  [20000000000, '0000000027BC86AA', '47863826', 'SHA512'],
]

describe('RFC 6238 Appendix B', () => {
  it.each(TABLE)('at %i s (T = %s) the code is %s with %s', async (seconds, t, code, algorithm) => {
    const secret = SEEDS[algorithm]
    const options = { algorithm, digits: 8, timestamp: seconds * 1000 }
    expect(await generateTOTP(secret, options)).toBe(code)
    // T is the HOTP counter: TOTP = HOTP(K, T) (RFC 6238 §4.2).
    expect(await generateHOTP(secret, BigInt(`0x${t}`), { algorithm, digits: 8 })).toBe(code)
    const step = Number.parseInt(t, 16)
    expect(await verifyTOTP(secret, code, options)).toEqual({ valid: true, step, delta: 0 })
    const key = await importSecret(secret, algorithm)
    expect(await generateTOTP(key, { digits: 8, timestamp: seconds * 1000 })).toBe(code)
  })
})
