// HMAC (RFC 2104) of the pure-TypeScript engine behind mfa-core/sync: RFC 2202 §3 (HMAC-SHA-1, test cases 1-7) and
// RFC 4231 §4 (HMAC-SHA-256 and HMAC-SHA-512, test cases 1-7, including the truncated case 5 and the 131-byte keys).
import { describe, expect, it } from 'vitest'
import { hmac, hmacCounter, prepareHMAC } from '../../../src/sync/hash/hmac'
import { SHA1 } from '../../../src/sync/hash/sha1'
import { SHA256 } from '../../../src/sync/hash/sha256'
import { SHA512 } from '../../../src/sync/hash/sha512'
import { ascii, hex } from '../../support/env'

const bytes = (length: number, value: number) => new Uint8Array(length).fill(value)
const count = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i)

// RFC 2202 §3: [case, key, data, HMAC-SHA-1 digest]
const RFC2202: [number, Uint8Array, Uint8Array, string][] = [
  [1, bytes(20, 0x0b), ascii('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
  [2, ascii('Jefe'), ascii('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
  [3, bytes(20, 0xaa), bytes(50, 0xdd), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
  [4, count(0x01, 0x19), bytes(50, 0xcd), '4c9007f4026250c6bc8414f9bf50c86c2d7235da'],
  [5, bytes(20, 0x0c), ascii('Test With Truncation'), '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04'],
  [
    6,
    bytes(80, 0xaa),
    ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    'aa4ae5e15272d00e95705637ce8a3b55ed402112',
  ],
  [
    7,
    bytes(80, 0xaa),
    ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
    'e8e99d0f45237d786d6bbaa7965c7808bbff1a91',
  ],
]

// RFC 4231 §4.2-4.8: [case, key, data, HMAC-SHA-256, HMAC-SHA-512]; case 5 is truncated to 128 bits (§4.6).
const RFC4231: [number, Uint8Array, Uint8Array, string, string][] = [
  [
    1,
    bytes(20, 0x0b),
    ascii('Hi There'),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
  ],
  [
    2,
    ascii('Jefe'),
    ascii('what do ya want for nothing?'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  ],
  [
    3,
    bytes(20, 0xaa),
    bytes(50, 0xdd),
    '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb',
  ],
  [
    4,
    count(0x01, 0x19),
    bytes(50, 0xcd),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd',
  ],
  [
    5,
    bytes(20, 0x0c),
    ascii('Test With Truncation'),
    'a3b6167473100ee06e0c796c2955552b',
    '415fad6271580a531d4179bc891d87a6',
  ],
  [
    6,
    bytes(131, 0xaa),
    ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
  ],
  [
    7,
    bytes(131, 0xaa),
    ascii(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58',
  ],
]

// A MAC compared with an expected hex string that may be truncated (RFC 4231 §4.6 keeps the leftmost 128 bits).
const prefix = (mac: Uint8Array, expected: string) => hex(mac).slice(0, expected.length)

describe('RFC 2202 §3: HMAC-SHA-1', () => {
  it.each(RFC2202)('test case %i', (_case, key, data, expected) => {
    expect(prefix(hmac(prepareHMAC(SHA1, key), data), expected)).toBe(expected)
  })
})

describe('RFC 4231 §4: HMAC-SHA-256 and HMAC-SHA-512', () => {
  it.each(RFC4231)('test case %i, SHA-256', (_case, key, data, sha256) => {
    expect(prefix(hmac(prepareHMAC(SHA256, key), data), sha256)).toBe(sha256)
  })
  it.each(RFC4231)('test case %i, SHA-512', (_case, key, data, _sha256, sha512) => {
    expect(prefix(hmac(prepareHMAC(SHA512, key), data), sha512)).toBe(sha512)
  })
})

describe('the 8-byte counter fast path (RFC 4226 §5.2 message)', () => {
  // Words out of hmacCounter, as bytes, must equal the general HMAC of the same 8 bytes.
  const asBytes = (words: Int32Array, length: number) =>
    Uint8Array.from({ length }, (_, i) => words[i >> 2]! >>> (24 - ((i & 3) << 3)))

  it.each([
    ['SHA-1', SHA1],
    ['SHA-256', SHA256],
    ['SHA-512', SHA512],
  ] as const)('%s: equals hmac() on counters across the 32-bit halves', (_name, hash) => {
    const key = prepareHMAC(hash, ascii('12345678901234567890'))
    const out = new Int32Array(16)
    for (const [hi, lo] of [
      [0, 0],
      [0, 1],
      [0, 0xffffffff],
      [1, 0],
      [0x7fffffff, 0x80000000],
      [0xffffffff, 0xffffffff],
    ]) {
      const message = new Uint8Array(8)
      new DataView(message.buffer).setUint32(0, hi!)
      new DataView(message.buffer).setUint32(4, lo!)
      hmacCounter(key, hi!, lo!, out)
      expect(hex(asBytes(out, hash.outLen))).toBe(hex(hmac(key, message)))
    }
  })

  it('RFC 4226 Appendix D: the intermediate HMAC-SHA-1 of count 0', () => {
    const out = new Int32Array(5)
    hmacCounter(prepareHMAC(SHA1, ascii('12345678901234567890')), 0, 0, out)
    expect(hex(asBytes(out, 20))).toBe('cc93cf18508d94934c64b65d8ba7667fb7cde4b0')
  })
})
