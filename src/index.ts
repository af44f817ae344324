/**
 * mfa-core: authenticator-app MFA for every JavaScript runtime.
 *
 * @packageDocumentation
 */
export { decodeBase32, encodeBase32 } from './base32.js'
export { isOTPError, OTPError, type OTPErrorCode } from './errors.js'
export {
  generateHOTP,
  type HOTPOptions,
  type Secret,
  type VerifyHOTPOptions,
  type VerifyHOTPResult,
  verifyHOTP,
} from './hotp.js'
export type { HMACEngine, HMACSigner } from './internal/engine.js'
export { MAX_NAME_LENGTH, MAX_PERIOD, MIN_PERIOD } from './internal/limits.js'
export type { Algorithm } from './internal/otp.js'
export {
  type ActiveAuthenticator,
  type CodeReason,
  type ConfirmEnrollmentResult,
  type ConfirmReason,
  createMFA,
  DEFAULT_POLICY,
  type DisableResult,
  type MFA,
  type MFAAlgorithm,
  type MFAEncryptionKeys,
  type MFAEnrollment,
  type MFAEvent,
  type MFAEventType,
  type MFAOperation,
  type MFAOptions,
  type MFAPolicy,
  type MFARecord,
  type MFAStatus,
  type PendingEnrollment,
  type RegenerateResult,
  type StoredSecret,
  type VerifyResult,
} from './mfa/index.js'
export {
  generateSecret,
  importSecret,
  MAX_SECRET_BYTES,
  MIN_SECRET_BYTES,
  OTPKey,
} from './secret.js'
export { type MemoryStoreOptions, memoryStore } from './storage/memory.js'
export type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './storage/store.js'
export { generateTOTP, type TOTPOptions, type VerifyTOTPOptions, type VerifyTOTPResult, verifyTOTP } from './totp.js'
export {
  createKeyURI,
  formatKeyForManualEntry,
  type KeyURIParams,
  type ParsedKeyURI,
  type ParseKeyURIOptions,
  parseKeyURI,
} from './uri.js'
