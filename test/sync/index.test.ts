// mfa-core/sync: the RFC 4226 Appendix D and RFC 6238 Appendix B tables through the synchronous entry, its prepared
// keys (destroy), and results equal to the WebCrypto root entry's on random inputs, errors included.
import fc from 'fast-check'
import * as root from 'mfa-core'
import {
  type Algorithm,
  generateHOTP,
  generateTOTP,
  importSecret,
  isOTPError,
  OTPKey,
  verifyHOTP,
  verifyTOTP,
} from 'mfa-core/sync'
import { rfc4226Vectors, rfc6238Vectors } from 'mfa-core/testing'
import { describe, expect, it } from 'vitest'
import { ascii, numRuns } from '../support/env'
import { HOSTILE } from '../support/hostile'

const RFC4226_SECRET = ascii(rfc4226Vectors[0]!.secret)
const HOTP = rfc4226Vectors.map((v) => v.code)
const SEEDS = Object.fromEntries(rfc6238Vectors.map((v) => [v.algorithm, ascii(v.secret)])) as Record<
  Algorithm,
  Uint8Array
>
const TOTP = rfc6238Vectors.map((v) => [v.time, v.code, v.algorithm, v.secret] as const)

describe('RFC 4226 Appendix D through mfa-core/sync', () => {
  it.each(HOTP.map((code, counter) => [counter, code] as const))('counter %i gives %s', (counter, code) => {
    expect(generateHOTP(RFC4226_SECRET, counter)).toBe(code)
    expect(generateHOTP(RFC4226_SECRET, BigInt(counter))).toBe(code)
    expect(verifyHOTP(RFC4226_SECRET, code, counter)).toEqual({ valid: true, counter: BigInt(counter), delta: 0 })
  })

  it('a prepared key gives the same table, and look-ahead finds the lowest matching counter', () => {
    const key = importSecret(RFC4226_SECRET)
    expect(HOTP.map((_, counter) => generateHOTP(key, counter))).toEqual(HOTP)
    expect(verifyHOTP(key, HOTP[7]!, 2, { lookAhead: 5 })).toEqual({ valid: true, counter: 7n, delta: 5 })
    expect(verifyHOTP(key, HOTP[7]!, 2, { lookAhead: 4 })).toEqual({ valid: false, reason: 'mismatch' })
    expect(verifyHOTP(key, HOTP[1]!, 2, { lookAhead: 5 })).toEqual({ valid: false, reason: 'mismatch' })
  })
})

describe('RFC 6238 Appendix B through mfa-core/sync', () => {
  it.each(TOTP)('at %i s the code is %s with %s', (seconds, code, algorithm, seed) => {
    const secret = ascii(seed)
    const options = { algorithm, digits: 8, timestamp: seconds * 1000 }
    const step = Math.floor(seconds / 30)
    expect(generateTOTP(secret, options)).toBe(code)
    expect(verifyTOTP(secret, code, options)).toEqual({ valid: true, step, delta: 0 })
    const key = importSecret(secret, algorithm)
    expect(generateTOTP(key, { digits: 8, timestamp: seconds * 1000 })).toBe(code)
    expect(verifyTOTP(key, code, { ...options, afterStep: step })).toEqual({ valid: false, reason: 'replayed' })
    key.destroy()
  })
})

