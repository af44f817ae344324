// The lossless upgrade of a schema-1 record (0.1.0: one active authenticator holding the failures, the lock and the
// recovery digests; at most one pending enrollment, possibly a rotation) to schema 2, in memory; the next write
// stores it as schema 2.
import type { MFAAlgorithm } from '../api.js'
import { exactKeys, isCount, isDigestList, isEnrollmentLife, isIntFrom, isParams, isSecret, isTime } from './fields.js'
import { DEFAULT_LABEL, MAX_ATTEMPTS_COUNT, MAX_FAILURES_COUNT, type MFARecord, type StoredSecret } from './shapes.js'

/** The id a schema-1 record's active authenticator gets on upgrade (fixed, so reads before the first write agree). */
export const SCHEMA1_ACTIVE_ID = 'schema1-active'
/** The id a schema-1 record's pending enrollment gets on upgrade. */
export const SCHEMA1_PENDING_ID = 'schema1-pending'

/** What a schema-1 active authenticator and pending enrollment both hold. */
interface Part1 {
  secret: StoredSecret
  algorithm: MFAAlgorithm
  digits: number
  period: number
}

/** A schema-1 active authenticator, once checked. */
interface Active1 extends Part1 {
  enabledAt: number
  rotatedAt: number | null
  lastStep: number
  drift: number
  failures: number
  lockedUntil: number
  recovery: string[]
}

/** A schema-1 pending enrollment, once checked. */
interface Pending1 extends Part1 {
  createdAt: number
  expiresAt: number
  attempts: number
  replaceActive: boolean
}

const ACTIVE_KEYS = [
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
]
const PENDING_KEYS = ['secret', 'algorithm', 'digits', 'period', 'createdAt', 'expiresAt', 'attempts', 'replaceActive']

const isActive1 = (a: unknown): a is Active1 =>
  exactKeys(a, ACTIVE_KEYS) &&
  isSecret(a.secret) &&
  isParams(a) &&
  isTime(a.enabledAt) &&
  (a.rotatedAt === null || isTime(a.rotatedAt)) &&
  isIntFrom(a.lastStep, -1) &&
  isIntFrom(a.drift, -1) &&
  a.drift <= 1 &&
  isCount(a.failures, MAX_FAILURES_COUNT) &&
  isTime(a.lockedUntil) &&
  isDigestList(a.recovery)

const isPending1 = (p: unknown): p is Pending1 =>
  exactKeys(p, PENDING_KEYS) &&
  isSecret(p.secret) &&
  isParams(p) &&
  isIntFrom(p.createdAt, 0) &&
  isIntFrom(p.expiresAt, 0) &&
  isCount(p.attempts, MAX_ATTEMPTS_COUNT) &&
  typeof p.replaceActive === 'boolean' &&
  isEnrollmentLife(p.createdAt, p.expiresAt)

// schema-1 ciphertexts were bound to the user id only: marked, so they open with that binding and are re-sealed
const legacy = (s: StoredSecret): StoredSecret => ('b32' in s ? s : { ...s, legacy: true })

/**
 * Upgrades a schema-1 record to schema 2, losing nothing: the enabledAt/rotatedAt pair becomes the record's
 * `enabledAt` and the authenticator's `createdAt`; the rotation's pending enrollment keeps replacing the old
 * authenticator when confirmed.
 *
 * @param o - the parsed JSON of a record whose `schema` is 1
 * @returns the record as schema 2, or null when it is not a valid schema-1 record
 */
export function upgradeRecord1(o: unknown): MFARecord | null {
  if (!exactKeys(o, ['schema', 'active', 'pending'])) return null
  const a = o.active
  const p = o.pending
  if ((a !== null && !isActive1(a)) || (p !== null && !isPending1(p))) return null
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
    unsaved: null,
  }
}
