// What the hand-written tables of the pure machine (test/mfa/machine/) start from: an
// instant on a step boundary, two authenticators and a set of recovery digests. No crypto: the secrets and
// digests are placeholders the machine stores and never reads.
import type { FreshRecoveryCodes, OpenedProof, ProofClaims, ProofEvidence } from '../../../src/mfa/machine/index.js'
import {
  emptyRecord,
  type MFARecord,
  type RecoveryDigests,
  type TrustedDevice,
} from '../../../src/mfa/record/shapes.js'

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
/** Codes sealed under the encryption keys: a placeholder the machine stores and hands back, never opens. */
export const SEALED = { kid: 'k1', iv: 'AAAA', ct: 'BBBB' }
/**
 * Fresh recovery codes as the service hands them to a transition that needs them: the codes, their digests and their
 * sealed copy (with keys).
 */
export const FRESH: FreshRecoveryCodes = { codes: ['code-one', 'code-two'], digests: RECOVERY, sealed: SEALED }

export const DAY = 86_400_000
/** A trusted device, used a day ago, expiring in 29 days. */
export const LAPTOP: TrustedDevice = {
  id: 'laptop',
  digest: 'c'.repeat(32),
  label: 'Laptop',
  createdAt: T - DAY,
  lastUsedAt: T - DAY,
  expiresAt: T + 29 * DAY,
}
/**
 * An active record at generation 4: the phone (enrolled two days before T, used a day before, last step S - 10) and
 * the tablet (enrolled a day before T, never used), the recovery digests, and `over` changed.
 */
export const twoAuthenticators = (over: Partial<MFARecord> = {}): MFARecord => ({
  ...emptyRecord(),
  generation: 4,
  enabledAt: T - 2 * DAY,
  authenticators: [
    { ...PHONE, createdAt: T - 2 * DAY, lastUsedAt: T - DAY, lastStep: S - 10, drift: 0 },
    { ...TABLET, createdAt: T - DAY, lastUsedAt: null, lastStep: -1, drift: 0 },
  ],
  recovery: RECOVERY,
  ...over,
})
/** A user at generation 4: the phone (used a day ago) and the tablet (never used), recovery digests, the laptop. */
export const ACTIVE: MFARecord = twoAuthenticators({ devices: [LAPTOP] })

/**
 * The claims of an identity proof: a verification code sent by email for 'enroll' and checked a minute before T, at
 * generation 0 (what `identityRefusal` and the identity gate look at).
 */
export const identityClaims = (over: Partial<ProofClaims> = {}): ProofClaims => ({
  kid: '0',
  verifiedAt: T - 60_000,
  generation: 0,
  method: 'email',
  authenticatorId: null,
  purpose: 'enroll',
  ...over,
})

/** A step-up proof as the evidence side opened it (`'invalid'`: a bad signature), accepted up to `maxAgeMs`. */
export const openedProof = (claims: ProofClaims | 'invalid', maxAgeMs = 600_000): ProofEvidence => ({
  kind: 'proof',
  opened: (claims === 'invalid' ? { ok: false, reason: 'invalid' } : { ok: true, claims }) as OpenedProof,
  maxAgeMs,
})
