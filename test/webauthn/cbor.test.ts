// The strict CBOR subset decoder (RFC 8949): vectors from Appendix A, what the subset refuses, and properties: it
// never throws on arbitrary bytes and never reads past its input.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeCBOR } from '../../src/webauthn/cbor'
import { numRuns } from '../support/env'

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16))

describe('decodeCBOR: RFC 8949 Appendix A vectors inside the subset', () => {
  it.each<[string, unknown]>([
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['1903e8', 1000],
    ['1a000f4240', 1000000],
    ['1b000000e8d4a51000', 1000000000000],
    ['20', -1],
    ['3903e7', -1000],
    ['f4', false],
    ['f5', true],
    ['f6', null],
    ['40', new Uint8Array(0)],
    ['4401020304', Uint8Array.of(1, 2, 3, 4)],
    ['60', ''],
    ['6449455446', 'IETF'],
    ['62c3bc', '\u00fc'],
    ['83010203', [1, 2, 3]],
    ['8301820203820405', [1, [2, 3], [4, 5]]],
    [
      'a201020304',
      new Map([
        [1, 2],
        [3, 4],
      ]),
    ],
    [
      'a26161016162820203',
      new Map<string, unknown>([
        ['a', 1],
        ['b', [2, 3]],
      ]),
    ],
  ])('%s', (hex, value) => {
    const input = bytes(hex)
    expect(decodeCBOR(input)).toEqual({ value, end: input.length })
  })

  it('reports where the item ends, so what follows is found without re-encoding', () => {
    expect(decodeCBOR(bytes('a10102ff00'))).toEqual({ value: new Map([[1, 2]]), end: 3 })
    expect(decodeCBOR(bytes('ff0102'), 1)).toEqual({ value: 1, end: 2 })
  })
})

describe('decodeCBOR: outside the subset is null', () => {
  it.each<[string, string]>([
    ['an empty input', ''],
    ['an argument that is not the shortest (24 in one extra byte)', '1817'],
    ['a length that is not the shortest', '5900020102'],
    ['a 64-bit integer above 2^53 - 1', '1b0020000000000000'],
    ['an indefinite-length byte string', '5f4101ff'],
    ['an indefinite-length map', 'bf0102ff'],
    ['an indefinite-length array', '9f01ff'],
    ['a tag', 'c11a514b67b0'],
    ['a float', 'f93c00'],
    ['undefined', 'f7'],
    ['a simple value', 'f0'],
    ['reserved additional information 28', '1c'],
    ['a break on its own', 'ff'],
    ['duplicate map keys', 'a201020103'],
    ['a map key that is a byte string', 'a1410102'],
    ['invalid UTF-8 in a text string', '62c328'],
    ['a byte string longer than the input', '45010203'],
    ['a truncated argument', '19 03'.replace(' ', '')],
    ['an array missing an element', '830102'],
    ['nesting deeper than 16', `${'81'.repeat(17)}00`],
    ['more than 1024 entries promised', '9a00010000'],
  ])('%s', (_name, hex) => {
    expect(decodeCBOR(bytes(hex))).toBeNull()
  })

  it('refuses offsets that are not a position in the input', () => {
    expect(decodeCBOR(bytes('00'), -1)).toBeNull()
    expect(decodeCBOR(bytes('00'), 1)).toBeNull()
    expect(decodeCBOR(bytes('00'), 0.5)).toBeNull()
  })

  it('accepts nesting of exactly 16', () => {
    expect(decodeCBOR(bytes(`${'81'.repeat(16)}00`))).not.toBeNull()
  })
})

describe('decodeCBOR: properties', () => {
  it('never throws on arbitrary bytes, and an item it reads ends inside the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(70), (input, offset) => {
        const item = decodeCBOR(input, offset)
        if (item !== null) {
          expect(item.end).toBeGreaterThan(offset)
          expect(item.end).toBeLessThanOrEqual(input.length)
        }
      }),
      { numRuns },
    )
  })

  it('reads nothing past the item: the same item from its own bytes, and null from one byte less', () => {
    // inputs shaped like CBOR heads, so that many of them decode
    const head = fc.constantFrom(0x00, 0x17, 0x18, 0x20, 0x41, 0x43, 0x61, 0x62, 0x82, 0x83, 0xa1, 0xa2, 0xf5, 0xf6)
    const input = fc.array(fc.oneof(head, fc.integer({ min: 0, max: 255 })), { maxLength: 40 })
    fc.assert(
      fc.property(input, (list) => {
        const data = Uint8Array.from(list)
        const item = decodeCBOR(data)
        if (item === null) return
        expect(decodeCBOR(data.slice(0, item.end))).toEqual(item)
        expect(decodeCBOR(data.slice(0, item.end - 1))).toBeNull()
      }),
      { numRuns },
    )
  })
})
