// base64url (RFC 4648 §5, no padding): the strict codec behind proofs and device tokens.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64URL, encodeBase64URL } from '../../src/internal/base64url'
import { ascii, numRuns } from '../support/env'

describe('base64url', () => {
  it.each<[string, string]>([
    // RFC 4648 §10 test vectors, without padding, in the URL-safe alphabet
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 §10: %j is %j', (text, encoded) => {
    expect(encodeBase64URL(ascii(text))).toBe(encoded)
    expect(decodeBase64URL(encoded)).toEqual(ascii(text))
  })

  it('uses - and _ for 62 and 63', () => {
    expect(encodeBase64URL(new Uint8Array([0xfb, 0xff]))).toBe('-_8')
  })

  it.each(['Zg==', 'Zh', 'Z', 'Zm9v+', 'Zm9/', 'Zm 9v', 'é'])(
    'refuses %j (padding, trailing bits, alphabet)',
    (text) => {
      expect(decodeBase64URL(text)).toBeNull()
    },
  )

  it('property: decode(encode(bytes)) is bytes, and every decodable text is canonical', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64URL(bytes)
        expect(text).toMatch(/^[\w-]*$/)
        expect(decodeBase64URL(text)).toEqual(bytes)
      }),
      { numRuns },
    )
    fc.assert(
      fc.property(fc.stringMatching(/^[\w-]{0,40}$/), (text) => {
        const bytes = decodeBase64URL(text)
        if (bytes !== null) expect(encodeBase64URL(bytes)).toBe(text)
      }),
      { numRuns },
    )
  })
})
