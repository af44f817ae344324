import { timingSafeEqualString } from '../internal/bytes.js'
import {
  checkAfterStep,
  checkWindow,
  normalizeCode,
  readOptions,
  totpResult,
  totpSettings,
  windowOrder,
} from '../internal/otp.js'
import type { TOTPOptions, VerifyTOTPOptions, VerifyTOTPResult } from '../internal/otp-options.js'
import { hotpCode } from './hotp.js'
import { release, resolveKey, type Secret } from './key.js'

/**
 * Computes the TOTP code of a moment, synchronously: HOTP of the time step
 * `floor((timestamp / 1000 - epoch) / period)`.
 *
 * @param secret - the shared secret, raw bytes or a key from {@link importSecret}
 * @param options.timestamp - milliseconds since the Unix epoch (default `Date.now()`)
 * @param options.period - step length in seconds (default 30)
 * @param options.epoch - T0 in seconds (default 0)
 * @param options.digits - code length, 6 to 10 (default 6)
 * @param options.algorithm - HMAC hash (default 'SHA1', or the key's algorithm)
 * @returns the code, `digits` decimal digits with leading zeros
 * @throws OTPError `ERR_INVALID_OPTION` for bad options (or a timestamp before epoch), `ERR_INVALID_SECRET`,
 *   `ERR_KEY_DESTROYED`
 * @example
 * const code = generateTOTP(secret, { timestamp: Date.now() })
 * @see RFC 6238 §4 (algorithm), Appendix B (test vectors)
 */
export function generateTOTP(secret: Secret, options?: TOTPOptions): string {
  const settings = totpSettings(readOptions(options))
  const resolved = resolveKey(secret, settings.algorithm)
  try {
    return hotpCode(resolved.key, settings.step, settings.digits)
  } finally {
    release(resolved)
  }
}

/**
 * Checks a TOTP code typed by a user, across a small window of time steps; synchronously.
 *
 * Checks the likeliest step first (now, then now - 1, now + 1, now - 2, ...) and stops at the first match, so a
 * valid code usually costs one HMAC; a wrong code computes every step of the window, so its timing tells nothing the
 * result does not. Every comparison is constant-time. A code valid at two fresh steps (about 1 in 10^6 per pair)
 * resolves to the one nearer now, the earlier on a tie. Pass the last accepted step as `afterStep` so that a code is
 * never accepted twice: a code matching only it or earlier steps is `replayed`.
 *
 * > [!WARNING]
 * > Store `result.step` and pass it back as `afterStep`, and throttle failures: without both, a code can be replayed
 * > within its window and 6 digits can be guessed.
 *
 * @param secret - the shared secret, raw bytes or a key from {@link importSecret}
 * @param code - what the user typed; whitespace is ignored, anything else non-numeric is `malformed`
 * @param options.window - steps accepted before and after now (default 1 each way, at most 10)
 * @param options.afterStep - the last step accepted before; it and earlier steps are `replayed`
 * @param options.timestamp - milliseconds since the Unix epoch (default `Date.now()`)
 * @returns `{ valid: true, step, delta }` with the matched step and its distance from now in steps, or
 *   `{ valid: false, reason }` with `malformed`, `mismatch` or `replayed`
 * @throws OTPError for developer misuse only (bad options or secret, a destroyed key, a window reaching past step
 *   2^53 - 1), never for the code
 * @example
 * const result = verifyTOTP(secret, '492039', { timestamp: Date.now(), afterStep: lastStep })
 * if (result.valid) lastStep = result.step
 * @see RFC 6238 §5.2 (window and replay)
 */
export function verifyTOTP(secret: Secret, code: string, options?: VerifyTOTPOptions): VerifyTOTPResult {
  const opts = readOptions(options)
  const settings = totpSettings(opts)
  const window = checkWindow(opts.window)
  const { fresh, stale } = windowOrder(settings.step, window, checkAfterStep(opts.afterStep))
  const resolved = resolveKey(secret, settings.algorithm)
  try {
    const typed = normalizeCode(code, settings.digits)
    if (typed === null) return { valid: false, reason: 'malformed' }
    const matches = (step: number) => timingSafeEqualString(typed, hotpCode(resolved.key, step, settings.digits))
    const matched = fresh.find(matches)
    if (matched !== undefined) return totpResult(matched, settings.step, false)
    return totpResult(null, settings.step, stale.some(matches))
  } finally {
    release(resolved)
  }
}
