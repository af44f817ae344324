// FIPS 180-4 (and its published examples, csrc.nist.gov "Example Algorithms"): SHA-1, SHA-256 and SHA-512 of the
// pure-TypeScript engine behind mfa-core/sync, on the example messages and the long message of one million 'a'.
import { describe, expect, it } from 'vitest'
import { digest, type HashEngine } from '../../../src/sync/hash/hmac'
import { SHA1 } from '../../../src/sync/hash/sha1'
import { SHA256 } from '../../../src/sync/hash/sha256'
import { SHA512 } from '../../../src/sync/hash/sha512'
import { ascii, hex } from '../../support/env'

const MESSAGES: Record<string, Uint8Array> = {
  empty: new Uint8Array(0),
  abc: ascii('abc'),
  // the 448-bit message: one block for SHA-1/256 with the padding spilling into a second
  '448-bit': ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
  // the 896-bit message: one block for SHA-512 with the padding spilling into a second
  '896-bit': ascii(
    'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
  ),
  'one million a': new Uint8Array(1_000_000).fill(0x61),
}

const EXPECTED: [string, HashEngine, Record<string, string>][] = [
  [
    'SHA-1 (FIPS 180-4 §6.1)',
    SHA1,
    {
      empty: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      abc: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      '448-bit': '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
      '896-bit': 'a49b2446a02c645bf419f995b67091253a04a259',
      'one million a': '34aa973cd4c4daa4f61eeb2bdbad27316534016f',
    },
  ],
  [
    'SHA-256 (FIPS 180-4 §6.2)',
    SHA256,
    {
      empty: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      abc: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      '448-bit': '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      '896-bit': 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
      'one million a': 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    },
  ],
  [
    'SHA-512 (FIPS 180-4 §6.4)',
    SHA512,
    {
      empty:
        'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
      abc: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      '448-bit':
        '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
      '896-bit':
        '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
      'one million a':
        'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b',
    },
  ],
]

describe.each(EXPECTED)('%s', (_name, hash, digests) => {
  it.each(Object.keys(MESSAGES))('digest of the %s message', (message) => {
    expect(hex(digest(hash, MESSAGES[message]!))).toBe(digests[message])
  })

  it('equals WebCrypto at every length across the padding edges (one block or two)', async () => {
    // Lengths where the 0x80 byte and the length field fit in the last block, just fit, or spill into another.
    const name = { 20: 'SHA-1', 32: 'SHA-256', 64: 'SHA-512' }[hash.outLen]!
    const message = Uint8Array.from({ length: 2 * hash.blockLen + 2 }, (_, i) => (i * 131 + 7) & 0xff)
    for (let n = 0; n <= message.length; n++) {
      const part = message.slice(0, n)
      const expected = hex(new Uint8Array(await crypto.subtle.digest(name, part)))
      expect(hex(digest(hash, part)), `length ${n}`).toBe(expected)
    }
  })
})
