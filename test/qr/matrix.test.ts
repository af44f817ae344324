// The fixed structure of ISO/IEC 18004 symbols, read back through the public QRMatrix.get().
import { isOTPError } from 'mfa-core'
import { encodeQR, type QRErrorCorrection, type QRMatrix } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'

const bitsOf = (bits: boolean[]): number => bits.reduce((n, b) => n * 2 + (b ? 1 : 0), 0)

/** The 15 format bits, most significant first, read from each of the two copies (§7.9.1, Figure 25). */
function formatCopies(m: QRMatrix): [number, number] {
  const first: boolean[] = []
  for (const x of [0, 1, 2, 3, 4, 5, 7, 8]) first.push(m.get(x, 8))
  for (const y of [7, 5, 4, 3, 2, 1, 0]) first.push(m.get(8, y))
  const second: boolean[] = []
  for (let y = m.size - 1; y >= m.size - 7; y--) second.push(m.get(8, y))
  for (let x = m.size - 8; x < m.size; x++) second.push(m.get(x, 8))
  return [bitsOf(first), bitsOf(second)]
}

/** The 18 version bits, most significant first, from the upper-right and lower-left blocks (§7.10, Figure 27). */
function versionCopies(m: QRMatrix): [number, number] {
  const upperRight: boolean[] = []
  const lowerLeft: boolean[] = []
  for (let i = 17; i >= 0; i--) {
    const a = m.size - 11 + (i % 3)
    const b = Math.floor(i / 3)
    upperRight.push(m.get(a, b))
    lowerLeft.push(m.get(b, a))
  }
  return [bitsOf(upperRight), bitsOf(lowerLeft)]
}

function expectFinder(m: QRMatrix, left: number, top: number): void {
  for (let dy = -1; dy <= 7; dy++) {
    for (let dx = -1; dx <= 7; dx++) {
      const x = left + dx
      const y = top + dy
      if (x < 0 || y < 0 || x >= m.size || y >= m.size) continue
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3))
      // 3x3 dark core, light ring, dark ring, then the light separator
      expect(m.get(x, y), `finder module (${x}, ${y})`).toBe(ring <= 1 || ring === 3)
    }
  }
}

