// RFC 4648 §10: base32 test vectors (with padding as printed there, and without, as otpauth:// URIs use).
import { decodeBase32, encodeBase32 } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { ascii } from './support/env'

const TABLE: [string, string][] = [
  ['', ''],
  ['f', 'MY======'],
  ['fo', 'MZXQ===='],
  ['foo', 'MZXW6==='],
  ['foob', 'MZXW6YQ='],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI======'],
]

describe('RFC 4648 §10 BASE32', () => {
  it.each(TABLE)('BASE32("%s") = "%s"', (text, encoded) => {
    const bytes = ascii(text)
    expect(encodeBase32(bytes, { padding: true })).toBe(encoded)
    expect(encodeBase32(bytes)).toBe(encoded.replace(/=+$/, ''))
    expect(decodeBase32(encoded)).toEqual(bytes)
    expect(decodeBase32(encoded.replace(/=+$/, ''))).toEqual(bytes)
    expect(decodeBase32(encoded.toLowerCase())).toEqual(bytes)
  })
})
