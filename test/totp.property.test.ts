import fc from 'fast-check'
import { type Algorithm, generateHOTP, generateTOTP, importSecret, verifyHOTP, verifyTOTP } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from './support/env'

const secret = fc.uint8Array({ minLength: 1, maxLength: 100 })
const algorithm = fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512')
const digits = fc.integer({ min: 6, max: 10 })
const period = fc.integer({ min: 1, max: 120 })
const epoch = fc.integer({ min: 0, max: 1_000_000 })
// Milliseconds after epoch, up to the year ~2500.
const offset = fc.integer({ min: 0, max: 16_000_000_000_000 })
const runs = { numRuns: Math.max(20, Math.floor(numRuns / 4)) }

describe('OTP properties', () => {
  it('codes always have exactly `digits` decimal digits', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), digits, algorithm, async (s, c, d, a) => {
        expect(await generateHOTP(s, c, { digits: d, algorithm: a })).toMatch(new RegExp(`^\\d{${d}}$`))
      }),
      runs,
    )
  })

  it('TOTP equals HOTP at floor((t - epoch) / period)', async () => {
    await fc.assert(
      fc.asyncProperty(secret, algorithm, digits, period, epoch, offset, async (s, a, d, p, e, o) => {
        const timestamp = e * 1000 + o
        const step = Math.floor(o / 1000 / p)
        const totp = await generateTOTP(s, { algorithm: a, digits: d, period: p, epoch: e, timestamp })
        expect(totp).toBe(await generateHOTP(s, step, { algorithm: a, digits: d }))
      }),
      runs,
    )
  })

  it('a generated code verifies at its step and within the window, not outside it', async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        algorithm,
        period,
        offset,
        fc.integer({ min: -4, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        async (s, a, p, o, shift, past, future) => {
          const now = 1_000_000_000_000 + o
          const step = Math.floor(now / 1000 / p)
          const code = await generateTOTP(s, { algorithm: a, period: p, timestamp: (step + shift) * p * 1000 })
          const result = await verifyTOTP(s, code, {
            algorithm: a,
            period: p,
            timestamp: now,
            window: { past, future },
          })
          if (shift >= -past && shift <= future) {
            // An earlier step in the window may share the code by chance (10^-6); the match is never outside it.
            expect(result.valid).toBe(true)
            if (result.valid) expect(result.delta).toBeLessThanOrEqual(shift)
          } else if (result.valid) {
            // Only a chance collision with another step in the window can make it valid.
            expect(result.delta).not.toBe(shift)
            expect(await generateTOTP(s, { algorithm: a, period: p, timestamp: result.step * p * 1000 })).toBe(code)
          }
        },
      ),
      runs,
    )
  })

  it('a prepared key gives the same codes and results as the raw bytes', async () => {
    await fc.assert(
      fc.asyncProperty(secret, algorithm, fc.bigInt({ min: 0n, max: 2n ** 64n - 2n }), async (s, a, c) => {
        const key = await importSecret(s, a)
        const code = await generateHOTP(s, c, { algorithm: a })
        expect(await generateHOTP(key, c)).toBe(code)
        expect(await verifyHOTP(key, code, c)).toEqual(await verifyHOTP(s, code, c, { algorithm: a }))
      }),
      runs,
    )
  })
})
