/**
 * mfa-core/sync: the OTP functions of `mfa-core`, synchronous, on a pure-TypeScript HMAC engine (SHA-1, SHA-256,
 * SHA-512). Same names, options, results and errors as the root entry, returning values instead of promises; for
 * runtimes without `crypto.subtle` (React Native's Hermes, QuickJS, plain-http pages) and for hot verification loops.
 *
 * @packageDocumentation
 */
export { decodeBase32, encodeBase32 } from '../base32.js'
export { isOTPError, OTPError, type OTPErrorCode } from '../errors.js'
export type { Algorithm } from '../internal/otp.js'
export type {
  HOTPOptions,
  TOTPOptions,
  VerifyHOTPOptions,
  VerifyHOTPResult,
  VerifyTOTPOptions,
  VerifyTOTPResult,
} from '../internal/otp-options.js'
export { generateHOTP, verifyHOTP } from './hotp.js'
export { importSecret, OTPKey, type Secret, syncEngine } from './key.js'
export { generateTOTP, verifyTOTP } from './totp.js'
