// The enrollment key URI. The service builds it itself instead of importing createKeyURI, whose HOTP, image and
// generic checks would cost the MFA bundle about half a kilobyte gzipped; test/mfa/key-uri.test.ts checks that both
// give the same text for every input the service can pass, and refuse the same ones.
import { encodeBase32 } from '../base32.js'
import { OTPError } from '../errors.js'
import type { MFAAlgorithm } from './policy.js'

/** Percent-encodes a label part or value (RFC 3986, spaces as %20); a lone surrogate cannot be encoded. */
function encode(value: string, name: string): string {
  // as createKeyURI: apps split the label on ':', and parsers drop spaces after it (a leading one cannot round-trip)
  if (value.includes(':') || value.startsWith(' ')) {
    throw new OTPError('ERR_URI_INVALID', `invalid key URI: ${name} must not contain ':' or start with a space`)
  }
  try {
    return encodeURIComponent(value)
  } catch {
    throw new OTPError('ERR_URI_INVALID', `invalid key URI: ${name} must be well-formed Unicode (no lone surrogates)`)
  }
}

/**
 * Builds the `otpauth://totp/` URI of an enrollment, exactly as `createKeyURI` would: issuer in the label and as a
 * parameter; algorithm, digits and period only when they differ from SHA1, 6 and 30.
 *
 * @throws OTPError `ERR_URI_INVALID` when issuer or account contains `:` or a lone surrogate, or starts with a space
 */
export function enrollmentURI(
  issuer: string,
  accountName: string,
  secret: Uint8Array,
  algorithm: MFAAlgorithm,
  digits: number,
  period: number,
): string {
  const i = encode(issuer, 'issuer')
  let query = `secret=${encodeBase32(secret)}&issuer=${i}`
  if (algorithm !== 'SHA1') query += `&algorithm=${algorithm}`
  if (digits !== 6) query += `&digits=${digits}`
  if (period !== 30) query += `&period=${period}`
  return `otpauth://totp/${i}:${encode(accountName, 'accountName')}?${query}`
}
