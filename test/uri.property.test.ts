import fc from 'fast-check'
import {
  type Algorithm,
  createKeyURI,
  isOTPError,
  type KeyURIParams,
  MAX_PERIOD,
  MIN_PERIOD,
  parseKeyURI,
} from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from './support/env'

// Any text but ':' (refused in labels by design), including reserved and non-ASCII characters.
const labelText = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('&', '#', '%', '+', ' ', '?', '=', '/', '@', 'é', '😀'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
    maxLength: 30,
  })
  .filter((s) => !s.includes(':') && !s.startsWith(' '))

const params: fc.Arbitrary<KeyURIParams> = fc.oneof(
  fc.record(
    {
      type: fc.constant('totp' as const),
      issuer: labelText,
      accountName: labelText,
      secret: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      algorithm: fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512'),
      digits: fc.integer({ min: 6, max: 10 }),
      period: fc.integer({ min: MIN_PERIOD, max: MAX_PERIOD }),
    },
    { requiredKeys: ['type', 'accountName', 'secret', 'algorithm', 'digits', 'period'] },
  ),
  fc.record(
    {
      type: fc.constant('hotp' as const),
      issuer: labelText,
      accountName: labelText,
      secret: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      algorithm: fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512'),
      digits: fc.integer({ min: 6, max: 10 }),
      counter: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    },
    { requiredKeys: ['type', 'accountName', 'secret', 'algorithm', 'digits', 'counter'] },
  ),
)

describe('key URI properties', () => {
  it('parseKeyURI(createKeyURI(p)) gives p back', () => {
    fc.assert(
      fc.property(params, (p) => {
        expect(parseKeyURI(createKeyURI(p))).toEqual({ ...p, extra: {} })
      }),
      { numRuns },
    )
  })

  it('parsing arbitrary text never throws anything but OTPError', () => {
    const uriish = fc.oneof(
      fc.string(),
      fc.webUrl(),
      fc
        .tuple(fc.constantFrom('otpauth://totp/', 'otpauth://hotp/', 'OTPAUTH://TOTP/'), fc.string(), fc.string())
        .map(([a, b, c]) => `${a}${b}?secret=${c}`),
      params.chain((p) => fc.nat({ max: 200 }).map((cut) => createKeyURI(p).slice(0, cut))),
    )
    fc.assert(
      fc.property(uriish, (text) => {
        try {
          parseKeyURI(text)
        } catch (error) {
          expect(isOTPError(error, 'ERR_URI_INVALID')).toBe(true)
        }
      }),
      { numRuns: numRuns * 5 },
    )
  })
})
