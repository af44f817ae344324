// Recovery codes: shown once, stored as digests that a copy of the database does not give away, each usable once.
import { encodeBase32 } from '../base32.js'
import { toHex, utf8 } from '../internal/bytes.js'
import { createPromiseCache } from '../internal/cache.js'
import { hmacSHA256, pbkdf2SHA256, randomBytes, sha256 } from '../internal/crypto.js'
import type { CheckedEncryptionKeys, SecretBox } from './encryption.js'
import type { FreshRecoveryCodes } from './machine/types.js'
import type { RecoveryDigests } from './record/shapes.js'

// Crockford's base32 alphabet: no I, L, O or U, so nothing reads as another character.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
/** Characters per new recovery code, without separators: 16 characters of 5 bits, 80 random bits. */
export const RECOVERY_CODE_LENGTH = 16
/** Characters of a code issued by 0.1.0 (50 bits), still accepted until the next regeneration. */
const LEGACY_LENGTH = 10
/**
 * PBKDF2 rounds of a recovery digest when the service has no keys: about 4 ms of WebCrypto PBKDF2 per check in Node 20
 * on this project's 2-core test machine (the whole recovery-code check through the service: docs/security.md), and at
 * 80 bits per code far beyond any offline search.
 */
export const RECOVERY_ITERATIONS = 20_000

/**
 * Brings a typed recovery code to its canonical form: lower case, no spaces or dashes, and the look-alikes
 * `i`/`l` read as `1` and `o` as `0`.
 *
 * @param text - what the user typed
 * @returns the 16 (or, for a 0.1.0 code, 10) canonical characters, or null when it cannot be a recovery code
 */
