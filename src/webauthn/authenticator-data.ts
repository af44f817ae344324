// Authenticator data (WebAuthn Level 3 §6.1): the RP ID hash, the flags, the signature counter, and, when their
// flags say so, the attested credential data (§6.5.2) and the extension outputs. Every part must be exactly as long
// as its flags and lengths say: nothing missing, nothing after. Not API.
import { type CBORMap, decodeCBOR, isCBORMap } from './cbor.js'

/** The flag bits (§6.1: UP bit 0, UV bit 2, BE bit 3, BS bit 4, AT bit 6, ED bit 7; bits 1 and 5 are reserved). */
const UP = 0x01
const UV = 0x04
const BE = 0x08
const BS = 0x10
const AT = 0x40
const ED = 0x80

/** §5.4.3 (user handle) and §6.5.2: a credential id is at most 1023 bytes. */
export const MAX_CREDENTIAL_ID_BYTES = 1023

/** Authenticator data, read. */
export interface AuthenticatorData {
  /** the whole byte string, as signed */
  bytes: Uint8Array
  rpIdHash: Uint8Array
  userPresent: boolean
  userVerified: boolean
  backupEligible: boolean
  backedUp: boolean
  signCount: number
  /** present when the AT flag is set */
  attested?: {
    aaguid: Uint8Array
    credentialId: Uint8Array
    /** the COSE key bytes, exactly as the authenticator wrote them */
    publicKey: Uint8Array
    publicKeyMap: CBORMap
  }
}

/**
 * Reads authenticator data.
 *
 * @param bytes - the authenticator data
 * @returns the parts, or null when the bytes are not well formed (lengths, flags and CBOR must agree)
 * @see https://www.w3.org/TR/webauthn-3/#sctn-authenticator-data
 */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData | null {
  if (bytes.length < 37) return null
  const flags = bytes[32] as number
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const data: AuthenticatorData = {
    bytes,
    rpIdHash: bytes.subarray(0, 32),
    userPresent: (flags & UP) !== 0,
    userVerified: (flags & UV) !== 0,
    backupEligible: (flags & BE) !== 0,
    backedUp: (flags & BS) !== 0,
    signCount: view.getUint32(33),
  }
  let at = 37
  if ((flags & AT) !== 0) {
    // §6.5.2: AAGUID (16), credential id length (2, big-endian), credential id, COSE key
    if (bytes.length < at + 18) return null
    const idLength = view.getUint16(at + 16)
    const idStart = at + 18
    if (idLength === 0 || idLength > MAX_CREDENTIAL_ID_BYTES || idStart + idLength > bytes.length) return null
    const key = decodeCBOR(bytes, idStart + idLength)
    if (key === null || !isCBORMap(key.value)) return null
    data.attested = {
      aaguid: bytes.slice(at, at + 16),
      credentialId: bytes.slice(idStart, idStart + idLength),
      publicKey: bytes.slice(idStart + idLength, key.end),
      publicKeyMap: key.value,
    }
    at = key.end
  }
  if ((flags & ED) !== 0) {
    const extensions = decodeCBOR(bytes, at)
    if (extensions === null || !isCBORMap(extensions.value)) return null
    at = extensions.end
  }
  return at === bytes.length ? data : null
}
