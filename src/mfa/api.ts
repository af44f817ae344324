// The MFA service as its users see it: every public type of the service in one file. The MFA interface that
// createMFA returns, its options and policy, what its methods take and answer (results, refusal reasons, status,
// authenticator and device info) and the events it emits. createMFA is in service.ts; the machine, the codecs and
// the operations import these as types.
import type { HMACEngine } from '../internal/engine.js'
import type { Algorithm } from '../internal/otp.js'
import type { MFAStore } from '../storage/store.js'
import type { AuthenticationOptionsJSON, RegistrationOptionsJSON, Requirement } from '../webauthn/options.js'

/** Hash algorithm of a TOTP secret, spelled as in otpauth:// URIs. */
export type MFAAlgorithm = Algorithm

/**
 * The rules an MFA service enforces. Every field has a default (see {@link DEFAULT_POLICY}); pass only what you change.
 *
 * @example
 * const mfa = createMFA({ store, issuer: 'Example Cloud', policy: { maxFailures: 3, lockMaxMs: 60 * 60_000 } })
 */
export interface MFAPolicy {
  /** HMAC algorithm of new secrets (default `'SHA1'`: the only one every authenticator app supports). */
  algorithm: MFAAlgorithm
  /** Digits per code, 6 to 8 (default 6). */
  digits: number
  /** Time step in seconds (default 30). */
  period: number
  /** Length of new secrets in bytes, 16 to 64 (default 20, RFC 4226 §4 recommends 20). */
  secretBytes: number
  /** How long a pending enrollment may be confirmed, in milliseconds (default 10 minutes, at most a week). */
  enrollmentTTLMs: number
  /** Steps around now accepted for the second enrollment code (default 2 back, 1 ahead; at most 5 back, 4 ahead). */
  enrollmentWindow: { past: number; future: number }
  /** Steps each way accepted at login, centred on the recorded drift (default 1). */
  loginWindow: number
  /** Consecutive failed codes before the user is locked (default 5). */
  maxFailures: number
  /** First lock duration in milliseconds; each further failure doubles it (default 30 s). */
  lockBaseMs: number
  /** Longest lock in milliseconds (default 15 minutes). */
  lockMaxMs: number
  /** Failed confirmations before a pending enrollment is locked until it expires or is begun again (default 5). */
  maxEnrollmentAttempts: number
  /** Recovery codes issued at activation and on regeneration (default 10). */
  recoveryCodes: number
  /** Authenticators a user may have, 1 to 100 (default 8, as AWS IAM); more are refused with `limit_reached`. */
  maxAuthenticators: number
  /**
   * Trusted devices kept per user, 1 to 50 (default 10); trusting one more revokes the oldest. Revoked ones are
   * remembered up to the same number, so a record holds at most 100 device entries.
   */
  maxTrustedDevices: number
  /** Lifetime of a trusted device in milliseconds, 1 minute to 400 days (default 30 days); `trustDevice.ttlMs` overrides it. */
  trustedDeviceTTLMs: number
  /** Steps each way `resync` searches around an authenticator's drift, 1 to 40 (default 10). */
  resyncWindow: number
  /**
   * How long newly issued recovery codes can be shown again until the user acknowledges them, in milliseconds
   * (default 15 minutes, at most a day; 0: shown once, never again). See {@link MFA.unsavedRecoveryCodes}.
   */
  unsavedRecoveryCodesTTLMs: number
  /**
   * Which proof methods may authorize which change: for each of `enroll` (add an authenticator), `remove`,
   * `regenerate` (recovery codes) and `disable`, the methods (`totp`, `recovery`) whose code, or whose step-up proof,
   * is accepted; any other is refused as `method_not_allowed` (nothing consumed, nothing counted). Default: every
   * method for every change; a change not named keeps every method.
   *
   * @example
   * // a stolen recovery code (or a proof made with one) may turn MFA off, loudly, but not add the thief's phone
   * const policy = { proofMethods: { enroll: ['totp'] } }
   */
  proofMethods: Readonly<Partial<Record<ProofChange, readonly ProofMethod[]>>>
  /**
   * The changes that a user who has a security key must prove with it (an assertion, or a step-up proof made with
   * one) or with a recovery code, the last resort: a code of an authenticator app, which a phishing page can relay,
   * is then refused as `method_not_allowed`. Users without a key prove as before. Default: none.
   *
   * @example
   * // a phished app code cannot remove the user's key or turn MFA off
   * const policy = { requireSecurityKeyFor: ['remove', 'disable'] }
   */
  requireSecurityKeyFor: readonly ProofChange[]
  /**
   * What a security key's signature counter that did not grow means (either side non-zero): `'refuse'` (default)
   * refuses the sign-in as `cloned`, counted as a failure; `'report'` accepts it (for deployments whose passkeys
   * are synced and count per device). Both emit the `cloned` event.
   */
  counterRegression: 'refuse' | 'report'
  /**
   * How long a sign-in challenge of {@link MFA.challenge} may be answered, in milliseconds (default 5 minutes, 10
   * seconds to 1 hour); it is also the browser's `timeout`.
   */
  challengeTTLMs: number
  /** Digits of a verification code sent by email or SMS, 6 to 10 (default 6), uniform from the CSPRNG. */
  verificationCodeLength: number
  /** How long a verification code may be used, in milliseconds: 1 minute to 1 hour (default 10 minutes). */
  verificationCodeTTLMs: number
  /** Wrong attempts a verification code survives before it is void, 1 to 10 (default 3); each also counts against `maxFailures`. */
  verificationCodeAttempts: number
  /** Shortest wait between two codes sent to a user, in milliseconds: 0 to 1 hour (default 60 s). */
  verificationCodeCooldownMs: number
  /** Codes sent to a user in any hour, 1 to 100 (default 5); more are refused with `limit_reached`. */
  verificationCodesPerHour: number
  /**
   * A user with no authenticator must present a fresh step-up proof of a verification code sent for the purpose
   * `'enroll'` (`{ proof, maxAgeMs }`) to `beginEnrollment` or `beginSecurityKeyRegistration`: the identity check
   * before the first binding (default false: the application checks identity its own way).
   */
  requireIdentityProof: boolean
}

/**
 * How a proof was made: a code of an authenticator app, a recovery code, or a security key's signature
 * (`webauthn`). A verification code's proof says `email` or `sms` ({@link VerificationChannel}); it is no
 * {@link ProofMethod}: it never authorizes a change to MFA.
 */
export type ProofMethod = 'totp' | 'recovery' | 'webauthn'

/** What kind of authenticator an entry is: an authenticator app (`totp`) or a security key or passkey. */
export type AuthenticatorKind = 'totp' | 'webauthn'

/** Where a verification code goes: an email address or a phone number (E.164) able to receive SMS. */
export type VerificationChannel = 'email' | 'sms'

/** A change that needs a proof: add an authenticator, remove one, regenerate recovery codes, turn MFA off. */
export type ProofChange = 'enroll' | 'remove' | 'regenerate' | 'disable'

/**
 * AES-GCM keys for secrets at rest: new writes use `keys[current]`; any id in `keys` still decrypts, so keys can
 * be rotated by adding a new one, making it current, and removing the old one once every record was rewritten.
 *
 * @example
 * const encryptionKeys = { current: '2026-11', keys: { '2026-11': key32Bytes, '2026-01': olderKeyAsBase64 } }
 */
export interface MFAEncryptionKeys {
  /** The id of the key used for every write. */
  current: string
  /** Key id to a key of 16, 24 or 32 bytes. Ids: 1 to 64 characters of `A-Z a-z 0-9 . _ -`. */
  keys: Readonly<Record<string, KeyMaterial>>
}

/**
 * A key of `encryptionKeys` or `proofKey`: its raw bytes, or their base64url or base64 text (RFC 4648 §5, §4;
 * padding optional, whitespace around it ignored), which is how an environment variable or a Workers secret holds a
 * key. Hex text is refused rather than read as base64. Generate one with `openssl rand -base64 32`.
 *
 * @example
 * declare const env: { MFA_ENCRYPTION_KEY: string } // a Workers binding (in Node, the environment variable)
 * const encryptionKeys = { current: 'k1', keys: { k1: env.MFA_ENCRYPTION_KEY } }
 */
