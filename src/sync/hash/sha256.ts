// SHA-256 (FIPS 180-4 §6.2) for HMAC only, on 32-bit words. Constant time: no branch or table lookup depends on data
// (the round constants are indexed by the round number only).
import type { HashEngine } from './hmac.js'

/**
 * FIPS 180-4 §4.2.2, §4.2.3, §5.3.3, §5.3.5: the SHA-2 constants are the first bits of the fractional parts of the
 * cube roots (round constants) or square roots (initial hash values) of the first primes. They are computed here
 * exactly, with BigInt, once on first use, instead of shipping a table of them.
 *
 * @returns `count` 64-bit values as (high, low) 32-bit pairs; SHA-256 uses the high halves
 */
export function primeRoots(count: number, root: bigint): Int32Array {
  const out = new Int32Array(2 * count)
  for (let p = 2, n = 0; n < 2 * count; p++) {
    let composite = false
    for (let d = 2; d * d <= p; d++) composite ||= p % d === 0
    if (composite) continue
    // floor(p^(1/root) * 2^64) by Newton's method from above; its low 64 bits are the fractional part's first bits.
    const target = BigInt(p) << (64n * root)
    let x = BigInt(Math.ceil(p ** (1 / Number(root)) * 2 ** 20) + 1) << 44n
    const next = (x: bigint) => ((root - 1n) * x + target / x ** (root - 1n)) / root
    for (let y = next(x); y < x; y = next(x)) x = y
    out[n++] = Number((x >> 32n) & 0xffffffffn)
    out[n++] = Number(x & 0xffffffffn)
  }
  return out
}

interface Tables {
  k512: Int32Array
  iv512: Int32Array
  k256: Int32Array
  iv256: Int32Array
}
let tables: Tables | undefined

/** The SHA-2 constants, computed on first use: SHA-256's are the high halves of SHA-512's. */
export function sha2Tables(): Tables {
  if (tables === undefined) {
    const k512 = primeRoots(80, 3n)
    const iv512 = primeRoots(8, 2n)
    const high = (pairs: Int32Array) => pairs.filter((_, i) => i % 2 === 0)
    tables = { k512, iv512, k256: high(k512).subarray(0, 64), iv256: high(iv512) }
  }
  return tables
}

/**
 * One SHA-256 compression: `dst = src + rounds(src, w[0..15])`. `src` and `dst` may be the same array.
 * `w` is a 64-word scratch whose first 16 words hold the block (big-endian words); words 16..63 are overwritten.
 */
function compress(src: Int32Array, dst: Int32Array, w: Int32Array): void {
  const k = sha2Tables().k256
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!
    const y = w[i - 2]!
    // FIPS 180-4 §4.1.2 (4.6, 4.7): sigma0 and sigma1 of the message schedule.
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    w[i] = (s1 + w[i - 7]! + s0 + w[i - 16]!) | 0
  }
  let a = src[0]!
  let b = src[1]!
  let c = src[2]!
  let d = src[3]!
  let e = src[4]!
  let f = src[5]!
  let g = src[6]!
  let h = src[7]!
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + S1 + (g ^ (e & (f ^ g))) + k[i]! + w[i]!) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) | (c & (a | b)))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  dst[0] = (src[0]! + a) | 0
  dst[1] = (src[1]! + b) | 0
  dst[2] = (src[2]! + c) | 0
  dst[3] = (src[3]! + d) | 0
  dst[4] = (src[4]! + e) | 0
  dst[5] = (src[5]! + f) | 0
  dst[6] = (src[6]! + g) | 0
  dst[7] = (src[7]! + h) | 0
}

/** SHA-256: 64-byte blocks, 32-byte digest. */
export const SHA256: HashEngine = {
  blockLen: 64,
  outLen: 32,
  // FIPS 180-4 §5.3.3
  init: () => sha2Tables().iv256.slice(),
  w: new Int32Array(64),
  compress,
}
