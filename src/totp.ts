import { matchWindow } from './internal/engine.js'
import {
  checkAfterStep,
  checkWindow,
  counterBytes,
  normalizeCode,
  readOptions,
  totpSettings,
  truncate,
  windowOrder,
} from './internal/otp.js'
import type { TOTPOptions, VerifyTOTPOptions, VerifyTOTPResult } from './internal/otp-options.js'
import { resolveKey, type Secret } from './secret.js'

/**
 * Computes the TOTP code of a moment: HOTP of the time step `floor((timestamp / 1000 - epoch) / period)`.
 *
 * @param secret - the shared secret, raw bytes or a key from {@link importSecret}
 * @param options.timestamp - milliseconds since the Unix epoch (default `Date.now()`)
 * @param options.period - step length in seconds (default 30)
 * @param options.epoch - T0 in seconds (default 0)
 * @param options.digits - code length, 6 to 10 (default 6)
 * @param options.algorithm - HMAC hash (default 'SHA1')
 * @returns the code, `digits` decimal digits with leading zeros
 * @throws OTPError `ERR_INVALID_OPTION` for bad options (or a timestamp before epoch), `ERR_INVALID_SECRET`,
 *   `ERR_CRYPTO_UNAVAILABLE`
 * @example
 * const code = await generateTOTP(secret, { timestamp: Date.now() })
 * @see RFC 6238 §4 (algorithm), Appendix B (test vectors)
 */
export async function generateTOTP(secret: Secret, options?: TOTPOptions): Promise<string> {
  const opts = readOptions(options)
  const settings = totpSettings(opts)
  const key = await resolveKey(secret, settings.algorithm)
  return truncate(await key.sign(counterBytes(settings.step)), settings.digits)
}

/**
 * Checks a TOTP code typed by a user, across a small window of time steps.
 *
 * Checks the likeliest step first (now, then now - 1, now + 1, now - 2, ...) and stops at the first match, so a
 * valid code usually costs one HMAC; a wrong code computes every step of the window (concurrently, after the first),
 * so its timing tells nothing the result does not. Every comparison is constant-time. A code valid at two fresh
 * steps (about 1 in 10^6 per pair) resolves to the one nearer now, the earlier on a tie. Pass the last accepted step
 * as `afterStep` so that a code is never accepted twice: a code matching only it or earlier steps is `replayed`.
 *
 * > [!WARNING]
 * > Store `result.step` and pass it back as `afterStep`, and throttle failures: without both, a code can be replayed
 * > within its window and 6 digits can be guessed. `createMFA` does both for you.
 *
 * @param secret - the shared secret, raw bytes or a key from {@link importSecret}
 * @param code - what the user typed; whitespace is ignored, anything else non-numeric is `malformed`
 * @param options.window - steps accepted before and after now (default 1 each way, at most 10)
 * @param options.afterStep - the last step accepted before; it and earlier steps are `replayed`
 * @param options.timestamp - milliseconds since the Unix epoch (default `Date.now()`)
 * @returns `{ valid: true, step, delta }` with the matched step and its distance from now in steps, or
 *   `{ valid: false, reason }` with `malformed`, `mismatch` or `replayed`
 * @throws OTPError for developer misuse only (bad options or secret; a window reaching past step 2^53 - 1, which only
 *   a far-future timestamp with a tiny period reaches), never for the code
 * @example
 * const result = await verifyTOTP(secret, '492039', { timestamp: Date.now(), afterStep: lastStep })
 * if (result.valid) lastStep = result.step
 * @see RFC 6238 §5.2 (window and replay)
 */
export async function verifyTOTP(secret: Secret, code: string, options?: VerifyTOTPOptions): Promise<VerifyTOTPResult> {
  const opts = readOptions(options)
  const settings = totpSettings(opts)
  const window = checkWindow(opts.window)
  const order = windowOrder(settings.step, window, checkAfterStep(opts.afterStep))
  const key = await resolveKey(secret, settings.algorithm)
  const typed = normalizeCode(code, settings.digits)
  if (typed === null) return { valid: false, reason: 'malformed' }
  return await matchWindow(key, typed, settings.digits, settings.step, order)
}