export type KeyMaterial = Uint8Array | string

/** One signing key of the `proofKey` option of `createMFA`: an id (carried in every proof it signs) and 32+ random bytes. */
export interface ProofKeyEntry {
  /** 1 to 16 characters of `A-Z a-z 0-9 . _ -`. */
  readonly id: string
  /** At least 32 random bytes (at most 1024), or their base64url or base64 text. */
  readonly key: KeyMaterial
}

/**
 * The `proofKey` option of `createMFA`: 32 or more random bytes (the same as `[{ id: '0', key }]`), or several
 * keys with ids for rotation. The first key signs new proofs; every listed key still opens the proofs it signed.
 * Rotate by putting a new key first and dropping the old one once its proofs are past their maximum age.
 *
 * @example
 * const proofKey = [{ id: '2026-12', key: newKey32 }, { id: '2026-06', key: oldKey32 }]
 */
export type ProofKeyOption = KeyMaterial | readonly ProofKeyEntry[]

/**
 * What happened (`authenticatorId` names the authenticator concerned, where there is one):
 * - `enrollment_started`: `beginEnrollment` created a pending enrollment
 * - `enrollment_cancelled`: a pending enrollment went unconfirmed (`authenticatorId`; `reason`: `user` for
 *   `cancelEnrollment`, `security` when a removal, a recovery-code regeneration or `disable` cancelled it)
 * - `enrolled`: two consecutive codes confirmed the user's first authenticator; MFA is active
 * - `authenticator_added`: two consecutive codes confirmed a further authenticator
 * - `authenticator_removed`: `removeAuthenticator` removed one (or a 0.1.0 rotation replaced it)
 * - `authenticator_renamed`: `renameAuthenticator` changed a label
 * - `imported`: `importAuthenticator` added an active authenticator
 * - `verified`: a code was accepted (`method`: `'totp'` or `'recovery'`)
 * - `failed`: a code or a confirmation was refused (`reason`, e.g. `invalid`, `malformed`, `locked`)
 * - `replay_rejected`: a code of an already used time step was refused
 * - `locked`: too many failures; codes are not checked for `retryAfterMs` (or, for a pending enrollment, until
 *   it expires or is begun again)
 * - `disabled`: MFA was turned off with a proof (or the last authenticator was removed)
 * - `reset`: support removed everything (`actor`, `reason` as passed to `reset`)
 * - `recovery_used`: a recovery code was spent (`recoveryCodesLeft`)
 * - `recovery_regenerated`: a new set of recovery codes replaced the old one
 * - `proof_issued`: `verify(..., { proof: true })` handed out a step-up proof (`method`, `authenticatorId`)
 * - `device_trusted`: `verify(..., { trustDevice })` trusted a device (`deviceId`)
 * - `device_revoked`: a trusted device was revoked (`deviceId`; `reason`: `user`, `limit` when the cap pushed it
 *   out, `security` when disable, reset, a removal or a recovery regeneration revoked every device, or `reuse` when a
 *   token its rotation had replaced came back: someone holds a copy)
 * - `resynced`: `resync` set an authenticator's drift (`authenticatorId`, `drift` in steps)
 * - `cloned`: a security key signed with a counter that did not grow (`authenticatorId`): a copy of the key may
 *   exist; refused as `cloned` unless `policy.counterRegression` is `'report'`
 * - `code_sent`: `sendVerificationCode` stored a new code and hands it to `sendCode` (`method`: `'email'` or
 *   `'sms'`, `purpose`, `destination` masked); a code that `sendCode` failed to deliver is voided (event `failed`,
 *   `reason: 'delivery_failed'`)
 * - `code_verified`: `checkVerificationCode` accepted a code (`method`, `purpose`, `destination` masked); its wrong
 *   codes are `failed` events with `method: 'email'` or `'sms'`
 *
 * Events about an authenticator carry its `kind` (`totp`, `webauthn`); `verified` and `failed` of a security key
 * carry `method: 'webauthn'`. No event ever holds a challenge, a signature, a public key or an assertion.
 *
 * `verified` with `method: 'device'` is a trusted device's token accepted (`deviceId`).
 */
export type MFAEventType =
  | 'enrollment_started'
  | 'enrollment_cancelled'
  | 'enrolled'
  | 'authenticator_added'
  | 'authenticator_removed'
  | 'authenticator_renamed'
  | 'imported'
  | 'verified'
  | 'failed'
  | 'replay_rejected'
  | 'locked'
  | 'disabled'
  | 'reset'
  | 'recovery_used'
  | 'recovery_regenerated'
  | 'proof_issued'
  | 'device_trusted'
  | 'device_revoked'
  | 'resynced'
  | 'cloned'
  | 'code_sent'
  | 'code_verified'

/** The service call that produced an event. */
export type MFAOperation =
  | 'enroll'
  | 'confirm'
  | 'cancel_enrollment'
  | 'verify'
  | 'disable'
  | 'regenerate'
  | 'reset'
  | 'remove'
  | 'rename'
  | 'import'
  | 'device'
  | 'revoke_device'
  | 'resync'
  | 'recovery_codes'
  | 'rewrite'
  | 'challenge'
  | 'send_code'
  | 'check_code'

/**
 * An audit event passed to `onEvent`. It never contains a secret, a code or a recovery code.
 *
 * @example
 * createMFA({ store, issuer: 'Example', onEvent: (e) => audit.write(`${e.at} ${e.userId} ${e.type} ${e.reason ?? ''}`) })
 */
export interface MFAEvent {
  type: MFAEventType
  userId: string
  /** When, in milliseconds since the Unix epoch (from the service's clock). */
  at: number
  operation: MFAOperation
  /** Why it failed (a reason code), or the free text support gave to `reset`. */
  reason?: string
  method?: 'totp' | 'recovery' | 'device' | 'webauthn' | VerificationChannel
  /** The kind of authenticator concerned (`authenticator_added`, `enrolled`, `verified`, `failed`, ...). */
  kind?: AuthenticatorKind
  /**
   * For a refused security-key response, what exactly was wrong (`bad_signature`, `challenge_mismatch`,
   * `origin_mismatch`, `rp_id_mismatch`, `user_not_present`, `user_not_verified`, `backup_state_invalid`,
   * `credential_mismatch`, ...): the result says only `invalid`, as for a wrong code.
   */
  detail?: string
  retryAfterMs?: number
  recoveryCodesLeft?: number
  /** Who ran `reset`. */
  actor?: string
  /** The authenticator concerned (its id, never its secret). */
  authenticatorId?: string
  /** The trusted device concerned (its id, never its token). */
  deviceId?: string
  /** The drift `resync` set, in steps (+: the phone is ahead). */
  drift?: number
  /** The purpose a verification code was sent for (`code_sent`, `code_verified`, their failures). */
  purpose?: string
  /** Where a verification code went, masked (`a•••@example.com`, `•••• 1234`); never the full address or number. */
  destination?: string
}

/** Why `verify`, or a code given as a proof for another operation, was refused. */
export type CodeReason = 'malformed' | 'invalid' | 'replayed' | 'locked' | 'not_enrolled' | 'cloned'
/**
 * Why a step-up proof given instead of a code was refused: too old (`proof_expired`), voided by a change since
 * (`proof_revoked`), or not a genuine proof of this service for this user (`proof_invalid`).
 */
export type StepUpReason = 'proof_expired' | 'proof_revoked' | 'proof_invalid'
/**
 * Why an operation that needs a proof was refused: the code reasons, no proof given, a refused step-up proof
 * (`proof_invalid` also covers one bound to another session), or a proof whose method `policy.proofMethods` does not
 * accept for this change (`method_not_allowed`).
 */
export type ProofReason = CodeReason | StepUpReason | 'proof_required' | 'method_not_allowed'
/**
 * Why `beginEnrollment` or `beginSecurityKeyRegistration` refused; `purpose_mismatch`: under `policy.requireIdentityProof`, the proof comes from a code
 * sent for another purpose than `'enroll'`.
 */
