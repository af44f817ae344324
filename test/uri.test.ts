import { createKeyURI, decodeBase32, formatKeyForManualEntry, generateTOTP, parseKeyURI } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { otpErrorMessage } from './support/errors'

const SECRET = decodeBase32('JBSWY3DPEHPK3PXP')

const uriError = (fn: () => unknown): string => otpErrorMessage('ERR_URI_INVALID', fn)

describe('createKeyURI', () => {
  it('writes the issuer in the label and as a parameter, spaces as %20', () => {
    expect(createKeyURI({ issuer: 'Example Cloud', accountName: 'alice@example.com', secret: SECRET })).toBe(
      'otpauth://totp/Example%20Cloud:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Cloud',
    )
  })

  it('writes non-default parameters, and hotp with its counter', () => {
    const uri = createKeyURI({ accountName: 'bob', secret: SECRET, algorithm: 'SHA256', digits: 8, period: 60 })
    expect(uri).toBe('otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256&digits=8&period=60')
    expect(createKeyURI({ type: 'hotp', accountName: 'bob', secret: SECRET, counter: 2n ** 64n - 1n })).toBe(
      'otpauth://hotp/bob?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615',
    )
  })

  it('encodes reserved characters once: AT&T, #, %', () => {
    const uri = createKeyURI({ issuer: 'AT&T #1 100%', accountName: 'a+b c', secret: SECRET })
    expect(uri).toContain('AT%26T%20%231%20100%25:a%2Bb%20c')
    expect(uri).not.toContain('+')
    expect(parseKeyURI(uri)).toMatchObject({ issuer: 'AT&T #1 100%', accountName: 'a+b c' })
  })

  it("refuses ':' in issuer or account, an empty account, hotp without counter, non-https images", () => {
    uriError(() => createKeyURI({ issuer: 'A:B', accountName: 'x', secret: SECRET }))
    uriError(() => createKeyURI({ accountName: 'x:y', secret: SECRET }))
    uriError(() => createKeyURI({ accountName: '', secret: SECRET }))
    uriError(() => createKeyURI({ type: 'hotp', accountName: 'x', secret: SECRET }))
    uriError(() => createKeyURI({ accountName: 'x', secret: SECRET, image: 'http://example.com/a.png' }))
    expect(() => createKeyURI({ accountName: 'x', secret: new Uint8Array(0) })).toThrow(/secret/)
    uriError(() => createKeyURI({ accountName: 'lone \ud800 surrogate', secret: SECRET }))
  })
})

describe('parseKeyURI', () => {
  it("parses Google's example and feeds generateTOTP directly", async () => {
    const parsed = parseKeyURI('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example')
    expect(parsed).toEqual({
      type: 'totp',
      issuer: 'Example',
      accountName: 'alice@google.com',
      secret: SECRET,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      extra: {},
    })
    expect(await generateTOTP(parsed.secret, { ...parsed, timestamp: 0 })).toBe(
      await generateTOTP(SECRET, { timestamp: 0 }),
    )
  })

  it('decodes each value exactly once, after splitting', () => {
    const p = parseKeyURI('otpauth://totp/AT%26T%3A%20me%2520x?secret=jbswy3dp%65hpk3pxp&issuer=AT%26T&note=100%25')
    expect(p.issuer).toBe('AT&T')
    expect(p.accountName).toBe('me%20x')
    expect(p.secret).toEqual(SECRET)
    expect(p.extra).toEqual({ note: '100%' })
    expect(parseKeyURI('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&issuer=%23hash').issuer).toBe('#hash')
    expect(parseKeyURI('otpauth://totp/a+b?secret=JBSWY3DPEHPK3PXP').accountName).toBe('a+b')
  })

  it('accepts a case-insensitive scheme, spaces after the separator, an empty trailing &', () => {
    const p = parseKeyURI('OTPAUTH://totp/ACME:%20%20bob?secret=JBSWY3DPEHPK3PXP&')
    expect(p).toMatchObject({ issuer: 'ACME', accountName: 'bob' })
    expect(parseKeyURI('otpauth://totp/ACME: bob?secret=JBSWY3DPEHPK3PXP').accountName).toBe('bob')
  })

  it('reads hotp counters exactly to 2^64 - 1', () => {
    expect(parseKeyURI('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615').counter).toBe(
      2n ** 64n - 1n,
    )
    uriError(() => parseKeyURI('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616'))
    uriError(() => parseKeyURI('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP'))
    uriError(() => parseKeyURI('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1'))
  })

  it('rejects what is wrong, naming the problem without echoing the URI', () => {
    const cases: [string, RegExp][] = [
      ['https://totp/x?secret=JBSWY3DPEHPK3PXP', /scheme/],
      ['otpauth://motp/x?secret=JBSWY3DPEHPK3PXP', /type/],
      ['otpauth://totp/x?issuer=A', /secret/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PX1', /base32/],
      ['otpauth://totp/?secret=JBSWY3DPEHPK3PXP', /account/],
      ['otpauth://totp/A:?secret=JBSWY3DPEHPK3PXP', /account/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5', /algorithm/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=5', /digits/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11', /digits/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0', /period/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=1.5', /period/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXP', /twice/],
      ['otpauth://totp/x%ZZ?secret=JBSWY3DPEHPK3PXP', /percent/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=%E0%A4%A', /percent/],
      ['otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXP&issuer=B', /differ/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&image=http%3A%2F%2Fa.example%2Fi.png', /https/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP#frag', /form/],
    ]
    for (const [uri, reason] of cases) {
      const message = uriError(() => parseKeyURI(uri))
      expect(message).toMatch(reason)
      expect(message).not.toContain('JBSWY3DP')
    }
  })

  it('resolves contradicting issuers only when asked', () => {
    const uri = 'otpauth://totp/Old:x?secret=JBSWY3DPEHPK3PXP&issuer=New'
    expect(parseKeyURI(uri, { issuerMismatch: 'prefer-parameter' }).issuer).toBe('New')
    expect(parseKeyURI(uri, { issuerMismatch: 'prefer-label' }).issuer).toBe('Old')
  })

  it('keeps unknown parameters in extra, and period/counter of the other type there too', () => {
    const p = parseKeyURI('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=3&period=60&color=red')
    expect(p.extra).toEqual({ period: '60', color: 'red' })
    expect(p.period).toBeUndefined()
  })
})

describe('formatKeyForManualEntry', () => {
  it('groups upper-case base32 in fours', () => {
    expect(formatKeyForManualEntry(SECRET)).toBe('JBSW Y3DP EHPK 3PXP')
    expect(formatKeyForManualEntry('jbswy3dpehpk3pxp')).toBe('JBSW Y3DP EHPK 3PXP')
    expect(formatKeyForManualEntry(new Uint8Array(20))).toBe('AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA')
  })
})
