// Secrets at rest: AES-GCM with a key id; the associated data binds the store key and the authenticator id, so a
// sealed secret moved to another user, authenticator or prefix does not open; old key ids still decrypt. Recovery
// codes shown again until saved are sealed the same way, bound to the store key and the digests they were issued
// with.
import { decodeBase32, encodeBase32 } from '../base32.js'
import { describe, misuse, OTPError } from '../errors.js'
import { utf8 } from '../internal/bytes.js'
import { createPromiseCache } from '../internal/cache.js'
import { aesGcmDecrypt, aesGcmEncrypt, importAESKey, randomBytes } from '../internal/crypto.js'
import type { MFAEncryptionKeys } from './api.js'
import { readKey } from './key-option.js'
import type { SealedCodes, StoredSecret } from './record/shapes.js'

/** {@link MFAEncryptionKeys} once checked: every key as its bytes. */
export interface CheckedEncryptionKeys {
  readonly current: string
  readonly keys: Readonly<Record<string, Uint8Array>>
}

/**
 * Checks encryption keys once, when the service is created: each key given as bytes or as their base64 text.
 *
 * @throws OTPError `ERR_INVALID_OPTION` when `current` is not among `keys`, an id is not a short plain string, or a
 * key is not 16, 24 or 32 bytes (or their base64url or base64 text)
 */
export function checkEncryptionKeys(keys: unknown): CheckedEncryptionKeys | undefined {
  if (keys === undefined) return undefined
  const k = keys as MFAEncryptionKeys
  if (typeof k !== 'object' || k === null || typeof k.keys !== 'object' || k.keys === null) {
    misuse(`encryptionKeys must be { current, keys }, got ${describe(keys)}`)
  }
  const copy: Record<string, Uint8Array> = {}
  for (const [id, key] of Object.entries(k.keys)) {
    if (!/^[\w.-]{1,64}$/.test(id)) {
      misuse('encryptionKeys ids must be 1 to 64 characters of A-Z a-z 0-9 . _ -')
    }
    copy[id] = readKey(key, `encryption key "${id}"`, (n) => n === 16 || n === 24 || n === 32, '16, 24 or 32 bytes')
  }
  if (typeof k.current !== 'string' || !Object.hasOwn(copy, k.current)) {
    misuse('encryptionKeys.current must name one of encryptionKeys.keys')
  }
  return Object.freeze({ current: k.current, keys: Object.freeze(copy) })
}

/** Where a secret belongs: the record's store key (prefix included), its owner and the authenticator id. */
export interface SecretBinding {
  storeKey: string
  userId: string
  id: string
}

// schema 1 bound the ciphertext to the user id only; such secrets are opened that way once and re-sealed
const aad = (stored: StoredSecret, b: SecretBinding): Uint8Array =>
  utf8(
    'legacy' in stored ? `mfa-core/secret/v1\u0000${b.userId}` : `mfa-core/secret/v2\u0000${b.storeKey}\u0000${b.id}`,
  )

/** Where sealed recovery codes belong: the record's store key and the digests of the same codes. */
export interface CodesBinding {
  storeKey: string
  digests: readonly string[]
}

// a purpose of its own, so sealed codes never open as a secret nor a secret as codes
const codesAad = (b: CodesBinding): Uint8Array =>
  utf8(`mfa-core/recovery-codes/v1\u0000${b.storeKey}\u0000${b.digests.join(',')}`)