export type EnrollReason = ProofReason | 'limit_reached' | 'purpose_mismatch'
/** Why `removeAuthenticator` refused. */
export type RemoveReason = ProofReason | 'not_found'
/** Why `confirmEnrollment` refused. */
export type ConfirmReason =
  | 'malformed'
  | 'same_code'
  | 'reversed'
  | 'not_consecutive'
  | 'invalid'
  | 'enrollment_expired'
  | 'enrollment_locked'
  | 'locked'
  | 'not_pending'
  | 'limit_reached'
/**
 * Why `verifyTrustedDevice` refused: not a token (`device_malformed`), a device never trusted or forgotten
 * (`device_unknown`), revoked or its token rotated since (`device_revoked`), past its expiry (`device_expired`), or
 * the user is `locked` or has no authenticator (`not_enrolled`).
 */
export type DeviceReason =
  | 'device_malformed'
  | 'device_unknown'
  | 'device_expired'
  | 'device_revoked'
  | 'locked'
  | 'not_enrolled'
/** Why `resync` refused. */
export type ResyncReason = 'malformed' | 'same_code' | 'invalid' | 'replayed' | 'locked' | 'not_enrolled'
/**
 * Why `finishSecurityKeyRegistration` refused: not a browser's registration response (`malformed`), a response that
 * does not verify (`invalid`: the `failed` event's `detail` says why; the registration is spent), no registration
 * begun or it was finished or cancelled (`not_pending`), begun too long ago (`enrollment_expired`), a key this user
 * has registered already (`already_registered`), `limit_reached`, or the user is `locked`.
 */
export type RegisterKeyReason =
  | 'malformed'
  | 'invalid'
  | 'not_pending'
  | 'enrollment_expired'
  | 'already_registered'
  | 'limit_reached'
  | 'locked'
/** Why `challenge` answered no sign-in challenge: the user has no authenticator, or is locked. */
export type ChallengeReason = 'not_enrolled' | 'locked'

/**
 * Why `sendVerificationCode` refused: the last code went out less than `policy.verificationCodeCooldownMs` ago
 * (`too_soon`), `policy.verificationCodesPerHour` codes went out in the last hour (`limit_reached`), or the user is
 * `locked` out after failures. Nothing was sent; `retryAfterMs` says when a send can succeed.
 */
export type SendCodeReason = 'too_soon' | 'limit_reached' | 'locked'
/**
 * Why `checkVerificationCode` refused: not a code of the expected length (`malformed`, not counted), a wrong code
 * (`invalid`, counted), past its lifetime (`expired`), no code waiting (`no_code`: never sent, used, voided by a
 * newer one or by too many wrong attempts), a code sent for another purpose (`purpose_mismatch`, nothing compared),
 * or the user is `locked` out after failures.
 */
export type CheckCodeReason = 'malformed' | 'invalid' | 'expired' | 'no_code' | 'purpose_mismatch' | 'locked'

/** A refusal; `retryAfterMs` (ms) is set when the user is or just became locked. */
export type Refusal<Reason extends string> = { ok: false; reason: Reason; retryAfterMs?: number }

/**
 * Every reason the service refuses with. Each means one thing wherever it appears (docs/reasons.md lists them with
 * a message for users): `proof_*` are about a step-up proof, `enrollment_*` about a pending enrollment, `device_*`
 * about a trusted device's token; the others about codes and the user.
 */
export type RefusalReason =
  | EnrollReason
  | ConfirmReason
  | RemoveReason
  | DeviceReason
  | ResyncReason
  | RegisterKeyReason
  | ChallengeReason
  | SendCodeReason
  | CheckCodeReason

/** What the user has, for a settings page. Times in milliseconds since the Unix epoch. */
export interface MFAStatus {
  /**
   * `active`: codes are required; `pending`: a first enrollment awaits confirmation (an app's, or a security key's
   * registration begun); `none`: neither.
   */
  state: 'none' | 'pending' | 'active'
  /** When MFA was turned on. */
  enabledAt?: number
  /** How many authenticators the user has. */
  authenticators?: number
  recoveryCodesLeft?: number
  /** Set while the user is locked out of code checks. */
  lockedUntil?: number
  /** Expiry of a pending enrollment (a first one, or another authenticator being added). */
  pendingExpiresAt?: number
  /** The id the pending enrollment's authenticator gets when confirmed; set with `pendingExpiresAt`. */
  pendingAuthenticatorId?: string
  /**
   * A security key's registration begun and not yet finished (`beginSecurityKeyRegistration`): the id the key gets
   * and until when the browser's response is accepted (ms). For a user with no authenticator it makes `state`
   * `'pending'` too. {@link MFA.cancelEnrollment} cancels it.
   */
  pendingSecurityKey?: { authenticatorId: string; expiresAt: number }
  /** How many trusted devices (unexpired, unrevoked) the user has; absent when none. */
  trustedDevices?: number
  /** Until when recovery codes issued lately can be shown again ({@link MFA.unsavedRecoveryCodes}); absent when none. */
  unsavedRecoveryCodesUntil?: number
  /**
   * The ids of the encryption keys the stored record still needs (its sealed secrets, the key of its recovery
   * digests, its MAC), sorted; absent when it needs none. An old key can be retired once no record lists it:
   * {@link MFA.rewriteRecord} moves a record under the current key.
   */
  keyIds?: string[]
}

/**
 * One authenticator as `listAuthenticators` shows it: an authenticator app or a security key, never a secret or a
 * key's public key. Times in milliseconds since the Unix epoch.
 */
export type AuthenticatorInfo = TOTPAuthenticatorInfo | SecurityKeyInfo

/** An authenticator app in {@link MFA.listAuthenticators}. */
export interface TOTPAuthenticatorInfo {
  kind: 'totp'
  id: string
  label: string
  createdAt: number
  lastUsedAt: number | null
  algorithm: MFAAlgorithm
  digits: number
  period: number
}

/** A security key or passkey in {@link MFA.listAuthenticators}. */
export interface SecurityKeyInfo {
  kind: 'webauthn'
  id: string
  label: string
  createdAt: number
  lastUsedAt: number | null
  /** The transports the browser reported at registration (`usb`, `nfc`, `ble`, `internal`, `hybrid`, ...). */
  transports: string[]
  /** Whether the credential may be synced (a passkey), fixed at registration. */
  backupEligible: boolean
  /** Whether it was backed up when last used (or registered). */
  backedUp: boolean
  /** The authenticator model's AAGUID (all zeros when the browser hides it, as with attestation `none`). */
  aaguid: string
}

/**
 * The `webauthn` option of {@link createMFA}: the relying party security keys and passkeys are bound to.
 *
 * @example
 * const webauthn = { rpId: 'example.com', rpName: 'Example Cloud', origins: ['https://example.com'] }
 */
export interface WebAuthnOptions {
  /** The RP ID: the site's domain or a registrable suffix of it (`example.com`; never an IP address). */
  rpId: string
  /** What the browser may show as the site's name. */
  rpName: string
  /** The exact origins sign-in pages are served from, e.g. `['https://example.com']` (no trailing slash). */
  origins: readonly string[]
  /**
   * Ask for user verification (PIN, biometrics): `'preferred'` (default), `'required'` (a response without it is
   * refused as `invalid`, detail `user_not_verified`) or `'discouraged'`. Presence is always required.
   */
  userVerification?: Requirement
  /**
   * Ask for a discoverable credential (a passkey stored on the authenticator): `'discouraged'` (default: a second
   * factor needs none), `'preferred'` or `'required'`.
   */
  residentKey?: Requirement
}

/**
 * A security key's answer to `navigator.credentials.get()`, its `toJSON()` form as the sign-in page posted it
 * (`AuthenticationResponseJSON`). Typed loosely on purpose: it is user input, checked field by field.
 */
export interface SecurityKeyAssertion {
  id: string
  rawId: string
  type: string
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string | null }
  clientExtensionResults?: object
  authenticatorAttachment?: string | null
}

/**
 * A security key's answer to `navigator.credentials.create()`, its `toJSON()` form (`RegistrationResponseJSON`).
 */
export interface SecurityKeyRegistration {
  id: string
  rawId: string
  type: string
  response: { clientDataJSON: string; attestationObject: string; transports?: string[] }
  clientExtensionResults?: object
  authenticatorAttachment?: string | null
}

