// What the step-up proof suites (the codec, the machine's rule) start from: a codec under a fixed key, an instant,
// and totp claims to vary. Portable: no node:* imports.
import type { ProofClaims } from '../../src/mfa/machine/index'
import { checkProofKey, createProofCodec } from '../../src/mfa/proof-token'

/** A key of `length` bytes, all `fill`. */
export const key = (fill: number, length = 32) => new Uint8Array(length).fill(fill)
export const T = Date.UTC(2026, 11, 1, 12, 0, 0)
/** The codec under key(7). */
export const codec = createProofCodec(checkProofKey(key(7))!)
/** The claims of a totp proof at T, generation 3, authenticator a1, with `over` changed. */
export const totp = (over: Partial<Omit<ProofClaims, 'kid'>> = {}): Omit<ProofClaims, 'kid'> => ({
  verifiedAt: T,
  generation: 3,
  method: 'totp',
  authenticatorId: 'a1',
  ...over,
})
