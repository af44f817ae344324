// SHA-512 (FIPS 180-4 §6.4) for HMAC only. Each 64-bit word is a pair of 32-bit halves (high, low) in an Int32Array,
// so the hot loop needs no BigInt. Constant time: no branch or table lookup depends on data (the round constants are
// indexed by the round number only).
import type { HashEngine } from './hmac.js'
import { sha2Tables } from './sha256.js'

const TWO32 = 4294967296
const INV32 = 1 / TWO32

/**
 * One SHA-512 compression: `dst = src + rounds(src, w[0..31])`. `src` and `dst` (16 words: 8 high/low pairs) may be
 * the same array. `w` is a 160-word scratch whose first 32 words hold the block (big-endian words, high half first);
 * words 32..159 are overwritten.
 */
function compress(src: Int32Array, dst: Int32Array, w: Int32Array): void {
  // FIPS 180-4 §4.2.3
  const k = sha2Tables().k512
  // FIPS 180-4 §6.4.2 step 1: W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16]
  for (let i = 32; i < 160; i += 2) {
    const xh = w[i - 30]!
    const xl = w[i - 29]!
    const yh = w[i - 4]!
    const yl = w[i - 3]!
    // sigma0 = ROTR 1 ^ ROTR 8 ^ SHR 7; sigma1 = ROTR 19 ^ ROTR 61 ^ SHR 6 (§4.1.3, 4.12, 4.13)
    const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7)
    const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25))
    const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6)
    const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26))
    const lo = (s1l >>> 0) + (w[i - 13]! >>> 0) + (s0l >>> 0) + (w[i - 31]! >>> 0)
    w[i] = (s1h + w[i - 14]! + s0h + w[i - 32]! + ((lo * INV32) | 0)) | 0
    w[i + 1] = lo | 0
  }
  let ah = src[0]!
  let al = src[1]!
  let bh = src[2]!
  let bl = src[3]!
  let ch = src[4]!
  let cl = src[5]!
  let dh = src[6]!
  let dl = src[7]!
  let eh = src[8]!
  let el = src[9]!
  let fh = src[10]!
  let fl = src[11]!
  let gh = src[12]!
  let gl = src[13]!
  let hh = src[14]!
  let hl = src[15]!
  // Sigma1(e) = ROTR 14 ^ ROTR 18 ^ ROTR 41; Sigma0(a) = ROTR 28 ^ ROTR 34 ^ ROTR 39 (§4.1.3, 4.10, 4.11).
  // T1 stays an unreduced sum of halves (exact in a double); e = d + T1 and a = T1 + T2 carry once each.
  for (let i = 0; i < 160; i += 2) {
    const t1l =
      (hl >>> 0) +
      ((((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23))) >>> 0) +
      ((gl ^ (el & (fl ^ gl))) >>> 0) +
      (k[i + 1]! >>> 0) +
      (w[i + 1]! >>> 0)
    const t1h =
      hh +
      (((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23))) +
      (gh ^ (eh & (fh ^ gh))) +
      k[i]! +
      w[i]!
    const t2l =
      t1l +
      ((((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25))) >>> 0) +
      (((al & bl) | (cl & (al | bl))) >>> 0)
    const t2h =
      t1h +
      (((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25))) +
      ((ah & bh) | (ch & (ah | bh)))
    hh = gh
    hl = gl
    gh = fh
    gl = fl
    fh = eh
    fl = el
    const s = (dl >>> 0) + t1l
    eh = (dh + t1h + ((s * INV32) | 0)) | 0
    el = s | 0
    dh = ch
    dl = cl
    ch = bh
    cl = bl
    bh = ah
    bl = al
    ah = (t2h + ((t2l * INV32) | 0)) | 0
    al = t2l | 0
  }
  add(src, dst, 0, ah, al)
  add(src, dst, 2, bh, bl)
  add(src, dst, 4, ch, cl)
  add(src, dst, 6, dh, dl)
  add(src, dst, 8, eh, el)
  add(src, dst, 10, fh, fl)
  add(src, dst, 12, gh, gl)
  add(src, dst, 14, hh, hl)
}

/** dst[i..i+1] = src[i..i+1] + (h, l), modulo 2^64. */
function add(src: Int32Array, dst: Int32Array, i: number, h: number, l: number): void {
  const lo = (src[i + 1]! >>> 0) + (l >>> 0)
  dst[i] = (src[i]! + h + ((lo * INV32) | 0)) | 0
  dst[i + 1] = lo | 0
}

/** SHA-512: 128-byte blocks, 64-byte digest. */
export const SHA512: HashEngine = {
  blockLen: 128,
  outLen: 64,
  // FIPS 180-4 §5.3.5
  init: () => sha2Tables().iv512.slice(),
  w: new Int32Array(160),
  compress,
}
