// The strict DER reader of ECDSA signatures (RFC 3279 §2.2.3, X.690 §8.3 and §10.1) and its conversion to r || s.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { derToRawSignature } from '../../src/webauthn/der'
import { numRuns } from '../support/env'

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16))
const R = '11'.repeat(32)
const S = '22'.repeat(32)
const HIGH = `ff${'33'.repeat(31)}`

describe('derToRawSignature', () => {
  it('reads r and s of 32 bytes', () => {
    expect(derToRawSignature(bytes(`3044 0220${R} 0220${S}`.replace(/ /g, '')), 32)).toEqual(bytes(R + S))
  })
  it('reads a zero byte before a top bit, and left-pads short integers', () => {
    const der = bytes(`3026 022100${HIGH} 020101`.replace(/ /g, ''))
    expect(derToRawSignature(der, 32)).toEqual(bytes(`${HIGH}${'00'.repeat(31)}01`))
  })
  it.each<[string, string]>([
    ['empty', ''],
    ['not a sequence', `3144 0220${R} 0220${S}`],
    ['a sequence length that is not the rest', `3045 0220${R} 0220${S}`],
    ['a long-form sequence length', `308144 0220${R} 0220${S}`],
    ['a long-form integer length', `3045 028120${R} 0220${S}`],
    ['an extra leading zero', `3045 022100${R} 0220${S}`],
    ['a negative integer (top bit without a zero before it)', `3044 0220${HIGH} 0220${S}`],
    ['an empty integer', `3024 0200 0220${S}`],
    ['a zero r', `3025 020100 0220${S}`],
    ['r longer than the field', `3045 0221${R}11 0220${S}`],
    ['not an integer', `3044 0320${R} 0220${S}`],
    ['one integer only', `3022 0220${R}`],
    ['three integers', `3047 0220${R} 0220${S} 020101`],
    ['a byte after the sequence', `3044 0220${R} 0220${S} 00`],
    ['an integer running past the end', `3024 0220${R.slice(0, 60)}`],
  ])('refuses %s', (_name, hex) => {
    expect(derToRawSignature(bytes(hex.replace(/ /g, '')), 32)).toBeNull()
  })
  it('never throws, and anything it accepts is 64 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (input) => {
        const raw = derToRawSignature(input, 32)
        if (raw !== null) expect(raw.length).toBe(64)
      }),
      { numRuns },
    )
  })
})
