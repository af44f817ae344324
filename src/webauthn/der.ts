// ECDSA signatures as authenticators send them: a DER `Ecdsa-Sig-Value` (SEQUENCE of two INTEGERs, RFC 3279 §2.2.3),
// read strictly and turned into the fixed-width r || s form WebCrypto verifies (W3C Web Cryptography API §23.4).
// Not API.

/**
 * Converts a DER ECDSA signature into r || s, each left-padded to `size` bytes.
 *
 * Strict DER (ITU-T X.690 §8.3, §10.1): short-form lengths only (a P-256 signature is at most 72 bytes, so a long
 * form would not be the shortest), no leading zero byte unless the next byte has its top bit set, no negative or
 * zero integer, nothing after the sequence. A high S is accepted: it is a valid signature, and real keys produce it.
 *
 * @param der - the signature bytes
 * @param size - the curve's field size in bytes (32 for P-256)
 * @returns the 2 * `size` bytes of r || s, or null when `der` is not a strict DER signature of that size
 * @see https://www.w3.org/TR/webauthn-3/#sctn-signature-attestation-types (ECDSA signatures are DER)
 */
export function derToRawSignature(der: Uint8Array, size: number): Uint8Array | null {
  if (der.length < 2 || der[0] !== 0x30 || der[1] !== der.length - 2 || (der[1] as number) >= 0x80) return null
  const out = new Uint8Array(2 * size)
  let at = 2
  for (let part = 0; part < 2; part++) {
    const length = der[at + 1]
    if (der[at] !== 0x02 || length === undefined || length === 0 || length >= 0x80 || at + 2 + length > der.length) {
      return null
    }
    let value = der.subarray(at + 2, at + 2 + length)
    const first = value[0] as number
    // X.690 §8.3.2: no redundant leading zero; a first byte with its top bit set is a negative integer
    if (first >= 0x80) return null
    if (first === 0) {
      if (length === 1 || (value[1] as number) < 0x80) return null
      value = value.subarray(1)
    }
    if (value.length > size || value.every((byte) => byte === 0)) return null
    out.set(value, part * size + size - value.length)
    at += 2 + length
  }
  return at === der.length ? out : null
}
