import { timingSafeEqualString } from '../internal/bytes.js'
import {
  checkAlgorithm,
  checkCounter,
  checkDigits,
  checkLookAhead,
  lookAheadCounters,
  normalizeCode,
  readOptions,
  truncate,
} from '../internal/otp.js'
import type { HOTPOptions, VerifyHOTPOptions, VerifyHOTPResult } from '../internal/otp-options.js'
import { hmacCounter, type PreparedHMAC, store } from './hash/hmac.js'
import { release, resolveKey, type Secret } from './key.js'

// Scratch for one MAC, as words and as bytes: codes are computed one at a time, synchronously, so one of each per
// digest length is enough and the hot path allocates nothing but the code string.
const WORDS = new Int32Array(16)
const MACS: Record<number, Uint8Array> = { 20: new Uint8Array(20), 32: new Uint8Array(32), 64: new Uint8Array(64) }

/**
 * The HOTP value of a counter (RFC 4226 §5.3) with a prepared key. `counter` is a checked safe integer or a bigint
 * from 0 to 2^64 - 1. Not API.
 */
export function hotpCode(key: PreparedHMAC, counter: number | bigint, digits: number): string {
  // RFC 4226 §5.2: the counter is 8 bytes, big-endian: two 32-bit words here.
  const hi = typeof counter === 'bigint' ? Number(counter >> 32n) : Math.floor(counter / 0x1_0000_0000)
  const lo = typeof counter === 'bigint' ? Number(counter & 0xffff_ffffn) : counter >>> 0
  hmacCounter(key, hi, lo, WORDS)
  const mac = MACS[key.hash.outLen]!
  store(WORDS, mac)
  return truncate(mac, digits)
}

/**
 * Computes the HOTP code of a counter, synchronously.
 *
 * @param secret - the shared secret, raw bytes or a key from {@link importSecret}
 * @param counter - the moving factor, 0 to 2^64 - 1 (a number up to 2^53 - 1, or a bigint)
 * @param options.algorithm - HMAC hash (default 'SHA1', or the key's algorithm)
 * @param options.digits - code length, 6 to 10 (default 6)
 * @returns the code, `digits` decimal digits with leading zeros
 * @throws OTPError `ERR_INVALID_COUNTER` for a negative, fractional, unsafe or too large counter;
 *   `ERR_INVALID_SECRET`, `ERR_INVALID_OPTION`, `ERR_KEY_DESTROYED`
 * @example
 * generateHOTP(new TextEncoder().encode('12345678901234567890'), 0) // '755224'
 * @see RFC 4226 §5.3 (generating an HOTP value), Appendix D (test values)
 */
export function generateHOTP(secret: Secret, counter: number | bigint, options?: HOTPOptions): string {
  const opts = readOptions(options)
  const digits = checkDigits(opts.digits)
  const algorithm = opts.algorithm === undefined ? undefined : checkAlgorithm(opts.algorithm)
  const value = checkCounter(counter)
  const resolved = resolveKey(secret, algorithm)
  try {
    return hotpCode(resolved.key, value, digits)
  } finally {
    release(resolved)
  }
}

/**
 * Checks an HOTP code typed by a user against a counter and, optionally, a few counters after it; synchronously.
 *
 * It never looks behind `counter`: store `result.counter + 1n` after a success, so the same code cannot be used twice.
 * Counters are checked lowest first and the first match wins (RFC 4226 §7.4 resynchronises forward); a wrong code
 * computes every counter of the look-ahead window. Every comparison is constant-time.
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
 * @throws OTPError for developer misuse only (bad counter, options or secret, a destroyed key), never for the code
 * @example
 * const result = verifyHOTP(secret, typed, storedCounter, { lookAhead: 5 })
 * if (result.valid) storedCounter = result.counter + 1n
 * @see RFC 4226 §7.2 (validation), §7.4 (resynchronisation)
 */
export function verifyHOTP(
  secret: Secret,
  code: string,
  counter: number | bigint,
  options?: VerifyHOTPOptions,
): VerifyHOTPResult {
  const opts = readOptions(options)
  const digits = checkDigits(opts.digits)
  const algorithm = opts.algorithm === undefined ? undefined : checkAlgorithm(opts.algorithm)
  const start = checkCounter(counter)
  const lookAhead = checkLookAhead(opts.lookAhead)
  const resolved = resolveKey(secret, algorithm)
  try {
    const typed = normalizeCode(code, digits)
    if (typed === null) return { valid: false, reason: 'malformed' }
    const matched = lookAheadCounters(start, lookAhead).find((c) =>
      timingSafeEqualString(typed, hotpCode(resolved.key, c, digits)),
    )
    if (matched === undefined) return { valid: false, reason: 'mismatch' }
    return { valid: true, counter: matched, delta: Number(matched - start) }
  } finally {
    release(resolved)
  }
}
