// What the hand-written tables of the pure machine (machine.test.ts, machine-sensitive.test.ts) start from: an
// instant on a step boundary, two authenticators and a set of recovery digests. No crypto: the secrets and
// digests are placeholders the machine stores and never reads.
import type { RecoveryDigests } from '../../src/mfa/record.js'

/** A step boundary: 60_000_000 * 30 s. */
export const T = 1_800_000_000_000
/** The time step of T. */
export const S = T / 30_000

export const PHONE = {
  id: 'phone',
  label: 'Phone',
  secret: { b32: 'AAAA' },
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
} as const
export const TABLET = { ...PHONE, id: 'tablet', label: 'Tablet' }
export const RECOVERY: RecoveryDigests = { scheme: 'hmac', kid: 'k1', digests: ['a'.repeat(32), 'b'.repeat(32)] }
