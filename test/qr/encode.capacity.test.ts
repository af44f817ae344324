// ISO/IEC 18004:2015 Table 7: the byte-mode capacity (8-bit bytes) of every version at every level.
import { isOTPError } from 'mfa-core'
import { encodeQR, type QRErrorCorrection } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'
import { CAPACITY } from '../support/qr-capacity'

function tooLong(text: string, ecc: QRErrorCorrection): boolean {
  try {
    encodeQR(text, { ecc })
  } catch (error) {
    return isOTPError(error, 'ERR_QR_TOO_LONG')
  }
  return false
}

describe('encodeQR capacity (Table 7)', () => {
  for (const ecc of ['L', 'M', 'Q', 'H'] as const) {
    it(`level ${ecc}: exactly the capacity fits a version, one byte more takes the next`, () => {
      const caps = CAPACITY[ecc]
      for (let version = 1; version <= 40; version++) {
        const cap = caps[version - 1]!
        expect(encodeQR('a'.repeat(cap), { ecc }).version, `${cap} bytes at ${ecc}`).toBe(version)
        if (version < 40) expect(encodeQR('a'.repeat(cap + 1), { ecc }).version, `${cap + 1} bytes`).toBe(version + 1)
      }
      expect(tooLong('a'.repeat(caps[39]! + 1), ecc)).toBe(true)
    })
  }

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    // 14 bytes fit 1-M: 4 x 3-byte euro signs + 2 ASCII; one more byte does not
    expect(encodeQR('€€€€ab').version).toBe(1)
    expect(encodeQR('€€€€abc').version).toBe(2)
    // an emoji is 4 UTF-8 bytes (2 UTF-16 units)
    expect(encodeQR('😀😀😀ab').version).toBe(1)
    expect(encodeQR('😀😀😀abc').version).toBe(2)
    expect(tooLong('😀'.repeat(583), 'M')).toBe(true) // 2332 bytes
    expect(encodeQR(`${'😀'.repeat(582)}abc`).version).toBe(40) // 2331 bytes
  })

  it('encodes the empty string, in version 1', () => {
    expect(encodeQR('').version).toBe(1)
  })

  it('honours minVersion, and still grows past it when the text needs more', () => {
    expect(encodeQR('a', { minVersion: 5 }).version).toBe(5)
    expect(encodeQR('a'.repeat(100), { minVersion: 2 }).version).toBe(6)
    expect(encodeQR('a'.repeat(2331), { minVersion: 40 }).version).toBe(40)
  })

  it('does not echo the text in the too-long error', () => {
    try {
      encodeQR('SECRETXYZ'.repeat(400), { ecc: 'H' })
      expect.unreachable()
    } catch (error) {
      expect(isOTPError(error, 'ERR_QR_TOO_LONG')).toBe(true)
      expect((error as Error).message).not.toContain('SECRET')
      expect((error as Error).message).toContain('3600')
    }
  })
})
