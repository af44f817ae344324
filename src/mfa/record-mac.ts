// The record's MAC: with encryptionKeys, the whole record (recovery digests, trusted devices, failures and lock,
// replay state, generation, authenticators and the pending enrollment) is bound by HMAC-SHA-256 under a key derived
// from an encryption key for this purpose only, over a canonical encoding and the store key. Someone who can write
// the database but holds no key can then neither plant a credential (a recovery digest, a device) nor clear a lock,
// nor move a record to another user: the record is refused (`ERR_RECORD_INVALID`).
import { OTPError } from '../errors.js'
import { timingSafeEqualString, toHex, utf8 } from '../internal/bytes.js'
import { createPromiseCache } from '../internal/cache.js'
import { deriveHMACKeyBytes } from '../internal/crypto.js'
import { type HMACEngine, type HMACSigner, webCryptoEngine } from '../internal/engine.js'
import type { MFAEncryptionKeys } from './api.js'
import type { MFARecord } from './record/shapes.js'

/** The HKDF info of the record-MAC key: one encryption key never signs two kinds of message. */
const MAC_INFO = 'mfa-core/record-mac/v1'

/**
 * The canonical text of a JSON value: object keys sorted (by UTF-16 code units), no spaces, `undefined` members
 * left out (as JSON.stringify does), so a record signed in memory and the same record read back give the same text.
 *
 * @param value - a JSON value (strings, safe integers, booleans, null, arrays, plain objects)
 */
export function canonicalJSON(value: unknown): string {
  return canonical(value)
}

/** The JSON texts of object keys (a record has a few dozen distinct ones). */
const keyTexts = new Map<string, string>()

/** JSON.stringify's text of a primitive (numbers and booleans without its general path). */
const primitiveText = (value: unknown): string =>
  typeof value === 'number' && Number.isFinite(value)
    ? String(value)
    : typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value)

/** {@link canonicalJSON} without the lists of its first version (filter, map) and JSON.stringify for each key. */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return primitiveText(value)
  const parts: string[] = []
  if (Array.isArray(value)) {
    for (const item of value) parts.push(canonical(item))
    return `[${parts.join(',')}]`
  }
  const o = value as Record<string, unknown>
  for (const key of Object.keys(o).sort()) {
    if (o[key] === undefined) continue
    let name = keyTexts.get(key)
    if (name === undefined) {
      name = JSON.stringify(key)
      if (keyTexts.size < 1000) keyTexts.set(key, name)
    }
    parts.push(`${name}:${canonical(o[key])}`)
  }
  return `{${parts.join(',')}}`
}

/** What the MAC covers: a domain label, the store key (length-prefixed) and the canonical record without `mac`. */
function signedMessage(storeKey: string, record: MFARecord): Uint8Array<ArrayBuffer> {
  const { mac: _, ...rest } = record
  const label = utf8(`${MAC_INFO}\u0000`)
  const key = utf8(storeKey)
  const body = utf8(canonicalJSON(rest))
  const out = new Uint8Array(label.length + 4 + key.length + body.length)
  out.set(label)
  new DataView(out.buffer).setUint32(label.length, key.length)
  out.set(key, label.length + 4)
  out.set(body, label.length + 4 + key.length)
  return out
}

/** Signs records before they are written and checks them when they are read. */
export interface RecordSeal {
  /** The record as it will be written: with a MAC under the current key (keys configured), or without one. */
  sign(record: MFARecord, storeKey: string): Promise<MFARecord>
  /**
   * Checks a record read from the store at `storeKey`.
   *
   * @throws OTPError `ERR_RECORD_INVALID` when its MAC is wrong, or missing while keys are configured outside the
   * `allowPlaintextSecrets` window; `ERR_DECRYPT` when it is signed under a key id not in `encryptionKeys`
   */
  check(record: MFARecord, storeKey: string): Promise<void>
}

/**
 * Creates the {@link RecordSeal} of a service.
 *
 * @param keys - from `checkEncryptionKeys`; undefined: records carry no MAC (a MAC found is not checkable, and the
 * next write drops it)
 * @param allowMissing - the `allowPlaintextSecrets` window: a record without a MAC is read (and signed on its next
 * write)
 * @param engine - computes the MACs (the service's engine: with `syncEngine` a record is signed without a WebCrypto
 * round trip); the key is derived once per key id, by WebCrypto's HKDF
 */
export function createRecordSeal(
  keys: MFAEncryptionKeys | undefined,
  allowMissing: boolean,
  engine: HMACEngine = webCryptoEngine,
): RecordSeal {
  const derived = createPromiseCache<HMACSigner>()
  const tag = async (kid: string, storeKey: string, record: MFARecord): Promise<string> => {
    const signer = await derived.get(kid, async () =>
      engine.prepare(await deriveHMACKeyBytes((keys as MFAEncryptionKeys).keys[kid] as Uint8Array, MAC_INFO), 'SHA256'),
    )
    return toHex(new Uint8Array(await signer.sign(signedMessage(storeKey, record))))
  }
  const refuse = (why: string): never => {
    throw new OTPError('ERR_RECORD_INVALID', `stored MFA record ${why}; it was refused`)
  }
  return {
    async sign(record, storeKey) {
      if (keys === undefined && record.mac === undefined) return record
      const { mac: _, ...rest } = record
      if (keys === undefined) return rest
      return { ...rest, mac: { kid: keys.current, tag: await tag(keys.current, storeKey, rest) } }
    },
    async check(record, storeKey) {
      if (keys === undefined) return
      const mac = record.mac
      if (mac === undefined) {
        if (allowMissing) return
        refuse(
          'has no MAC although encryptionKeys are configured (written by an older release, or planted: set allowPlaintextSecrets to migrate)',
        )
        return
      }
      if (!Object.hasOwn(keys.keys, mac.kid)) {
        // as for a secret under a removed key: the record cannot be checked, fail closed
        throw new OTPError('ERR_DECRYPT', 'stored MFA record is signed under a key id that is not in encryptionKeys')
      }
      if (!timingSafeEqualString(await tag(mac.kid, storeKey, record), mac.tag)) {
        refuse('does not match its MAC (changed without the keys, or moved from another user)')
      }
    },
  }
}
