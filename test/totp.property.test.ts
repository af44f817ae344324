// Properties of the TOTP and HOTP functions (root and mfa-core/sync): codes, steps, windows; the early exit never
// changes a result (against a reference that computes every step); and every option set at the numeric limits
// terminates with a result or an OTPError.
import fc from 'fast-check'
import { type Algorithm, generateHOTP, generateTOTP, importSecret, isOTPError, verifyHOTP, verifyTOTP } from 'mfa-core'
import * as sync from 'mfa-core/sync'
import { describe, expect, it } from 'vitest'
import { type HMACSigner, matchWindow } from '../src/internal/engine.js'
import { windowOrder } from '../src/internal/otp.js'
import { numRuns } from './support/env'

const SAFE = Number.MAX_SAFE_INTEGER

/**
 * The reference decision: every step of the window computed; among the fresh matches (after afterStep) the one
 * nearest now wins, the earlier on a tie; else a stale match is `replayed`, else `mismatch`.
 */
function reference(
  codeOf: (step: number) => string,
  typed: string,
  now: number,
  past: number,
  future: number,
  after: number,
) {
  const matches: number[] = []
  for (let s = Math.max(0, now - past); s <= now + future; s++) if (codeOf(s) === typed) matches.push(s)
  const fresh = matches.filter((s) => s > after)
  fresh.sort((a, b) => Math.abs(a - now) - Math.abs(b - now) || a - b)
  if (fresh.length > 0) return { valid: true, step: fresh[0]!, delta: fresh[0]! - now }
  return { valid: false, reason: matches.length > 0 ? 'replayed' : 'mismatch' }
}

/** A signer whose 6-digit code of step s is table[s % table.length]: collisions at will. */
function tableSigner(table: readonly number[], async: boolean): HMACSigner {
  return {
    sign(message) {
      const step = new DataView(message.buffer).getUint32(4)
      const mac = new Uint8Array(20) // offset 0 (last byte's low nibble), 31 bits from bytes 0..3
      new DataView(mac.buffer).setUint32(0, table[step % table.length]!)
      return async ? Promise.resolve(mac) : mac
    },
  }
}

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
            // A step nearer now may share the code by chance (10^-6); the match is never outside the window.
            expect(result.valid).toBe(true)
            if (result.valid) expect(Math.abs(result.delta)).toBeLessThanOrEqual(Math.abs(shift))
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

  it('early exit never changes a result: the first fresh match in check order is the reference decision', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 7 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: -1, max: 50 }),
        fc.integer({ min: 0, max: 4 }),
        async (table, async, now, past, future, after, typedValue) => {
          const typed = String(typedValue).padStart(6, '0')
          const codeOf = (step: number) => String(table[step % table.length]).padStart(6, '0')
          const order = windowOrder(now, { past, future }, after)
          const result = await matchWindow(tableSigner(table, async), typed, 6, now, order)
          expect(result).toEqual(reference(codeOf, typed, now, past, future, after))
        },
      ),
      { numRuns },
    )
  })

  it('root and mfa-core/sync verifyTOTP equal the reference over real HMACs, replay included', async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        algorithm,
        fc.integer({ min: 1000, max: 100_000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: -6, max: 6 }),
        async (s, a, now, past, future, afterShift, shift) => {
          const options = {
            algorithm: a,
            timestamp: now * 30_000,
            window: { past, future },
            afterStep: now + afterShift,
          }
          const typed = await generateHOTP(s, now + shift, { algorithm: a })
          const codes = new Map<number, string>()
          for (let st = now - past; st <= now + future; st++) codes.set(st, await generateHOTP(s, st, { algorithm: a }))
          const expected = reference((st) => codes.get(st)!, typed, now, past, future, now + afterShift)
          expect(await verifyTOTP(s, typed, options)).toEqual(expected)
          expect(sync.verifyTOTP(s, typed, options)).toEqual(expected)
        },
      ),
      runs,
    )
  })

  it('every option set at the numeric limits terminates with a result or an OTPError (root and sync)', async () => {
    const limit = <T>(...values: T[]) => fc.constantFrom(...values)
    const settle = async (f: () => unknown) => {
      try {
        const value = await f()
        return { value }
      } catch (error) {
        expect(isOTPError(error), String(error)).toBe(true)
        return { error: (error as { code: string }).code }
      }
    }
    await fc.assert(
      fc.asyncProperty(
        limit(-SAFE, -SAFE + 1, -SAFE + 30, 0, SAFE - 1, SAFE),
        limit(1, 2, 30, SAFE),
        limit(-SAFE, -1, 0, 999, 1000, SAFE - 1, SAFE),
        fc.oneof(fc.integer({ min: 0, max: 10 }), fc.record({ past: fc.nat(10), future: fc.nat(10) })),
        limit(-1, 0, SAFE - 11, SAFE - 1, SAFE),
        fc.bigInt({ min: 2n ** 64n - 102n, max: 2n ** 64n - 1n }),
        fc.integer({ min: 0, max: 100 }),
        async (epoch, period, timestamp, window, afterStep, counter, lookAhead) => {
          const s = new Uint8Array(20)
          const totp = { epoch, period, timestamp }
          const verify = { ...totp, window, afterStep }
          const root = [
            await settle(() => generateTOTP(s, totp)),
            await settle(() => verifyTOTP(s, '123456', verify)),
            await settle(() => verifyHOTP(s, '123456', counter, { lookAhead })),
          ]
          const same = [
            await settle(() => sync.generateTOTP(s, totp)),
            await settle(() => sync.verifyTOTP(s, '123456', verify)),
            await settle(() => sync.verifyHOTP(s, '123456', counter, { lookAhead })),
          ]
          expect(same).toEqual(root)
        },
      ),
      { numRuns },
    )
  })
})
