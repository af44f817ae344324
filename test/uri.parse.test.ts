// parseKeyURI on hostile input: parameter names that are Object.prototype's, impossible base32 lengths and wrong
// padding in the secret, and image URLs that must come back normalised (issue 14, items 2 and 8).
import { createKeyURI, parseKeyURI } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { otpErrorMessage } from './support/errors'

const BASE = 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP'

const uriError = (fn: () => unknown): string => otpErrorMessage('ERR_URI_INVALID', fn)

describe('parseKeyURI: extra keeps every unknown parameter, whatever its name', () => {
  const names = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__']

  it.each(names)('keeps a parameter named %s as an own string property', (name) => {
    const p = parseKeyURI(`${BASE}&${encodeURIComponent(name)}=v%20${name}`)
    expect(Object.keys(p.extra)).toEqual([name])
    expect(Object.hasOwn(p.extra, name)).toBe(true)
    expect(p.extra[name]).toBe(`v ${name}`)
  })

  it('extra has no prototype: names nobody sent read as undefined, and nothing leaks into Object.prototype', () => {
    const p = parseKeyURI(`${BASE}&__proto__=polluted&color=red`)
    expect(Object.getPrototypeOf(p.extra)).toBeNull()
    expect(p.extra.toString).toBeUndefined()
    expect(p.extra.constructor).toBeUndefined()
    expect(p.extra).toEqual({ ['__proto__']: 'polluted', color: 'red' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })

  it('a percent-encoded __proto__ name is kept too, and JSON keeps it', () => {
    const p = parseKeyURI(`${BASE}&%5F%5Fproto%5F%5F=a&b=c`)
    expect(Object.keys(p.extra)).toEqual(['__proto__', 'b'])
    expect(JSON.stringify(p.extra)).toBe('{"__proto__":"a","b":"c"}')
  })

  it('a duplicated __proto__ is refused like any duplicated parameter', () => {
    expect(uriError(() => parseKeyURI(`${BASE}&__proto__=a&__proto__=b`))).toMatch(/twice/)
  })
})

describe('parseKeyURI: the secret must be a whole number of bytes, padded right or not at all', () => {
  // 1..40 characters of base32: 8n+1, 8n+3 and 8n+6 characters leave 5 or more bits over (RFC 4648 §6).
  const impossible = [1, 3, 6, 9, 11, 14, 17, 19, 22, 33, 35, 38]
  const possible = [2, 4, 5, 7, 8, 10, 12, 13, 15, 16, 32, 40]
  const key = (length: number) => 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DP'.slice(0, length)

  it.each(impossible)('refuses %i characters, with or without padding, naming the length only', (length) => {
    expect(uriError(() => parseKeyURI(`otpauth://totp/x?secret=${key(length)}`))).toMatch(/whole number of bytes/)
    const padded = key(length).padEnd(Math.ceil(length / 8) * 8, '=')
    const message = uriError(() => parseKeyURI(`otpauth://totp/x?secret=${encodeURIComponent(padded)}`))
    expect(message).not.toContain(key(length))
  })

  it.each(possible)('accepts %i characters, upper or lower case, padded exactly or not at all', (length) => {
    const bytes = Math.floor((length * 5) / 8)
    const padded = key(length).padEnd(Math.ceil(length / 8) * 8, '=')
    for (const secret of [key(length), key(length).toLowerCase(), padded, encodeURIComponent(padded.toLowerCase())]) {
      expect(parseKeyURI(`otpauth://totp/x?secret=${secret}`).secret.length).toBe(bytes)
    }
  })

  it.each([
    ['MZXW6YQ', 'MZXW6YQ=='],
    ['MZXW6YQ', 'MZXW6YQ=========='],
    ['MZXW6', 'MZXW6=='],
    ['MZXW6', 'MZXW6===='],
    ['MZXW', 'MZXW==='],
    ['MZXW', 'MZXW====='],
    ['MZ', 'MZ====='],
    ['JBSWY3DPEHPK3PXP', 'JBSWY3DPEHPK3PXP='],
    ['JBSWY3DPEHPK3PXP', 'JBSWY3DPEHPK3PXP========'],
  ])('refuses %s with the wrong amount of padding (%s)', (_, secret) => {
    expect(uriError(() => parseKeyURI(`otpauth://totp/x?secret=${encodeURIComponent(secret)}`))).toMatch(/padding/)
  })

  it('refuses a secret that is only padding, and padding in the middle', () => {
    expect(uriError(() => parseKeyURI('otpauth://totp/x?secret=%3D%3D%3D%3D%3D%3D%3D%3D'))).toMatch(/short/)
    expect(uriError(() => parseKeyURI('otpauth://totp/x?secret=MZXW%3D%3D%3D%3DMZXW'))).toMatch(/base32/)
  })

  it('still accepts non-zero trailing bits (keys made of random characters), keeping every whole byte', () => {
    // 'MZXW6YR' ends in 2 unused bits set; the phone decodes the same 4 bytes
    expect(Array.from(parseKeyURI('otpauth://totp/x?secret=MZXW6YR').secret)).toEqual([0x66, 0x6f, 0x6f, 0x62])
  })
})

describe('parseKeyURI: image comes back as the URL parser normalised it', () => {
  it.each([
    ['https://example.com/logo.png', 'https://example.com/logo.png'],
    ['HTTPS://EXAMPLE.com:443/a/../logo.png', 'https://example.com/logo.png'],
    ['https://example.com/a b"c<d>e.png', 'https://example.com/a%20b%22c%3Cd%3Ee.png'],
    ['https://example.com/x.png?q="<script>"', 'https://example.com/x.png?q=%22%3Cscript%3E%22'],
    ['https://example.com/x.png#"<>', 'https://example.com/x.png#%22%3C%3E'],
    ['https://example.com', 'https://example.com/'],
  ])('%s -> %s', (image, normalised) => {
    const parsed = parseKeyURI(`${BASE}&image=${encodeURIComponent(image)}`)
    expect(parsed.image).toBe(normalised)
    expect(parsed.image).not.toMatch(/["<> ]/)
  })

  it.each([
    'http://example.com/logo.png',
    'javascript:alert(1)',
    'data:image/svg+xml,<svg/>',
    '//example.com/logo.png',
    'logo.png',
    'https://exa<mple.com/',
  ])('refuses %s', (image) => {
    expect(uriError(() => parseKeyURI(`${BASE}&image=${encodeURIComponent(image)}`))).toMatch(/https/)
  })
})

describe('parseKeyURI and createKeyURI: an image URL with credentials is refused', () => {
  it.each([
    'https://user:pass@example.com/logo.png',
    'https://bank.example@evil.example/logo.png',
    'https://:secret@example.com/logo.png',
    'https://user@example.com/logo.png',
  ])('%s', (image) => {
    expect(uriError(() => parseKeyURI(`${BASE}&image=${encodeURIComponent(image)}`))).toMatch(/without credentials/)
    expect(uriError(() => createKeyURI({ accountName: 'x', secret: new Uint8Array(20), image }))).toMatch(
      /without credentials/,
    )
  })
})

describe('parseKeyURI: image hosts and quotes the URL parser lets through', () => {
  it.each([
    'https://a.example"/logo.png',
    "https://a.example'/logo.png",
    'https://a.example`/logo.png',
    "https://example.com/it's.png",
    "https://example.com/x.png#'onerror='x",
    'https://example.com/x.png?a=`b`',
  ])('refuses %s', (image) => {
    expect(uriError(() => parseKeyURI(`${BASE}&image=${encodeURIComponent(image)}`))).toMatch(/quotes/)
  })

  it.each([
    ['https://bücher.example/logo.png', 'https://xn--bcher-kva.example/logo.png'],
    ['https://192.0.2.1/logo.png', 'https://192.0.2.1/logo.png'],
    ['https://[2001:DB8::1]/logo.png', 'https://[2001:db8::1]/logo.png'],
    ['https://example.com./logo.png', 'https://example.com./logo.png'],
  ])('accepts %s as %s', (image, href) => {
    expect(parseKeyURI(`${BASE}&image=${encodeURIComponent(image)}`).image).toBe(href)
  })
})
