/**
 * The stable error codes of {@link OTPError}. Callers may `switch` on them; a new code is an API change.
 *
 * - `ERR_INVALID_OPTION`: an option or argument has the wrong type or is out of range (developer misuse).
 * - `ERR_INVALID_SECRET`: the secret is not a non-empty `Uint8Array` or an {@link OTPKey} of the right algorithm.
 * - `ERR_INVALID_COUNTER`: an HOTP counter is negative, fractional, unsafe as a number, or above 2^64 - 1.
 * - `ERR_BASE32_INVALID`: text passed to `decodeBase32` is not valid base32.
 * - `ERR_URI_INVALID`: text passed to `parseKeyURI` is not a valid `otpauth://` key URI, or `createKeyURI` got bad parts.
 * - `ERR_CRYPTO_UNAVAILABLE`: the runtime has no WebCrypto (`globalThis.crypto.subtle`), e.g. a plain-http page.
 * - `ERR_KEY_DESTROYED`: a prepared key was used after `destroy()`.
 * - `ERR_QR_TOO_LONG`: the text does not fit in a QR code version 40 at the chosen error-correction level.
 * - `ERR_STORAGE`: the MFA store threw or kept conflicting; the operation failed closed (the cause is attached).
 * - `ERR_DECRYPT`: a stored secret could not be decrypted (unknown key id, wrong key, or tampered record).
 * - `ERR_RECORD_INVALID`: a stored MFA record is not one this version can read.
 */
export type OTPErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_SECRET'
  | 'ERR_INVALID_COUNTER'
  | 'ERR_BASE32_INVALID'
  | 'ERR_URI_INVALID'
  | 'ERR_CRYPTO_UNAVAILABLE'
  | 'ERR_KEY_DESTROYED'
  | 'ERR_QR_TOO_LONG'
  | 'ERR_STORAGE'
  | 'ERR_DECRYPT'
  | 'ERR_RECORD_INVALID'

const BRAND = Symbol.for('mfa-core.OTPError')

/**
 * The one error class of mfa-core, thrown for developer misuse and unusable environments, never for a wrong code
 * typed by a user (verification returns a result with a `reason` instead).
 *
 * Messages say how to fix the call and never contain a secret or a code.
 *
 * @param code - the stable machine-readable code
 * @param message - a human-readable explanation
 * @param options.cause - the underlying error, when there is one
 * @example
 * try {
 *   decodeBase32(userPastedKey)
 * } catch (error) {
 *   if (isOTPError(error) && error.code === 'ERR_BASE32_INVALID') showHint()
 * }
 */
export class OTPError extends Error {
  /** The stable machine-readable error code. */
  readonly code: OTPErrorCode

  constructor(code: OTPErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OTPError'
    this.code = code
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/**
 * Tells whether a value is an {@link OTPError}, also across realms and duplicated package copies (where
 * `instanceof` fails).
 *
 * @param value - anything caught
 * @param code - when given, also require this code
 * @returns true when `value` is an OTPError (with that code)
 * @example
 * if (isOTPError(error, 'ERR_CRYPTO_UNAVAILABLE')) useSyncEngine()
 */
export function isOTPError(value: unknown, code?: OTPErrorCode): value is OTPError {
  if (typeof value !== 'object' || value === null) return false
  const branded = (value as Record<symbol, unknown>)[BRAND] === true
  return branded && (code === undefined || (value as OTPError).code === code)
}

/** Describes a value for an error message without ever echoing its content (it may be a secret or a code). */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'string') return `a string (${value.length} characters)`
  if (value instanceof Uint8Array) return `${value.length} bytes`
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}

/** The one shape of a misuse message: "digits must be an integer from 6 to 10, got 12". */
export function mustBe(name: string, expected: string, value: unknown): OTPError {
  return new OTPError('ERR_INVALID_OPTION', `${name} must be ${expected}, got ${describe(value)}`)
}

/** Throws the developer-misuse error (`ERR_INVALID_OPTION`) with a message that never echoes a secret. */
export function misuse(message: string): never {
  throw new OTPError('ERR_INVALID_OPTION', message)
}

/**
 * Reads an integer option: undefined gives the fallback; anything else must be a safe integer in [min, max].
 * One message shape for all: "digits must be an integer from 6 to 10, got 12".
 */
export function integerOption(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return value
  throw mustBe(name, `an integer from ${min} to ${max}`, value)
}
