import { decodeBase32, encodeBase32 } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { ascii } from './support/env'
import { otpErrorMessage } from './support/errors'

const base32Error = (fn: () => unknown): string => otpErrorMessage('ERR_BASE32_INVALID', fn)

describe('decodeBase32 (strict)', () => {
  it('rejects characters outside the RFC 4648 alphabet and says where', () => {
    expect(base32Error(() => decodeBase32('MZXW1YTB'))).toMatch(/position 4/)
    expect(base32Error(() => decodeBase32('MZXW 6YTB'))).toMatch(/position 4/)
    expect(base32Error(() => decodeBase32('MZXW-6YTB'))).toMatch(/position 4/)
    expect(base32Error(() => decodeBase32('MZXWÄYTB'))).toMatch(/position 4/)
    expect(base32Error(() => decodeBase32('MZXW0YTB'))).toMatch(/position 4/)
  })

  it('never echoes the input', () => {
    const secretish = 'SECRETSECRET1'
    expect(base32Error(() => decodeBase32(secretish))).not.toContain('SECRET')
  })

  it('rejects wrong, partial or misplaced padding', () => {
    base32Error(() => decodeBase32('MY=')) // too short for padding
    base32Error(() => decodeBase32('MY====')) // 6 characters
    base32Error(() => decodeBase32('MZXW6=== ')) // trailing space
    base32Error(() => decodeBase32('MZXW6YQ==')) // too much
    base32Error(() => decodeBase32('MZ=XW6==')) // data after padding
    base32Error(() => decodeBase32('MZXW6YTB========')) // a whole block of padding
  })

  it('rejects lengths no encoder produces and non-zero trailing bits', () => {
    base32Error(() => decodeBase32('M')) // 1 character
    base32Error(() => decodeBase32('MZX')) // 3 characters
    base32Error(() => decodeBase32('MZXW6Y')) // 6 characters
    expect(decodeBase32('MY')).toEqual(ascii('f'))
    expect(base32Error(() => decodeBase32('MZ'))).toMatch(/trailing bits/) // 'f' with a stray bit
  })

  it('rejects a non-string with ERR_INVALID_OPTION', () => {
    expect(() => decodeBase32(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
  })
})

describe('decodeBase32 (loose)', () => {
  it('takes what people type: spaces, hyphens, lower case, missing or extra padding', () => {
    const expected = decodeBase32('JBSWY3DPEHPK3PXP')
    for (const typed of ['jbsw y3dp ehpk 3pxp', 'JBSW-Y3DP-EHPK-3PXP', ' JBSWY3DPEHPK3PXP\n', 'JBSWY3DPEHPK3PXP===']) {
      expect(decodeBase32(typed, { loose: true })).toEqual(expected)
    }
    expect(decodeBase32('MZXW6', { loose: true })).toEqual(ascii('foo'))
    expect(decodeBase32('MZXW6=', { loose: true })).toEqual(ascii('foo'))
  })

  it('drops non-zero trailing bits instead of failing', () => {
    expect(decodeBase32('MZ', { loose: true })).toEqual(ascii('f'))
    expect(decodeBase32('M7', { loose: true })).toEqual(ascii('g'))
    expect(decodeBase32('MZXW7', { loose: true })).toEqual(ascii('foo'))
  })

  it('refuses a length no whole number of bytes encodes (a character missing or extra)', () => {
    for (const typed of ['M', 'MYA', 'MZXW6Y', 'JBSW Y3DP EHPK 3PXP A', 'jbsw-y3dp-ehpk-3p']) {
      const n = typed.replace(/[\s-]/g, '').length
      expect(n % 8 === 1 || n % 8 === 3 || n % 8 === 6).toBe(true)
      expect(base32Error(() => decodeBase32(typed, { loose: true }))).toMatch(/cannot be complete/)
    }
  })

  it('still rejects characters outside the alphabet', () => {
    base32Error(() => decodeBase32('JBSW Y3DP EHPK 3PX1', { loose: true }))
    base32Error(() => decodeBase32('JBSW=Y3DP', { loose: true }))
  })
})

describe('encodeBase32', () => {
  it('encodes upper case without padding by default', () => {
    expect(encodeBase32(ascii('Hello!\xde\xad\xbe\xef'))).toMatch(/^[A-Z2-7]+$/)
    expect(encodeBase32(new Uint8Array([0xff]))).toBe('74')
  })

  it('rejects non-bytes', () => {
    expect(() => encodeBase32('abc' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
  })
})
