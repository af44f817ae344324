// RFC 4648 §10: base32 test vectors (with padding as printed there, and without, as otpauth:// URIs use), read from
// the one copy of the table (mfa-core/testing's rfc4648Vectors).
import { decodeBase32, encodeBase32 } from 'mfa-core'
import { rfc4648Vectors } from 'mfa-core/testing'
import { describe, expect, it } from 'vitest'
import { ascii } from './support/env'

describe('RFC 4648 §10 BASE32', () => {
  it.each(rfc4648Vectors)('BASE32("$input") = "$encoded"', ({ input, encoded }) => {
    const bytes = ascii(input)
    expect(encodeBase32(bytes, { padding: true })).toBe(encoded)
    expect(encodeBase32(bytes)).toBe(encoded.replace(/=+$/, ''))
    expect(decodeBase32(encoded)).toEqual(bytes)
    expect(decodeBase32(encoded.replace(/=+$/, ''))).toEqual(bytes)
    expect(decodeBase32(encoded.toLowerCase())).toEqual(bytes)
  })
})