export function normalizeRecoveryCode(text: string): string | null {
  if (text.length > 64) return null
  const t = text
    .toLowerCase()
    .replace(/[\s\-\u2010-\u2015]/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0')
  if (t.length !== RECOVERY_CODE_LENGTH && t.length !== LEGACY_LENGTH) return null
  for (const c of t) if (!ALPHABET.includes(c)) return null
  return t
}

/** A digest as stored: the first 128 bits in lower-case hex. */
const hex = (bytes: Uint8Array): string => toHex(bytes, 16)

/**
 * Keyed digests for one purpose: HMAC-SHA-256 truncated to 128 bits (lower-case hex) under a key derived from one of
 * `keys` (HMAC-SHA-256 of `label` under it), so a digest and a ciphertext never share a key and a copy of the
 * database gives nothing to search offline. Recovery codes and verification codes both use it, each with its label.
 */
export interface KeyedDigests {
  /** The derived key of key `kid` (cached). */
  key(kid: string): Promise<Uint8Array>
  /** The digest of `message` under key `kid`, or null when `kid` is not among the keys. */
  digest(kid: string, message: Uint8Array): Promise<string | null>
}

/**
 * Creates {@link KeyedDigests} over keys by id.
 *
 * @param keys - key id to raw key bytes
 * @param label - the purpose, e.g. `mfa-core/recovery-key/v2`
 */
export function createKeyedDigests(keys: Readonly<Record<string, Uint8Array>>, label: string): KeyedDigests {
  const derived = createPromiseCache<Uint8Array>()
  const key = (kid: string): Promise<Uint8Array> =>
    derived.get(kid, () => hmacSHA256(keys[kid] as Uint8Array, utf8(label)))
  return {
    key,
    async digest(kid, message) {
      if (!Object.hasOwn(keys, kid)) return null
      return hex(await hmacSHA256(await key(kid), message))
    },
  }
}

/** How the service digests recovery codes: keyed (a key derived from the encryption keys), or salted and slow. */
export interface RecoveryHasher {
  /** A new, empty set of digests under the current scheme (a fresh salt without keys). */
  fresh(): RecoveryDigests
  /**
   * The digest of a canonical code under a record's scheme, or null when the scheme cannot be computed here (a
   * 0.1.0 code typed against new digests, or a key id no longer configured).
   */
  digest(scheme: RecoveryDigests, storeKey: string, userId: string, canonical: string): Promise<string | null>
  /**
   * The same digests, depending on the current encryption key only: `hmac` digests under an older key id become
   * `sealed` (their derived key sealed under the current key), a `sealed` key under an older id is re-sealed; the
   * digests themselves never change. Anything else comes back as it is.
   */
  rekey(scheme: RecoveryDigests, storeKey: string, userId: string): Promise<RecoveryDigests>
  /** Whether {@link RecoveryHasher.rekey} would change `scheme` (it depends on a key that is not the current one). */
  stale(scheme: RecoveryDigests): boolean
}

/**
 * The authenticator id a sealed recovery key is bound to (as associated data, like a secret's): no authenticator id
 * contains `#`, so it never opens as an authenticator's secret, nor a secret as it.
 */
const RECOVERY_KEY_ID = '#recovery-key'

/**
 * Creates the recovery-code hasher of a service.
 *
 * @param keys - the AES keys of `encryptionKeys` (id to bytes) and the current id, or undefined
 * @param box - the service's secret box: seals and opens the key of `sealed` digests
 */
export function createRecoveryHasher(keys: CheckedEncryptionKeys | undefined, box: SecretBox): RecoveryHasher {
  // A key for this purpose only (HMAC-SHA-256 of a label under the encryption key), so a digest and a ciphertext
  // never share a key.
  const keyed = createKeyedDigests(keys?.keys ?? {}, 'mfa-core/recovery-key/v2')
  const recoveryKey = keyed.key
  /** `hmac` digests whose derived key is under an older (still configured) key id. */
  const olderHMAC = (scheme: RecoveryDigests): scheme is Extract<RecoveryDigests, { scheme: 'hmac' }> =>
    scheme.scheme === 'hmac' &&
    keys !== undefined &&
    scheme.kid !== keys.current &&
    Object.hasOwn(keys.keys, scheme.kid)
  return {
    fresh() {
      return keys
        ? { scheme: 'hmac', kid: keys.current, digests: [] }
        : { scheme: 'pbkdf2', salt: encodeBase32(randomBytes(16)), iterations: RECOVERY_ITERATIONS, digests: [] }
    },
    async digest(scheme, storeKey, userId, canonical) {
      if (scheme.scheme === 'sha256') {
        // 0.1.0: SHA-256 over a label, the user id and the code, truncated to 128 bits
        if (canonical.length !== LEGACY_LENGTH) return null
        return hex(await sha256(utf8(`mfa-core/recovery/v1\u0000${userId}\u0000${canonical}`)))
      }
      if (canonical.length !== RECOVERY_CODE_LENGTH) return null
      const message = utf8(`mfa-core/recovery/v2\u0000${storeKey}\u0000${canonical}`)
      if (scheme.scheme === 'hmac') return keyed.digest(scheme.kid, message)
      if (scheme.scheme === 'sealed') {
        const key = await box.open(scheme.key, { storeKey, userId, id: RECOVERY_KEY_ID })
        return hex(await hmacSHA256(key, message))
      }
      const salt = utf8(scheme.salt)
      return hex(await pbkdf2SHA256(message, salt, scheme.iterations, 16))
    },
    async rekey(scheme, storeKey, userId) {
      const binding = { storeKey, userId, id: RECOVERY_KEY_ID }
      const sealKey = async (bytes: Uint8Array) =>
        (await box.seal(bytes, binding)) as Extract<RecoveryDigests, { scheme: 'sealed' }>['key']
      if (olderHMAC(scheme)) {
        return { scheme: 'sealed', key: await sealKey(await recoveryKey(scheme.kid)), digests: scheme.digests }
      }
      if (scheme.scheme === 'sealed' && box.stale(scheme.key)) {
        return { scheme: 'sealed', key: await sealKey(await box.open(scheme.key, binding)), digests: scheme.digests }
      }
      return scheme
    },
    stale(scheme) {
      return olderHMAC(scheme) || (scheme.scheme === 'sealed' && box.stale(scheme.key))
    },
  }
}

/**
 * Generates fresh recovery codes, formatted `xxxx-xxxx-xxxx-xxxx`, and their digests under a fresh scheme.
 *
 * Every code contains at least one letter, so it is never mistaken for a numeric TOTP code.
 *
 * @param hasher - the service's {@link RecoveryHasher}
 * @param storeKey - the record's store key (bound into each digest)
 * @param userId - the owner
 * @param count - how many codes
 * @returns the codes (to show once) and their digests (to store)
 */
export async function generateRecoveryCodes(
  hasher: RecoveryHasher,
  storeKey: string,
  userId: string,
  count: number,
): Promise<Omit<FreshRecoveryCodes, 'sealed'>> {
  const raw: string[] = []
  while (raw.length < count) {
    // 256 is a multiple of 32, so `byte & 31` is uniform.
    const code = Array.from(randomBytes(RECOVERY_CODE_LENGTH), (b) => ALPHABET[b & 31]).join('')
    if (!/[a-z]/.test(code) || raw.includes(code)) continue
    raw.push(code)
  }
  const digests = hasher.fresh()
  digests.digests = (await Promise.all(raw.map((c) => hasher.digest(digests, storeKey, userId, c)))) as string[]
  return { codes: raw.map((c) => c.replace(/(.{4})(?!$)/g, '$1-')), digests }
}
