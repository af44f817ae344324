// COSE public keys (RFC 9052 §7, RFC 9053 §2, RFC 8230 §4) as WebAuthn credentials carry them, for the three
// algorithms a relying party needs: ES256 on P-256, EdDSA on Ed25519 and RS256 with a modulus of at least 2048 bits.
// Each key must hold exactly the parameters its type defines (no private part, nothing else). Not API.
import { encodeBase64URL } from '../internal/base64url.js'
import { importVerifyKey, verifySignature } from '../internal/crypto.js'
import { type CBORMap, decodeCBOR, isCBORMap } from './cbor.js'
import { derToRawSignature } from './der.js'

/**
 * The COSE algorithm identifiers mfa-core/webauthn verifies: -8 EdDSA (Ed25519), -7 ES256 (ECDSA P-256 with
 * SHA-256), -257 RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
 *
 * @see https://www.iana.org/assignments/cose/cose.xhtml#algorithms
 */
export type COSEAlgorithm = -8 | -7 | -257

/** Every algorithm verified, in the order the registration options offer them by default. */
export const COSE_ALGORITHMS: readonly COSEAlgorithm[] = [-8, -7, -257]

/** A credential public key, imported and ready to verify signatures. */
export interface VerifyKey {
  algorithm: COSEAlgorithm
  key: CryptoKey
}

/** Why a COSE key cannot be used. */
export type COSEKeyReason = 'malformed' | 'unsupported_algorithm'

// COSE labels: kty (1), alg (3); the key-type parameters -1, -2, -3 (RFC 9053 §7.1, §7.2; RFC 8230 §4)
const KTY = 1
const ALG = 3
const MIN_RSA_BITS = 2048
const MAX_RSA_BITS = 16384

/** The labels each key type must hold, exactly. */
const SHAPES: Record<COSEAlgorithm, { kty: number; labels: number[] }> = {
  [-8]: { kty: 1, labels: [KTY, ALG, -1, -2] },
  [-7]: { kty: 2, labels: [KTY, ALG, -1, -2, -3] },
  [-257]: { kty: 3, labels: [KTY, ALG, -1, -2] },
}

const isAlgorithm = (alg: unknown): alg is COSEAlgorithm => alg === -8 || alg === -7 || alg === -257
const bytesOf = (map: CBORMap, label: number): Uint8Array | null => {
  const value = map.get(label)
  return value instanceof Uint8Array ? value : null
}

/**
 * Imports the COSE key that a credential's public key bytes hold (nothing may follow it).
 *
 * @param bytes - the COSE_Key as CBOR
 * @returns the imported key and its algorithm, or why it cannot be used
 */
export async function importCOSEKey(bytes: Uint8Array): Promise<VerifyKey | COSEKeyReason> {
  const item = decodeCBOR(bytes)
  if (item === null || item.end !== bytes.length || !isCBORMap(item.value)) return 'malformed'
  return importCOSEMap(item.value)
}

/**
 * Imports a decoded COSE key map.
 *
 * @param map - the COSE_Key
 * @returns the imported key and its algorithm, or why it cannot be used
 */
export async function importCOSEMap(map: CBORMap): Promise<VerifyKey | COSEKeyReason> {
  const alg = map.get(ALG)
  if (typeof alg !== 'number' || typeof map.get(KTY) !== 'number') return 'malformed'
  if (!isAlgorithm(alg)) return 'unsupported_algorithm'
  const shape = SHAPES[alg]
  if (map.get(KTY) !== shape.kty || map.size !== shape.labels.length || !shape.labels.every((l) => map.has(l))) {
    return 'malformed'
  }
  const key = await importKey(alg, map)
  return key === null ? 'malformed' : { algorithm: alg, key }
}

function importKey(alg: COSEAlgorithm, map: CBORMap): Promise<CryptoKey | null> | null {
  if (alg === -8) {
    // RFC 9053 §7.2: crv 6 is Ed25519; x is the 32-byte public key of RFC 8032 §5.1.5
    const x = bytesOf(map, -2)
    if (map.get(-1) !== 6 || x?.length !== 32) return null
    return importVerifyKey('raw', x, { name: 'Ed25519' })
  }
  if (alg === -7) {
    // RFC 9053 §7.1.1: crv 1 is P-256; x and y are 32-byte coordinates (the point is checked by the import)
    const x = bytesOf(map, -2)
    const y = bytesOf(map, -3)
    if (map.get(-1) !== 1 || x?.length !== 32 || y?.length !== 32) return null
    const point = new Uint8Array(65)
    point[0] = 4
    point.set(x, 1)
    point.set(y, 33)
    return importVerifyKey('raw', point, { name: 'ECDSA', namedCurve: 'P-256' })
  }
  // RFC 8230 §4: n and e are unsigned big-endian integers without leading zero bytes
  const n = bytesOf(map, -1)
  const e = bytesOf(map, -2)
  if (n === null || e === null || n[0] === 0 || e[0] === 0 || e.length === 0 || e.length > 8) return null
  const bits = n.length * 8 - Math.clz32(n[0] ?? 0) + 24
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) return null
  const jwk: JsonWebKey = { kty: 'RSA', n: encodeBase64URL(n), e: encodeBase64URL(e) }
  return importVerifyKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })
}

/**
 * Verifies a WebAuthn signature (over authenticatorData || SHA-256(clientDataJSON)) with a credential key. ES256
 * signatures arrive in DER and are read strictly first; a malformed one is simply not a valid signature.
 *
 * @param key - the credential key
 * @param signature - the signature as the authenticator sent it
 * @param data - the signed bytes
 * @returns whether the signature holds
 * @see https://www.w3.org/TR/webauthn-3/#sctn-alg-identifier (algorithms and signature formats)
 */
export async function verifyWithCOSEKey(key: VerifyKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (key.algorithm === -7) {
    const raw = derToRawSignature(signature, 32)
    return raw !== null && verifySignature({ name: 'ECDSA', hash: 'SHA-256' }, key.key, raw, data)
  }
  const name = key.algorithm === -8 ? 'Ed25519' : 'RSASSA-PKCS1-v1_5'
  return verifySignature(name, key.key, signature, data)
}
