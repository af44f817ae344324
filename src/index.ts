/**
 * mfa-core: authenticator-app MFA for every JavaScript runtime.
 *
 * @packageDocumentation
 */
export { decodeBase32, encodeBase32 } from './base32.js'
export { isOTPError, OTPError, type OTPErrorCode } from './errors.js'
export { generateHOTP, verifyHOTP } from './hotp.js'
export type { HMACEngine, HMACSigner } from './internal/engine.js'
export { MAX_NAME_LENGTH, MAX_PERIOD, MIN_PERIOD } from './internal/limits.js'
export type { Algorithm } from './internal/otp.js'
export type {
  HOTPOptions,
  TOTPOptions,
  VerifyHOTPOptions,
  VerifyHOTPResult,
  VerifyTOTPOptions,
  VerifyTOTPResult,
} from './internal/otp-options.js'
export {
  type Authenticator,
  type AuthenticatorInfo,
  type BeginEnrollmentResult,
  type CancelEnrollmentResult,
  type CheckCodeOptions,
  type CheckCodeReason,
  type CheckCodeResult,
  type CheckProofResult,
  type CodeReason,
  type ConfirmEnrollmentResult,
  type ConfirmReason,
  createMFA,
  DEFAULT_POLICY,
  type DeviceEntry,
  type DeviceReason,
  type DisableResult,
  type EnrollReason,
  type ImportOptions,
  type ImportResult,
  type KeyMaterial,
  type MFA,
  type MFAAlgorithm,
  type MFAEncryptionKeys,
  type MFAEvent,
  type MFAEventType,
  type MFAOperation,
  type MFAOptions,
  type MFAPolicy,
  type MFAProof,
  type MFARecord,
  type MFAStatus,
  type PendingCode,
  type PendingEnrollment,
  type PendingEnrollmentInfo,
  type ProofBinding,
  type ProofChange,
  type ProofKeyEntry,
  type ProofKeyOption,
  type ProofMethod,
  type ProofReason,
  type RecordMAC,
  type RecoveryDigests,
  type Refusal,
  type RefusalReason,
  type RegenerateResult,
  type RemoveReason,
  type RemoveResult,
  type ResyncReason,
  type ResyncResult,
  type RevokedDevice,
  type RewriteResult,
  type SealedCodes,
  type SealedSecret,
  type SendCodeOptions,
  type SendCodeReason,
  type SendCodeResult,
  type StepUpReason,
  type StoredSecret,
  type TrustedDevice,
  type TrustedDeviceGrant,
  type TrustedDeviceInfo,
  type TrustedDeviceResult,
  type UnsavedRecovery,
  type UnsavedRecoveryCodes,
  type VerificationChannel,
  type VerificationCodeMessage,
  type VerificationState,
  type VerifyGrants,
  type VerifyOptions,
  type VerifyResult,
} from './mfa/index.js'
export {
  generateSecret,
  importSecret,
  MAX_SECRET_BYTES,
  MIN_SECRET_BYTES,
  OTPKey,
  type Secret,
} from './secret.js'
export { type MemoryStoreOptions, memoryStore } from './storage/memory.js'
export type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './storage/store.js'
export { generateTOTP, verifyTOTP } from './totp.js'
export {
  createKeyURI,
  formatKeyForManualEntry,
  type KeyURIParams,
  type ParsedKeyURI,
  type ParseKeyURIOptions,
  parseKeyURI,
} from './uri.js'
