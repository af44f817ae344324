// Differential tests: our codes equal those of two independent implementations on random secrets, counters, times.
import fc from 'fast-check'
import { type Algorithm, encodeBase32, generateHOTP, generateTOTP, verifyTOTP } from 'mfa-core'
import * as OTPAuth from 'otpauth'
import { generate as otplibGenerate } from 'otplib'
import { describe, expect, it } from 'vitest'
import { numRuns } from './support/env'

const secret = fc.uint8Array({ minLength: 16, maxLength: 80 })
const algorithm = fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512')
const digits = fc.constantFrom(6, 7, 8)
const period = fc.constantFrom(15, 30, 60, 90)
const seconds = fc.integer({ min: 0, max: 4_000_000_000 })
const runs = { numRuns: Math.max(50, Math.floor(numRuns / 2)) }

describe('differential: otpauth', () => {
  it('HOTP matches on random secrets and counters', async () => {
    await fc.assert(
      fc.asyncProperty(secret, algorithm, digits, fc.integer({ min: 0, max: 2 ** 53 - 1 }), async (s, a, d, c) => {
        const peer = new OTPAuth.HOTP({
          secret: new OTPAuth.Secret({ buffer: s.slice().buffer }),
          algorithm: a,
          digits: d,
        })
        expect(await generateHOTP(s, c, { algorithm: a, digits: d })).toBe(peer.generate({ counter: c }))
      }),
      runs,
    )
  })

  it('TOTP matches on random secrets and times, and their code verifies here', async () => {
    await fc.assert(
      fc.asyncProperty(secret, algorithm, digits, period, seconds, async (s, a, d, p, t) => {
        const peer = new OTPAuth.TOTP({
          secret: OTPAuth.Secret.fromBase32(encodeBase32(s)),
          algorithm: a,
          digits: d,
          period: p,
        })
        const theirs = peer.generate({ timestamp: t * 1000 })
        const options = { algorithm: a, digits: d, period: p, timestamp: t * 1000 }
        expect(await generateTOTP(s, options)).toBe(theirs)
        expect((await verifyTOTP(s, theirs, options)).valid).toBe(true)
      }),
      runs,
    )
  })
})

describe('differential: otplib', () => {
  it('TOTP with T0 matches on random secrets and times', async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        algorithm,
        digits,
        period,
        seconds,
        fc.integer({ min: 0, max: 1_000_000 }),
        async (s, a, d, p, t, t0) => {
          const theirs = await otplibGenerate({
            secret: s,
            algorithm: a.toLowerCase() as 'sha1',
            digits: d as 6,
            period: p,
            epoch: t + t0,
            t0,
          })
          expect(
            await generateTOTP(s, { algorithm: a, digits: d, period: p, epoch: t0, timestamp: (t + t0) * 1000 }),
          ).toBe(theirs)
        },
      ),
      runs,
    )
  })

  it('HOTP matches on random counters', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.integer({ min: 0, max: 2 ** 31 }), async (s, c) => {
        const theirs = await otplibGenerate({ secret: s, strategy: 'hotp', counter: c })
        expect(await generateHOTP(s, c)).toBe(theirs)
      }),
      runs,
    )
  })
})
