// The MFA state machine: every product rule, as pure functions of (record, gate, evidence, now, policy).
// No I/O, no clock, no randomness, no crypto, no codec. A gate says whether an operation can be checked now and what
// the evidence side must compute (which steps of which authenticator); the evidence says what the user's input is;
// the functions here decide what it means (a closed gate included) and return the result, the record to write and
// the events.
//
// One concept a file: types (transitions), gates, refusal (the failure budget), prove (a code consumed), step-up
// (proofs), login, enrollment, authenticators, recovery-codes, security-change (what every security change does),
// turn-off (disable, reset), trusted-devices, resync, keys (which keys a record needs, the rewrite), security-keys
// (WebAuthn: registration, challenges) over key-assertions (an assertion proved, the WebAuthn state kept tidy),
// verification-codes (email and SMS codes, the identity proof of a first enrollment), record-expiry, status.

export {
  type ImportedSecret,
  type ImportSuccess,
  importAuthenticator,
  importGate,
  list,
  removeAuthenticator,
  removeGate,
  rename,
} from './authenticators.js'
export {
  begin,
  type ConfirmClosed,
  type ConfirmEvidence,
  type ConfirmGate,
  type ConfirmSuccess,
  cancelEnrollment,
  confirm,
  confirmGate,
  enrollGate,
  type NewSecret,
  pendingEnrollment,
} from './enrollment.js'
export {
  type Candidate,
  type ClosedGate,
  type CodeGate,
  codeGate,
  deviceGate,
  proofGate,
  refuseClosed,
  stepAt,
} from './gates.js'
export {
  dropRegistration,
  type KeyEvidence,
  keyRequirementMet,
  proveKey,
  pruneKeyState,
} from './key-assertions.js'
export { keyIds, rewrite } from './keys.js'
export { type CodeSuccess, type VerifyExtras, type VerifySuccess, verify } from './login.js'
export { type CodeEvidence, prove } from './prove.js'
export { expiry, forgetStale, isEmpty } from './record-expiry.js'
export {
  acknowledgeRecoveryCodes,
  liveUnsaved,
  type RepeatedConfirmation,
  regenerateRecoveryCodes,
  repeatConfirmation,
  type SealedShown,
  type ShownCodes,
  unsavedFor,
  unsavedRecoveryCodes,
} from './recovery-codes.js'
export { fail, refuse } from './refusal.js'
export {
  decideResync,
  type ResyncAuthenticator,
  type ResyncDecision,
  type ResyncEvidence,
  type ResyncGate,
  resync,
  resyncGate,
  resyncSteps,
} from './resync.js'
export { cancelled, securityChange } from './security-change.js'
export {
  beginKeyRegistration,
  type ChallengeIssued,
  challengeGate,
  DEFAULT_KEY_LABEL,
  type FinishClosed,
  type FinishGate,
  finishGate,
  finishKeyRegistration,
  issueChallenge,
  type KeyRegistered,
  type KeyRegistrationStarted,
  type NewKeyRegistration,
  type RegisteredKey,
  type RegistrationEvidence,
} from './security-keys.js'
export { status } from './status.js'
export {
  checkProof,
  decideProof,
  type OpenedProof,
  type ProofClaims,
  type ProofDecision,
  type ProofEvidence,
  type ProofFacts,
  proveStepUp,
} from './step-up.js'
export {
  type DeviceRefusal,
  type FreshDevice,
  listDevices,
  type PresentedDevice,
  revokeAllDevices,
  revokeDevice,
  revokeTrustedDevice,
  revokeTrustedDevices,
  trustDevice,
  trustedDevices,
  useDevice,
  useTrustedDevice,
} from './trusted-devices.js'
export { disable, reset } from './turn-off.js'
export type { FreshRecoveryCodes, NeedsRecovery, Proved, Refusal, Transition } from './types.js'
export {
  type CodeCheckGate,
  type CodeCheckRefusal,
  type CodeCheckSuccess,
  checkCode,
  codeCheckGate,
  forgetStaleCodes,
  type IdentityRefusal,
  identityRefusal,
  type NewCode,
  type SendDecision,
  sendCode,
  type TypedCodeEvidence,
  voidUndelivered,
  withVerification,
} from './verification-codes.js'
