// ISO/IEC 18004:2015 Table 7: the byte-mode capacity (8-bit bytes) of every version at every level.
import { isOTPError } from 'mfa-core'
import { encodeQR, type QRErrorCorrection } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'

const CAPACITY: Record<QRErrorCorrection, number[]> = {
  L: [
    17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792, 858, 929, 1003, 1091,
    1171, 1273, 1367, 1465, 1528, 1628, 1732, 1840, 1952, 2068, 2188, 2303, 2431, 2563, 2699, 2809, 2953,
  ],
  M: [
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779, 857, 911,
    997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
  ],
  Q: [
    11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322, 364, 394, 442, 482, 509, 565, 611, 661,
    715, 751, 805, 868, 908, 982, 1030, 1112, 1168, 1228, 1283, 1351, 1423, 1499, 1579, 1663,
  ],
  H: [
    7, 14, 24, 34, 44, 58, 64, 84, 98, 119, 137, 155, 177, 194, 220, 250, 280, 310, 338, 382, 403, 439, 461, 511, 535,
    593, 625, 658, 698, 742, 790, 842, 898, 958, 983, 1051, 1093, 1139, 1219, 1273,
  ],
}

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