/** Result of {@link MFA.beginSecurityKeyRegistration}: pass `options` to the browser. */
export type BeginSecurityKeyResult =
  | {
      ok: true
      /** The id the key will have once registered. */
      authenticatorId: string
      /** `PublicKeyCredentialCreationOptionsJSON`, for `PublicKeyCredential.parseCreationOptionsFromJSON`. */
      options: RegistrationOptionsJSON
      /** When the registration expires, in milliseconds since the Unix epoch. */
      expiresAt: number
    }
  | Refusal<EnrollReason>

/** Result of {@link MFA.finishSecurityKeyRegistration}: recovery codes only for the user's first authenticator. */
export type FinishSecurityKeyResult =
  | { ok: true; authenticatorId: string; recoveryCodes: string[] }
  | Refusal<RegisterKeyReason>

/** Result of {@link MFA.challenge}: what the sign-in page offers, and the request options when the user has a key. */
export type ChallengeResult =
  | {
      ok: true
      /** What the user can sign in with, in this order: `webauthn`, `totp`, `recovery` (those they have). */
      methods: ('webauthn' | 'totp' | 'recovery')[]
      /** `PublicKeyCredentialRequestOptionsJSON` (for `parseRequestOptionsFromJSON`), when the user has a key. */
      options?: AuthenticationOptionsJSON
      /** When the challenge of `options` expires, in milliseconds since the Unix epoch. */
      expiresAt?: number
    }
  | Refusal<ChallengeReason>

/** A trusted device as `listTrustedDevices` shows it: never its token or digest. Times in ms since the Unix epoch. */
export interface TrustedDeviceInfo {
  /** Random, 16 letters; also the first part of its token. */
  id: string
  label: string
  createdAt: number
  lastUsedAt: number
  /** Fixed when the device is trusted; using the token does not extend it. */
  expiresAt: number
}

/** Options of {@link createMFA}. */
export interface MFAOptions {
  /** Where records live (default: a new {@link memoryStore} on the service's clock, for one process only). */
  store?: MFAStore
  /** Shown by authenticator apps above the account name, e.g. `'Example Cloud'`. */
  issuer: string
  /**
   * The clock, in milliseconds since the Unix epoch (default `Date.now`). Inject one in tests. It must return a
   * finite number within the Date range; anything else fails the operation with `ERR_INVALID_OPTION` and writes
   * nothing.
   */
  now?: () => number
  /** Changes to the {@link DEFAULT_POLICY}. */
  policy?: Partial<MFAPolicy>
  /**
   * Encrypt secrets at rest (AES-GCM), key the recovery-code digests and sign each record (HMAC-SHA-256 over the
   * whole record and its store key, under a key derived for this purpose); without it secrets are stored as base32
   * in clear, recovery digests are salted and slow (PBKDF2), and records carry no MAC. Keys are bytes or their base64
   * text ({@link KeyMaterial}); a key of the wrong length throws `ERR_INVALID_OPTION` here, never showing the key.
   */
  encryptionKeys?: MFAEncryptionKeys
  /**
   * With `encryptionKeys`: a migration window. Secrets stored in clear and records without a MAC (written without
   * keys, or by a release before the record MAC) are still read; each record is encrypted and signed on its next
   * write, or at once by {@link MFA.rewriteRecord}. Without it such a record is `ERR_RECORD_INVALID`, so nobody who can
   * write the database without the keys can plant a secret, a recovery code or a trusted device, or clear a lock. A
   * record whose MAC is wrong is refused even inside the window. Default false.
   */
  allowPlaintextSecrets?: boolean
  /** Receives audit events; its exceptions and rejections are swallowed. */
  onEvent?: (event: MFAEvent) => unknown
  /**
   * Prefix of store keys: a user's record is at `${keyPrefix}${userId}` (default `'mfa:'`). It is bound into
   * every sealed secret, so a record copied to another prefix does not open.
   */
  keyPrefix?: string
  /** Extra attempts after a compare-and-set conflict before failing with `ERR_STORAGE` (default 10). */
  maxRetries?: number
  /**
   * The HMAC engine for codes: WebCrypto by default; `syncEngine` from `mfa-core/sync` computes them in pure
   * TypeScript (faster in Node, where each WebCrypto call is a thread-pool round trip), and so does the record MAC
   * (with `encryptionKeys`). Recovery codes and encryption at rest still use WebCrypto.
   */
  engine?: HMACEngine
  /**
   * Signs step-up proofs (`verify(..., { proof: true })`, {@link MFA.checkProof}): 32 or more random bytes (or
   * their base64 text, {@link KeyMaterial}), or several `{ id, key }` for rotation (the first signs, all open). Without it, asking for a proof throws
   * `ERR_INVALID_OPTION`. Keep it secret like a session key; it never needs to be the same as `encryptionKeys`.
   */
  proofKey?: ProofKeyOption
  /**
   * Security keys and passkeys as authenticators ({@link MFA.beginSecurityKeyRegistration}, {@link MFA.challenge},
   * and assertions given to {@link MFA.verify} or as proofs). Without it those methods throw `ERR_INVALID_OPTION`.
   */
  webauthn?: WebAuthnOptions
  /**
   * Delivers a verification code: the application's mailer or SMS provider (mfa-core sends nothing itself). Called by
   * {@link MFA.sendVerificationCode} once the code's digest is stored; if it throws or rejects, that code is voided and
   * the error reaches the caller. Needs `encryptionKeys` or `proofKey` (the code's digest is keyed).
   */
  sendCode?: (message: VerificationCodeMessage) => unknown
}

/**
 * What `sendCode` delivers: the code (never stored, never returned to the application by any method) and where.
 *
 * @example
 * const sendCode = async ({ channel, destination, code, expiresAt }: VerificationCodeMessage) => {
 *   if (channel === 'email') await mailer.send(destination, `Your code: ${code}`, expiresAt)
 * }
 */
export interface VerificationCodeMessage {
  userId: string
  channel: VerificationChannel
  /** The full address or number, as given to `sendVerificationCode`. */
  destination: string
  /** The digits to deliver. */
  code: string
  /** What the code is for, as given to `sendVerificationCode`. */
  purpose: string
  /** When the code stops working, in milliseconds since the Unix epoch. */
  expiresAt: number
}

/** What {@link MFA.sendVerificationCode} takes. */
export interface SendCodeOptions {
  channel: VerificationChannel
  /** An email address (1 to 254 characters with one `@`), or a phone number in E.164 (`+` and 7 to 15 digits). */
  destination: string
  /**
   * What the code is for: 1 to 64 characters of `a-z 0-9 _ . : -`, starting with a letter. `'enroll'` is the identity
   * check `policy.requireIdentityProof` asks for; any other names the application's own operation.
   */
  purpose: string
}

/** Result of {@link MFA.sendVerificationCode}: when the code expires and when another may be sent (ms), or why not. */
export type SendCodeResult =
  | { ok: true; expiresAt: number; resendAfterMs: number }
  | { ok: false; reason: SendCodeReason; retryAfterMs: number }

/** What {@link MFA.checkVerificationCode} takes. */
export interface CheckCodeOptions {
  /** The purpose the code must have been sent for. */
  purpose: string
  /** Also return a step-up proof (`method: 'email' | 'sms'`; needs `proofKey`): `true`, or `{ bindTo }`. */
  proof?: boolean | ProofBinding
}

/**
 * Result of {@link MFA.checkVerificationCode}: which channel the code went through (and the step-up proof when asked),
 * or why not; `attemptsLeft` with `invalid` (0: the code is void, send a new one), `retryAfterMs` when locked.
 */
export type CheckCodeResult =
  | { ok: true; channel: VerificationChannel; proof?: string }
  | { ok: false; reason: 'invalid'; attemptsLeft: number; retryAfterMs?: number }
  | Refusal<Exclude<CheckCodeReason, 'invalid'>>

/**
 * A proof for an operation: a fresh code of one of the user's authenticators, an unused recovery code, a security
 * key's assertion over a challenge from {@link MFA.challenge}, or a step-up proof from an earlier
 * `verify(..., { proof })` with the oldest age accepted (`maxAgeMs`, default 10 minutes, at most a day) and, for a
 * proof bound to a session, that session (`bindTo`, as given to `verify`).
 */
export type MFAProof = string | { proof: string; maxAgeMs?: number; bindTo?: string } | SecurityKeyAssertion

