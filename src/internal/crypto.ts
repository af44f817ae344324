// The only module that touches globalThis.crypto. It is looked up at call time, never at import, so importing
// mfa-core never fails, and a runtime without WebCrypto gets a clear ERR_CRYPTO_UNAVAILABLE when it is used.
import { OTPError } from '../errors.js'
import { copyBytes, utf8 } from './bytes.js'

/** WebCrypto names of the HMAC hashes, keyed by the otpauth:// algorithm names. */
export const WEBCRYPTO_HASH = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' } as const

function unavailable(what: string): OTPError {
  return new OTPError(
    'ERR_CRYPTO_UNAVAILABLE',
    `${what} is missing (browsers have it on https and localhost pages only); use mfa-core/sync without it`,
  )
}

const webCrypto = (): Crypto | undefined => (globalThis as { crypto?: Crypto }).crypto

function subtle(): SubtleCrypto {
  const subtle = webCrypto()?.subtle
  if (!subtle) throw unavailable('crypto.subtle')
  return subtle
}

/** Imports raw key bytes as a non-extractable HMAC signing key (RFC 2104) for the given hash. */
export function importHMACKey(bytes: Uint8Array, hash: keyof typeof WEBCRYPTO_HASH): Promise<CryptoKey> {
  return subtle().importKey('raw', copyBytes(bytes), { name: 'HMAC', hash: WEBCRYPTO_HASH[hash] }, false, ['sign'])
}

/** HMAC of `message` under an imported key (one WebCrypto call, no extra promise hop). */
export function signHMAC(key: CryptoKey, message: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  return subtle().sign('HMAC', key, message)
}

/** `length` bytes from the platform CSPRNG (getRandomValues takes at most 65536 bytes a call). */
export function randomBytes(length: number): Uint8Array {
  const crypto = webCrypto()
  if (typeof crypto?.getRandomValues !== 'function') throw unavailable('globalThis.crypto')
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
  return out
}

/** SHA-256 digest of `bytes`. */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', copyBytes(bytes)))
}

/** Imports a 128/192/256-bit raw key for AES-GCM encryption and decryption (non-extractable). */
export function importAESKey(bytes: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', copyBytes(bytes), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
}

/** AES-GCM encryption with a 96-bit IV and 128-bit tag; returns ciphertext || tag. */
export async function aesGcmEncrypt(
  key: CryptoKey,
  iv: Uint8Array,
  plaintext: Uint8Array,
  additionalData: Uint8Array,
): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: copyBytes(iv), additionalData: copyBytes(additionalData), tagLength: 128 }
  return new Uint8Array(await subtle().encrypt(params, key, copyBytes(plaintext)))
}

/** AES-GCM decryption; rejects (DOMException OperationError) when the tag, key, IV or associated data differ. */
export async function aesGcmDecrypt(
  key: CryptoKey,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  additionalData: Uint8Array,
): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: copyBytes(iv), additionalData: copyBytes(additionalData), tagLength: 128 }
  return new Uint8Array(await subtle().decrypt(params, key, copyBytes(ciphertext)))
}

/** HMAC-SHA-256 of `message` under raw key bytes (a one-off key: derivations, keyed digests). */
export async function hmacSHA256(key: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const imported = await importHMACKey(key, 'SHA256')
  return new Uint8Array(await signHMAC(imported, copyBytes(message)))
}

/** PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) of `password` with `salt`: `bytes` bytes after `iterations` rounds. */
export async function pbkdf2SHA256(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  bytes: number,
): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', copyBytes(password), 'PBKDF2', false, ['deriveBits'])
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: copyBytes(salt), iterations }
  return new Uint8Array(await subtle().deriveBits(params, key, bytes * 8))
}

/**
 * The 32 bytes of an HMAC-SHA256 key derived from `secret` for one purpose, exactly as {@link deriveHMACKey}
 * derives it (RFC 5869 HKDF-SHA256, empty salt, `info` naming the purpose): for an HMAC engine that is handed raw
 * key bytes.
 */
export async function deriveHMACKeyBytes(secret: Uint8Array, info: string): Promise<Uint8Array> {
  const base = await subtle().importKey('raw', copyBytes(secret), 'HKDF', false, ['deriveBits'])
  const params = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(info) }
  return new Uint8Array(await subtle().deriveBits(params, base, 256))
}

/**
 * A non-extractable HMAC-SHA256 signing key derived from `secret` for one purpose (RFC 5869 HKDF-SHA256, empty
 * salt, `info` naming the purpose), so one application key never signs two kinds of message.
 */
export async function deriveHMACKey(secret: Uint8Array, info: string): Promise<CryptoKey> {
  const base = await subtle().importKey('raw', copyBytes(secret), 'HKDF', false, ['deriveKey'])
  const params = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(info) }
  return subtle().deriveKey(params, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign'])
}

/**
 * Imports a public key for signature verification (raw points and Ed25519 keys, or an RSA JWK); resolves to null
 * when the runtime refuses the key material (off the curve, wrong size, an algorithm it lacks), so key bytes that
 * come from a browser are a result, not a throw.
 */
export async function importVerifyKey(
  format: 'raw' | 'jwk',
  keyData: Uint8Array | JsonWebKey,
  algorithm: AlgorithmIdentifier | EcKeyImportParams | RsaHashedImportParams,
): Promise<CryptoKey | null> {
  const api = subtle()
  try {
    return format === 'raw'
      ? await api.importKey('raw', copyBytes(keyData as Uint8Array), algorithm, false, ['verify'])
      : await api.importKey('jwk', keyData as JsonWebKey, algorithm, false, ['verify'])
  } catch {
    return null
  }
}

/** Verifies a signature over `data`; false (never a rejection) when it does not hold or cannot be checked. */
export async function verifySignature(
  algorithm: AlgorithmIdentifier | EcdsaParams,
  key: CryptoKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const api = subtle()
  try {
    return await api.verify(algorithm, key, copyBytes(signature), copyBytes(data))
  } catch {
    return false
  }
}
