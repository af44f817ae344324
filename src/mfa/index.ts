// The MFA service: several authenticators per user, enrollment with two consecutive codes, import, login, a proof
// before every change, disable, reset, recovery codes.

export type {
  AuthenticatorInfo,
  BeginEnrollmentResult,
  CheckProofResult,
  ConfirmEnrollmentResult,
  DisableResult,
  ImportOptions,
  ImportResult,
  MFA,
  MFAOptions,
  MFAProof,
  MFAStatus,
  RegenerateResult,
  RemoveResult,
  ResyncResult,
  TrustedDeviceGrant,
  TrustedDeviceResult,
  VerifyGrants,
  VerifyOptions,
  VerifyResult,
} from './api.js'
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
} from './machine/index.js'
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
export { createMFA } from './service.js'