/**
 * Binds a step-up proof to the application's session: `bindTo` is any stable text of 1 to 1024 characters the
 * application knows for this session only (its session id, or a digest of it). The proof is signed over it but
 * does not carry it; checked without it, or with another session's, the proof is `invalid`.
 */
export interface ProofBinding {
  bindTo: string
}

/** What {@link MFA.verify} may also do on success. */
export interface VerifyOptions {
  /**
   * Also return a step-up proof (needs the `proofKey` option): `true`, or `{ bindTo }` for a proof that only the
   * session it was bound to can use (a copy carried to another session is `invalid`).
   */
  proof?: boolean | ProofBinding
  /**
   * Also trust the device the code came from: `label` (1 to 64 characters, shown in the device list) and a lifetime
   * `ttlMs` (default `policy.trustedDeviceTTLMs`, 30 days; 1 minute to 400 days).
   */
  trustDevice?: { label: string; ttlMs?: number }
}

/** A device trusted by {@link MFA.verify}: keep `token` in a cookie (httpOnly, secure) until `expiresAt` (ms). */
export interface TrustedDeviceGrant {
  id: string
  token: string
  expiresAt: number
}

/** What a successful {@link MFA.verify} adds when asked: the step-up proof and the trusted device. */
export type VerifyGrants = {
  proof?: string
  device?: TrustedDeviceGrant
}

/**
 * Result of {@link MFA.checkProof}: when and how MFA was passed, or why the proof does not stand now (`locked`: the
 * proof is sound but the user is locked out, as every operation that takes a proof would answer).
 */
export type CheckProofResult =
  | { ok: true; verifiedAt: number; method: 'totp' | 'webauthn'; authenticatorId: string }
  | { ok: true; verifiedAt: number; method: 'recovery' }
  | { ok: true; verifiedAt: number; method: VerificationChannel; purpose: string }
  | { ok: false; reason: StepUpReason }
  | { ok: false; reason: 'locked'; retryAfterMs: number }

/** Result of {@link MFA.verifyTrustedDevice}: the replacement token (store it over the old one), or why not. */
export type TrustedDeviceResult =
  | { ok: true; deviceId: string; token: string; expiresAt: number }
  | Refusal<DeviceReason>

/** Result of {@link MFA.resync}: the authenticator resynced and its drift in steps (+: the phone is ahead). */
export type ResyncResult = { ok: true; authenticatorId: string; drift: number } | Refusal<ResyncReason>

/** Result of {@link MFA.beginEnrollment}: show the QR code of `uri` and `secret` for manual entry. */
export type BeginEnrollmentResult =
  | {
      ok: true
      /** The id the authenticator will have once confirmed. */
      authenticatorId: string
      /** The secret in base32 (RFC 4648, no padding), for typing into an authenticator app. */
      secret: string
      /** The `otpauth://totp/...` key URI to render as a QR code. */
      uri: string
      /** When the pending enrollment expires, in milliseconds since the Unix epoch. */
      expiresAt: number
    }
  | Refusal<EnrollReason>

/** Result of {@link MFA.confirmEnrollment}. `recoveryCodes` are shown this once (empty for a further authenticator). */
export type ConfirmEnrollmentResult =
  | { ok: true; authenticatorId: string; recoveryCodes: string[] }
  | Refusal<ConfirmReason>

/**
 * The pending enrollment, from {@link MFA.pendingEnrollment}: what {@link MFA.beginEnrollment} returned, to show the
 * same QR code again, and how many confirmation attempts are left (0: begin again).
 */
export interface PendingEnrollmentInfo {
  /** The id the authenticator will have once confirmed. */
  authenticatorId: string
  label: string
  /** The secret in base32 (RFC 4648, no padding), for typing into an authenticator app. */
  secret: string
  /** The `otpauth://totp/...` key URI to render as a QR code. */
  uri: string
  /** When the pending enrollment expires, in milliseconds since the Unix epoch. */
  expiresAt: number
  /** Confirmations left before it locks (`policy.maxEnrollmentAttempts` minus the refused pairs so far). */
  attemptsLeft: number
}

/** Recovery codes issued lately and not yet acknowledged, from {@link MFA.unsavedRecoveryCodes}. Times in ms. */
export interface UnsavedRecoveryCodes {
  /** The codes, formatted `xxxx-xxxx-xxxx-xxxx`, each still unused. */
  recoveryCodes: string[]
  /** When they were issued. */
  issuedAt: number
  /** Until when they can be shown again (unless acknowledged first). */
  expiresAt: number
}
/** Result of {@link MFA.cancelEnrollment}: the id the cancelled enrollment's authenticator would have had. */
export type CancelEnrollmentResult = { ok: true; authenticatorId: string } | Refusal<'not_pending'>

/** Result of {@link MFA.verify}: which authenticator (for a TOTP code), or why not. */
export type VerifyResult =
  | ({ ok: true; method: 'totp' | 'webauthn'; authenticatorId: string } & VerifyGrants)
  | ({ ok: true; method: 'recovery' } & VerifyGrants)
  | Refusal<CodeReason>

/** Result of {@link MFA.rewriteRecord}: the encryption key ids the record needs now (sorted), or no record. */
export type RewriteResult = { ok: true; keyIds: string[] } | { ok: false; reason: 'not_found' }

/** Result of {@link MFA.disable}. */
export type DisableResult = { ok: true } | Refusal<ProofReason>

/** Result of {@link MFA.removeAuthenticator}. */
export type RemoveResult = { ok: true } | Refusal<RemoveReason>

/** Result of {@link MFA.regenerateRecoveryCodes}. */
export type RegenerateResult = { ok: true; recoveryCodes: string[] } | Refusal<ProofReason>

/** Result of {@link MFA.importAuthenticator}; `recoveryCodes` only when they were asked for. */
export type ImportResult =
  | { ok: true; authenticatorId: string; recoveryCodes?: string[] }
  | { ok: false; reason: 'limit_reached' }

/**
 * What {@link MFA.importAuthenticator} takes: a secret (bytes, or base32 text) with its parameters, or an
 * `otpauth://totp/` URI; `lastStep` is the last time step the old system accepted (replay protection carries over).
 */
export type ImportOptions = (
  | { secret: Uint8Array | string; algorithm?: MFAAlgorithm; digits?: number; period?: number }
  | { uri: string }
) & {
  /** The user's name for it (1 to 64 characters, default `'Authenticator'`). */
  label?: string
  /** The last time step accepted by the old system, or -1 (default). */
  lastStep?: number
  /** Also issue (and return) a fresh set of recovery codes, replacing any the user has. */
  recoveryCodes?: boolean
}

