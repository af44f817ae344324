// The stored record of one user (schema 2, or 3 once it holds a security key): its shapes, as the machine reads and
// writes them. A key's entry and the WebAuthn state are in security-key.ts. The check of a stored record is in
// check.ts, the upgrade of a schema-1 record (0.1.0) in upgrade.ts, both behind parse.ts.
import type { MFAAlgorithm } from '../api.js'
import type { KeyState, SecurityKey } from './security-key.js'

export type { KeyAlgorithm, KeyChallenge, KeyRegistration, KeyState, SecurityKey } from './security-key.js'

/**
 * A secret as stored: base32 in clear (`{ b32 }`), or AES-GCM encrypted (`{ kid, iv, ct }`, both base32, the tag
 * appended to the ciphertext). Schema 2 binds the ciphertext to the store key and the authenticator id; `legacy`
 * marks, in memory only, a ciphertext of a schema-1 record (bound to the user id), which the next write re-seals.
 */
export type StoredSecret = { b32: string } | SealedSecret

/** A secret AES-GCM-sealed under encryption key `kid` (IV and ciphertext with its tag, base32). */
export type SealedSecret = { kid: string; iv: string; ct: string; legacy?: true }

/** The TOTP parameters a secret was issued with (kept with it, so a policy change never breaks an enrolled user). */
export interface SecretParams {
  secret: StoredSecret
  algorithm: MFAAlgorithm
  digits: number
  period: number
}

/** A confirmed (or imported) authenticator app. Times in milliseconds since the Unix epoch. */
export interface Authenticator extends SecretParams {
  /** Stable id, unique for the user (shown to the application, never a secret). */
  id: string
  /** The user's name for it, e.g. `'Work phone'`. */
  label: string
  createdAt: number
  /** The last accepted code of this authenticator, or null. */
  lastUsedAt: number | null
  /** The last time step accepted; only later steps are accepted (RFC 6238 §5.2). */
  lastStep: number
  /**
   * Steps the phone's clock is ahead (+) or behind (-) ours; centres the login window. A login keeps it within one
   * step of 0 (or moves it towards 0); only a resync sets more, up to 40.
   */
  drift: number
}

/** An entry of the record's authenticators: an app (no `kind`, as schema 2 stored it) or a security key. */
export type AuthenticatorEntry = Authenticator | SecurityKey

/** True when an entry is an authenticator app (entries without `kind`). */
export const isTOTP = (a: AuthenticatorEntry): a is Authenticator => !('kind' in a)

/** The authenticator apps of a record, in order. */
export const totpOf = (record: { authenticators: readonly AuthenticatorEntry[] }): Authenticator[] =>
  record.authenticators.filter(isTOTP)

/** The security keys of a record, in order. */
export const keysOf = (record: { authenticators: readonly AuthenticatorEntry[] }): SecurityKey[] =>
  record.authenticators.filter((a): a is SecurityKey => !isTOTP(a))

/** An enrollment waiting for two consecutive codes. Times in milliseconds since the Unix epoch. */
export interface PendingEnrollment extends SecretParams {
  /** The id the authenticator gets when confirmed. */
  id: string
  label: string
  createdAt: number
  expiresAt: number
  /** Failed confirmations so far; at the policy's cap the pending enrollment is locked. */
  attempts: number
  /** Only for a rotation begun under 0.1.0: the authenticator its confirmation replaces; otherwise null. */
  replaces: string | null
}

/**
 * The stored digests of the unused recovery codes, by scheme:
 * - `hmac`: HMAC-SHA-256 under a key derived from encryption key `kid` (useless without the keys);
 * - `sealed`: the same digests once the key they were made under was rotated away: the derived HMAC key itself is
 *   kept in the record, AES-GCM-sealed under the current encryption key like a secret (re-sealed on rotation);
 * - `pbkdf2`: PBKDF2-HMAC-SHA-256 with a per-record `salt` (base32) and `iterations` (no keys configured);
 * - `sha256`: the unkeyed digests of 0.1.0, still accepted until the next regeneration replaces them.
 * Each digest is 128 bits in lower-case hex.
 */
export type RecoveryDigests =
  | { scheme: 'hmac'; kid: string; digests: string[] }
  | { scheme: 'sealed'; key: SealedSecret; digests: string[] }
  | { scheme: 'pbkdf2'; salt: string; iterations: number; digests: string[] }
  | { scheme: 'sha256'; digests: string[] }

/**
 * The record's MAC (with `encryptionKeys` only): HMAC-SHA-256, in lower-case hex, under a key derived from encryption
 * key `kid`, over the store key and the canonical record without this field (record-mac.ts).
 */
export interface RecordMAC {
  kid: string
  tag: string
}

