// The check of a stored schema-2 or schema-3 record: every field present, of its type and in range, and nothing else
// (a damaged or planted record often carries extra keys). Schema 3 adds security keys (an authenticators entry) and
// the WebAuthn state, checked in security-key.ts. The field checks (fields.ts) are shared with the schema-1 upgrade.

import { MAX_RESYNC_WINDOW, MAX_UNSAVED_RECOVERY_CODES_TTL_MS } from '../policy.js'
import {
  exactKeys,
  type Fields,
  isB32,
  isCount,
  isDigestList,
  isEnrollmentLife,
  isHex32,
  isIntFrom,
  isKeyId,
  isParams,
  isSecret,
  isText,
  isTime,
} from './fields.js'
import { isKeyState, isSecurityKey } from './security-key.js'
import {
  MAX_ATTEMPTS_COUNT,
  MAX_FAILURES_COUNT,
  MAX_GENERATION,
  MAX_REPLACED_TOKENS,
  type MFARecord,
} from './shapes.js'
import { isVerificationState } from './verification.js'

/** The keys of what an authenticator and a pending enrollment both hold (checked by isSecretHolder). */
const SECRET_HOLDER_KEYS = ['id', 'label', 'secret', 'algorithm', 'digits', 'period', 'createdAt']
const AUTHENTICATOR_KEYS = [...SECRET_HOLDER_KEYS, 'lastUsedAt', 'lastStep', 'drift']
const PENDING_KEYS = [...SECRET_HOLDER_KEYS, 'expiresAt', 'attempts', 'replaces']

/** What an authenticator and a pending enrollment both hold: id, label, secret, TOTP parameters, creation time. */
const isSecretHolder = (o: Fields): boolean =>
  isText(o.id, 64) && isText(o.label, 64) && isSecret(o.secret) && isParams(o) && isTime(o.createdAt)

const isAuthenticator = (a: unknown): boolean =>
  exactKeys(a, AUTHENTICATOR_KEYS) &&
  isSecretHolder(a) &&
  (a.lastUsedAt === null || isTime(a.lastUsedAt)) &&
  isIntFrom(a.lastStep, -1) &&
  Number.isSafeInteger(a.drift) &&
  Math.abs(a.drift as number) <= MAX_RESYNC_WINDOW

const isPending = (p: unknown): p is Fields =>
  exactKeys(p, PENDING_KEYS) &&
  isSecretHolder(p) &&
  isTime(p.expiresAt) &&
  // an expiry further from its start than any policy allows is damage (or a clock far off): refused, so no
  // attempt limit can be escaped by a pending enrollment that never expires
  isEnrollmentLife(p.createdAt as number, p.expiresAt) &&
  isCount(p.attempts, MAX_ATTEMPTS_COUNT) &&
  (p.replaces === null || isText(p.replaces, 64))

function isRecovery(r: unknown): boolean {
  if (r === null) return true
  if (exactKeys(r, ['scheme', 'kid', 'digests']))
    return r.scheme === 'hmac' && isKeyId(r.kid) && isDigestList(r.digests)
  if (exactKeys(r, ['scheme', 'salt', 'iterations', 'digests'])) {
    return (
      r.scheme === 'pbkdf2' &&
      isB32(r.salt) &&
      isIntFrom(r.iterations, 1000) &&
      r.iterations <= 10_000_000 &&
      isDigestList(r.digests)
    )
  }
  if (exactKeys(r, ['scheme', 'key', 'digests'])) {
    // the key is always sealed: a clear one would be a digest key anyone could plant
    return r.scheme === 'sealed' && isSecret(r.key) && !exactKeys(r.key, ['b32']) && isDigestList(r.digests)
  }
  return exactKeys(r, ['scheme', 'digests']) && r.scheme === 'sha256' && isDigestList(r.digests)
}

const DEVICE_KEYS = ['id', 'digest', 'label', 'createdAt', 'lastUsedAt', 'expiresAt']

/** The replaced digests of a device, when it has any: 1 to {@link MAX_REPLACED_TOKENS}, none its current one. */
const isReplaced = (d: Fields): boolean =>
  Array.isArray(d.replaced) &&
  d.replaced.length > 0 &&
  d.replaced.length <= MAX_REPLACED_TOKENS &&
  d.replaced.every(isHex32) &&
  !d.replaced.includes(d.digest)

/**
 * A trusted device (digest, label, times; the digests its rotations replaced, when there are any: records of earlier
 * releases have none), or a revoked one (id, when revoked, when it would have expired).
 */
