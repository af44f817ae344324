// The step-up rule of the machine: whether a proof, as the codec opened it, still stands for the record now
// (genuine, within the clock skew, same generation, its authenticator still there and older, not past maxAgeMs).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideProof, type OpenedProof, type ProofClaims, type ProofFacts } from '../../../src/mfa/machine/index'
import { PROOF_CLOCK_SKEW_MS } from '../../../src/mfa/policy'
import { numRuns } from '../../support/env'
import { codec, T, totp } from '../proof-fixtures'

const runs = { numRuns: Math.max(20, Math.floor(numRuns / 4)) }
const facts = (over: Partial<ProofFacts> = {}): ProofFacts => ({
  generation: 3,
  authenticators: [
    { id: 'a1', createdAt: T - 86_400_000 },
    { id: 'a2', createdAt: T - 3_600_000 },
  ],
  ...over,
})

describe('decideProof: the machine rule', () => {
  const open = async (claims = totp()): Promise<OpenedProof> => codec.open('mfa:u', await codec.issue('mfa:u', claims))
  const INVALID: OpenedProof = { ok: false, reason: 'invalid' }
  const MIN = 60_000

  // [rule, claims, record facts, now, maxAgeMs, expected]
  const table: [string, Partial<ProofClaims> | 'invalid', ProofFacts | null, number, number, string][] = [
    ['fresh totp proof', {}, facts(), T + MIN, 10 * MIN, 'ok'],
    ['exactly maxAgeMs old', {}, facts(), T + 10 * MIN, 10 * MIN, 'ok'],
    ['1 ms past maxAgeMs', {}, facts(), T + 10 * MIN + 1, 10 * MIN, 'proof_expired'],
    ['a shorter maxAgeMs for a sensitive action', {}, facts(), T + 2 * MIN, MIN, 'proof_expired'],
    ['not genuine', 'invalid', facts(), T, 10 * MIN, 'proof_invalid'],
    ['dated within the clock skew ahead', {}, facts(), T - PROOF_CLOCK_SKEW_MS, 10 * MIN, 'ok'],
    ['dated beyond the clock skew ahead', {}, facts(), T - PROOF_CLOCK_SKEW_MS - 1, 10 * MIN, 'proof_invalid'],
    ['no record', {}, null, T, 10 * MIN, 'proof_revoked'],
    ['generation bumped', {}, facts({ generation: 4 }), T, 10 * MIN, 'proof_revoked'],
    ['generation lower (record re-created)', {}, facts({ generation: 0 }), T, 10 * MIN, 'proof_revoked'],
    [
      'its authenticator removed',
      {},
      facts({ authenticators: [{ id: 'a2', createdAt: 0 }] }),
      T,
      10 * MIN,
      'proof_revoked',
    ],
    ['no authenticators left', {}, facts({ authenticators: [] }), T, 10 * MIN, 'proof_revoked'],
    [
      'an authenticator with its id enrolled after the proof',
      {},
      facts({ authenticators: [{ id: 'a1', createdAt: T + PROOF_CLOCK_SKEW_MS + 1 }] }),
      T + 2 * MIN,
      10 * MIN,
      'proof_revoked',
    ],
    ['another authenticator removed', {}, facts({ authenticators: [{ id: 'a1', createdAt: 0 }] }), T, 10 * MIN, 'ok'],
    [
      'recovery proof, authenticators unchanged',
      { method: 'recovery', authenticatorId: null },
      facts(),
      T,
      10 * MIN,
      'ok',
    ],
    [
      'recovery proof, every authenticator newer',
      { method: 'recovery', authenticatorId: null },
      facts({ authenticators: [{ id: 'b1', createdAt: T + 5 * MIN }] }),
      T + 6 * MIN,
      10 * MIN,
      'proof_revoked',
    ],
    ['revoked and expired: revoked', {}, facts({ generation: 9 }), T + 60 * MIN, 10 * MIN, 'proof_revoked'],
  ]

  it.each(table)('%s', async (_, claims, record, now, maxAgeMs, expected) => {
    const opened = claims === 'invalid' ? INVALID : await open(totp(claims))
    const decision = decideProof(opened, record, now, maxAgeMs)
    expect(decision.ok ? 'ok' : decision.reason).toBe(expected)
    if (decision.ok && opened.ok) {
      expect(decision).toEqual({
        ok: true,
        verifiedAt: opened.claims.verifiedAt,
        method: opened.claims.method,
        authenticatorId: opened.claims.authenticatorId,
      })
    }
  })

  it('says which method a proof came from, so apps can refuse recovery-code proofs', async () => {
    const d = decideProof(await open(totp({ method: 'recovery', authenticatorId: null })), facts(), T, 10 * MIN)
    expect(d).toEqual({ ok: true, verifiedAt: T, method: 'recovery', authenticatorId: null })
  })

  it('property: any change of generation voids every earlier proof', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 10 * MIN }),
        async (issued, current, recovery, age) => {
          const claims = recovery
            ? totp({ generation: issued, method: 'recovery', authenticatorId: null })
            : totp({ generation: issued })
          const decision = decideProof(await open(claims), facts({ generation: current }), T + age, 10 * MIN)
          expect(decision.ok).toBe(issued === current)
          if (!decision.ok) expect(decision.reason).toBe('proof_revoked')
        },
      ),
      runs,
    )
  })
})