/** A device the user chose to trust. Times in milliseconds since the Unix epoch. */
export interface TrustedDevice {
  /** Random, 16 letters (no digit, so it never looks like a code in a log); also the first part of its token. */
  id: string
  /** SHA-256 of the current token (domain label, store key, token), truncated to 128 bits, lower-case hex. */
  digest: string
  label: string
  createdAt: number
  lastUsedAt: number
  /** Fixed when the device is trusted; using the token does not extend it. */
  expiresAt: number
  /**
   * The digests of the tokens its rotations replaced, oldest first, at most `MAX_REPLACED_TOKENS` (10): one of them
   * presented again means the token was copied, and revokes the device. Absent when none (records of earlier
   * releases, and devices not used since they were trusted).
   */
  replaced?: string[]
}

/** How many replaced token digests a trusted device remembers (the newest); an older copy is only refused. */
export const MAX_REPLACED_TOKENS = 10

/** A device revoked before its expiry, remembered until then so its token says `revoked` rather than `unknown`. */
export interface RevokedDevice {
  id: string
  revokedAt: number
  expiresAt: number
}

/** An entry of the record's `devices` list. */
export type DeviceEntry = TrustedDevice | RevokedDevice

/** Recovery codes sealed with AES-GCM under encryption key `kid` (`iv`, `ct` base32, the tag appended). */
export interface SealedCodes {
  kid: string
  iv: string
  ct: string
}

/**
 * Recovery codes issued lately and not yet acknowledged, kept so they can be shown again until `expiresAt` (ms since
 * the Unix epoch). Never in clear: sealed under the encryption keys (bound to the store key and the digests they were
 * issued with), or, without keys, not kept at all (`sealed: null`: showing them again issues a fresh set).
 */
export interface UnsavedRecovery {
  sealed: SealedCodes | null
  /** The authenticator whose confirmation issued them, or null (a regeneration). */
  authenticatorId: string | null
  issuedAt: number
  expiresAt: number
}

/**
 * The whole MFA state of one user: a plain JSON object, stored by an {@link MFAStore} as an opaque string.
 * Per-user facts first (one failure budget and lock across every authenticator and recovery code), then the
 * authenticators, then at most one pending enrollment.
 */
export interface MFARecord {
  /** 2, or 3 when it holds a security key or WebAuthn state (set by the write: see `withSchema` in parse.ts). */
  schema: 2 | 3
  /** Bumped by disable, reset, removal of an authenticator and recovery-code regeneration (names proofs' validity). */
  generation: number
  /** When MFA was turned on (the first authenticator), or null while the user has none. */
  enabledAt: number | null
  /** Consecutive failed codes, across every authenticator and recovery code. */
  failures: number
  /** Codes are not checked before this time (0 = not locked). */
  lockedUntil: number
  /** Unused recovery codes (null: none issued). */
  recovery: RecoveryDigests | null
  /** Trusted devices, and revoked ones until their expiry (so their tokens say `revoked`). */
  devices: DeviceEntry[]
  authenticators: AuthenticatorEntry[]
  pending: PendingEnrollment | null
  /**
   * Recovery codes issued lately and not yet acknowledged, or null. Stored only when set: a record without it is
   * exactly what the release before wrote, and reads there.
   */
  unsaved: UnsavedRecovery | null
  /** Absent without `encryptionKeys` (and in records written before it existed); added on the next write. */
  mac?: RecordMAC
  /** Schema 3: the user handle, a security-key registration begun and the sign-in challenges; absent when none. */
  webauthn?: KeyState
}

/**
 * The bounds of the record's counters, checked when a record is read and never passed when one is written (a counter
 * at its bound stays there), so no count can grow into a record the next read refuses.
 * - failures: a million consecutive failures (the lock stays at `lockMaxMs` long before);
 * - a pending enrollment's attempts: the largest `maxEnrollmentAttempts` a policy allows;
 * - generation: the largest safe integer (a reset of an unreadable record starts it at the clock reading); a
 *   generation at its bound no longer moves, so no step-up proof stands there (see decideProof).
 */
export const MAX_FAILURES_COUNT = 1_000_000
export const MAX_ATTEMPTS_COUNT = 1000
export const MAX_GENERATION = Number.MAX_SAFE_INTEGER

/** A counter plus one, never past its bound. */
export const countUp = (n: number, max: number): number => Math.min(n + 1, max)

/** The label of authenticators that had none (schema 1), and the default of new ones. */
export const DEFAULT_LABEL = 'Authenticator'

/** A record with nothing in it: no authenticator, nothing pending (`generation` carried over from the last one). */
export function emptyRecord(generation = 0): MFARecord {
  return {
    schema: 2,
    generation,
    enabledAt: null,
    failures: 0,
    lockedUntil: 0,
    recovery: null,
    devices: [],
    authenticators: [],
    pending: null,
    unsaved: null,
  }
}