describe('encodeQR symbol structure', () => {
  it('has 17 + 4 x version modules per side, and light modules outside', () => {
    for (const [text, version] of [
      ['a', 1],
      ['a'.repeat(100), 6],
      ['a'.repeat(2000), 38],
    ] as const) {
      const m = encodeQR(text, { ecc: 'M' })
      expect(m.version).toBe(version)
      expect(m.size).toBe(17 + 4 * version)
      for (const [x, y] of [
        [-1, 0],
        [0, -1],
        [m.size, 0],
        [0, m.size],
        [-100, -100],
      ] as const) {
        expect(m.get(x, y)).toBe(false)
      }
    }
  })

  it('draws the three finder patterns with separators, and the timing patterns between them (§6.3.3-6.3.5)', () => {
    for (const version of [1, 2, 7, 21, 40]) {
      const m = encodeQR('finder', { minVersion: version })
      expect(m.version).toBe(version)
      expectFinder(m, 0, 0)
      expectFinder(m, m.size - 7, 0)
      expectFinder(m, 0, m.size - 7)
      for (let i = 8; i < m.size - 8; i++) {
        expect(m.get(i, 6), `horizontal timing ${i}`).toBe(i % 2 === 0)
        expect(m.get(6, i), `vertical timing ${i}`).toBe(i % 2 === 0)
      }
      expect(m.get(8, m.size - 8), 'dark module').toBe(true)
    }
  })

  it('places alignment patterns at the Annex E centres', () => {
    const centres: Record<number, number[]> = { 2: [6, 18], 7: [6, 22, 38], 32: [6, 34, 60, 86, 112, 138] }
    for (const [version, list] of Object.entries(centres)) {
      const m = encodeQR('align', { minVersion: Number(version) })
      for (const cx of list) {
        for (const cy of list) {
          const nearFinder =
            (cx === 6 && cy === 6) || (cx === 6 && cy === list.at(-1)) || (cx === list.at(-1) && cy === 6)
          if (nearFinder) continue
          for (let dy = -2; dy <= 2; dy++) {
            for (let dx = -2; dx <= 2; dx++) {
              const ring = Math.max(Math.abs(dx), Math.abs(dy))
              expect(m.get(cx + dx, cy + dy), `v${version} alignment (${cx + dx}, ${cy + dy})`).toBe(ring !== 1)
            }
          }
        }
      }
    }
  })

  it('writes the format information of Annex C, Table C.1, in both copies', () => {
    // (level, mask) -> 15-bit format information after the 0x5412 mask, from the published table
    const table: [QRErrorCorrection, number, string][] = [
      ['L', 0, '111011111000100'],
      ['L', 4, '110011000101111'],
      ['L', 7, '110100101110110'],
      ['M', 0, '101010000010010'],
      ['M', 5, '100000011001110'],
      ['Q', 0, '011010101011111'],
      ['Q', 3, '011101000000110'],
      ['H', 0, '001011010001001'],
      ['H', 7, '000100000111011'],
    ]
    for (const [ecc, mask, bits] of table) {
      for (const version of [1, 10]) {
        const m = encodeQR('format', { ecc, mask, minVersion: version })
        expect(m.mask).toBe(mask)
        expect(m.ecc).toBe(ecc)
        const [first, second] = formatCopies(m)
        expect(first.toString(2).padStart(15, '0'), `${ecc}${mask} v${version} first copy`).toBe(bits)
        expect(second.toString(2).padStart(15, '0'), `${ecc}${mask} v${version} second copy`).toBe(bits)
      }
    }
  })

  it('writes the version information of Annex D, Table D.1, from version 7 on', () => {
    const table: Record<number, number> = { 7: 0x07c94, 8: 0x085bc, 13: 0x0d847, 24: 0x18ec4, 40: 0x28c69 }
    for (const [version, bits] of Object.entries(table)) {
      const m = encodeQR('version', { minVersion: Number(version) })
      expect(versionCopies(m)).toEqual([bits, bits])
    }
  })

  it('reports the automatically chosen mask, and honours a forced one', () => {
    const auto = encodeQR('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example')
    expect(auto.mask).toBeGreaterThanOrEqual(0)
    expect(auto.mask).toBeLessThanOrEqual(7)
    const forced = encodeQR('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example', {
      mask: auto.mask,
    })
    const differs = (a: QRMatrix, b: QRMatrix): boolean => {
      for (let y = 0; y < a.size; y++) for (let x = 0; x < a.size; x++) if (a.get(x, y) !== b.get(x, y)) return true
      return false
    }
    expect(differs(auto, forced)).toBe(false)
    const other = encodeQR('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example', {
      mask: (auto.mask + 1) % 8,
    })
    expect(differs(auto, other)).toBe(true)
    expect(Object.isFrozen(auto)).toBe(true)
  })

  it('encodes lone surrogates as U+FFFD, like TextEncoder', () => {
    const a = encodeQR('x\uD800y')
    const b = encodeQR('x\uFFFDy')
    for (let y = 0; y < a.size; y++) for (let x = 0; x < a.size; x++) expect(a.get(x, y)).toBe(b.get(x, y))
  })

  it('throws ERR_INVALID_OPTION for developer misuse', () => {
    const bad: [unknown, unknown][] = [
      [42, undefined],
      [null, undefined],
      ['x', null],
      ['x', 'M'],
      ['x', { ecc: 'm' }],
      ['x', { ecc: 'X' }],
      ['x', { minVersion: 0 }],
      ['x', { minVersion: 41 }],
      ['x', { minVersion: 1.5 }],
      ['x', { minVersion: Number.NaN }],
      ['x', { minVersion: '2' }],
      ['x', { mask: -1 }],
      ['x', { mask: 8 }],
      ['x', { mask: Number.POSITIVE_INFINITY }],
    ]
    for (const [text, options] of bad) {
      let caught: unknown
      try {
        encodeQR(text as string, options as never)
      } catch (error) {
        caught = error
      }
      expect(isOTPError(caught, 'ERR_INVALID_OPTION'), `${String(text)} ${JSON.stringify(options)}`).toBe(true)
    }
  })
})
