import { describe, mustBe, OTPError } from './errors.js'
import { isBytes } from './internal/bytes.js'
import { importHMACKey, randomBytes, signHMAC } from './internal/crypto.js'
import { KEY, type KeySlot } from './internal/key-slot.js'
import { type Algorithm, checkAlgorithm, HASH_BYTES, readOptions } from './internal/otp.js'

/** The smallest secret {@link generateSecret} issues: 128 bits, RFC 4226 §4 R6's minimum. */
export const MIN_SECRET_BYTES = 16
/** The largest secret {@link generateSecret} issues. */
export const MAX_SECRET_BYTES = 1024

/**
 * Another HMAC engine for the root functions and `createMFA`: an object whose `importSecret` prepares raw secret
 * bytes as a key of that engine. `syncEngine` from `mfa-core/sync` is one (pure TypeScript, synchronous, no
 * WebCrypto needed for the HMAC).
 *
 * @example
 * import { syncEngine } from 'mfa-core/sync'
 * const result = await verifyTOTP(secretBytes, typed, { engine: syncEngine })
 */
export interface HMACEngine {
  /** Prepares raw secret bytes for the given algorithm. */
  importSecret(secret: Uint8Array, algorithm?: Algorithm): object
}

/**
 * A secret imported once for HMAC (a non-extractable WebCrypto key) and reused across many codes: the fast path for
 * verifying the same secret repeatedly. Create it with {@link importSecret}. The raw bytes cannot be read back.
 */
export class OTPKey {
  /** The HMAC hash this key was imported for; codes are computed with it. */
  readonly algorithm: Algorithm
  declare readonly [KEY]: KeySlot

  /** @internal use {@link importSecret} */
  constructor(key: CryptoKey, algorithm: Algorithm) {
    this.algorithm = algorithm
    Object.defineProperty(this, KEY, { value: { algorithm, sign: (m) => signHMAC(key, m) } satisfies KeySlot })
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
    const expected = 'a non-empty Uint8Array (see decodeBase32) or OTPKey'
    throw new OTPError('ERR_INVALID_SECRET', `secret must be ${expected}, got ${describe(secret)}`)
  }
}

/**
 * Resolves a secret argument to what computes its HMACs: a prepared key's own slot (an {@link OTPKey}, or a key of
 * another engine), raw bytes prepared by `engine` when one is given, or raw bytes imported into WebCrypto. Not API.
 */
export function resolveKey(
  secret: unknown,
  algorithm: Algorithm | undefined,
  engine?: HMACEngine,
): KeySlot | Promise<KeySlot> {
  const key = engine !== undefined && isBytes(secret) ? engine.importSecret(secret, algorithm) : secret
  // Any value may come here; a property read on a primitive is harmless, and only a slot with a sign() counts.
  const slot = (key as { [KEY]?: KeySlot } | null | undefined)?.[KEY]
  if (typeof slot?.sign === 'function') {
    if (algorithm !== undefined && algorithm !== slot.algorithm) {
      throw mustBe('algorithm', `the key's own (${slot.algorithm})`, algorithm)
    }
    return slot
  }
  checkSecretBytes(key)
  const alg = algorithm ?? 'SHA1'
  return importHMACKey(key, alg).then((cryptoKey) => ({ algorithm: alg, sign: (m) => signHMAC(cryptoKey, m) }))
}
