// Secrets at rest: AES-GCM with a key id; the associated data binds the store key and the authenticator id, so a
// sealed secret moved to another user, authenticator or prefix does not open; old key ids still decrypt.
import { decodeBase32, encodeBase32 } from '../base32.js'
import { describe, misuse, OTPError } from '../errors.js'
import { isBytes, utf8 } from '../internal/bytes.js'
import { createPromiseCache } from '../internal/cache.js'
import { aesGcmDecrypt, aesGcmEncrypt, importAESKey, randomBytes } from '../internal/crypto.js'
import type { MFAEncryptionKeys } from './api.js'
import type { StoredSecret } from './record/shapes.js'

/**
 * Checks encryption keys once, when the service is created.
 *
 * @throws OTPError `ERR_INVALID_OPTION` when `current` is not among `keys`, an id is not a short plain string, or a
 * key is not 16, 24 or 32 bytes
 */
export function checkEncryptionKeys(keys: unknown): MFAEncryptionKeys | undefined {
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
    if (!isBytes(key) || ![16, 24, 32].includes(key.length)) {
      misuse(`encryption key must be 16, 24 or 32 bytes, got ${describe(key)}`)
    }
    copy[id] = new Uint8Array(key)
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
}

/**
 * Creates the {@link SecretBox} of a service.
 *
 * @param keys - from {@link checkEncryptionKeys}; undefined stores secrets in clear (base32)
 * @param allowPlaintext - with keys: still read clear secrets (a migration window); they are sealed on the next write
 */
export function createSecretBox(keys: MFAEncryptionKeys | undefined, allowPlaintext = false): SecretBox {
  const imported = createPromiseCache<CryptoKey>()
  const aesKey = (kid: string): Promise<CryptoKey> =>
    imported.get(kid, () => importAESKey((keys as MFAEncryptionKeys).keys[kid] as Uint8Array))
  return {
    async seal(secret, binding) {
      if (keys === undefined) return { b32: encodeBase32(secret) }
      const iv = randomBytes(12)
      const sealed = { kid: keys.current, iv: encodeBase32(iv), ct: '' }
      sealed.ct = encodeBase32(await aesGcmEncrypt(await aesKey(keys.current), iv, secret, aad(sealed, binding)))
      return sealed
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
      if (keys === undefined || !Object.hasOwn(keys.keys, stored.kid)) {
        throw new OTPError('ERR_DECRYPT', 'stored MFA secret is encrypted under a key id that is not in encryptionKeys')
      }
      try {
        return await aesGcmDecrypt(
          await aesKey(stored.kid),
          decodeBase32(stored.iv),
          decodeBase32(stored.ct),
          aad(stored, binding),
        )
      } catch (error) {
        throw new OTPError('ERR_DECRYPT', 'stored MFA secret could not be decrypted (wrong key or tampered record)', {
          cause: error,
        })
      }
    },
    admits(stored) {
      // with keys, a clear secret is what someone who can write the database would plant
      return !('b32' in stored) || keys === undefined || allowPlaintext
    },
    stale(stored) {
      return keys !== undefined && ('b32' in stored || stored.kid !== keys.current || 'legacy' in stored)
    },
  }
}
