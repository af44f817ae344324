// Resync in the machine: where the second code may lie (resyncSteps) and the decision on the pairs the evidence
// found (decideResync); the last case runs the engine's step search over those steps.
import { describe, expect, it } from 'vitest'
import { findConsecutive, webCryptoEngine } from '../../../src/internal/engine'
import { decideResync, resyncSteps } from '../../../src/mfa/machine/index'
import { RESYNC_SECRET, RESYNC_STEP, RESYNC_T, resyncAuth, resyncCode } from '../../support/resync'

const T = RESYNC_T
const t = RESYNC_STEP
const SECRET = RESYNC_SECRET
const auth = resyncAuth
const code = resyncCode

describe('resyncSteps', () => {
  it('offers the phone step first, then alternately earlier and later, window steps each way', () => {
    expect(resyncSteps(auth(), T, 2)).toEqual([t, t - 1, t + 1, t - 2, t + 2])
    expect(resyncSteps(auth({ drift: 5 }), T, 1)).toEqual([t + 5, t + 4, t + 6])
    expect(resyncSteps(auth(), T, 10)).toHaveLength(21)
  })
  it('never reaches further than 40 steps from our own step, nor below step 1', () => {
    const steps = resyncSteps(auth({ drift: 35 }), T, 10)
    expect(Math.max(...steps)).toBe(t + 40)
    expect(Math.min(...steps)).toBe(t + 25)
    expect(steps).toHaveLength(16)
    expect(resyncSteps(auth(), 30_000 * 2, 5)).toEqual([2, 1, 3, 4, 5, 6, 7])
  })
})

describe('decideResync: the machine rule', () => {
  const two = [auth({ id: 'a1' }), auth({ id: 'a2', lastStep: t + 3, drift: 1 })]
  // [rule, evidence, expected]
  const table: [string, Parameters<typeof decideResync>[1], ReturnType<typeof decideResync>][] = [
    ['malformed input does not count', 'malformed', { ok: false, reason: 'malformed', counts: false }],
    ['twice the same code does not count', 'same', { ok: false, reason: 'same_code', counts: false }],
    [
      'no pair anywhere counts as a failure',
      [
        { authenticatorId: 'a1', step: null },
        { authenticatorId: 'a2', step: null },
      ],
      { ok: false, reason: 'invalid', counts: true },
    ],
    [
      'a pair 7 steps behind sets drift -6 and consumes the second step',
      [{ authenticatorId: 'a1', step: t - 7 }],
      { ok: true, authenticatorId: 'a1', drift: -6, lastStep: t - 6 },
    ],
    [
      'a pair ahead sets a positive drift',
      [{ authenticatorId: 'a1', step: t + 8 }],
      { ok: true, authenticatorId: 'a1', drift: 9, lastStep: t + 9 },
    ],
    [
      'a pair at or before the last accepted step is replayed',
      [
        { authenticatorId: 'a1', step: null },
        { authenticatorId: 'a2', step: t + 3 },
      ],
      { ok: false, reason: 'replayed', counts: false },
    ],
    [
      'the second authenticator may be the one resynced',
      [
        { authenticatorId: 'a1', step: null },
        { authenticatorId: 'a2', step: t + 4 },
      ],
      { ok: true, authenticatorId: 'a2', drift: 5, lastStep: t + 5 },
    ],
    [
      'a replay on one does not hide a genuine pair of another',
      [
        { authenticatorId: 'a2', step: t + 2 },
        { authenticatorId: 'a1', step: t - 2 },
      ],
      { ok: true, authenticatorId: 'a1', drift: -1, lastStep: t - 1 },
    ],
    [
      'evidence for an authenticator the user does not have is ignored',
      [{ authenticatorId: 'zz', step: t }],
      { ok: false, reason: 'invalid', counts: true },
    ],
    [
      'a drift beyond 40 steps is never set',
      [{ authenticatorId: 'a1', step: t + 40 }],
      { ok: false, reason: 'invalid', counts: true },
    ],
    [
      'exactly 40 steps is allowed',
      [{ authenticatorId: 'a1', step: t + 39 }],
      { ok: true, authenticatorId: 'a1', drift: 40, lastStep: t + 40 },
    ],
  ]
  it.each(table)('%s', (_, evidence, expected) => {
    expect(decideResync(two, evidence, T)).toEqual(expected)
  })

  it('after a resync the login window centred on the new drift covers the phone, and both codes are replays', async () => {
    // a phone 6 steps (3 minutes) behind
    const s = t - 7
    const signer = await webCryptoEngine.prepare(SECRET, 'SHA1')
    const found = await findConsecutive(signer, await code(s), await code(s + 1), 6, resyncSteps(auth(), T, 10))
    const d = decideResync([auth()], [{ authenticatorId: 'a1', step: found }], T)
    expect(d).toEqual({ ok: true, authenticatorId: 'a1', drift: -6, lastStep: s + 1 })
    if (!d.ok) return
    const resynced = auth({ drift: d.drift, lastStep: d.lastStep })
    // the same two codes again: found, but replayed
    const again = await findConsecutive(signer, await code(s), await code(s + 1), 6, resyncSteps(resynced, T, 10))
    expect(decideResync([resynced], [{ authenticatorId: 'a1', step: again }], T)).toMatchObject({ reason: 'replayed' })
    // a minute later the phone shows step t - 4, which is the centre of a 1-step login window at drift -6
    const later = T + 60_000
    expect(Math.floor(later / 30_000) + d.drift).toBe(t - 4)
  })
})
