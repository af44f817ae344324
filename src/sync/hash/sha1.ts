// SHA-1 (FIPS 180-4 §6.1) for HMAC only, on 32-bit words. Constant time: no branch or table lookup depends on data.
import type { HashEngine } from './hmac.js'

/**
 * One SHA-1 compression: `dst = src + rounds(src, w[0..15])`. `src` and `dst` may be the same array.
 * `w` is an 80-word scratch whose first 16 words hold the block (big-endian words); words 16..79 are overwritten.
 */
function compress(src: Int32Array, dst: Int32Array, w: Int32Array): void {
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!
    w[i] = (x << 1) | (x >>> 31)
  }
  let a = src[0]!
  let b = src[1]!
  let c = src[2]!
  let d = src[3]!
  let e = src[4]!
  let t = 0
  // FIPS 180-4 §4.1.1: Ch for rounds 0-19, Parity 20-39, Maj 40-59, Parity 60-79.
  for (let i = 0; i < 20; i++) {
    t = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + w[i]! + 0x5a827999) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = t
  }
  for (let i = 20; i < 40; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i]! + 0x6ed9eba1) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = t
  }
  for (let i = 40; i < 60; i++) {
    t = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + w[i]! + 0x8f1bbcdc) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = t
  }
  for (let i = 60; i < 80; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i]! + 0xca62c1d6) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = t
  }
  dst[0] = (src[0]! + a) | 0
  dst[1] = (src[1]! + b) | 0
  dst[2] = (src[2]! + c) | 0
  dst[3] = (src[3]! + d) | 0
  dst[4] = (src[4]! + e) | 0
}

/** SHA-1: 64-byte blocks, 20-byte digest. */
export const SHA1: HashEngine = {
  blockLen: 64,
  outLen: 20,
  // FIPS 180-4 §5.3.1
  init: () => Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0),
  w: new Int32Array(80),
  compress,
}
