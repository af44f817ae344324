import { firstMatch } from './internal/engine.js'
import {
  bigCounterBytes,
  checkAlgorithm,
  checkCounter,
  checkDigits,
  checkLookAhead,
  lookAheadCounters,
  normalizeCode,
  readOptions,
  truncate,
} from './internal/otp.js'
import type { HOTPOptions, VerifyHOTPOptions, VerifyHOTPResult } from './internal/otp-options.js'
import { resolveKey, type Secret } from './secret.js'

/**
 * Computes the HOTP code of a counter.
 *
 * @param secret - the shared secret, raw bytes or a key from {@link importSecret}
 * @param counter - the moving factor, 0 to 2^64 - 1 (a number up to 2^53 - 1, or a bigint)
 * @param options.algorithm - HMAC hash (default 'SHA1')
 * @param options.digits - code length, 6 to 10 (default 6)
 * @returns the code, `digits` decimal digits with leading zeros
 * @throws OTPError `ERR_INVALID_COUNTER` for a negative, fractional, unsafe or too large counter;
 *   `ERR_INVALID_SECRET`, `ERR_INVALID_OPTION`, `ERR_CRYPTO_UNAVAILABLE`
 * @example
 * await generateHOTP(new TextEncoder().encode('12345678901234567890'), 0) // '755224'
 * @see RFC 4226 §5.3 (generating an HOTP value), Appendix D (test values)
 */
export async function generateHOTP(secret: Secret, counter: number | bigint, options?: HOTPOptions): Promise<string> {
  const opts = readOptions(options)
  const digits = checkDigits(opts.digits)
  const algorithm = opts.algorithm === undefined ? undefined : checkAlgorithm(opts.algorithm)
  const value = checkCounter(counter)
  const key = await resolveKey(secret, algorithm)
  return truncate(await key.sign(bigCounterBytes(value)), digits)
}

/**
 * Checks an HOTP code typed by a user against a counter and, optionally, a few counters after it.
 *
 * It never looks behind `counter`: store `result.counter + 1n` after a success, so the same code cannot be used twice.
 * Counters are checked lowest first and the first match wins (RFC 4226 §7.4 resynchronises forward); a wrong code
 * computes every counter of the look-ahead window (concurrently, after the first). Every comparison is constant-time.
 *
 * > [!WARNING]
 * > Throttle failed attempts (RFC 4226 §7.3): a 6-digit code falls to guessing without it.
 *
 * @param secret - the shared secret, raw bytes or a key from {@link importSecret}
 * @param code - what the user typed; whitespace is ignored, anything else non-numeric is `malformed`
 * @param counter - the next expected counter, 0 to 2^64 - 1
 * @param options.lookAhead - extra counters accepted after `counter`, 0 to 100 (default 0)
 * @returns `{ valid: true, counter, delta }` with the matched counter and its distance from `counter`, or
 *   `{ valid: false, reason }` with `malformed` or `mismatch`
 * @throws OTPError for developer misuse only (bad counter, options or secret), never for the code
 * @example
 * const result = await verifyHOTP(secret, typed, storedCounter, { lookAhead: 5 })
 * if (result.valid) storedCounter = result.counter + 1n
 * @see RFC 4226 §7.2 (validation), §7.4 (resynchronisation)
 */
export async function verifyHOTP(
  secret: Secret,
  code: string,
  counter: number | bigint,
  options?: VerifyHOTPOptions,
): Promise<VerifyHOTPResult> {
  const opts = readOptions(options)
  const digits = checkDigits(opts.digits)
  const algorithm = opts.algorithm === undefined ? undefined : checkAlgorithm(opts.algorithm)
  const start = checkCounter(counter)
  const lookAhead = checkLookAhead(opts.lookAhead)
  const key = await resolveKey(secret, algorithm)
  const typed = normalizeCode(code, digits)
  if (typed === null) return { valid: false, reason: 'malformed' }
  const matched = await firstMatch(key, typed, digits, lookAheadCounters(start, lookAhead), bigCounterBytes)
  return matched === null
    ? { valid: false, reason: 'mismatch' }
    : { valid: true, counter: matched, delta: Number(matched - start) }
}
