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
