// The stored record of one user (schema 2), its parser, and the lossless upgrade of schema-1 records (0.1.0).
import { OTPError } from '../errors.js'
import { MAX_PERIOD, MIN_PERIOD } from '../internal/limits.js'
import { HASH_BYTES } from '../internal/otp.js'
import type { DeviceEntry } from './device.js'
import type { MFAAlgorithm } from './policy.js'
import { MAX_RESYNC_WINDOW } from './resync.js'

/**
 * A secret as stored: base32 in clear (`{ b32 }`), or AES-GCM encrypted (`{ kid, iv, ct }`, both base32, the tag
 * appended to the ciphertext). Schema 2 binds the ciphertext to the store key and the authenticator id; `legacy`
 * marks, in memory only, a ciphertext of a schema-1 record (bound to the user id), which the next write re-seals.
 */
export type StoredSecret = { b32: string } | { kid: string; iv: string; ct: string; legacy?: true }

/** The TOTP parameters a secret was issued with (kept with it, so a policy change never breaks an enrolled user). */
export interface SecretParams {
  secret: StoredSecret
  algorithm: MFAAlgorithm
  digits: number
  period: number
}

/** A confirmed (or imported) authenticator. Times in milliseconds since the Unix epoch. */
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
 * - `pbkdf2`: PBKDF2-HMAC-SHA-256 with a per-record `salt` (base32) and `iterations` (no keys configured);
 * - `sha256`: the unkeyed digests of 0.1.0, still accepted until the next regeneration replaces them.
 * Each digest is 128 bits in lower-case hex.
 */
export type RecoveryDigests =
  | { scheme: 'hmac'; kid: string; digests: string[] }
  | { scheme: 'pbkdf2'; salt: string; iterations: number; digests: string[] }
  | { scheme: 'sha256'; digests: string[] }

export type { DeviceEntry, RevokedDevice, TrustedDevice } from './device.js'

/**
 * The whole MFA state of one user: a plain JSON object, stored by an {@link MFAStore} as an opaque string.
 * Per-user facts first (one failure budget and lock across every authenticator and recovery code), then the
 * authenticators, then at most one pending enrollment.
 */
export interface MFARecord {
  schema: 2
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
  authenticators: Authenticator[]
  pending: PendingEnrollment | null
}

const MAX_TIME = 8.64e15
const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_TIME
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max
const isHex32 = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v)
const isB32 = (v: unknown): boolean => typeof v === 'string' && /^[A-Z2-7]+$/.test(v)
/** True when `o` has exactly the keys `keys` (a damaged or planted record often carries extra ones). */
const exactKeys = (o: unknown, keys: string[]): o is Record<string, unknown> =>
  typeof o === 'object' &&
  o !== null &&
  !Array.isArray(o) &&
  Object.keys(o).length === keys.length &&
  keys.every((k) => Object.hasOwn(o, k))

/** A stored secret: either exactly `{ b32 }` or exactly `{ kid, iv, ct }` (never both, never a mix). */
function isSecret(s: unknown, legacyAllowed: boolean): boolean {
  if (exactKeys(s, ['b32'])) return isB32(s.b32)
  const sealed = exactKeys(s, ['kid', 'iv', 'ct']) || (legacyAllowed && exactKeys(s, ['kid', 'iv', 'ct', 'legacy']))
  return sealed && /^[\w.-]{1,64}$/.test(String(s.kid)) && isB32(s.iv) && isB32(s.ct)
}

/** The TOTP parameters the service verifies: digits 6 to 10, a period of 1 to 3600 s, a known algorithm. */
function isParams(o: Record<string, unknown>): boolean {
  return (
    typeof o.algorithm === 'string' &&
    Object.hasOwn(HASH_BYTES, o.algorithm) &&
    Number.isSafeInteger(o.digits) &&
    (o.digits as number) >= 6 &&
    (o.digits as number) <= 10 &&
    Number.isSafeInteger(o.period) &&
    (o.period as number) >= MIN_PERIOD &&
    (o.period as number) <= MAX_PERIOD
  )
}

const DEVICE_KEYS = ['id', 'digest', 'label', 'createdAt', 'lastUsedAt', 'expiresAt']
/** The longest a pending enrollment may live (the policy's enrollmentTTLMs is at most a week). */
export const MAX_ENROLLMENT_TTL_MS = 604_800_000

/** The keys of what an authenticator and a pending enrollment both hold (checked by isSecretHolder). */
const SECRET_HOLDER_KEYS = ['id', 'label', 'secret', 'algorithm', 'digits', 'period', 'createdAt']

