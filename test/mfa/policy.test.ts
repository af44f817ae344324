// The policy: defaults, and the bounds every field is checked against (one table of limits in policy.ts).
import { isOTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { DEFAULT_POLICY, DEFAULT_RESYNC_WINDOW, MAX_RESYNC_WINDOW, resolvePolicy } from '../../src/mfa/policy'

describe('resyncWindow policy', () => {
  it.each<[unknown, number | 'throws']>([
    [undefined, 10],
    [1, 1],
    [40, 40],
    [0, 'throws'],
    [41, 'throws'],
    [2.5, 'throws'],
    ['10', 'throws'],
  ])('%s gives %s', (value, expected) => {
    const resyncWindow = value as number
    if (expected !== 'throws') return expect(resolvePolicy({ resyncWindow }).resyncWindow).toBe(expected)
    expect(() => resolvePolicy({ resyncWindow })).toThrow(
      expect.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION') && /policy.resyncWindow/.test((e as Error).message)),
    )
  })
  it('defaults to 10 steps, at most 40', () => {
    expect([DEFAULT_RESYNC_WINDOW, MAX_RESYNC_WINDOW, DEFAULT_POLICY.resyncWindow]).toEqual([10, 40, 10])
  })
})

describe('security-key policy', () => {
  const throwsNaming = (policy: object, name: string) =>
    expect(() => resolvePolicy(policy)).toThrow(
      expect.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION') && (e as Error).message.includes(name)),
    )
  it('defaults: no change requires a key, a regressed counter is refused, challenges live 5 minutes', () => {
    expect(DEFAULT_POLICY.requireSecurityKeyFor).toEqual([])
    expect(DEFAULT_POLICY.counterRegression).toBe('refuse')
    expect(DEFAULT_POLICY.challengeTTLMs).toBe(300_000)
  })
  it('takes a list of distinct changes for requireSecurityKeyFor, and nothing else', () => {
    expect(resolvePolicy({ requireSecurityKeyFor: ['remove', 'disable'] }).requireSecurityKeyFor).toEqual([
      'remove',
      'disable',
    ])
    for (const bad of [['remove', 'remove'], ['verify'], 'remove', null]) {
      throwsNaming({ requireSecurityKeyFor: bad }, 'policy.requireSecurityKeyFor')
    }
  })
  it("takes 'refuse' or 'report' for counterRegression", () => {
    expect(resolvePolicy({ counterRegression: 'report' }).counterRegression).toBe('report')
    throwsNaming({ counterRegression: 'warn' }, 'policy.counterRegression')
  })
  it('takes 10 seconds to an hour for challengeTTLMs', () => {
    expect(resolvePolicy({ challengeTTLMs: 10_000 }).challengeTTLMs).toBe(10_000)
    expect(resolvePolicy({ challengeTTLMs: 3_600_000 }).challengeTTLMs).toBe(3_600_000)
    throwsNaming({ challengeTTLMs: 9_999 }, 'policy.challengeTTLMs')
    throwsNaming({ challengeTTLMs: 3_600_001 }, 'policy.challengeTTLMs')
  })
  it('lets proofMethods name webauthn', () => {
    expect(resolvePolicy({ proofMethods: { disable: ['webauthn', 'recovery'] } }).proofMethods.disable).toEqual([
      'webauthn',
      'recovery',
    ])
  })
})
