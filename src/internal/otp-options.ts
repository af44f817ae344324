// The options and results of the HOTP and TOTP functions, declared once for both entries: `mfa-core` and
// `mfa-core/sync` take the same names, units and defaults (the sync entry takes no engine: it is one) and answer the
// same results. Types only, so importing them brings neither entry's code into the other. Not API by this path:
// each entry exports them.
import type { Algorithm, HOTPResult, TOTPResult } from './otp.js'

/**
 * The outcome of {@link verifyHOTP}: the matched counter (store `counter + 1n`), or why it failed.
 *
 * @reexport
 */
export type VerifyHOTPResult = HOTPResult

/**
 * The outcome of {@link verifyTOTP}: the matched step (store it as `afterStep`), or why it failed.
 *
 * @reexport
 */
export type VerifyTOTPResult = TOTPResult

/** Options of {@link generateHOTP}. */
export interface HOTPOptions {
  /** HMAC hash (default 'SHA1', or the key's algorithm for an {@link OTPKey}). */
  algorithm?: Algorithm
  /** Code length, 6 to 10 (default 6). */
  digits?: number
}

/** Options of {@link verifyHOTP}. */
export interface VerifyHOTPOptions extends HOTPOptions {
  /** Counters after `counter` also accepted, 0 to 100 (default 0): RFC 4226 §7.4's look-ahead window. */
  lookAhead?: number
}

/** Options of {@link generateTOTP}. */
export interface TOTPOptions {
  /** HMAC hash (default 'SHA1', or the key's algorithm for an {@link OTPKey}). */
  algorithm?: Algorithm
  /** Code length, 6 to 10 (default 6). */
  digits?: number
  /** Time step X, in seconds (default 30). */
  period?: number
  /** T0, the Unix time in seconds when step 0 starts (default 0). */
  epoch?: number
  /** The time to compute at, in milliseconds since the Unix epoch (default `Date.now()`). */
  timestamp?: number
}

/** Options of {@link verifyTOTP}. */
export interface VerifyTOTPOptions extends TOTPOptions {
  /** Steps accepted around now: a number for both sides, or `{ past, future }`; 0 to 10 each (default 1). */
  window?: number | { past?: number; future?: number }
  /** Replay guard: a code of this step or an earlier one is `replayed` (default -1: none). */
  afterStep?: number
}
