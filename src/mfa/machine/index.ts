// The MFA state machine: every product rule, as pure functions of (record, gate, evidence, now, policy).
// No I/O, no clock, no randomness, no crypto. A gate says whether an operation can be checked now and what the
// evidence side must compute (which steps of which authenticator); the evidence says what the user's input is;
// the functions here decide what it means and return the result, the record to write and the events.
//
// One concept a file: types (transitions, refusals, reasons), gates, refusal (the failure budget), prove (a code
// consumed), step-up (proofs), login, enrollment, authenticators, recovery-codes, turn-off (disable, reset),
// trusted-devices, drift (resync), record-expiry, status.

export { DEFAULT_LABEL } from '../record.js'
export {
  type AuthenticatorInfo,
  type ImportedSecret,
  importAuthenticator,
  importGate,
  list,
  removeAuthenticator,
  removeGate,
  rename,
} from './authenticators.js'
export { type ResyncGate, type ResyncRefusal, resync, resyncCandidates } from './drift.js'
export {
  begin,
  type ConfirmEvidence,
  type ConfirmGate,
  type ConfirmSuccess,
  confirm,
  confirmGate,
  enrollGate,
  type NewSecret,
} from './enrollment.js'
export { type Candidate, type ClosedGate, type CodeGate, codeGate, deviceGate, proofGate, stepAt } from './gates.js'
export { type CodeSuccess, type FreshDevice, type VerifyExtras, type VerifySuccess, verify } from './login.js'
export { type CodeEvidence, type Proved, prove } from './prove.js'
export { expiry, isEmpty, TOMBSTONE_TTL_MS } from './record-expiry.js'
export { regenerateRecoveryCodes } from './recovery-codes.js'
export { fail, refuse } from './refusal.js'
export { type MFAStatus, status } from './status.js'
export { checkProof, type ProofEvidence, proveStepUp } from './step-up.js'
export {
  type DeviceTokenReason,
  revokeTrustedDevice,
  revokeTrustedDevices,
  trustedDevices,
  useTrustedDevice,
} from './trusted-devices.js'
export { disable, reset } from './turn-off.js'
export type {
  CodeReason,
  ConfirmReason,
  EnrollReason,
  NeedsRecovery,
  ProofReason,
  Refusal,
  RemoveReason,
  StepUpReason,
  Transition,
} from './types.js'
