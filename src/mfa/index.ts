// The MFA service: several authenticators per user, enrollment with two consecutive codes, import, login, a proof
// before every change, disable, reset, recovery codes.

export type { DeviceReason, TrustedDeviceInfo } from './device.js'
export type { MFAEncryptionKeys } from './encryption.js'
export type { MFAEvent, MFAEventType, MFAOperation } from './events.js'
export type {
  CodeReason,
  ConfirmReason,
  DeviceTokenReason,
  EnrollReason,
  ProofReason,
  Refusal,
  RemoveReason,
  ResyncRefusal,
  StepUpReason,
} from './machine.js'
export { DEFAULT_POLICY, type MFAAlgorithm, type MFAPolicy } from './policy.js'
export type { ProofKeyEntry, ProofKeyOption } from './proof.js'
export type {
  Authenticator,
  DeviceEntry,
  MFARecord,
  PendingEnrollment,
  RecoveryDigests,
  RevokedDevice,
  StoredSecret,
  TrustedDevice,
} from './record.js'
export type { ResyncReason } from './resync.js'
export {
  type AuthenticatorInfo,
  type BeginEnrollmentResult,
  type CheckProofResult,
  type ConfirmEnrollmentResult,
  createMFA,
  type DisableResult,
  type ImportOptions,
  type ImportResult,
  type MFA,
  type MFAOptions,
  type MFAProof,
  type MFAStatus,
  type RegenerateResult,
  type RemoveResult,
  type ResyncResult,
  type TrustedDeviceGrant,
  type TrustedDeviceResult,
  type VerifyGrants,
  type VerifyOptions,
  type VerifyResult,
} from './service.js'