/** What an authenticator and a pending enrollment both hold: id, label, secret, TOTP parameters, creation time. */
function isSecretHolder(o: Record<string, unknown>): boolean {
  return isText(o.id, 64) && isText(o.label, 64) && isSecret(o.secret, false) && isParams(o) && isTime(o.createdAt)
}

function isAuthenticator(a: unknown): a is Authenticator {
  return (
    exactKeys(a, [...SECRET_HOLDER_KEYS, 'lastUsedAt', 'lastStep', 'drift']) &&
    isSecretHolder(a) &&
    (a.lastUsedAt === null || isTime(a.lastUsedAt)) &&
    Number.isSafeInteger(a.lastStep) &&
    (a.lastStep as number) >= -1 &&
    Number.isSafeInteger(a.drift) &&
    Math.abs(a.drift as number) <= MAX_RESYNC_WINDOW
  )
}

function isPending(p: unknown): p is PendingEnrollment {
  return (
    exactKeys(p, [...SECRET_HOLDER_KEYS, 'expiresAt', 'attempts', 'replaces']) &&
    isSecretHolder(p) &&
    isTime(p.expiresAt) &&
    // an expiry further from its start than any policy allows is damage (or a clock far off): refused, so no
    // attempt limit can be escaped by a pending enrollment that never expires
    (p.expiresAt as number) > (p.createdAt as number) &&
    (p.expiresAt as number) - (p.createdAt as number) <= MAX_ENROLLMENT_TTL_MS &&
    Number.isSafeInteger(p.attempts) &&
    (p.attempts as number) >= 0 &&
    (p.replaces === null || isText(p.replaces, 64))
  )
}

function isRecovery(r: unknown): r is RecoveryDigests {
  if (r === null) return true
  const o = r as Record<string, unknown>
  const digests = Array.isArray(o?.digests) && (o.digests as unknown[]).length <= 100 && o.digests.every(isHex32)
  if (exactKeys(r, ['scheme', 'kid', 'digests']))
    return o.scheme === 'hmac' && /^[\w.-]{1,64}$/.test(String(o.kid)) && digests
  if (exactKeys(r, ['scheme', 'salt', 'iterations', 'digests'])) {
    return (
      o.scheme === 'pbkdf2' &&
      isB32(o.salt) &&
      Number.isSafeInteger(o.iterations) &&
      (o.iterations as number) >= 1000 &&
      (o.iterations as number) <= 10_000_000 &&
      digests
    )
  }
  return exactKeys(r, ['scheme', 'digests']) && o.scheme === 'sha256' && digests
}

/** A trusted device (digest, label, times), or a revoked one (id, when revoked, when it would have expired). */
const isDevice = (d: unknown): boolean =>
  (exactKeys(d, DEVICE_KEYS) &&
    isText(d.id, 64) &&
    isHex32(d.digest) &&
    isText(d.label, 64) &&
    isTime(d.createdAt) &&
    isTime(d.lastUsedAt) &&
    isTime(d.expiresAt)) ||
  (exactKeys(d, ['id', 'revokedAt', 'expiresAt']) && isText(d.id, 64) && isTime(d.revokedAt) && isTime(d.expiresAt))

const RECORD_KEYS = [
  'schema',
  'generation',
  'enabledAt',
  'failures',
  'lockedUntil',
  'recovery',
  'devices',
  'authenticators',
  'pending',
]

function isRecord2(o: unknown): o is MFARecord {
  if (!exactKeys(o, RECORD_KEYS) || o.schema !== 2) return false
  const list = o.authenticators
  return (
    Number.isSafeInteger(o.generation) &&
    (o.generation as number) >= 0 &&
    (o.enabledAt === null || isTime(o.enabledAt)) &&
    Number.isSafeInteger(o.failures) &&
    (o.failures as number) >= 0 &&
    isTime(o.lockedUntil) &&
    isRecovery(o.recovery) &&
    Array.isArray(o.devices) &&
    o.devices.length <= 100 &&
    o.devices.every(isDevice) &&
    Array.isArray(list) &&
    list.length <= 100 &&
    list.every(isAuthenticator) &&
    new Set(list.map((a: Authenticator) => a.id)).size === list.length &&
    (o.pending === null ||
      (isPending(o.pending) && !list.some((a: Authenticator) => a.id === (o.pending as PendingEnrollment).id))) &&
    // MFA is on exactly when there is an authenticator
    (list.length === 0) === (o.enabledAt === null)
  )
}

/** The id a schema-1 record's active authenticator gets on upgrade (fixed, so reads before the first write agree). */
export const SCHEMA1_ACTIVE_ID = 'schema1-active'
/** The id a schema-1 record's pending enrollment gets on upgrade. */
export const SCHEMA1_PENDING_ID = 'schema1-pending'
/** The label of authenticators that had none (schema 1), and the default of new ones. */
export const DEFAULT_LABEL = 'Authenticator'

