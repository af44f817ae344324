import { mustBe, OTPError } from './errors.js'
import { isBytes } from './internal/bytes.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** Character code -> 5-bit value, or -1; lower case maps like upper case (RFC 4648 §6 is case-insensitive here). */
const VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < 32; i++) {
  VALUES[ALPHABET.charCodeAt(i)] = i
  VALUES[ALPHABET.toLowerCase().charCodeAt(i)] = i
}

/** Pad characters needed after a final quantum of 2, 4, 5 or 7 characters (RFC 4648 §6); others cannot occur. */
const PAD_FOR_REMAINDER: Readonly<Record<number, number>> = { 0: 0, 2: 6, 4: 4, 5: 3, 7: 1 }

function invalidBase32(message: string): OTPError {
  return new OTPError('ERR_BASE32_INVALID', `invalid base32: ${message}`)
}

/**
 * Encodes bytes as base32 (RFC 4648 §6), upper case, without padding unless asked: the form authenticator apps and
 * `otpauth://` URIs use.
 *
 * @param bytes - the data, e.g. a secret from {@link generateSecret}
 * @param options.padding - append `=` to a multiple of 8 characters (default false)
 * @returns the base32 text
 * @throws OTPError `ERR_INVALID_OPTION` when `bytes` is not a Uint8Array
 * @example
 * encodeBase32(new TextEncoder().encode('foobar')) // 'MZXW6YTBOI'
 * @see RFC 4648 §6
 */
export function encodeBase32(bytes: Uint8Array, options?: { padding?: boolean }): string {
  if (!isBytes(bytes)) throw mustBe('bytes', 'a Uint8Array', bytes)
  const padding = options?.padding ?? false
  let out = ''
  let buffer = 0
  let bits = 0
  for (let i = 0; i < bytes.length; i++) {
    buffer = ((buffer << 8) | (bytes[i] as number)) & 0xfff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET[(buffer >>> bits) & 31]
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31]
  if (padding && out.length % 8 !== 0) out += '='.repeat(8 - (out.length % 8))
  return out
}

/**
 * Decodes base32 text (RFC 4648 §6) into bytes.
 *
 * Strict by default: the RFC alphabet in either case, padding absent or exactly right, and zero trailing bits, so
 * each byte string has exactly one accepted spelling. With `loose`, it also takes what people type and paste:
 * spaces, hyphens and other white space anywhere, missing or extra trailing `=`, and non-zero trailing bits (dropped).
 * A length no whole number of bytes encodes (8n + 1, 8n + 3 or 8n + 6 characters) is refused in both modes: it is a
 * character missing or extra, and the bytes would not be the key the user was given.
 *
 * @param text - base32 text
 * @param options.loose - accept typed and pasted forms (default false)
 * @returns the decoded bytes
 * @throws OTPError `ERR_BASE32_INVALID` with the position of the first problem (never the text itself);
 *   `ERR_INVALID_OPTION` when `text` is not a string
 * @example
 * decodeBase32('MZXW6YTBOI') // bytes of 'foobar'
 * decodeBase32('jbsw y3dp ehpk 3pxp', { loose: true }) // a key typed from a phone screen
 * @see RFC 4648 §6 and §10 (test vectors)
 */
export function decodeBase32(text: string, options?: { loose?: boolean }): Uint8Array {
  if (typeof text !== 'string') throw mustBe('text', 'a string', text)
  const loose = options?.loose === true
  const input = loose ? text.replace(/[\s-]+/g, '') : text
  // Trailing '=' (a loop, not /=+$/, which backtracks quadratically on long runs of '=').
  let end = input.length
  while (end > 0 && input.charCodeAt(end - 1) === 61) end--
  const padding = input.length - end
  // RFC 4648 §6: padding fills the last quantum to 8 characters (6, 4, 3 or 1 '=' after 2, 4, 5 or 7 characters).
  if (!loose && padding > 0 && (input.length % 8 !== 0 || PAD_FOR_REMAINDER[end % 8] !== padding)) {
    throw invalidBase32(`wrong padding at position ${end}`)
  }
  const out = new Uint8Array((end * 5) >>> 3)
  let buffer = 0
  let bits = 0
  let index = 0
  for (let i = 0; i < end; i++) {
    const value = VALUES[input.charCodeAt(i)] ?? -1
    if (value < 0) throw invalidBase32(`character not in A-Z, 2-7${loose ? '' : ` at position ${i}`}`)
    buffer = ((buffer << 5) | value) & 0xfff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[index++] = buffer >>> bits
    }
  }
  // RFC 4648 §6: a final quantum has 2, 4, 5 or 7 characters (1, 3 or 6 would leave a byte incomplete), and the
  // unused bits of the last one are zero, so each byte string has one spelling.
  if (PAD_FOR_REMAINDER[end % 8] === undefined) throw invalidBase32(`${end} characters cannot be complete`)
  if (!loose && (buffer & ((1 << bits) - 1)) !== 0) throw invalidBase32(`non-zero trailing bits at position ${end - 1}`)
  return out
}
