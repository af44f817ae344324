import fc from 'fast-check'
import { decodeBase32, encodeBase32, isOTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from './support/env'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

describe('base32 properties', () => {
  it('round-trips any bytes, padded or not, in either case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, padding) => {
        const text = encodeBase32(bytes, { padding })
        expect(text).toMatch(padding ? /^[A-Z2-7]*=*$/ : /^[A-Z2-7]*$/)
        if (padding) expect(text.length % 8).toBe(0)
        expect(decodeBase32(text)).toEqual(bytes)
        expect(decodeBase32(text.toLowerCase())).toEqual(bytes)
        expect(decodeBase32(text, { loose: true })).toEqual(bytes)
      }),
      { numRuns },
    )
  })

  it('strict decoding accepts exactly the canonical spellings (decode then encode gives the input back)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET, '=', 'a', '1', ' '), maxLength: 40 }), (text) => {
        let bytes: Uint8Array
        try {
          bytes = decodeBase32(text)
        } catch (error) {
          expect(isOTPError(error, 'ERR_BASE32_INVALID')).toBe(true)
          return
        }
        const canonical = encodeBase32(bytes, { padding: text.includes('=') })
        expect(canonical).toBe(text.toUpperCase())
      }),
      { numRuns: numRuns * 5 },
    )
  })

  it('loose decoding ignores separators and padding people add', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(' ', '-', '  ', '\t'),
        fc.nat({ max: 9 }),
        (bytes, group, separator, pad) => {
          const text = encodeBase32(bytes).toLowerCase()
          const grouped = (text.match(new RegExp(`.{1,${group}}`, 'g')) ?? []).join(separator) + '='.repeat(pad)
          expect(decodeBase32(grouped, { loose: true })).toEqual(bytes)
        },
      ),
      { numRuns },
    )
  })
})
