// Differential properties of the pure-TypeScript HMAC behind mfa-core/sync: equal to node:crypto's createHmac and to
// WebCrypto's HMAC on random keys (0 to 300 bytes, weighted around the 64- and 128-byte block edges, where RFC 2104
// switches from padding the key to hashing it) and random messages (0 to 300 bytes).
import { createHash, createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { digest, type HashEngine, hmac, hmacCounter, prepareHMAC } from '../../../src/sync/hash/hmac'
import { SHA1 } from '../../../src/sync/hash/sha1'
import { SHA256 } from '../../../src/sync/hash/sha256'
import { SHA512 } from '../../../src/sync/hash/sha512'
import { hex, numRuns } from '../../support/env'

const HASHES: [string, string, HashEngine][] = [
  ['sha1', 'SHA-1', SHA1],
  ['sha256', 'SHA-256', SHA256],
  ['sha512', 'SHA-512', SHA512],
]

const exactly = (length: number) => fc.uint8Array({ minLength: length, maxLength: length })
const edge = fc.constantFrom(0, 1, 63, 64, 65, 127, 128, 129).chain(exactly)
const key = fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 2 }, { arbitrary: edge, weight: 1 })
const message = fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 3 }, { arbitrary: edge, weight: 1 })

describe.each(HASHES)('%s', (node, web, hash) => {
  it('digest equals node:crypto createHash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (m) => {
        expect(hex(digest(hash, m))).toBe(createHash(node).update(m).digest('hex'))
      }),
      { numRuns },
    )
  })

  it('HMAC equals node:crypto createHmac', () => {
    fc.assert(
      fc.property(key, message, (k, m) => {
        expect(hex(hmac(prepareHMAC(hash, k), m))).toBe(createHmac(node, k).update(m).digest('hex'))
      }),
      { numRuns },
    )
  })

  it('HMAC equals WebCrypto', async () => {
    await fc.assert(
      fc.asyncProperty(key, message, async (k, m) => {
        // WebCrypto refuses an empty key; HMAC pads keys with zeros, so one 0x00 byte is the same key (RFC 2104 §2).
        const imported = await crypto.subtle.importKey(
          'raw',
          k.length === 0 ? new Uint8Array(1) : k,
          { name: 'HMAC', hash: web },
          false,
          ['sign'],
        )
        const expected = hex(new Uint8Array(await crypto.subtle.sign('HMAC', imported, m)))
        expect(hex(hmac(prepareHMAC(hash, k), m))).toBe(expected)
      }),
      { numRuns },
    )
  })

  it('the 8-byte counter fast path equals createHmac, and a prepared key is reusable', () => {
    const words = new Int32Array(16)
    fc.assert(
      fc.property(
        key,
        fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 1, maxLength: 4 }),
        (k, cs) => {
          const prepared = prepareHMAC(hash, k)
          for (const c of cs) {
            const m = Buffer.alloc(8)
            m.writeBigUInt64BE(c)
            hmacCounter(prepared, Number(c >> 32n), Number(c & 0xffffffffn), words)
            const got = Buffer.alloc(hash.outLen)
            for (let i = 0; i < hash.outLen / 4; i++) got.writeInt32BE(words[i]!, i * 4)
            expect(got.toString('hex')).toBe(createHmac(node, k).update(m).digest('hex'))
          }
        },
      ),
      { numRuns },
    )
  })
})
