// createMFA: checks the options and wires the transaction, the evidence and the machine, one method per operation.
import { decodeBase32, encodeBase32 } from '../base32.js'
import { describe, integerOption, OTPError } from '../errors.js'
import { isBytes } from '../internal/bytes.js'
import { randomBytes } from '../internal/crypto.js'
import { type HMACEngine, webCryptoEngine } from '../internal/engine.js'
import { MAX_NAME_LENGTH, MAX_PERIOD, MIN_PERIOD } from '../internal/limits.js'
import { checkAlgorithm } from '../internal/otp.js'
import { isWellFormed } from '../storage/check.js'
import { memoryStore } from '../storage/memory.js'
import type { MFAStore } from '../storage/store.js'
import { createKeyURI, parseKeyURI } from '../uri.js'
import { checkTrustDevice, mintDeviceToken, readDeviceToken, type TrustedDeviceInfo } from './device.js'
import { checkEncryptionKeys, createSecretBox, type MFAEncryptionKeys } from './encryption.js'
import type { MFAEvent } from './events.js'
import { createEvidence } from './evidence.js'
import type {
  AuthenticatorInfo,
  CodeReason,
  ConfirmReason,
  EnrollReason,
  MFAStatus,
  NeedsRecovery,
  ProofReason,
  Refusal,
  RemoveReason,
  Transition,
} from './machine.js'
import * as machine from './machine.js'
import { type MFAAlgorithm, type MFAPolicy, misuse, resolvePolicy } from './policy.js'
import { checkMaxAge, checkProofKey, createProofCodec, type ProofKeyOption } from './proof.js'
import { DEFAULT_LABEL, type RecoveryDigests } from './record.js'
import { createRecoveryHasher, generateRecoveryCodes } from './recovery.js'
import { createTransactions } from './transaction.js'

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
   * Encrypt secrets at rest (AES-GCM) and key the recovery-code digests; without it secrets are stored as base32
   * in clear and recovery digests are salted and slow (PBKDF2).
   */
  encryptionKeys?: MFAEncryptionKeys
  /**
   * With `encryptionKeys`: still read secrets stored in clear (a migration window after adding keys); each is
   * encrypted on its record's next write. Without it such a record is `ERR_RECORD_INVALID`, so nobody who can
   * write the database can plant a secret of their choosing. Default false.
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
   * TypeScript (faster in Node, where each WebCrypto call is a thread-pool round trip). Recovery codes and
   * encryption at rest still use WebCrypto.
   */
  engine?: HMACEngine
  /**
   * Signs step-up proofs (`verify(..., { proof: true })`, {@link MFA.checkProof}): 32 or more random bytes, or
   * several `{ id, key }` for rotation (the first signs, all open). Without it, asking for a proof throws
   * `ERR_INVALID_OPTION`. Keep it secret like a session key; it never needs to be the same as `encryptionKeys`.
   */
  proofKey?: ProofKeyOption
}

/**
 * A proof for an operation: a fresh code of one of the user's authenticators, an unused recovery code, or a step-up
 * proof from an earlier `verify(..., { proof: true })` with the oldest age accepted (`maxAgeMs`, default 10
 * minutes, at most a day).
 */
export type MFAProof = string | { proof: string; maxAgeMs?: number }

