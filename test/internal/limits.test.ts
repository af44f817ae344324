// One set of limits for names and periods: key URIs (both ways) and the MFA service accept exactly the same range,
// read from src/internal/limits.ts (the command line's side is in test/cli/cli.test.ts).
import {
  createKeyURI,
  createMFA,
  isOTPError,
  MAX_NAME_LENGTH,
  MAX_PERIOD,
  MIN_PERIOD,
  memoryStore,
  parseKeyURI,
} from 'mfa-core'
import { describe, expect, it } from 'vitest'

const secret = new Uint8Array(20).fill(7)
const name = (length: number) => 'a'.repeat(length)

function refused(call: () => unknown, code: string): boolean {
  try {
    call()
    return false
  } catch (error) {
    return isOTPError(error, code as never)
  }
}

describe('names and periods: one set of limits', () => {
  it('are an hour at most and 256 characters, exported from the root', () => {
    expect([MIN_PERIOD, MAX_PERIOD, MAX_NAME_LENGTH]).toEqual([1, 3600, 256])
  })

  it('createKeyURI and parseKeyURI accept the same names', () => {
    for (const field of ['issuer', 'accountName'] as const) {
      const params = { accountName: 'alice', issuer: 'Example', secret, [field]: name(MAX_NAME_LENGTH) }
      expect(parseKeyURI(createKeyURI(params))[field]).toBe(name(MAX_NAME_LENGTH))
      expect(refused(() => createKeyURI({ ...params, [field]: name(MAX_NAME_LENGTH + 1) }), 'ERR_URI_INVALID')).toBe(
        true,
      )
    }
    const long = name(MAX_NAME_LENGTH + 1)
    expect(refused(() => parseKeyURI(`otpauth://totp/${long}?secret=JBSWY3DPEHPK3PXP`), 'ERR_URI_INVALID')).toBe(true)
    expect(
      refused(() => parseKeyURI(`otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&issuer=${long}`), 'ERR_URI_INVALID'),
    ).toBe(true)
  })

  it('createKeyURI and parseKeyURI accept the same periods', () => {
    for (const period of [MIN_PERIOD, 30, MAX_PERIOD]) {
      expect(parseKeyURI(createKeyURI({ accountName: 'alice', secret, period })).period).toBe(period)
    }
    for (const period of [MIN_PERIOD - 1, MAX_PERIOD + 1]) {
      expect(refused(() => createKeyURI({ accountName: 'alice', secret, period }), 'ERR_URI_INVALID')).toBe(true)
      const uri = `otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=${period}`
      expect(refused(() => parseKeyURI(uri), 'ERR_URI_INVALID')).toBe(true)
    }
  })

  it('the MFA service takes the same issuer, account name and policy period', async () => {
    const store = memoryStore()
    const mfa = createMFA({ store, issuer: name(MAX_NAME_LENGTH), policy: { period: MAX_PERIOD } })
    const enrollment = await mfa.beginEnrollment('user', { accountName: name(MAX_NAME_LENGTH) })
    if (!enrollment.ok) throw new Error(`enrollment refused: ${enrollment.reason}`)
    expect(parseKeyURI(enrollment.uri)).toMatchObject({ period: MAX_PERIOD, issuer: name(MAX_NAME_LENGTH) })
    expect(refused(() => createMFA({ store, issuer: name(MAX_NAME_LENGTH + 1) }), 'ERR_INVALID_OPTION')).toBe(true)
    expect(
      refused(() => createMFA({ store, issuer: 'x', policy: { period: MAX_PERIOD + 1 } }), 'ERR_INVALID_OPTION'),
    ).toBe(true)
    await expect(mfa.beginEnrollment('user-2', { accountName: name(MAX_NAME_LENGTH + 1) })).rejects.toSatisfy((error) =>
      isOTPError(error, 'ERR_INVALID_OPTION'),
    )
  })
})