const isDevice = (d: unknown): boolean =>
  ((exactKeys(d, DEVICE_KEYS) || (exactKeys(d, [...DEVICE_KEYS, 'replaced']) && isReplaced(d))) &&
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

/**
 * Recovery codes not yet acknowledged: sealed exactly as a secret is (`{ kid, iv, ct }`) or null without keys, naming
 * the authenticator whose confirmation issued them (it may have been removed since) or none, issued before they
 * expire and kept at most a day, and only beside the keyed or salted digests they were issued with (never the
 * unkeyed ones of 0.1.0).
 */
const isUnsaved = (u: unknown, recovery: unknown): boolean =>
  exactKeys(u, ['sealed', 'authenticatorId', 'issuedAt', 'expiresAt']) &&
  (u.sealed === null || (exactKeys(u.sealed, ['kid', 'iv', 'ct']) && isSecret(u.sealed))) &&
  (u.authenticatorId === null || isText(u.authenticatorId, 64)) &&
  isTime(u.issuedAt) &&
  isTime(u.expiresAt) &&
  u.expiresAt > u.issuedAt &&
  u.expiresAt - u.issuedAt <= MAX_UNSAVED_RECOVERY_CODES_TTL_MS &&
  recovery !== null &&
  (recovery as Fields).scheme !== 'sha256'

/** The record's MAC: a key id and 256 bits in lower-case hex (whether it is right is record-mac.ts's check). */
const isMAC = (m: unknown): boolean =>
  exactKeys(m, ['kid', 'tag']) && isKeyId(m.kid) && typeof m.tag === 'string' && /^[0-9a-f]{64}$/.test(m.tag)

/**
 * True when `o` is a valid schema-2 record: every field of its type and in range, ids unique, nothing extra. Two
 * fields are optional: `unsaved` (absent in records of the release before it, and whenever it is null, though a
 * stored null reads too: the object parsed gets it as null), and `mac` (records written before it, or without
 * `encryptionKeys`, have none; whether one is required is the seal's rule).
 */
export function isRecord2(o: unknown): o is MFARecord {
  return isRecord(o, 2)
}

/**
 * True when `o` is a valid schema-3 record: a schema-2 record whose authenticators may also be security keys, and
 * which may hold the WebAuthn state (`webauthn`) and the verification-code state (`verification`), both optional.
 */
export function isRecord3(o: unknown): o is MFARecord {
  return isRecord(o, 3)
}

function isRecord(o: unknown, schema: 2 | 3): o is MFARecord {
  const has = (key: string) => typeof o === 'object' && o !== null && Object.hasOwn(o, key)
  const signed = has('mac')
  const keyState = schema === 3 && has('webauthn')
  const codes = schema === 3 && has('verification')
  const keys = [
    ...RECORD_KEYS,
    ...(has('unsaved') ? ['unsaved'] : []),
    ...(signed ? ['mac'] : []),
    ...(keyState ? ['webauthn'] : []),
    ...(codes ? ['verification'] : []),
  ]
  if (!exactKeys(o, keys) || o.schema !== schema) return false
  if (signed && !isMAC(o.mac)) return false
  if (keyState && !isKeyState(o.webauthn)) return false
  if (codes && !isVerificationState(o.verification)) return false
  const list = o.authenticators
  const isEntry = schema === 3 ? (a: unknown) => isAuthenticator(a) || isSecurityKey(a) : isAuthenticator
  if (!Array.isArray(list) || list.length > 100 || !list.every(isEntry)) return false
  const ids = list.map((a: Fields) => a.id)
  return (
    isCount(o.generation, MAX_GENERATION) &&
    (o.enabledAt === null || isTime(o.enabledAt)) &&
    isCount(o.failures, MAX_FAILURES_COUNT) &&
    isTime(o.lockedUntil) &&
    isRecovery(o.recovery) &&
    Array.isArray(o.devices) &&
    o.devices.length <= 100 &&
    o.devices.every(isDevice) &&
    (ids.length < 2 || new Set(ids).size === ids.length) &&
    (o.pending === null || (isPending(o.pending) && !ids.includes(o.pending.id))) &&
    (o.unsaved === undefined || o.unsaved === null || isUnsaved(o.unsaved, o.recovery)) &&
    // MFA is on exactly when there is an authenticator
    (list.length === 0) === (o.enabledAt === null)
  )
}
