// base64url without padding (RFC 4648 §5), for the opaque strings the MFA service hands out (proofs, device
// tokens). The decoder is strict: only the URL-safe alphabet, no padding, no non-zero trailing bits, so each byte
// string has exactly one spelling. Not API.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Encodes bytes as base64url without padding. */
export function encodeBase64URL(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6))
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >> (18 - 6 * c)) & 63]
  }
  return out
}

/** Decodes base64url without padding, or returns null when `text` is not in its one canonical spelling. */
export function decodeBase64URL(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null
  const out = new Uint8Array(Math.floor((text.length * 6) / 8))
  let bits = 0
  let value = 0
  let j = 0
  for (let i = 0; i < text.length; i++) {
    const v = ALPHABET.indexOf(text[i] as string)
    if (v < 0) return null
    value = ((value << 6) | v) & 0xffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[j++] = (value >> bits) & 0xff
    }
  }
  // the leftover bits of the last character must be zero (else two spellings would decode alike)
  return (value & ((1 << bits) - 1)) === 0 ? out : null
}

/**
 * Decodes key material written as text: base64url or standard base64 (RFC 4648 §5, §4), with or without its `=`
 * padding, surrounding whitespace ignored (a secret read from a file or an environment variable often ends in a
 * newline). Returns null for anything else: another character, the two alphabets mixed, wrong padding, or non-zero
 * trailing bits.
 */
export function decodeBase64Text(text: string): Uint8Array | null {
  const trimmed = text.trim()
  const body = trimmed.replace(/={1,2}$/, '')
  // padding, when present, completes the last group of four
  if (body.length !== trimmed.length && trimmed.length % 4 !== 0) return null
  if (/[+/]/.test(body) && /[-_]/.test(body)) return null
  return decodeBase64URL(body.replace(/\+/g, '-').replace(/\//g, '_'))
}
