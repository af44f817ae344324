import { describe, OTPError } from '../errors.js'
import { isBytes } from '../internal/bytes.js'
import type { HMACEngine } from '../internal/engine.js'
import { type Algorithm, checkAlgorithm } from '../internal/otp.js'
import { type HashEngine, hmac, hmacCounter, type PreparedHMAC, prepareHMAC, store } from './hash/hmac.js'
import { SHA1 } from './hash/sha1.js'
import { SHA256 } from './hash/sha256.js'
import { SHA512 } from './hash/sha512.js'

const SLOT = Symbol.for('mfa-core.sync.OTPKey')

interface KeySlot {
  readonly algorithm: Algorithm
  /** null once destroyed */
  prepared: PreparedHMAC | null
}

function engine(algorithm: Algorithm): HashEngine {
  return algorithm === 'SHA1' ? SHA1 : algorithm === 'SHA256' ? SHA256 : SHA512
}

/** A secret for mfa-core/sync: raw bytes, or a key prepared once with {@link importSecret}. */
export type Secret = Uint8Array | OTPKey

/**
 * A secret prepared once for the synchronous HMAC engine: it holds the hash states after the key's inner and outer
 * padded blocks (RFC 2104), so each later code costs two hash compressions. Create it with {@link importSecret};
 * the raw bytes cannot be read back. Call {@link OTPKey.destroy} when done to zero the states.
 *
 * > [!WARNING]
 * > Unlike the root entry's non-extractable WebCrypto key, these states live in JavaScript memory and are
 * > equivalent to the secret for computing codes: keep the key as short-lived as the secret itself.
 */
export class OTPKey {
  /** The HMAC hash this key was prepared for; codes are computed with it. */
  readonly algorithm: Algorithm
  declare readonly [SLOT]: KeySlot

  /** @internal use {@link importSecret} */
  constructor(prepared: PreparedHMAC, algorithm: Algorithm) {
    this.algorithm = algorithm
    const slot: KeySlot = { algorithm, prepared }
    Object.defineProperty(this, SLOT, { value: slot })
  }

  /**
   * Zeroes the prepared states. Later use of the key throws; calling `destroy()` again does nothing.
   *
   * @example
   * const key = importSecret(secret)
   * try {
   *   verifyTOTP(key, typed)
   * } finally {
   *   key.destroy()
   * }
   */
  destroy(): void {
    const slot = this[SLOT]
    if (slot.prepared !== null) wipe(slot.prepared)
    slot.prepared = null
  }
}

function destroyed(): OTPError {
  return new OTPError('ERR_KEY_DESTROYED', 'this OTPKey was destroyed: import the secret again')
}

function wipe(prepared: PreparedHMAC): void {
  prepared.inner.fill(0)
  prepared.outer.fill(0)
}

function checkSecretBytes(secret: unknown): asserts secret is Uint8Array {
  if (!isBytes(secret) || secret.length === 0) {
    // A root-entry OTPKey holds a WebCrypto key, which a synchronous engine cannot use.
    const expected = "a non-empty Uint8Array (see decodeBase32) or an OTPKey from mfa-core/sync's importSecret"
    throw new OTPError('ERR_INVALID_SECRET', `secret must be ${expected}, got ${describe(secret)}`)
  }
}

/**
 * Prepares a secret once for the synchronous engine, for repeated use: every later code skips the key setup. The
 * returned key may be passed wherever mfa-core/sync takes a secret.
 *
 * @param secret - the raw secret bytes (any non-empty length, for interop with old 10-byte secrets)
 * @param algorithm - the HMAC algorithm the key will compute (default 'SHA1')
 * @returns a key bound to `algorithm`; `destroy()` it when done
 * @throws OTPError `ERR_INVALID_SECRET` for an empty or non-Uint8Array secret; `ERR_INVALID_OPTION` for an unknown
 *   algorithm
 * @example
 * const key = importSecret(secretBytes)
 * for (const code of codes) verifyTOTP(key, code)
 * key.destroy()
 * @see RFC 2104 §2 (HMAC keys)
 */
export function importSecret(secret: Uint8Array, algorithm?: Algorithm): OTPKey {
  const alg = checkAlgorithm(algorithm)
  checkSecretBytes(secret)
  return new OTPKey(prepareHMAC(engine(alg), secret), alg)
}

/**
 * Resolves a secret argument to a prepared HMAC: this entry's one secret check.
 * `owned` is true when the preparation was made for this call only: the caller wipes it with {@link release}.
 * Not API.
 */
export function resolveKey(secret: unknown, algorithm: Algorithm | undefined): { key: PreparedHMAC; owned: boolean } {
  const slot = typeof secret === 'object' && secret !== null ? (secret as Partial<OTPKey>)[SLOT] : undefined
  if (typeof slot === 'object' && slot !== null) {
    if (algorithm !== undefined && algorithm !== slot.algorithm) {
      throw new OTPError(
        'ERR_INVALID_OPTION',
        `algorithm ${algorithm} differs from the key's ${slot.algorithm}: import the secret again for ${algorithm}`,
      )
    }
    if (slot.prepared === null) throw destroyed()
    return { key: slot.prepared, owned: false }
  }
  checkSecretBytes(secret)
  return { key: prepareHMAC(engine(algorithm ?? 'SHA1'), secret), owned: true }
}

/** Zeroes a per-call preparation from {@link resolveKey}. Not API. */
export function release(resolved: { key: PreparedHMAC; owned: boolean }): void {
  if (resolved.owned) wipe(resolved.key)
}

/**
 * The synchronous pure-TypeScript HMAC engine for `createMFA`: `createMFA({ engine: syncEngine })` computes the
 * service's codes here instead of in WebCrypto. HMACs then cost about a microsecond instead of a WebCrypto round
 * trip (tens of microseconds in Node), and need no `crypto.subtle`. The root OTP functions take no engine: for
 * synchronous codes call this entry's functions directly.
 *
 * To fall back to it only where WebCrypto is missing, ask for that explicitly:
 * `createMFA({ store, issuer, engine: globalThis.crypto?.subtle ? undefined : syncEngine })`.
 *
 * @example
 * import { createMFA } from 'mfa-core'
 * import { syncEngine } from 'mfa-core/sync'
 * const mfa = createMFA({ issuer: 'ACME', engine: syncEngine })
 * @see RFC 2104 (HMAC)
 */
export const syncEngine: HMACEngine = {
  prepare(secret, algorithm) {
    const alg = checkAlgorithm(algorithm)
    checkSecretBytes(secret)
    const prepared = prepareHMAC(engine(alg), secret)
    const words = new Int32Array(16)
    return {
      sign(message) {
        if (message.length !== 8) return hmac(prepared, message)
        // RFC 4226 §5.2: the service signs 8-byte big-endian counters; two compressions, no padding to build
        const view = new DataView(message.buffer, message.byteOffset, 8)
        hmacCounter(prepared, view.getInt32(0), view.getInt32(4), words)
        const mac = new Uint8Array(prepared.hash.outLen)
        store(words, mac)
        words.fill(0)
        return mac
      },
    }
  },
}
