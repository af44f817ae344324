// Reed-Solomon codewords of published examples. The encoder is internal, so this imports the source module directly.
import { describe, expect, it } from 'vitest'
import { reedSolomon } from '../../src/qr/reed-solomon.js'

const rs = (data: number[], degree: number): number[] => Array.from(reedSolomon(Uint8Array.from(data), degree))

describe('reedSolomon (ISO/IEC 18004 §7.5.2, GF(256) modulo 0x11D)', () => {
  it('matches ISO/IEC 18004 Annex I: "01234567" as version 1-M', () => {
    const data = [16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17]
    expect(rs(data, 10)).toEqual([165, 36, 212, 193, 237, 54, 199, 135, 44, 85])
  })

  it('matches the "HELLO WORLD" examples (versions 1-M and 1-Q, alphanumeric mode)', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    expect(rs(data, 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    expect(rs(data.slice(0, 13), 13)).toEqual([168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16])
  })

  it('gives a codeword that every generator root zeroes (syndromes), for every degree the standard uses', () => {
    // evaluate c(x) = data(x) x^d + ec(x) at a^i, i < d, by Horner's rule in GF(256)
    const mul = (a: number, b: number): number => {
      let r = 0
      for (; b > 0; b >>= 1, a = a & 0x80 ? ((a << 1) ^ 0x11d) & 0xff : a << 1) if (b & 1) r ^= a
      return r
    }
    for (const degree of [7, 10, 13, 15, 16, 17, 18, 20, 22, 24, 26, 28, 30]) {
      const data = Array.from({ length: 40 }, (_, i) => (i * 97 + degree * 13) & 0xff)
      const codeword = [...data, ...rs(data, degree)]
      for (let i = 0, root = 1; i < degree; i++, root = mul(root, 2)) {
        const value = codeword.reduce((acc, c) => mul(acc, root) ^ c, 0)
        expect(value, `degree ${degree} root ${i}`).toBe(0)
      }
    }
  })

  it('gives all zeros for all-zero data', () => {
    expect(rs([0, 0, 0, 0], 7)).toEqual([0, 0, 0, 0, 0, 0, 0])
  })
})
