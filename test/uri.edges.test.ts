import { createKeyURI, parseKeyURI } from 'mfa-core'
import { describe, expect, it } from 'vitest'

const SECRET = new TextEncoder().encode('12345678901234567890')

describe('key URI edges', () => {
  const secret = SECRET
  it('refuses bad parts when creating', () => {
    const bad = [
      { accountName: 'x', secret, image: 42 },
      { accountName: 'x', secret, image: 'not a url' },
      { accountName: 'x', secret, algorithm: 'MD5' },
      { accountName: 'x', secret, digits: 5 },
      { accountName: 'x', secret, period: 0 },
      { accountName: 'x', secret, type: 'motp' },
      { accountName: 'x'.repeat(1025), secret },
      { accountName: 42, secret },
      { accountName: ' alice', secret },
      { issuer: ' ACME', accountName: 'alice', secret },
    ]
    for (const params of bad) {
      expect(() => createKeyURI(params as never)).toThrow(expect.objectContaining({ code: 'ERR_URI_INVALID' }))
    }
    expect(() => createKeyURI(null as never)).toThrow(/params/)
    expect(createKeyURI({ accountName: 'x', secret, image: 'https://example.com/logo.png' })).toContain(
      'image=https%3A%2F%2Fexample.com%2Flogo.png',
    )
  })

  it('refuses a bad issuerMismatch option and over-long or non-string input when parsing', () => {
    const uri = 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP'
    expect(() => parseKeyURI(uri, { issuerMismatch: 'sometimes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
    expect(() => parseKeyURI(`${uri}&x=${'a'.repeat(9000)}`)).toThrow(/longer/)
    expect(() => parseKeyURI(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_URI_INVALID' }))
    expect(() => parseKeyURI('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&novalue')).toThrow(/no name or no value/)
    expect(() => parseKeyURI('otpauth://totp/x?secret=A')).toThrow(/whole number of bytes/)
    expect(() => parseKeyURI('otpauth://totp/:x?secret=JBSWY3DPEHPK3PXP')).toThrow(/empty issuer/)
    expect(() => parseKeyURI('otpauth://totp/a:b:c?secret=JBSWY3DPEHPK3PXP')).toThrow(/more than one/)
    expect(parseKeyURI('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fa.example%2Fi.png').image).toBe(
      'https://a.example/i.png',
    )
    expect(parseKeyURI('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=').issuer).toBeUndefined()
  })
})
