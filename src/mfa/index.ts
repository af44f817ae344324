// The MFA service: enrollment with two consecutive codes, login, disable, reset, recovery codes.
export type { MFAEncryptionKeys } from './encryption.js'
export type { MFAEvent, MFAEventType, MFAOperation } from './events.js'
export type { CodeReason, ConfirmReason } from './machine.js'
export { DEFAULT_POLICY, type MFAAlgorithm, type MFAPolicy } from './policy.js'
export type { ActiveAuthenticator, MFARecord, PendingEnrollment, StoredSecret } from './record.js'
export {
  type ConfirmEnrollmentResult,
  createMFA,
  type DisableResult,
  type MFA,
  type MFAEnrollment,
  type MFAOptions,
  type MFAStatus,
  type RegenerateResult,
  type VerifyResult,
} from './service.js'
