// The key options of createMFA (encryptionKeys, proofKey) as bytes: raw bytes as given, or the text an environment
// variable or a Workers secret holds (base64url or base64). The one place key text is read; its errors say what was
// wrong with the key, never what the key is.
import { describe, misuse } from '../errors.js'
import { decodeBase64Text } from '../internal/base64url.js'
import { isBytes } from '../internal/bytes.js'

/**
 * Reads one key: bytes are copied; text is decoded from base64url or base64 (padding optional, surrounding
 * whitespace ignored). Checked once, when the service is created.
 *
 * @param value - the key as given
 * @param name - what the message calls it, e.g. `encryption key "2026-12"`
 * @param fits - whether a length in bytes is allowed
 * @param expected - the allowed lengths in words, e.g. `16, 24 or 32 bytes`
 * @returns a copy of the key's bytes
 * @throws OTPError `ERR_INVALID_OPTION` naming the key, the lengths allowed and what was given (its type, length,
 * or why the text is not base64), never its content
 */
export function readKey(value: unknown, name: string, fits: (bytes: number) => boolean, expected: string): Uint8Array {
  // `openssl rand -hex 32` is the other usual way to make a key, and hex digits are base64 characters too: read as
  // base64, such text would give other bytes than meant. Random base64 text of a key is all hex digits less than
  // once in 10^14 keys, so text that is gets refused instead.
  const hex = typeof value === 'string' && /^\s*(?:[0-9a-f]{2}){16,}\s*$/i.test(value)
  const bytes = isBytes(value) ? value : typeof value === 'string' && !hex ? decodeBase64Text(value) : null
  if (bytes !== null && fits(bytes.length)) return new Uint8Array(bytes)
  let given = describe(value)
  if (hex) given = `hex text of ${(value as string).trim().length} characters (encode the key's bytes in base64)`
  else if (typeof value === 'string') {
    given =
      bytes === null
        ? `text of ${value.length} characters that is not base64url or base64`
        : `base64 text of ${bytes.length} bytes`
  }
  return misuse(`${name} must be ${expected}, as a Uint8Array or base64url/base64 text; got ${given}`)
}