/** A schema-1 secret-holding part: secret, known algorithm, digits 6 to 10, period 1 to 3600 s, integer `ints`. */
function isPart1(o: any, ints: string[]): boolean {
  return (
    typeof o === 'object' &&
    o !== null &&
    isSecret(o.secret, false) &&
    isParams(o) &&
    ints.every((k) => Number.isSafeInteger(o[k]) && o[k] >= (k === 'lastStep' || k === 'drift' ? -1 : 0))
  )
}

/**
 * Upgrades a schema-1 record (0.1.0: one active authenticator holding the failures, the lock and the recovery
 * digests; at most one pending enrollment, possibly a rotation) to schema 2 in memory, losing nothing: the
 * enabledAt/rotatedAt pair becomes the record's `enabledAt` and the authenticator's `createdAt`; the rotation's
 * pending enrollment keeps replacing the old authenticator when confirmed.
 */
function upgrade1(o: any): MFARecord | null {
  const a = o.active
  const p = o.pending
  const ok =
    exactKeys(o, ['schema', 'active', 'pending']) &&
    (a === null ||
      (exactKeys(a, [
        'secret',
        'algorithm',
        'digits',
        'period',
        'enabledAt',
        'rotatedAt',
        'lastStep',
        'drift',
        'failures',
        'lockedUntil',
        'recovery',
      ]) &&
        isPart1(a, ['enabledAt', 'lastStep', 'drift', 'failures', 'lockedUntil']) &&
        (a.drift as number) <= 1 &&
        isTime(a.enabledAt) &&
        isTime(a.lockedUntil) &&
        (a.rotatedAt === null || isTime(a.rotatedAt)) &&
        Array.isArray(a.recovery) &&
        a.recovery.length <= 100 &&
        a.recovery.every(isHex32))) &&
    (p === null ||
      (exactKeys(p, [
        'secret',
        'algorithm',
        'digits',
        'period',
        'createdAt',
        'expiresAt',
        'attempts',
        'replaceActive',
      ]) &&
        isPart1(p, ['createdAt', 'expiresAt', 'attempts']) &&
        typeof p.replaceActive === 'boolean' &&
        (p.expiresAt as number) > (p.createdAt as number) &&
        (p.expiresAt as number) - (p.createdAt as number) <= MAX_ENROLLMENT_TTL_MS))
  if (!ok) return null
  // schema-1 ciphertexts were bound to the user id only: marked, so they open with that binding and are re-sealed
  const legacy = (s: StoredSecret): StoredSecret => ('b32' in s ? s : { ...s, legacy: true })
  return {
    schema: 2,
    generation: 0,
    enabledAt: a ? a.enabledAt : null,
    failures: a ? a.failures : 0,
    lockedUntil: a ? a.lockedUntil : 0,
    recovery: a && a.recovery.length > 0 ? { scheme: 'sha256', digests: [...a.recovery] } : null,
    devices: [],
    authenticators: a
      ? [
          {
            id: SCHEMA1_ACTIVE_ID,
            label: DEFAULT_LABEL,
            secret: legacy(a.secret),
            algorithm: a.algorithm,
            digits: a.digits,
            period: a.period,
            createdAt: a.rotatedAt ?? a.enabledAt,
            lastUsedAt: null,
            lastStep: a.lastStep,
            drift: a.drift,
          },
        ]
      : [],
    pending: p
      ? {
          id: SCHEMA1_PENDING_ID,
          label: DEFAULT_LABEL,
          secret: legacy(p.secret),
          algorithm: p.algorithm,
          digits: p.digits,
          period: p.period,
          createdAt: p.createdAt,
          expiresAt: p.expiresAt,
          attempts: p.attempts,
          replaces: p.replaceActive && a ? SCHEMA1_ACTIVE_ID : null,
        }
      : null,
  }
}

/**
 * Parses and checks a stored record; a schema-1 record comes back upgraded to schema 2 (written on the next change).
 *
 * @param data - the string an {@link MFAStore} returned
 * @returns the record, schema 2
 * @throws OTPError `ERR_RECORD_INVALID` when the text is not JSON, has an unknown schema (e.g. written by a newer
 * version), or any field is missing, extra, of the wrong type or out of range
 */
export function parseRecord(data: string): MFARecord {
  let o: any
  try {
    o = JSON.parse(data)
  } catch {}
  const record = o?.schema === 2 && isRecord2(o) ? (o as MFARecord) : o?.schema === 1 ? upgrade1(o) : null
  if (record === null) {
    throw new OTPError(
      'ERR_RECORD_INVALID',
      'stored MFA record is not a valid schema-1 or schema-2 record (newer, or damaged)',
    )
  }
  return record
}

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
  }
}
