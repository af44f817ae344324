// A synchronous HMAC (RFC 2104) over the pure-TypeScript hashes in sha1.ts, sha256.ts and sha512.ts, owned by mfa-core/sync.
//
// The key's padded blocks are compressed once, when the key is prepared: `inner` and `outer` hold the hash state
// after one block of key ^ ipad and key ^ opad. An HOTP value (an 8-byte counter) is then two compressions: one for
// the counter block of the inner hash, one for the inner digest block of the outer hash. Nothing in here branches on
// or indexes by secret data.

/** A hash function on 32-bit words, as the HMAC below needs it. */
export interface HashEngine {
  /** Block size in bytes (64 or 128). */
  readonly blockLen: number
  /** Digest size in bytes (20, 32 or 64). */
  readonly outLen: number
  /** A new state holding the initial hash value (FIPS 180-4 §5.3): outLen / 4 words (SHA-512: high/low pairs). */
  init(): Int32Array
  /** Message schedule scratch; its first blockLen / 4 words take the block to compress. */
  readonly w: Int32Array
  /** `dst = compress(src, w)`; `src` and `dst` may be the same array. */
  compress(src: Int32Array, dst: Int32Array, w: Int32Array): void
}

/** A key prepared for HMAC: the hash state after the key ^ ipad block and after the key ^ opad block. */
export interface PreparedHMAC {
  readonly hash: HashEngine
  readonly inner: Int32Array
  readonly outer: Int32Array
}

/** Loads `w[0..len/4)` with big-endian words from `bytes[at..at+len)`. */
function load(w: Int32Array, bytes: Uint8Array, at: number, len: number): void {
  for (let i = 0, j = at; i < len >> 2; i++, j += 4) {
    w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!
  }
}

/** Writes the big-endian words of `state` into `out` as bytes, as many as `out` holds. */
export function store(state: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) out[i] = state[i >> 2]! >>> (24 - ((i & 3) << 3))
}

/**
 * Finishes a hash (FIPS 180-4 §5.1.1 padding): compresses `msg` into `state` (in place), where `prefix` bytes were
 * already compressed into it, then pads with 0x80, zeros and the bit length.
 */
function finish(hash: HashEngine, state: Int32Array, prefix: number, msg: Uint8Array): void {
  const { blockLen, w } = hash
  const n = msg.length
  let at = 0
  for (; n - at >= blockLen; at += blockLen) {
    load(w, msg, at, blockLen)
    hash.compress(state, state, w)
  }
  // The tail, 0x80, zeros and the length: one block, or two when the length field (8 bytes for SHA-1/256, 16 for
  // SHA-512) does not fit after the tail.
  const rest = n - at
  const total = rest + 1 + (blockLen >> 3) <= blockLen ? blockLen : 2 * blockLen
  const tail = new Uint8Array(total)
  tail.set(msg.subarray(at))
  tail[rest] = 0x80
  const bits = (prefix + n) * 8
  const view = new DataView(tail.buffer)
  view.setUint32(total - 8, bits / 0x1_0000_0000)
  view.setUint32(total - 4, bits)
  for (let i = 0; i < total; i += blockLen) {
    load(w, tail, i, blockLen)
    hash.compress(state, state, w)
  }
  tail.fill(0)
  w.fill(0)
}

/**
 * Hashes a whole message.
 *
 * @param hash - the hash engine
 * @param msg - the message
 * @returns the digest (`hash.outLen` bytes)
 */
export function digest(hash: HashEngine, msg: Uint8Array): Uint8Array {
  const state = hash.init()
  finish(hash, state, 0, msg)
  const out = new Uint8Array(hash.outLen)
  store(state, out)
  state.fill(0)
  return out
}

/**
 * Prepares a key for HMAC (RFC 2104 §2): a key longer than the block is hashed first, then padded with zeros to the
 * block, and the blocks key ^ 0x36.. and key ^ 0x5c.. are compressed once.
 *
 * @param hash - the hash engine
 * @param key - the key, any length (an empty key is the same as a block of zeros)
 * @returns the prepared key; the caller zeroes `inner` and `outer` when done with it
 */
export function prepareHMAC(hash: HashEngine, key: Uint8Array): PreparedHMAC {
  const { blockLen, w } = hash
  const block = new Uint8Array(blockLen)
  block.set(key.length > blockLen ? digest(hash, key) : key)
  const inner = hash.init()
  const outer = hash.init()
  for (let i = 0; i < blockLen; i++) block[i] = block[i]! ^ 0x36
  load(w, block, 0, blockLen)
  hash.compress(inner, inner, w)
  // 0x36 ^ 0x5c = 0x6a turns key ^ ipad into key ^ opad.
  for (let i = 0; i < blockLen; i++) block[i] = block[i]! ^ 0x6a
  load(w, block, 0, blockLen)
  hash.compress(outer, outer, w)
  block.fill(0)
  w.fill(0)
  return { hash, inner, outer }
}

/**
 * HMAC of a message of any length with a prepared key.
 *
 * @param key - from {@link prepareHMAC}
 * @param msg - the message
 * @returns the MAC (`hash.outLen` bytes)
 */
export function hmac(key: PreparedHMAC, msg: Uint8Array): Uint8Array {
  const { hash } = key
  const { blockLen, outLen } = hash
  const state = key.inner.slice()
  finish(hash, state, blockLen, msg)
  const inner = new Uint8Array(outLen)
  store(state, inner)
  state.set(key.outer)
  finish(hash, state, blockLen, inner)
  const out = new Uint8Array(outLen)
  store(state, out)
  inner.fill(0)
  state.fill(0)
  return out
}

/**
 * HMAC of an 8-byte big-endian counter (RFC 4226 §5.2, the HOTP message), without allocating: two compressions.
 *
 * @param key - from {@link prepareHMAC}
 * @param hi - the counter's high 32 bits
 * @param lo - the counter's low 32 bits
 * @param out - receives the MAC as words (`hash.outLen / 4` of them, big-endian); at least `hash.iv.length` long
 */
export function hmacCounter(key: PreparedHMAC, hi: number, lo: number, out: Int32Array): void {
  const { hash } = key
  const { w, blockLen, outLen } = hash
  const last = (blockLen >> 2) - 1
  const words = outLen >> 2
  w[0] = hi
  w[1] = lo
  w[2] = 0x80000000 | 0
  for (let i = 3; i < last; i++) w[i] = 0
  w[last] = (blockLen + 8) * 8
  hash.compress(key.inner, out, w)
  for (let i = 0; i < words; i++) w[i] = out[i]!
  w[words] = 0x80000000 | 0
  for (let i = words + 1; i < last; i++) w[i] = 0
  w[last] = (blockLen + outLen) * 8
  hash.compress(key.outer, out, w)
}
