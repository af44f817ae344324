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

  it('loose decoding refuses exactly the lengths no whole number of bytes encodes, and drops only trailing bits', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...ALPHABET, ...ALPHABET.toLowerCase(), ' ', '-'), maxLength: 40 }),
        (text) => {
          const letters = text.replace(/[\s-]/g, '').length
          let bytes: Uint8Array
          try {
            bytes = decodeBase32(text, { loose: true })
          } catch (error) {
            expect(isOTPError(error, 'ERR_BASE32_INVALID')).toBe(true)
            expect([1, 3, 6]).toContain(letters % 8)
            return
          }
          expect([0, 2, 4, 5, 7]).toContain(letters % 8)
          expect(bytes.length).toBe(Math.floor((letters * 5) / 8))
          // the canonical spelling of the bytes is the input with its trailing bits cleared: only those were dropped
          expect(encodeBase32(bytes).slice(0, -1)).toBe(text.replace(/[\s-]/g, '').toUpperCase().slice(0, -1))
        },
      ),
      { numRuns: numRuns * 5 },
    )
  })
})