/** The MFA service returned by {@link createMFA}. Every method validates `userId` (1 to 256 characters). */
export interface MFA {
  /**
   * Starts an enrollment: a fresh secret, pending until confirmed by two consecutive codes. A user who already has
   * an authenticator must give a proof (a fresh code of one of them, or an unused recovery code, consumed; checked
   * with the same replay and lockout rules as a login). It replaces any pending enrollment; it changes nothing of the
   * user's authenticators until confirmed.
   *
   * @param userId - your stable user id
   * @param options.accountName - shown in the authenticator app, e.g. the user's email
   * @param options.label - the user's name for the new authenticator (1 to 64 characters, default `'Authenticator'`)
   * @param options.proof - required once the user has an authenticator; with `policy.requireIdentityProof`, a
   * user with none gives `{ proof, maxAgeMs }` from `checkVerificationCode(..., { purpose: 'enroll', proof: true })`
   * @returns the id, base32 secret, key URI and expiry (ms), or why not: `proof_required`, `limit_reached`,
   * `malformed`, `invalid`, `replayed`, `locked`, `method_not_allowed` (a verification-code proof while the user
   * has an authenticator), `purpose_mismatch` (an identity proof of another purpose)
   * @throws OTPError `ERR_INVALID_OPTION` for a bad argument; `ERR_URI_INVALID` when `accountName` contains `:`;
   * `ERR_STORAGE` when the store fails
   * @example
   * const started = await mfa.beginEnrollment(user.id, { accountName: user.email, label: 'Work phone', proof: code })
   * if (started.ok) showQRCode(started.uri) // and `started.secret`, grouped, for typing in by hand
   */
  beginEnrollment(
    userId: string,
    options: { accountName: string; label?: string; proof?: MFAProof },
  ): Promise<BeginEnrollmentResult>
  /**
   * Activates a pending enrollment with the codes of two consecutive time steps, in order. Consumes the second
   * step: the next login needs a newer code. The user's first authenticator also issues recovery codes. Refused
   * (`locked`, with `retryAfterMs`) while the user is locked out after failed codes.
   *
   * @param userId - the user who began the enrollment
   * @param code1 - the code the app showed first (step s)
   * @param code2 - the code that replaced it (step s+1)
   * The same two codes again (a double submit, a reload) answer as the first time, with the same recovery codes
   * while they are unsaved ({@link MFA.unsavedRecoveryCodes}), as long as nothing happened since: no login with
   * the new authenticator, the second code's step still within the enrollment window. Such a repeat changes nothing.
   *
   * @param userId - the user who began the enrollment
   * @param code1 - the code the app showed first (step s)
   * @param code2 - the code that replaced it (step s+1)
   * @returns the authenticator id and recovery codes (empty for a further authenticator), or why not:
   * `malformed`, `same_code`, `reversed`, `not_consecutive`, `invalid`, `enrollment_expired`, `enrollment_locked`,
   * `not_pending`, `limit_reached`
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`; never for what the user typed
   * @example
   * const result = await mfa.confirmEnrollment(user.id, firstCode, nextCode)
   * if (result.ok) redirect('/recovery-codes') // a page that reads them with unsavedRecoveryCodes
   */
  confirmEnrollment(userId: string, code1: string, code2: string): Promise<ConfirmEnrollmentResult>
  /**
   * The pending enrollment, to show the same QR code and key again (after a refused pair of codes, a reload):
   * the entry the user already scanned keeps working. Show it only where {@link MFA.beginEnrollment}'s answer was
   * shown (the same session); nothing is written.
   *
   * @param userId - the user who began the enrollment
   * @param options.accountName - shown in the authenticator app, as given to `beginEnrollment`
   * @returns the id, label, base32 secret, key URI, expiry (ms) and attempts left, or null when none is pending
   * (never begun, confirmed, expired)
   * @throws OTPError `ERR_INVALID_OPTION` for a bad argument; `ERR_URI_INVALID` when `accountName` contains `:`;
   * `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`
   * @example
   * const pending = await mfa.pendingEnrollment(user.id, { accountName: user.email })
   * if (pending && pending.attemptsLeft > 0) showQRCode(pending.uri)
   */
  pendingEnrollment(userId: string, options: { accountName: string }): Promise<PendingEnrollmentInfo | null>
  /**
   * Recovery codes issued lately (with the first authenticator, or by {@link MFA.regenerateRecoveryCodes}) that the
   * user has not acknowledged, for `policy.unsavedRecoveryCodesTTLMs` (15 minutes by default): so a reload, a second
   * tab or a lost response never leaves the user with codes nobody saw. With `encryptionKeys` they are the same
   * codes, kept sealed (AES-GCM) in the record; without keys nothing can keep them, so each call issues a fresh set
   * that replaces the unseen one (event `recovery_regenerated`). Using one of them, a regeneration, disable and reset
   * end the window.
   *
   * > [!WARNING]
   * > Whoever calls this for a user reads their recovery codes: answer only the session that received them.
   *
   * @param userId - the user
   * @returns the codes, when they were issued and until when they can be shown (ms), or null when there are none
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT` (a key id no longer in `encryptionKeys`), `ERR_RECORD_INVALID`
   * @example
   * const unsaved = await mfa.unsavedRecoveryCodes(user.id)
   * if (unsaved) showCodes(unsaved.recoveryCodes)
   */
  unsavedRecoveryCodes(userId: string): Promise<UnsavedRecoveryCodes | null>
  /**
   * The user saved their new recovery codes: they are not kept to be shown again (the sealed copy leaves the
   * record). Idempotent.
   *
   * @param userId - the user
   * @returns `{ ok: true }`, also when there was nothing to acknowledge
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * await mfa.acknowledgeRecoveryCodes(user.id) // the "I have saved them" button
   */
  acknowledgeRecoveryCodes(userId: string): Promise<{ ok: true }>
  /**
   * Cancels the user's pending enrollment (a QR code shown but never confirmed, or one the user does not recognise)
   * and a security key's registration begun. Needs no proof: it only takes away. Every security change (a removal,
   * new recovery codes, `disable`, `reset`) cancels them too.
   *
   * @param userId - the user
   * @returns the id the cancelled authenticator would have had (the app's when both were pending), or `not_pending`
   * (none, or they had expired)
   * @throws OTPError `ERR_INVALID_OPTION` for a bad user id; `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * const status = await mfa.status(user.id)
   * if (status.pendingAuthenticatorId) await mfa.cancelEnrollment(user.id)
   */
  cancelEnrollment(userId: string): Promise<CancelEnrollmentResult>
  /**
   * Checks a login code: a fresh code of any of the user's authenticators (newer than the last one that
   * authenticator accepted, within the login window), an unused recovery code, or a security key's assertion over a
   * challenge from {@link MFA.challenge} (single use: the write that accepts it consumes it). One failure budget and
   * one lock for every factor; while the user is locked, nothing is checked.
   *
   * An assertion that does not verify (a bad signature, another challenge, origin or RP, no user presence, no
   * required user verification) is `invalid` and counts like a wrong code; one that is not a browser's JSON at all
   * is `malformed` and does not count; the same assertion again is `replayed`; a key whose signature counter did not
   * grow is `cloned` (see `policy.counterRegression`).
   *
   * @param userId - the user signing in
   * @param input - what they typed (spaces ignored; a recovery code in any case, with or without its dashes), or
   * the assertion JSON the page posted (`credential.toJSON()`)
   * @param options.proof - also return a step-up proof for later sensitive operations (needs `proofKey`)
   * @param options.trustDevice - also trust this device: `{ label, ttlMs? }`; returns its token
   * @returns `{ ok: true, method, authenticatorId }` (`method`: `totp`, `webauthn` or `recovery`; with `proof` and
   * `device` when asked), or `malformed`, `invalid`, `replayed`, `cloned`, `locked`, `not_enrolled` (with
   * `retryAfterMs` in ms when locked or just locked)
   * @throws OTPError `ERR_INVALID_OPTION` for bad options (or `proof: true` without `proofKey`), `ERR_STORAGE`,
   * `ERR_DECRYPT`, `ERR_RECORD_INVALID`; never for what the user typed or the browser sent
   * @example
   * const login = await mfa.verify(user.id, typedCode, { proof: true, trustDevice: { label: 'Firefox on Linux' } })
   * if (login.ok) session.proof = login.proof
   * if (!login.ok && login.retryAfterMs) showWait(login.retryAfterMs)
   */
  verify(userId: string, input: string | SecurityKeyAssertion, options?: VerifyOptions): Promise<VerifyResult>
  /**
   * What the sign-in page needs for the second step: the kinds of authenticator the user has and, when they have a
   * security key, the request options for `navigator.credentials.get()` whose challenge the record keeps (single
   * use, `policy.challengeTTLMs`, 5 minutes by default; the newest few are kept, so two tabs both work). Call it only
   * once the first factor passed: it writes the user's record.
   *
   * @param userId - the user signing in
   * @returns the methods, and `options` with its expiry (ms) when the user has a key; or `not_enrolled`, or `locked`
   * with `retryAfterMs` (nothing is written then)
   * @throws OTPError `ERR_INVALID_OPTION` without the `webauthn` option; `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * const started = await mfa.challenge(user.id)
   * if (started.ok && started.options) sendToPage({ publicKey: started.options })
   */
  challenge(userId: string): Promise<ChallengeResult>
  /**
   * Starts registering a security key or passkey as an authenticator: the creation options for
   * `navigator.credentials.create()` (the user's keys excluded, so one key is not registered twice). Its challenge is
   * kept in the record, single use, until `policy.enrollmentTTLMs` (a later call replaces it). A user who has an
   * authenticator proves first, as for adding an app (a code, a recovery code, an assertion or a step-up proof); with
   * `policy.requireIdentityProof`, a user with none gives the identity proof of a code sent for `'enroll'`, as for
   * `beginEnrollment`.
   *
   * @param userId - your stable user id
   * @param options.label - the user's name for the key (1 to 64 characters, default `'Security key'`)
   * @param options.proof - required once the user has an authenticator, or (with `policy.requireIdentityProof`)
   * the identity proof for a first one
   * @param options.accountName - what the browser shows for the account, e.g. the user's email (default: userId)
   * @param options.displayName - the person's name, for the browser (default: `accountName`)
   * @returns the id the key will have, the options for the browser and their expiry (ms); or `proof_required`,
   * `limit_reached`, `method_not_allowed` and the code and proof reasons
   * @throws OTPError `ERR_INVALID_OPTION` without the `webauthn` option or for a bad argument; `ERR_STORAGE`
   * @example
   * const started = await mfa.beginSecurityKeyRegistration(user.id, { label: 'YubiKey', proof: session.proof && { proof: session.proof } })
   * if (started.ok) sendToPage({ publicKey: started.options })
   */
  beginSecurityKeyRegistration(
    userId: string,
    options?: { label?: string; proof?: MFAProof; accountName?: string; displayName?: string },
  ): Promise<BeginSecurityKeyResult>
  /**
   * Verifies the browser's registration response and makes the key an authenticator of the user: their first one
   * turns MFA on and issues recovery codes (shown again until acknowledged, as for an app).
   *
   * @param userId - the user who began the registration
   * @param response - the JSON the page posted (`credential.toJSON()`)
   * @returns the key's authenticator id and the recovery codes (empty unless it is the first authenticator); or
   * `malformed`, `invalid`, `not_pending`, `enrollment_expired`, `already_registered`, `limit_reached`, `locked`
   * @throws OTPError `ERR_INVALID_OPTION` without the `webauthn` option; `ERR_STORAGE`, `ERR_RECORD_INVALID`; never
   * for what the browser sent
   * @example
   * const added = await mfa.finishSecurityKeyRegistration(user.id, request.body)
   * if (added.ok && added.recoveryCodes.length > 0) show(added.recoveryCodes)
   */
  finishSecurityKeyRegistration(userId: string, response: SecurityKeyRegistration): Promise<FinishSecurityKeyResult>
  /**
   * Checks a step-up proof from `verify(..., { proof: true })` before a sensitive action of your own. It is void
   * after `disable`, `reset`, the removal of the authenticator behind it (or any removal), and a recovery-code
   * regeneration; it is bound to this user and signed with `proofKey` (constant-time check). Nothing is written.
   *
   * @param userId - the user the proof was issued for
   * @param proof - the proof string, as the session kept it (anything else is `invalid`, never a throw)
   * @param options.maxAgeMs - the oldest proof accepted, 1 second to 1 day (default 10 minutes)
   * @param options.bindTo - the session a bound proof was bound to (`verify(..., { proof: { bindTo } })`); a proof
   * bound to another session, a bound proof checked without it, or an unbound proof checked with it is `proof_invalid`
   * @returns when and how MFA was passed (`method`: `totp`, `webauthn` for a security key, `recovery` for a
   * recovery code; `'email'` or `'sms'` with its `purpose` for a verification code: an identity check, not MFA), or
   * `proof_expired`,
   * `proof_invalid`, `proof_revoked`, or `locked` (with `retryAfterMs` in ms) while the user is locked out after failed codes
   * @throws OTPError `ERR_INVALID_OPTION` without `proofKey` or for a bad `maxAgeMs`; `ERR_STORAGE`,
   * `ERR_RECORD_INVALID`
   * @example
   * const recent = await mfa.checkProof(user.id, session.proof, { maxAgeMs: 5 * 60_000, bindTo: session.id })
   * if (!recent.ok || recent.method === 'recovery') askForFreshCode()
   */
  checkProof(userId: string, proof: string, options?: { maxAgeMs?: number; bindTo?: string }): Promise<CheckProofResult>
  /**
   * Checks a trusted device's token ("don't ask again on this browser"): accepted once, and replaced by the token
   * this call returns (store it over the old cookie). A token an earlier call replaced, presented again, means the
   * cookie was copied: the device is revoked (both copies stop working; event `device_revoked` with
   * `reason: 'reuse'`). Refused tokens count against the user's failure budget like wrong codes; a locked user's
   * token is not looked at. Send the cookie from one request at a time: two requests racing with one token look
   * like a copy.
   *
   * @param userId - the user
   * @param token - the token the browser sent
   * @returns the device id, its replacement token and expiry (ms), or `device_malformed`, `device_unknown`,
   * `device_expired`, `device_revoked`, `locked`, `not_enrolled`
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`; never for what the browser sent
   * @example
   * const device = await mfa.verifyTrustedDevice(user.id, cookies.mfa_device)
   * if (device.ok) setCookie('mfa_device', device.token, device.expiresAt)
   * else askForCode()
   */
  verifyTrustedDevice(userId: string, token: string): Promise<TrustedDeviceResult>
  /**
   * The user's trusted devices (unexpired, unrevoked), oldest first; never a token or digest.
   *
   * @param userId - the user
   * @returns id, label, created, last used and expiry (ms) of each
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * for (const d of await mfa.listTrustedDevices(user.id)) console.log(d.label, new Date(d.lastUsedAt))
   */
  listTrustedDevices(userId: string): Promise<TrustedDeviceInfo[]>
  /**
   * Revokes one trusted device (no proof needed: it only takes access away).
   *
   * @param userId - the user
   * @param deviceId - from {@link MFA.listTrustedDevices}
   * @returns `{ ok: true }`, or `not_found` when no trusted device has that id
   * @throws OTPError `ERR_INVALID_OPTION` for a bad id, `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * await mfa.revokeTrustedDevice(user.id, deviceId)
   */
  revokeTrustedDevice(userId: string, deviceId: string): Promise<{ ok: true } | Refusal<'not_found'>>
  /**
   * Revokes every trusted device of the user ("sign out everywhere").
   *
   * @param userId - the user
   * @returns how many were revoked
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * const { revoked } = await mfa.revokeTrustedDevices(user.id)
   */
  revokeTrustedDevices(userId: string): Promise<{ ok: true; revoked: number }>
  /**
   * Resynchronises an authenticator whose phone clock is off: two consecutive codes of one authenticator, searched
   * over `policy.resyncWindow` steps each way (default 10, at most 40) around its drift, set that drift so later
   * logins succeed with the normal window. The codes are consumed; a failed resync counts toward the lock.
   *
   * @param userId - the user
   * @param code1 - a code (step s)
   * @param code2 - the code that followed it (step s+1)
   * @returns the authenticator and the drift found (steps), or `malformed`, `same_code`, `invalid`, `replayed`,
   * `locked`, `not_enrolled`
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`; never for what the user typed
   * @example
   * const fixed = await mfa.resync(user.id, firstCode, nextCode)
   * if (fixed.ok) show(`clock ${fixed.drift * 30} s off; fixed`)
   * @see RFC 6238 §6 (resynchronization)
   */
  resync(userId: string, code1: string, code2: string): Promise<ResyncResult>
  /**
   * The user's authenticators, in the order they were added; never a secret.
   *
   * @param userId - the user
   * @returns kind (`totp` or `webauthn`), id, label, created and last used (ms, or null) of each; algorithm,
   * digits and period of an app; transports, backup eligibility and state, and AAGUID of a key
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * for (const a of await mfa.listAuthenticators(user.id)) console.log(a.kind, a.label, a.lastUsedAt)
   */
  listAuthenticators(userId: string): Promise<AuthenticatorInfo[]>
  /**
   * Renames an authenticator (no proof needed).
   *
   * @param userId - the user
   * @param authenticatorId - from {@link MFA.listAuthenticators}
   * @param label - 1 to 64 characters
   * @returns `{ ok: true }` or `not_found`
   * @throws OTPError `ERR_INVALID_OPTION` for a bad label, `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * await mfa.renameAuthenticator(user.id, id, 'Old phone')
   */
  renameAuthenticator(
    userId: string,
    authenticatorId: string,
    label: string,
  ): Promise<{ ok: true } | Refusal<'not_found'>>
  /**
   * Removes one authenticator, an app or a security key, after a proof (a fresh code of any of the user's
   * authenticators, a key's assertion, a step-up proof, or an unused recovery code). Removing the last one is
   * {@link MFA.disable}.
   *
   * @param userId - the user
   * @param authenticatorId - from {@link MFA.listAuthenticators}
   * @param proof - a fresh code, an assertion, a step-up proof or an unused recovery code
   * @returns `{ ok: true }`, or `not_found`, `proof_required` and the code reasons
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`
   * @example
   * const removed = await mfa.removeAuthenticator(user.id, oldPhone.id, codeFromNewPhone)
   */
  removeAuthenticator(userId: string, authenticatorId: string, proof: MFAProof): Promise<RemoveResult>
  /**
   * Adds an active authenticator without codes, for migrations run by the application: a secret (bytes or base32)
   * with its parameters, or an `otpauth://totp/` URI (read with `parseKeyURI`).
   *
   * @param userId - the user
   * @param options - see {@link ImportOptions}
   * @returns the new authenticator's id (and recovery codes if asked for), or `limit_reached`
   * @throws OTPError `ERR_URI_INVALID` for a bad or HOTP URI; `ERR_INVALID_SECRET` for a secret shorter than 10
   * bytes; `ERR_BASE32_INVALID`; `ERR_INVALID_OPTION` for parameters the service does not verify (digits outside
   * 6..10, a period outside 1..3600 s) and for options it would not apply (`epoch`, an unknown key, `uri` with
   * `secret`, `algorithm`, `digits` or `period`, a `recoveryCodes` that is not a boolean); `ERR_STORAGE`
   * @example
   * await mfa.importAuthenticator(row.user_id, { secret: row.otp_secret, label: 'Imported' })
   * await mfa.importAuthenticator(row.user_id, { uri: row.otpauth_uri, recoveryCodes: true })
   */
  importAuthenticator(userId: string, options: ImportOptions): Promise<ImportResult>
  /**
   * Turns MFA off after a proof: every authenticator, recovery code and pending enrollment goes.
   *
   * @param userId - the user turning MFA off
   * @param proof - a fresh code or an unused recovery code
   * @returns `{ ok: true }`, or why not (`proof_required` and the code reasons)
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`
   * @example
   * const off = await mfa.disable(user.id, freshCode)
   */
  disable(userId: string, proof: MFAProof): Promise<DisableResult>
  /**
   * Replaces all recovery codes after a proof; the old ones stop working.
   *
   * @param userId - the user
   * @param proof - a fresh code or an unused recovery code
   * @returns the new codes (also from {@link MFA.unsavedRecoveryCodes} until acknowledged), or why not
   * (`proof_required`, the code reasons, the `proof_*` reasons)
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`
   * @example
   * const fresh = await mfa.regenerateRecoveryCodes(user.id, code)
   * if (fresh.ok) showOnce(fresh.recoveryCodes)
   */
  regenerateRecoveryCodes(userId: string, proof: MFAProof): Promise<RegenerateResult>
  /**
   * The support path for a lost phone: removes everything without a code, also a stored record this version cannot
   * read (damaged, or written by a newer version). Verify the person out of band first.
   *
   * @param userId - the user to reset
   * @param options.actor - who did it (1 to 256 characters), for the `reset` event
   * @param options.reason - why (up to 1000 characters), for the `reset` event
   * @returns `{ ok: true }`, also when there was nothing to remove
   * @throws OTPError `ERR_INVALID_OPTION` for a bad argument, `ERR_STORAGE`
   * @example
   * await mfa.reset(user.id, { actor: `support:${agent.id}`, reason: `ticket ${ticket.id}: phone lost` })
   */
  reset(userId: string, options: { actor: string; reason: string }): Promise<{ ok: true }>
  /**
   * What the user has, for a settings page.
   *
   * @param userId - the user
   * @returns the state, when enabled, how many authenticators, recovery codes left, lock and pending expiry (ms),
   * and the encryption key ids the record still needs
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`, `ERR_DECRYPT` (a record signed under a removed key)
   * @example
   * const { state, recoveryCodesLeft } = await mfa.status(user.id)
   */
  status(userId: string): Promise<MFAStatus>
  /**
   * Rewrites one user's record under the current encryption key: every sealed secret and the key of the recovery
   * digests re-sealed, the record signed (its MAC) under the current key; nothing else changes, no event. Run it
   * over every user (or those whose `status` still lists an old key id) to finish a key rotation, or to sign every
   * record during an `allowPlaintextSecrets` window; then the old key, or the window, can go.
   *
   * @param userId - the user
   * @returns `{ ok: true, keyIds }` (the key ids the record needs now: the current one only, with keys), or
   * `not_found` when the user has no record
   * @throws OTPError `ERR_DECRYPT` when a secret is under a key that is not configured (nothing is written);
   * `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * for (const id of await allUserIds()) await mfa.rewriteRecord(id)
   */
  rewriteRecord(userId: string): Promise<RewriteResult>
  /**
   * Sends a verification code by email or SMS: the identity check before a first enrollment
   * (`policy.requireIdentityProof`, purpose `'enroll'`) or before an operation of the application's own. Stores the
   * code's keyed digest (bound to the purpose, channel and destination), voiding any earlier code, then hands the code
   * to the `sendCode` option. Refused, with nothing sent, within `policy.verificationCodeCooldownMs` of the last code
   * (`too_soon`), after `policy.verificationCodesPerHour` codes in an hour (`limit_reached`), and while the user is
   * `locked`.
   *
   * > [!WARNING]
   * > A code by email or SMS proves control of an inbox or a phone number, not possession of a device: it is not a
   * > second factor (NIST SP 800-63B restricts SMS), and while a user has an authenticator its proof authorizes no
   * > MFA change. See docs/security.md.
   *
   * @param userId - the user
   * @param options - `{ channel, destination, purpose }` ({@link SendCodeOptions})
   * @returns when the code expires and when the next may be sent (`resendAfterMs`, ms), or `too_soon`,
   * `limit_reached`, `locked` with `retryAfterMs` (ms)
   * @throws OTPError `ERR_INVALID_OPTION` for a bad argument, or without `sendCode` or without `encryptionKeys` or
   * `proofKey`; `ERR_STORAGE`, `ERR_RECORD_INVALID`; whatever `sendCode` throws (the code is voided first)
   * @example
   * const sent = await mfa.sendVerificationCode(user.id, { channel: 'email', destination: user.email, purpose: 'enroll' })
   * if (!sent.ok) showWait(sent.reason, sent.retryAfterMs)
   * @see NIST SP 800-63B §5.1.3 (out-of-band authenticators)
   */
  sendVerificationCode(userId: string, options: SendCodeOptions): Promise<SendCodeResult>
  /**
   * Checks a verification code from {@link MFA.sendVerificationCode}: accepted once under any concurrency (the code
   * is spent by compare-and-set). A wrong code counts against the code's own attempts
   * (`policy.verificationCodeAttempts`, then it is void) and against the user's one failure budget shared with
   * authenticator codes and recovery codes. A right code clears that budget only for a user with no authenticator.
   *
   * @param userId - the user
   * @param code - what the user typed (spaces and dashes ignored); never thrown on
   * @param options.purpose - the purpose the code was sent for; another is `purpose_mismatch` (nothing compared)
   * @param options.proof - also return a step-up proof with `method: 'email' | 'sms'` (needs `proofKey`)
   * @returns `{ ok: true, channel }` (with `proof` when asked), or `malformed`, `invalid` (with `attemptsLeft`),
   * `expired`, `no_code`, `purpose_mismatch`, `locked` (with `retryAfterMs` in ms)
   * @throws OTPError `ERR_INVALID_OPTION` for a bad purpose or `proof` option (or `proof` without `proofKey`);
   * `ERR_STORAGE`, `ERR_RECORD_INVALID`, `ERR_DECRYPT`; never for what the user typed
   * @example
   * const checked = await mfa.checkVerificationCode(user.id, typed, { purpose: 'enroll', proof: true })
   * if (checked.ok) session.identityProof = checked.proof
   * @see NIST SP 800-63B §5.1.3 (out-of-band authenticators)
   */
  checkVerificationCode(userId: string, code: string, options: CheckCodeOptions): Promise<CheckCodeResult>
}