describe('prepared keys', () => {
  it('destroy() zeroes the key: later use throws ERR_KEY_DESTROYED, destroy() again is harmless', () => {
    const key = importSecret(RFC4226_SECRET)
    expect(key).toBeInstanceOf(OTPKey)
    expect(key.algorithm).toBe('SHA1')
    key.destroy()
    key.destroy()
    for (const use of [
      () => generateHOTP(key, 0),
      () => verifyHOTP(key, '755224', 0),
      () => generateTOTP(key),
      () => verifyTOTP(key, '123456'),
    ]) {
      expect(use).toThrow(expect.objectContaining({ code: 'ERR_KEY_DESTROYED' }))
    }
  })

  it('destroy() overwrites the padded-key states with zeros', () => {
    const key = importSecret(SEEDS.SHA512, 'SHA512')
    const slot = (key as unknown as Record<symbol, { prepared: { inner: Int32Array; outer: Int32Array } }>)[
      Symbol.for('mfa-core.sync.OTPKey')
    ]!
    const { inner, outer } = slot.prepared
    expect(inner.some((word) => word !== 0) && outer.some((word) => word !== 0)).toBe(true)
    key.destroy()
    expect([...inner, ...outer].every((word) => word === 0)).toBe(true)
    expect(slot.prepared).toBeNull()
  })

  it('a key is bound to its algorithm', () => {
    const key = importSecret(SEEDS.SHA256, 'SHA256')
    expect(key.algorithm).toBe('SHA256')
    expect(generateTOTP(key, { algorithm: 'SHA256', digits: 8, timestamp: 59_000 })).toBe('46119246')
    expect(() => generateTOTP(key, { algorithm: 'SHA1' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
  })

  it('the raw bytes cannot be read back from a key', () => {
    const key = importSecret(RFC4226_SECRET)
    expect(Object.keys(key)).toEqual(['algorithm'])
    expect(JSON.stringify(key)).toBe('{"algorithm":"SHA1"}')
  })

  it("refuses the root entry's WebCrypto keys and bad secrets with ERR_INVALID_SECRET", async () => {
    const webKey = await root.importSecret(RFC4226_SECRET)
    for (const secret of [webKey, new Uint8Array(0), 'JBSWY3DPEHPK3PXP', null, undefined, [1, 2, 3]]) {
      expect(() => generateTOTP(secret as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SECRET' }))
      expect(() => importSecret(secret as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SECRET' }))
    }
  })
})

// The same call on both entries: equal results, or the same OTPError code.
type Outcome = { ok: unknown } | { error: string }
const settle = (run: () => unknown): Outcome => {
  try {
    return { ok: run() }
  } catch (error) {
    return { error: isOTPError(error) ? error.code : `not an OTPError: ${String(error)}` }
  }
}
const settleAsync = async (run: () => Promise<unknown>): Promise<Outcome> => {
  try {
    return { ok: await run() }
  } catch (error) {
    return { error: root.isOTPError(error) ? error.code : `not an OTPError: ${String(error)}` }
  }
}

describe('same results as the root entry (WebCrypto)', () => {
  const secret = fc.uint8Array({ minLength: 1, maxLength: 140 })
  const algorithm = fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512')
  const digits = fc.oneof(fc.integer({ min: 6, max: 10 }), fc.constantFrom(5, 11, 6.5))
  const period = fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constant(0))
  const timestamp = fc.integer({ min: 0, max: 2 ** 45 })
  const window = fc.oneof(
    fc.integer({ min: 0, max: 3 }),
    fc.record({ past: fc.integer({ min: 0, max: 3 }), future: fc.integer({ min: 0, max: 3 }) }),
    fc.constant(11),
  )
  const runs = { numRuns: Math.max(20, Math.floor(numRuns / 2)) }

  it('generateTOTP and verifyTOTP (valid, near, malformed, replayed codes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        algorithm,
        digits,
        period,
        timestamp,
        window,
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom('same', 'spaced', 'junk'),
        fc.option(fc.integer({ min: 0, max: 2 ** 30 }), { nil: undefined }),
        async (s, a, d, p, t, w, shift, form, afterStep) => {
          const options = { algorithm: a, digits: d, period: p, timestamp: t }
          const generated = settle(() => generateTOTP(s, options))
          expect(generated).toEqual(await settleAsync(() => root.generateTOTP(s, options)))
          if (!('ok' in generated)) return
          const other = settle(() => generateTOTP(s, { ...options, timestamp: t + shift * p * 1000 }))
          const typed = 'ok' in other ? String(other.ok) : '000000'
          const code =
            form === 'spaced' ? `${typed.slice(0, 3)} ${typed.slice(3)}` : form === 'junk' ? `${typed}x` : typed
          const verify = { ...options, window: w, afterStep }
          const key = importSecret(s, a)
          const keyed = settle(() => verifyTOTP(key, code, verify))
          key.destroy()
          const expected = await settleAsync(() => root.verifyTOTP(s, code, verify))
          expect(settle(() => verifyTOTP(s, code, verify))).toEqual(expected)
          expect(keyed).toEqual(expected)
        },
      ),
      runs,
    )
  })

  it('generateHOTP and verifyHOTP, counters up to 2^64 - 1 and past it', async () => {
    const counter = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(2n ** 64n - 1n, 2n ** 64n - 2n, 2n ** 64n, 2n ** 32n - 1n, 2n ** 32n, -1n),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.constantFrom(-1, 1.5, 2 ** 53),
    )
    await fc.assert(
      fc.asyncProperty(
        secret,
        algorithm,
        digits,
        counter,
        fc.integer({ min: 0, max: 3 }),
        async (s, a, d, c, lookAhead) => {
          const options = { algorithm: a, digits: d }
          const generated = settle(() => generateHOTP(s, c, options))
          expect(generated).toEqual(await settleAsync(() => root.generateHOTP(s, c, options)))
          const code = 'ok' in generated ? String(generated.ok) : '123456'
          const verify = { ...options, lookAhead }
          const expected = await settleAsync(() => root.verifyHOTP(s, code, c, verify))
          expect(settle(() => verifyHOTP(s, code, c, verify))).toEqual(expected)
        },
      ),
      runs,
    )
  })
})

describe('hostile input (the root entry matrix, on the sync functions)', () => {
  const expectUsableError = (run: () => unknown) => {
    try {
      run()
    } catch (error) {
      if (!(isOTPError(error) || error instanceof TypeError || error instanceof RangeError)) {
        throw new Error(`unexpected error type: ${String(error)}`)
      }
      expect((error as Error).message.length).toBeGreaterThan(10)
    }
  }

  it('each argument of each function either works or throws OTPError / TypeError / RangeError', () => {
    const key = importSecret(RFC4226_SECRET)
    for (const value of HOSTILE) {
      const v = value as never
      for (const secret of [RFC4226_SECRET, key]) {
        expectUsableError(() => generateHOTP(secret, v))
        expectUsableError(() => generateHOTP(secret, 0, v))
        expectUsableError(() => verifyHOTP(secret, v, 0))
        expectUsableError(() => verifyHOTP(secret, '755224', v))
        expectUsableError(() => verifyHOTP(secret, '755224', 0, v))
        expectUsableError(() => generateTOTP(secret, v))
        expectUsableError(() => verifyTOTP(secret, v))
        expectUsableError(() => verifyTOTP(secret, '123456', v))
        for (const option of ['algorithm', 'digits', 'period', 'epoch', 'timestamp', 'window', 'afterStep']) {
          expectUsableError(() => verifyTOTP(secret, '123456', { [option]: v }))
        }
        expectUsableError(() => verifyHOTP(secret, '123456', 0, { lookAhead: v }))
      }
      expectUsableError(() => generateTOTP(v))
      expectUsableError(() => importSecret(v))
      expectUsableError(() => importSecret(RFC4226_SECRET, v))
    }
  })

  it('a code typed by a user never throws: malformed or mismatch', () => {
    for (const value of HOSTILE) {
      const result = verifyTOTP(RFC4226_SECRET, value as never)
      expect(result.valid).toBe(false)
    }
    expect(verifyTOTP(RFC4226_SECRET, '1'.repeat(100_000))).toEqual({ valid: false, reason: 'malformed' })
  })

  it('a proxy pretending to be a key is refused as a secret', () => {
    const trap = new Proxy({}, { get: () => 7, has: () => true })
    expect(() => generateTOTP(trap as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SECRET' }))
  })
})
