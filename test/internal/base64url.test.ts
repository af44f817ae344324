// base64url (RFC 4648 §5, no padding): the strict codec behind proofs and device tokens.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64Text, decodeBase64URL, encodeBase64URL } from '../../src/internal/base64url'
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

describe('base64 text (key material from the environment)', () => {
  const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))

  it.each<[string, number[]]>([
    ['Zm9vYmFy', [...ascii('foobar')]],
    ['Zm8=', [...ascii('fo')]],
    ['Zm8', [...ascii('fo')]],
    ['Zg==', [...ascii('f')]],
    ['+/8=', [0xfb, 0xff]],
    ['-_8', [0xfb, 0xff]],
    ['  Zm9v\n', [...ascii('foo')]],
    ['', []],
  ])('reads %j', (text, bytes) => {
    expect(decodeBase64Text(text)).toEqual(new Uint8Array(bytes))
  })

  it.each(['Zg=', 'Zm9v=', 'Zg===', 'Z', 'Zh==', '+_8', 'Zm 9v', 'Zm9v\u00e9', '=Zm9', 'Zm=9'])(
    'refuses %j (padding, alphabets mixed, trailing bits, other characters)',
    (text) => {
      expect(decodeBase64Text(text)).toBeNull()
    },
  )

  it('property: base64 with padding and base64url without both read back the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(decodeBase64Text(base64(bytes))).toEqual(bytes)
        expect(decodeBase64Text(`${encodeBase64URL(bytes)}\n`)).toEqual(bytes)
      }),
      { numRuns },
    )
  })
})
