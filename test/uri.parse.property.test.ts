// Properties of parseKeyURI against a bit-level model of RFC 4648 §6 base32, hostile image URLs and parameter names
// (issue 14, items 2 and 8).
import fc from 'fast-check'
import { encodeBase32, isOTPError, parseKeyURI } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from './support/env'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** The model: 5 bits per character; whole bytes taken, and fewer than 5 bits may be left over (else a character is
 * missing or extra); padding absent or filling the text to a multiple of 8 characters. */
function model(core: string, padding: number): Uint8Array | undefined {
  const bits = Array.from(core.toUpperCase(), (c) => ALPHABET.indexOf(c).toString(2).padStart(5, '0')).join('')
  const whole = Math.floor(bits.length / 8)
  if (whole === 0 || bits.length - whole * 8 >= 5) return undefined
  if (padding !== 0 && (core.length + padding) % 8 !== 0) return undefined
  if (padding >= 8) return undefined
  return Uint8Array.from({ length: whole }, (_, i) => Number.parseInt(bits.slice(i * 8, i * 8 + 8), 2))
}

const base32Char = fc.constantFrom(...ALPHABET, ...ALPHABET.toLowerCase())
const core = fc.string({ unit: base32Char, minLength: 0, maxLength: 70 })
const parse = (secret: string) => parseKeyURI(`otpauth://totp/x?secret=${encodeURIComponent(secret)}`)

function refused(fn: () => unknown): boolean {
  try {
    fn()
    return false
  } catch (error) {
    expect(isOTPError(error, 'ERR_URI_INVALID')).toBe(true)
    return true
  }
}

describe('parseKeyURI secret properties', () => {
  it('accepts exactly what the model accepts, and yields the model bytes', () => {
    fc.assert(
      fc.property(core, fc.nat({ max: 10 }), (text, padding) => {
        const expected = model(text, padding)
        const secret = `${text}${'='.repeat(padding)}`
        if (expected === undefined) expect(refused(() => parse(secret))).toBe(true)
        else expect(parse(secret).secret).toEqual(expected)
      }),
      { numRuns: numRuns * 5 },
    )
  })

  it('every secret that parses re-encodes to the same characters, up to the unused bits of the last one', () => {
    fc.assert(
      fc.property(core, fc.boolean(), (text, padded) => {
        const secret = padded ? text.padEnd(Math.ceil(text.length / 8) * 8, '=') : text
        let bytes: Uint8Array
        try {
          bytes = parse(secret).secret
        } catch {
          return
        }
        const again = encodeBase32(bytes)
        const upper = text.toUpperCase()
        expect(again.length).toBe(upper.length)
        expect(again.slice(0, -1)).toBe(upper.slice(0, -1))
        // the last character keeps its used (high) bits; its unused bits are zero in the canonical form
        const unused = upper.length * 5 - bytes.length * 8
        const last = (s: string) => ALPHABET.indexOf(s.slice(-1)) >> unused
        expect(last(again)).toBe(last(upper))
        expect(parse(again).secret).toEqual(bytes)
      }),
      { numRuns: numRuns * 5 },
    )
  })

  it('a secret of 8n + 1, 8n + 3 or 8n + 6 characters always fails, whatever its padding', () => {
    const impossible = fc
      .tuple(fc.nat({ max: 8 }), fc.constantFrom(1, 3, 6))
      .chain(([n, rest]) => fc.string({ unit: base32Char, minLength: 8 * n + rest, maxLength: 8 * n + rest }))
    fc.assert(
      fc.property(impossible, fc.nat({ max: 9 }), (text, padding) => {
        expect(refused(() => parse(`${text}${'='.repeat(padding)}`))).toBe(true)
      }),
      { numRuns },
    )
  })
})

describe('parseKeyURI image and extra properties', () => {
  it('an image that parses is https, normalised, without credentials, quote, backtick, space or angle bracket', () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.webUrl({ withQueryParameters: true, withFragments: true, authoritySettings: { withUserInfo: true } }),
      fc
        .tuple(fc.constantFrom('https://', 'HTTPS://', 'https:', 'https:/\\'), fc.string({ unit: 'binary' }))
        .map(([scheme, rest]) => `${scheme}${rest}`),
      fc
        .tuple(
          fc.webUrl(),
          fc.string({ unit: fc.constantFrom('"', "'", '<', '>', ' ', '\\', '`', '%', '#', '?', 'a') }),
        )
        .map(([url, rest]) => `${url.replace(/^http:/, 'https:')}${rest}`),
    )
    fc.assert(
      fc.property(hostile, (image) => {
        let parsed: string | undefined
        try {
          parsed = parseKeyURI(`otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&image=${encodeURIComponent(image)}`).image
        } catch (error) {
          expect(isOTPError(error, 'ERR_URI_INVALID')).toBe(true)
          return
        }
        expect(parsed).toBeDefined()
        expect(parsed?.startsWith('https://')).toBe(true)
        expect(new URL(parsed as string).href).toBe(parsed)
        expect(parsed).not.toMatch(/["'`<>\s]/)
        expect(new URL(parsed as string).username + new URL(parsed as string).password).toBe('')
      }),
      { numRuns: numRuns * 2 },
    )
  })

  it('extra holds every unknown parameter, names of Object.prototype included', () => {
    const KNOWN = ['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter', 'image']
    const name = fc
      .oneof(
        fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype), 'prototype', '__proto__'),
        fc.string({ minLength: 1, maxLength: 12 }),
      )
      .filter((n) => !KNOWN.includes(n))
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, fc.string()), { selector: ([n]) => n, maxLength: 8 }), (pairs) => {
        const query = pairs.map(([n, v]) => `&${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('')
        const { extra } = parseKeyURI(`otpauth://totp/x?secret=JBSWY3DPEHPK3PXP${query}`)
        // (integer-like names come first in any object's key order, so compare as sets)
        expect(Object.keys(extra).sort()).toEqual(pairs.map(([n]) => n).sort())
        for (const [n, v] of pairs) expect(Object.hasOwn(extra, n) && extra[n]).toBe(v)
      }),
      { numRuns },
    )
  })
})