/** Seals and opens stored secrets with one set of keys; imported AES keys are cached per key id. */
export interface SecretBox {
  /** Prepares a secret for storage: encrypted with the current key, or base32 in clear without keys. */
  seal(secret: Uint8Array, binding: SecretBinding): Promise<StoredSecret>
  /**
   * Recovers the raw secret of a stored one.
   *
   * @throws OTPError `ERR_DECRYPT` when the key id is unknown (or no keys are configured) or the ciphertext does
   * not authenticate (wrong key, another user's or authenticator's secret, another prefix, tampering);
   * `ERR_RECORD_INVALID` for a clear secret while keys are configured and `allowPlaintextSecrets` is not set
   */
  open(stored: StoredSecret, binding: SecretBinding): Promise<Uint8Array>
  /** False for a clear secret while keys are configured and clear secrets are not allowed (a planted secret). */
  admits(stored: StoredSecret): boolean
  /** True when a write should re-seal: in clear while keys exist, under an older key id, or a schema-1 binding. */
  stale(stored: StoredSecret): boolean
  /** Seals recovery codes under the current key to show them again; null without keys (nothing can seal them). */
  sealCodes(codes: readonly string[], binding: CodesBinding): Promise<SealedCodes | null>
  /**
   * Opens sealed recovery codes.
   *
   * @throws OTPError `ERR_DECRYPT` when the key id is not configured or the ciphertext does not authenticate (another
   * record, other digests, tampering)
   */
  openCodes(sealed: SealedCodes, binding: CodesBinding): Promise<string[]>
}

/**
 * Creates the {@link SecretBox} of a service.
 *
 * @param keys - from {@link checkEncryptionKeys}; undefined stores secrets in clear (base32)
 * @param allowPlaintext - with keys: still read clear secrets (a migration window); they are sealed on the next write
 */
export function createSecretBox(keys: CheckedEncryptionKeys | undefined, allowPlaintext = false): SecretBox {
  const imported = createPromiseCache<CryptoKey>()
  const aesKey = (kid: string): Promise<CryptoKey> =>
    imported.get(kid, () => importAESKey((keys as CheckedEncryptionKeys).keys[kid] as Uint8Array))
  /** AES-GCM under the current key with a fresh 96-bit IV. */
  const encrypt = async (plain: Uint8Array, data: (sealed: SealedCodes) => Uint8Array): Promise<SealedCodes> => {
    const k = keys as CheckedEncryptionKeys
    const iv = randomBytes(12)
    const sealed = { kid: k.current, iv: encodeBase32(iv), ct: '' }
    sealed.ct = encodeBase32(await aesGcmEncrypt(await aesKey(k.current), iv, plain, data(sealed)))
    return sealed
  }
  /** Opens what {@link encrypt} sealed; `what` names it in the errors. */
  const decrypt = async (sealed: SealedCodes, data: Uint8Array, what: string): Promise<Uint8Array> => {
    if (keys === undefined || !Object.hasOwn(keys.keys, sealed.kid)) {
      throw new OTPError('ERR_DECRYPT', `stored MFA ${what}: encrypted under a key id that is not in encryptionKeys`)
    }
    try {
      return await aesGcmDecrypt(await aesKey(sealed.kid), decodeBase32(sealed.iv), decodeBase32(sealed.ct), data)
    } catch (error) {
      throw new OTPError('ERR_DECRYPT', `stored MFA ${what}: could not be decrypted (wrong key or tampered record)`, {
        cause: error,
      })
    }
  }
  return {
    async seal(secret, binding) {
      if (keys === undefined) return { b32: encodeBase32(secret) }
      return encrypt(secret, (sealed) => aad(sealed, binding))
    },
    async open(stored, binding) {
      if ('b32' in stored) {
        if (!this.admits(stored)) {
          throw new OTPError(
            'ERR_RECORD_INVALID',
            'stored MFA secret is in clear although encryptionKeys are configured (set allowPlaintextSecrets to migrate)',
          )
        }
        try {
          return decodeBase32(stored.b32)
        } catch (error) {
          throw new OTPError('ERR_RECORD_INVALID', 'stored MFA secret is not valid base32', { cause: error })
        }
      }
      return decrypt(stored, aad(stored, binding), 'secret')
    },
    admits(stored) {
      // with keys, a clear secret is what someone who can write the database would plant
      return !('b32' in stored) || keys === undefined || allowPlaintext
    },
    stale(stored) {
      return keys !== undefined && ('b32' in stored || stored.kid !== keys.current || 'legacy' in stored)
    },
    async sealCodes(codes, binding) {
      return keys === undefined ? null : encrypt(utf8(codes.join('\n')), () => codesAad(binding))
    },
    async openCodes(sealed, binding) {
      const plain = await decrypt(sealed, codesAad(binding), 'recovery codes')
      return new TextDecoder().decode(plain).split('\n')
    },
  }
}