/** What {@link MFA.verify} may also do on success. */
export interface VerifyOptions {
  /** Also return a step-up proof (needs the `proofKey` option). */
  proof?: boolean
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
  | { ok: true; verifiedAt: number; method: 'totp'; authenticatorId: string }
  | { ok: true; verifiedAt: number; method: 'recovery' }
  | { ok: false; reason: 'expired' | 'invalid' | 'revoked' }
  | { ok: false; reason: 'locked'; retryAfterMs: number }

/** Result of {@link MFA.verifyTrustedDevice}: the replacement token (store it over the old one), or why not. */
export type TrustedDeviceResult =
  | { ok: true; deviceId: string; token: string; expiresAt: number }
  | Refusal<machine.DeviceTokenReason>

/** Result of {@link MFA.resync}: the authenticator resynced and its drift in steps (+: the phone is ahead). */
export type ResyncResult = { ok: true; authenticatorId: string; drift: number } | Refusal<machine.ResyncRefusal>

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

/** Result of {@link MFA.verify}: which authenticator (for a TOTP code), or why not. */
export type VerifyResult =
  | ({ ok: true; method: 'totp'; authenticatorId: string } & VerifyGrants)
  | ({ ok: true; method: 'recovery' } & VerifyGrants)
  | Refusal<CodeReason>

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

export type { AuthenticatorInfo, MFAStatus, TrustedDeviceInfo }

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
   * @param options.proof - required once the user has an authenticator
   * @returns the id, base32 secret, key URI and expiry (ms), or why not: `proof_required`, `limit_reached`,
   * `malformed`, `invalid`, `replayed`, `locked`
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
   * step: the next login needs a newer code. The user's first authenticator also issues recovery codes.
   *
   * @param userId - the user who began the enrollment
   * @param code1 - the code the app showed first (step s)
   * @param code2 - the code that replaced it (step s+1)
   * @returns the authenticator id and recovery codes (shown once; empty for a further authenticator), or why not:
   * `malformed`, `same_code`, `reversed`, `not_consecutive`, `invalid`, `expired`, `locked`, `not_pending`,
   * `limit_reached`
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`; never for what the user typed
   * @example
   * const result = await mfa.confirmEnrollment(user.id, firstCode, nextCode)
   * if (result.ok) showOnce(result.recoveryCodes)
   */
  confirmEnrollment(userId: string, code1: string, code2: string): Promise<ConfirmEnrollmentResult>
  /**
   * Checks a login code: a fresh code of any of the user's authenticators (newer than the last one that
   * authenticator accepted, within the login window), or an unused recovery code. While the user is locked, nothing
   * is checked.
   *
   * @param userId - the user signing in
   * @param code - what they typed (spaces ignored; a recovery code in any case, with or without its dashes)
   * @param options.proof - also return a step-up proof for later sensitive operations (needs `proofKey`)
   * @param options.trustDevice - also trust this device: `{ label, ttlMs? }`; returns its token
   * @returns `{ ok: true, method, authenticatorId }` (with `proof` and `device` when asked), or `malformed`,
   * `invalid`, `replayed`, `locked`, `not_enrolled` (with `retryAfterMs` in ms when locked or just locked)
   * @throws OTPError `ERR_INVALID_OPTION` for bad options (or `proof: true` without `proofKey`), `ERR_STORAGE`,
   * `ERR_DECRYPT`, `ERR_RECORD_INVALID`; never for what the user typed
   * @example
   * const login = await mfa.verify(user.id, typedCode, { proof: true, trustDevice: { label: 'Firefox on Linux' } })
   * if (login.ok) session.proof = login.proof
   * if (!login.ok && login.retryAfterMs) showWait(login.retryAfterMs)
   */
  verify(userId: string, code: string, options?: VerifyOptions): Promise<VerifyResult>
  /**
   * Checks a step-up proof from `verify(..., { proof: true })` before a sensitive action of your own. It is void
   * after `disable`, `reset`, the removal of the authenticator behind it (or any removal), and a recovery-code
   * regeneration; it is bound to this user and signed with `proofKey` (constant-time check). Nothing is written.
   *
   * @param userId - the user the proof was issued for
   * @param proof - the proof string, as the session kept it (anything else is `invalid`, never a throw)
   * @param options.maxAgeMs - the oldest proof accepted, 1 second to 1 day (default 10 minutes)
   * @returns when and how MFA was passed (`method: 'recovery'` for a recovery code), or `expired`, `invalid`,
   * `revoked`, or `locked` (with `retryAfterMs` in ms) while the user is locked out after failed codes
   * @throws OTPError `ERR_INVALID_OPTION` without `proofKey` or for a bad `maxAgeMs`; `ERR_STORAGE`,
   * `ERR_RECORD_INVALID`
   * @example
   * const recent = await mfa.checkProof(user.id, session.proof, { maxAgeMs: 5 * 60_000 })
   * if (!recent.ok || recent.method === 'recovery') askForFreshCode()
   */
  checkProof(userId: string, proof: string, options?: { maxAgeMs?: number }): Promise<CheckProofResult>
  /**
   * Checks a trusted device's token ("don't ask again on this browser"): accepted once, and replaced by the token
   * this call returns (store it over the old cookie), so a copied cookie stops working once the real browser
   * comes back. Refused tokens count against the user's failure budget like wrong codes; a locked user's token is
   * not looked at.
   *
   * @param userId - the user
   * @param token - the token the browser sent
   * @returns the device id, its replacement token and expiry (ms), or `malformed`, `unknown`, `expired`, `revoked`,
   * `locked`, `not_enrolled`
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
   * @returns id, label, created and last used (ms, or null), algorithm, digits, period of each
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * for (const a of await mfa.listAuthenticators(user.id)) console.log(a.label, a.lastUsedAt)
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
   * Removes one authenticator after a proof (a fresh code of any of the user's authenticators, or an unused
   * recovery code). Removing the last one is {@link MFA.disable}.
   *
   * @param userId - the user
   * @param authenticatorId - from {@link MFA.listAuthenticators}
   * @param proof - a fresh code or an unused recovery code
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
   * 6..10, a period outside 1..3600 s, a non-zero epoch); `ERR_STORAGE`
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
   * @returns the new codes (shown once), or why not (`proof_required` and the code reasons)
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
   * @returns the state, when enabled, how many authenticators, recovery codes left, lock and pending expiry (ms)
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * const { state, recoveryCodesLeft } = await mfa.status(user.id)
   */
  status(userId: string): Promise<MFAStatus>
}

/**
 * Checks a string argument. Well-formed Unicode without U+0000 only: SQL and Redis stores encode keys as UTF-8,
 * where a lone surrogate would become U+FFFD (two users, one record), so a user id the memory store accepts in
 * development must not fail or collide in production.
 */
function checkString(name: string, value: unknown, max: number, min = 1): string {
  if (
    typeof value !== 'string' ||
    value.length < min ||
    value.length > max ||
    !isWellFormed(value) ||
    value.includes('\u0000')
  ) {
    misuse(`${name} must be well-formed text of ${min} to ${max} characters without U+0000, got ${describe(value)}`)
  }
  return value
}

/** Whether a proof was given at all: an empty form field (or only spaces) is none, so the answer is `proof_required`. */
const given = (proof: unknown): boolean =>
  typeof proof === 'string' ? proof.trim() !== '' : proof !== undefined && proof !== null

/** The shortest secret the service imports: 80 bits, what older systems (and Google Authenticator exports) used. */
const MIN_IMPORT_SECRET_BYTES = 10
const LAST_DATE_MS = 8.64e15

/**
 * A new authenticator id: 80 random bits as 20 letters of a 16-letter alphabet (4 bits each), with no digit, so an id
 * in a log or an event never looks like a code.
 */
const newId = (): string => Array.from(randomBytes(20), (b) => 'abcdefghjkmnpqrs'[b & 15]).join('')

/** The secret and parameters of an import, checked as the service verifies them. */
function readImport(options: ImportOptions): {
  bytes: Uint8Array
  algorithm: MFAAlgorithm
  digits: number
  period: number
} {
  if (typeof options !== 'object' || options === null)
    misuse(`import options must be an object, got ${describe(options)}`)
  let bytes: Uint8Array
  let algorithm: unknown
  let digits: unknown
  let period: unknown
  if ('uri' in options) {
    const parsed = parseKeyURI(options.uri)
    if (parsed.type !== 'totp') {
      throw new OTPError('ERR_URI_INVALID', 'invalid key URI: the MFA service imports totp URIs only, not hotp')
    }
    ;({ secret: bytes, algorithm, digits, period } = parsed)
  } else {
    const secret = options.secret
    bytes = typeof secret === 'string' ? decodeBase32(secret) : (secret as Uint8Array)
    if (!isBytes(bytes)) {
      throw new OTPError('ERR_INVALID_SECRET', `secret must be bytes or base32 text, got ${describe(secret)}`)
    }
    ;({ algorithm, digits, period } = options)
  }
  if (bytes.length < MIN_IMPORT_SECRET_BYTES || bytes.length > 1024) {
    throw new OTPError('ERR_INVALID_SECRET', `secret must be 10 to 1024 bytes, got ${describe(bytes)}`)
  }
  return {
    bytes: new Uint8Array(bytes),
    algorithm: checkAlgorithm(algorithm),
    digits: integerOption(digits, 'digits', 6, 10, 6),
    period: integerOption(period, 'period (seconds)', MIN_PERIOD, MAX_PERIOD, 30),
  }
}

/** Fills in the recovery codes a transition asked for; `codes` receives them for the caller. */
async function withRecovery<R>(
  decision: Transition<R> | NeedsRecovery<R>,
  fresh: () => Promise<{ codes: string[]; recovery: RecoveryDigests }>,
  codes: { list: string[] },
): Promise<Transition<R>> {
  codes.list = []
  if (!('needsRecovery' in decision)) return decision
  const { codes: list, recovery } = await fresh()
  codes.list = list
  return decision.needsRecovery(recovery)
}

/**
 * Creates the MFA service: several authenticators per user, each enrolled with two consecutive codes (or imported);
 * login with replay protection and throttling; a proof before every change; support reset and recovery codes; over
 * a compare-and-set {@link MFAStore}.
 *
 * > [!WARNING]
 * > The default in-memory store holds state in this process only: with several app servers, pass a shared store,
 * > or replay protection and throttling hold per server only.
 *
 * @param options - see {@link MFAOptions}; only `issuer` is required
 * @returns the service
 * @throws OTPError `ERR_INVALID_OPTION` when an option has the wrong type or is out of range
 * @example
 * const mfa = createMFA({ store: memoryStore(), issuer: 'Example Cloud' })
 * const started = await mfa.beginEnrollment(user.id, { accountName: user.email })
 * const confirmed = await mfa.confirmEnrollment(user.id, code1, code2)
 * if (confirmed.ok) showOnce(confirmed.recoveryCodes)
 * const login = await mfa.verify(user.id, typedCode)
 * @see RFC 6238 §5.2 (window, resynchronisation, replay)
 */
export function createMFA(options: MFAOptions): MFA {
  const issuer = checkString('issuer', options?.issuer, MAX_NAME_LENGTH)
  if (issuer.includes(':') || issuer.startsWith(' ')) {
    misuse('issuer must not contain ":" or start with a space (key URI label)')
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') misuse(`now must be a function, got ${describe(now)}`)
  const onEvent = options.onEvent
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    misuse(`onEvent must be a function, got ${describe(onEvent)}`)
  }
  const keyPrefix = options.keyPrefix === undefined ? 'mfa:' : checkString('keyPrefix', options.keyPrefix, 64, 0)
  const maxRetries = integerOption(options.maxRetries, 'maxRetries', 0, 1000, 10)
  const engine = options.engine ?? webCryptoEngine
  if (typeof engine?.prepare !== 'function') {
    misuse('engine must have a prepare function, e.g. syncEngine from mfa-core/sync')
  }
  const allowPlaintext = options.allowPlaintextSecrets ?? false
  if (typeof allowPlaintext !== 'boolean') {
    misuse(`allowPlaintextSecrets must be a boolean, got ${describe(allowPlaintext)}`)
  }
  const policy = resolvePolicy(options.policy)
  const keys = checkEncryptionKeys(options.encryptionKeys)
  const box = createSecretBox(keys, allowPlaintext)
  const hasher = createRecoveryHasher(keys)
  const evidence = createEvidence(engine, box, hasher)
  const store = options.store ?? memoryStore({ now })
  if (typeof store !== 'object' || store === null || typeof store.get !== 'function') {
    misuse(`store must be an MFAStore, got ${describe(store)}`)
  }

  // Milliseconds since the Unix epoch, up to the last Date (so now + a TTL or a lock stays a safe integer). Only a
  // finite number counts: a null, boolean, string or array would otherwise be coerced (null reading as 1970).
  const clock = (): number => {
    const t = now()
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > LAST_DATE_MS) {
      misuse(`now() must return a finite number of milliseconds from 0 to ${LAST_DATE_MS}, got ${describe(t)}`)
    }
    return Math.floor(t)
  }
  const ring = checkProofKey(options.proofKey)
  const proofs = ring && createProofCodec(ring)
  const needProofs = () => proofs ?? misuse('step-up proofs need the proofKey option of createMFA')
  const tx = createTransactions({ store, keyPrefix, maxRetries, policy, box, clock, onEvent })
  const user = (userId: unknown): string => checkString('userId', userId, 256)
  const context = (userId: string) => ({ storeKey: tx.key(userId), userId })
  const freshRecovery = (userId: string) => () =>
    generateRecoveryCodes(hasher, tx.key(userId), userId, policy.recoveryCodes)
  const binding = (userId: string, id: string) => ({ storeKey: tx.key(userId), userId, id })

  const closed = <Reason extends string>(gate: machine.ClosedGate<Reason>) =>
    machine.refuse(gate.reason, gate.retryAfterMs === undefined ? {} : { retryAfterMs: gate.retryAfterMs })

  /** A step-up proof given as `{ proof, maxAgeMs }`, checked as developer input (before any transaction), or null. */
  const readStepUp = (proof: unknown): { text: unknown; maxAgeMs: number } | null => {
    if (typeof proof !== 'object' || proof === null) return null
    needProofs()
    const { proof: text, maxAgeMs } = proof as { proof?: unknown; maxAgeMs?: unknown }
    return { text, maxAgeMs: checkMaxAge(maxAgeMs) }
  }

  /** What a proof is: a step-up proof opened (its signature checked) for this user's record, or a code. */
  const proofEvidence = async (
    gate: machine.CodeGate,
    proof: unknown,
    userId: string,
  ): Promise<machine.ProofEvidence> => {
    const stepUp = readStepUp(proof)
    if (stepUp === null) return evidence.code(gate, proof, context(userId))
    return { kind: 'proof', opened: await needProofs().open(tx.key(userId), stepUp.text), maxAgeMs: stepUp.maxAgeMs }
  }

  /** Runs an operation that takes a proof: gate, evidence over what the gate allows, then the machine's rule. */
  const withProof = async <Reason extends string, R>(
    gate: machine.ClosedGate<Reason> | machine.CodeGate,
    proof: unknown,
    userId: string,
    rule: (gate: machine.CodeGate, e: machine.ProofEvidence) => Transition<R> | NeedsRecovery<R>,
  ): Promise<Transition<R | Refusal<Reason>> | NeedsRecovery<R | Refusal<Reason>>> => {
    if ('reason' in gate) return closed(gate)
    return rule(gate, await proofEvidence(gate, proof, userId))
  }

  return {
    async beginEnrollment(userId, opts) {
      user(userId)
      const accountName = checkString('accountName', opts?.accountName, MAX_NAME_LENGTH)
      const label = opts.label === undefined ? DEFAULT_LABEL : checkString('label', opts.label, 64)
      const proof = opts.proof
      readStepUp(proof)
      const { algorithm, digits, period } = policy
      // a CSPRNG secret of the policy's length (validated 16 to 64 bytes when the service was created)
      const bytes = randomBytes(policy.secretBytes)
      const uri = createKeyURI({ issuer, accountName, secret: bytes, algorithm, digits, period })
      const id = newId()
      const sealed = await box.seal(bytes, binding(userId, id))
      const secret = { id, label, secret: sealed, algorithm, digits, period }
      type Begun = { ok: true; authenticatorId: string; expiresAt: number } | Refusal<EnrollReason>
      const result = await tx.run<Begun>(userId, 'enroll', async ({ record, at }) => {
        const gate = machine.enrollGate(record, given(proof), at, policy)
        if ('reason' in gate) return closed(gate)
        const e = 'open' in gate ? null : await proofEvidence(gate, proof, userId)
        return machine.begin(record, gate, e, secret, at, policy)
      })
      return result.ok ? { ...result, secret: encodeBase32(bytes), uri } : result
    },

    async confirmEnrollment(userId, code1, code2) {
      const codes = { list: [] as string[] }
      type Confirmed = machine.ConfirmSuccess | Refusal<ConfirmReason>
      const result = await tx.run<Confirmed>(user(userId), 'confirm', async ({ record, at }) => {
        const gate = machine.confirmGate(record, at, policy)
        const e: machine.ConfirmEvidence =
          'reason' in gate ? { kind: 'malformed' } : await evidence.pair(gate, code1, code2, context(userId))
        return withRecovery<Confirmed>(machine.confirm(record, gate, e, at, policy), freshRecovery(userId), codes)
      })
      if (!result.ok) return result
      return { ok: true, authenticatorId: result.authenticatorId, recoveryCodes: codes.list }
    },

    async verify(userId, code, opts) {
      user(userId)
      if (opts !== undefined && (typeof opts !== 'object' || opts === null)) {
        misuse(`verify options must be an object, got ${describe(opts)}`)
      }
      const wantProof = opts?.proof ?? false
      if (typeof wantProof !== 'boolean') misuse(`options.proof must be a boolean, got ${describe(wantProof)}`)
      const signer = wantProof ? needProofs() : undefined
      const trust =
        opts?.trustDevice === undefined ? undefined : checkTrustDevice(opts.trustDevice, policy.trustedDeviceTTLMs)
      // minted once, before the transaction: a retry after a conflict trusts the same device
      const minted = trust && (await mintDeviceToken(tx.key(userId)))
      const extras: machine.VerifyExtras = { proof: wantProof }
      if (trust && minted) extras.trust = { id: minted.id, digest: minted.digest, ...trust }
      let generation = 0
      let verifiedAt = 0
      const result = await tx.run(userId, 'verify', async ({ record, at }) => {
        const gate = machine.codeGate(record, at, policy)
        if ('reason' in gate) return closed(gate)
        const e = await evidence.code(gate, code, context(userId))
        const t = machine.verify(record!, gate, e, at, policy, extras)
        generation = (t.next ?? record!).generation
        verifiedAt = at
        return t
      })
      if (!result.ok) return result
      const { device, ...login } = result
      const out: VerifyResult = login
      // signed only once the login is committed, over the generation it committed
      if (signer) {
        const authenticatorId = login.method === 'totp' ? login.authenticatorId : null
        out.proof = await signer.issue(tx.key(userId), {
          verifiedAt,
          generation,
          method: login.method,
          authenticatorId,
        })
      }
      if (device && minted) out.device = { id: device.id, token: minted.token, expiresAt: device.expiresAt }
      return out
    },

    async checkProof(userId, proof, opts) {
      user(userId)
      const signer = needProofs()
      if (opts !== undefined && (typeof opts !== 'object' || opts === null)) {
        misuse(`checkProof options must be an object, got ${describe(opts)}`)
      }
      const maxAgeMs = checkMaxAge(opts?.maxAgeMs)
      const { record, at } = await tx.read(userId)
      return machine.checkProof(record, await signer.open(tx.key(userId), proof), at, maxAgeMs)
    },

    async verifyTrustedDevice(userId, token) {
      user(userId)
      const presented = await readDeviceToken(tx.key(userId), token)
      const replacement = presented && (await mintDeviceToken(tx.key(userId), presented.id))
      const result = await tx.run(userId, 'device', async ({ record, at }) =>
        machine.useTrustedDevice(record, presented, replacement?.digest ?? '', at, policy),
      )
      if (!result.ok || !replacement) return result as Refusal<machine.DeviceTokenReason>
      return { ok: true, deviceId: result.deviceId, token: replacement.token, expiresAt: result.expiresAt }
    },

    async listTrustedDevices(userId) {
      const { record, at } = await tx.read(user(userId))
      return machine.trustedDevices(record, at)
    },

    async revokeTrustedDevice(userId, deviceId) {
      user(userId)
      const id = checkString('deviceId', deviceId, 64)
      return tx.run(userId, 'revoke_device', async ({ record, at }) => machine.revokeTrustedDevice(record, id, at))
    },

    async revokeTrustedDevices(userId) {
      return tx.run(user(userId), 'revoke_device', async ({ record, at }) => machine.revokeTrustedDevices(record, at))
    },

    async resync(userId, code1, code2) {
      return tx.run<ResyncResult>(user(userId), 'resync', async ({ record, at }) => {
        const gate = machine.resyncCandidates(record, at, policy)
        if ('reason' in gate) return closed(gate)
        return machine.resync(record!, await evidence.resync(gate, code1, code2, context(userId)), at, policy)
      })
    },

    async listAuthenticators(userId) {
      return machine.list((await tx.read(user(userId))).record)
    },

    async renameAuthenticator(userId, authenticatorId, label) {
      user(userId)
      const id = checkString('authenticatorId', authenticatorId, 64)
      const name = checkString('label', label, 64)
      return tx.run(userId, 'rename', async ({ record }) => machine.rename(record, id, name))
    },

    async removeAuthenticator(userId, authenticatorId, proof) {
      user(userId)
      const id = checkString('authenticatorId', authenticatorId, 64)
      readStepUp(proof)
      const hasProof = given(proof)
      return tx.run<RemoveResult>(userId, 'remove', async ({ record, at }) =>
        withRecovery(
          await withProof(machine.removeGate(record, id, hasProof, at, policy), proof, userId, (gate, e) =>
            machine.removeAuthenticator(record!, id, gate, e, at, policy),
          ),
          freshRecovery(userId),
          { list: [] },
        ),
      )
    },

    async importAuthenticator(userId, opts) {
      user(userId)
      const { bytes, algorithm, digits, period } = readImport(opts)
      const label = opts.label === undefined ? DEFAULT_LABEL : checkString('label', opts.label, 64)
      const lastStep = integerOption(opts.lastStep, 'lastStep', -1, Number.MAX_SAFE_INTEGER, -1)
      const wantRecovery = opts.recoveryCodes === true
      const id = newId()
      const imported = {
        id,
        label,
        secret: await box.seal(bytes, binding(userId, id)),
        algorithm,
        digits,
        period,
        lastStep,
      }
      let codes: string[] | undefined
      type Imported = { ok: true; authenticatorId: string } | { ok: false; reason: 'limit_reached' }
      const result = await tx.run<Imported>(userId, 'import', async ({ record, at }) => {
        const gate = machine.importGate(record, policy)
        if ('reason' in gate) return { result: { ok: false, reason: gate.reason }, events: [] }
        const fresh = wantRecovery ? await freshRecovery(userId)() : null
        codes = fresh?.codes
        return machine.importAuthenticator(record, imported, fresh?.recovery ?? null, at)
      })
      return result.ok && codes ? { ...result, recoveryCodes: codes } : result
    },

    async disable(userId, proof) {
      user(userId)
      readStepUp(proof)
      const hasProof = given(proof)
      return tx.run<DisableResult>(userId, 'disable', async ({ record, at }) =>
        withRecovery(
          await withProof(machine.proofGate(record, hasProof, at, policy), proof, userId, (gate, e) =>
            machine.disable(record!, gate, e, at, policy),
          ),
          freshRecovery(userId),
          { list: [] },
        ),
      )
    },

    async regenerateRecoveryCodes(userId, proof) {
      user(userId)
      readStepUp(proof)
      const hasProof = given(proof)
      const codes = { list: [] as string[] }
      const result = await tx.run<{ ok: true } | Refusal<ProofReason>>(userId, 'regenerate', async ({ record, at }) =>
        withRecovery(
          await withProof(machine.proofGate(record, hasProof, at, policy), proof, userId, (gate, e) =>
            machine.regenerateRecoveryCodes(record!, gate, e, at, policy),
          ),
          freshRecovery(userId),
          codes,
        ),
      )
      return result.ok ? { ok: true, recoveryCodes: codes.list } : (result as Refusal<ProofReason>)
    },

    async reset(userId, opts) {
      user(userId)
      const actor = checkString('actor', opts?.actor, 256)
      const reason = checkString('reason', opts.reason, 1000, 0)
      return tx.run(
        userId,
        'reset',
        // an unreadable record's generation is unknown: the clock reading is larger than any counter it reached
        async ({ record, at, unreadable }) => machine.reset(record, actor, reason, unreadable ? at : undefined),
        { raw: true },
      )
    },

    async status(userId) {
      const { record, at } = await tx.read(user(userId))
      return machine.status(record, at)
    },
  }
}
