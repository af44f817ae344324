import { describe, mustBe, OTPError } from './errors.js'
import { isBytes } from './internal/bytes.js'
import { importHMACKey, randomBytes, signHMAC } from './internal/crypto.js'
import { type HMACSigner, webCryptoEngine } from './internal/engine.js'
import { type Algorithm, checkAlgorithm, HASH_BYTES, readOptions } from './internal/otp.js'

/** The smallest secret {@link generateSecret} issues: 128 bits, RFC 4226 §4 R6's minimum. */
export const MIN_SECRET_BYTES = 16
/** The largest secret {@link generateSecret} issues. */
export const MAX_SECRET_BYTES = 1024

// A registry symbol, so that a key made by one copy of the package (the ESM and CJS builds side by side) works in
// the other. The slot holds what computes the key's HMACs; it is not API.
const KEY = Symbol.for('mfa-core.OTPKey')

interface KeySlot {
  readonly algorithm: Algorithm
  readonly signer: HMACSigner
}

/** A secret: raw bytes, or a key prepared once with {@link importSecret} (keys of `mfa-core/sync` work there only). */
export type Secret = Uint8Array | OTPKey

/**
 * A secret imported once for HMAC (a non-extractable WebCrypto key) and reused across many codes: the fast path for
 * verifying the same secret repeatedly. Create it with {@link importSecret}. The raw bytes cannot be read back.
 */
export class OTPKey {
  /** The HMAC hash this key was imported for; codes are computed with it. */
  readonly algorithm: Algorithm
  // Makes the type nominal: a key of mfa-core/sync (same public shape) is not one of these.
  declare private readonly webCrypto: true

  /** @internal use {@link importSecret} */
  constructor(key: CryptoKey, algorithm: Algorithm) {
    this.algorithm = algorithm
    const slot: KeySlot = { algorithm, signer: { sign: (message) => signHMAC(key, message) } }
    Object.defineProperty(this, KEY, { value: slot })
  }
}

/**
 * Generates a new random secret from the platform CSPRNG.
 *
 * @param options.bytes - length in bytes, 16 to 1024 (default: the hash output size, 20/32/64 for SHA1/SHA256/SHA512)
 * @param options.algorithm - the HMAC algorithm the secret is for (default 'SHA1'); sets the default length
 * @returns the secret bytes: store them encrypted, show them once as base32
 * @throws OTPError `ERR_INVALID_OPTION` for a length outside 16..1024 or an unknown algorithm;
 *   `ERR_CRYPTO_UNAVAILABLE` without WebCrypto
 * @example
 * const secret = generateSecret()
 * const key = encodeBase32(secret) // 32 characters for 20 bytes
 * @see RFC 4226 §4 (R6: at least 128 bits, 160 recommended)
 */
export function generateSecret(options?: { bytes?: number; algorithm?: Algorithm }): Uint8Array {
  const { bytes, algorithm } = readOptions(options)
  const length = bytes ?? HASH_BYTES[checkAlgorithm(algorithm)]
  if (
    typeof length !== 'number' ||
    !Number.isInteger(length) ||
    length < MIN_SECRET_BYTES ||
    length > MAX_SECRET_BYTES
  ) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `bytes must be an integer from ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES}, got ${describe(length)}`,
    )
  }
  if (algorithm !== undefined) checkAlgorithm(algorithm)
  return randomBytes(length)
}

/**
 * Imports a secret once, as a non-extractable WebCrypto HMAC key, for repeated use: every later code skips the
 * key import. The returned key may be passed wherever a secret is taken.
 *
 * @param secret - the raw secret bytes (any non-empty length, for interop with old 10-byte secrets)
 * @param algorithm - the HMAC algorithm the key will compute (default 'SHA1')
 * @returns a key bound to `algorithm`
 * @throws OTPError `ERR_INVALID_SECRET` for an empty or non-Uint8Array secret; `ERR_INVALID_OPTION` for an unknown
 *   algorithm; `ERR_CRYPTO_UNAVAILABLE` without WebCrypto
 * @example
 * const key = await importSecret(secretBytes)
 * for (const code of codes) await verifyTOTP(key, code)
 * @see RFC 2104 (HMAC keys)
 */
export async function importSecret(secret: Uint8Array, algorithm?: Algorithm): Promise<OTPKey> {
  const alg = checkAlgorithm(algorithm)
  checkSecretBytes(secret)
  return new OTPKey(await importHMACKey(secret, alg), alg)
}

function checkSecretBytes(secret: unknown): asserts secret is Uint8Array {
  if (!isBytes(secret) || secret.length === 0) {
    // A key from mfa-core/sync holds its engine's state, which these WebCrypto functions do not use.
    const expected =
      'a non-empty Uint8Array (see decodeBase32) or an OTPKey from importSecret (keys of mfa-core/sync work there only)'
    throw new OTPError('ERR_INVALID_SECRET', `secret must be ${expected}, got ${describe(secret)}`)
  }
}

/**
 * Resolves a secret argument of the root functions to what computes its HMACs: an {@link OTPKey}'s own signer, or
 * raw bytes imported into WebCrypto for this call. The one secret check of this entry. Not API.
 */
export function resolveKey(secret: unknown, algorithm: Algorithm | undefined): HMACSigner | Promise<HMACSigner> {
  // Any value may come here; a property read on a primitive is harmless, and only a slot with a signer counts.
  const slot = (secret as { [KEY]?: KeySlot } | null | undefined)?.[KEY]
  if (typeof slot?.signer?.sign === 'function') {
    if (algorithm !== undefined && algorithm !== slot.algorithm) {
      throw mustBe('algorithm', `the key's own (${slot.algorithm})`, algorithm)
    }
    return slot.signer
  }
  checkSecretBytes(secret)
  return webCryptoEngine.prepare(secret, algorithm ?? 'SHA1')
}
