// The checks of single stored fields, shared by the record's check (check.ts), the checks of the schema-3 parts
// (security-key.ts, verification.ts) and the schema-1 upgrade (upgrade.ts). It imports nothing of the record's
// own files, so each of those can use it without a cycle.
import { MAX_PERIOD, MIN_PERIOD } from '../../internal/limits.js'
import { HASH_BYTES } from '../../internal/otp.js'
import { MAX_ENROLLMENT_TTL_MS } from '../policy.js'

/** A parsed JSON object whose keys were checked, before its values are. */
export type Fields = Record<string, unknown>

const MAX_TIME = 8.64e15

/** A time in milliseconds since the Unix epoch, within the Date range. */
export const isTime = (v: unknown): v is number =>
  Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_TIME
/** A safe integer from `min` up. */
export const isIntFrom = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min
/** A counter: an integer from 0 to its bound (see MAX_FAILURES_COUNT and the others in shapes.ts). */
export const isCount = (v: unknown, max: number): v is number => isIntFrom(v, 0) && (v as number) <= max
export const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max
export const isHex32 = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v)
export const isB32 = (v: unknown): boolean => typeof v === 'string' && /^[A-Z2-7]+$/.test(v)
export const isKeyId = (v: unknown): boolean => typeof v === 'string' && /^[\w.-]{1,64}$/.test(v)

/** True when `o` is a plain object with exactly the keys `keys` (counted without building a list of them). */
export function exactKeys(o: unknown, keys: readonly string[]): o is Fields {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false
  let count = 0
  // own enumerable keys, as Object.keys lists them
  for (const k in o) if (Object.hasOwn(o, k)) count++
  return count === keys.length && keys.every((k) => Object.hasOwn(o, k))
}

/** A stored secret: either exactly `{ b32 }` or exactly `{ kid, iv, ct }` (never both, never a mix). */
export function isSecret(s: unknown): boolean {
  if (exactKeys(s, ['b32'])) return isB32(s.b32)
  return exactKeys(s, ['kid', 'iv', 'ct']) && isKeyId(s.kid) && isB32(s.iv) && isB32(s.ct)
}

/** The TOTP parameters the service verifies: digits 6 to 10, a period of 1 to 3600 s, a known algorithm. */
export function isParams(o: Fields): boolean {
  return (
    typeof o.algorithm === 'string' &&
    Object.hasOwn(HASH_BYTES, o.algorithm) &&
    isIntFrom(o.digits, 6) &&
    o.digits <= 10 &&
    isIntFrom(o.period, MIN_PERIOD) &&
    o.period <= MAX_PERIOD
  )
}

/** A pending enrollment's life: after its start, and no longer than any policy allows. */
export const isEnrollmentLife = (createdAt: number, expiresAt: number): boolean =>
  expiresAt > createdAt && expiresAt - createdAt <= MAX_ENROLLMENT_TTL_MS

/** A list of at most 100 recovery digests. */
export const isDigestList = (v: unknown): boolean => Array.isArray(v) && v.length <= 100 && v.every(isHex32)
