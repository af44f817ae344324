// Resync with two consecutive codes: the search gate, the evidence (HMACs over the wider window) and the pure decision.
import fc from 'fast-check'
import { generateHOTP, isOTPError } from 'mfa-core'
import { syncEngine } from 'mfa-core/sync'
import { describe, expect, it } from 'vitest'
import { type HMACSigner, webCryptoEngine } from '../../src/internal/engine'
import {
  checkResyncWindow,
  DEFAULT_RESYNC_WINDOW,
  decideResync,
  findConsecutive,
  MAX_RESYNC_WINDOW,
  type ResyncAuthenticator,
  resyncGate,
} from '../../src/mfa/resync'
import { ascii, numRuns } from '../support/env'

const SECRET = ascii('12345678901234567890') // RFC 6238 Appendix B, SHA-1
const T = Date.UTC(2026, 11, 1, 12, 0, 5) // 5 s into a 30 s step
const t = Math.floor(T / 30_000)
const auth = (over: Partial<ResyncAuthenticator> = {}): ResyncAuthenticator => ({
  id: 'a1',
  period: 30,
  lastStep: t - 100,
  drift: 0,
  ...over,
})
const code = (step: number, secret = SECRET) => generateHOTP(secret, step)
const runs = { numRuns: Math.max(20, Math.floor(numRuns / 8)) }

/** A signer that records which steps were computed. */
async function counting(secret = SECRET) {
  const inner = await webCryptoEngine.prepare(secret, 'SHA1')
  const computed: number[] = []
  const signer: HMACSigner = {
    sign(message) {
      computed.push(new DataView(message.buffer).getUint32(4))
      return inner.sign(message)
    },
  }
  return { signer, computed }
}

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
    if (expected !== 'throws') return expect(checkResyncWindow(value)).toBe(expected)
    expect(() => checkResyncWindow(value)).toThrow(expect.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION')))
  })
  it('defaults to 10 steps, at most 40', () => {
    expect([DEFAULT_RESYNC_WINDOW, MAX_RESYNC_WINDOW]).toEqual([10, 40])
  })
})

describe('resyncGate', () => {
  it('offers the phone step first, then alternately earlier and later, window steps each way', () => {
    expect(resyncGate(auth(), T, 2)).toEqual([t, t - 1, t + 1, t - 2, t + 2])
    expect(resyncGate(auth({ drift: 5 }), T, 1)).toEqual([t + 5, t + 4, t + 6])
    expect(resyncGate(auth(), T, 10)).toHaveLength(21)
  })
  it('never reaches further than 40 steps from our own step, nor below step 1', () => {
    const steps = resyncGate(auth({ drift: 35 }), T, 10)
    expect(Math.max(...steps)).toBe(t + 40)
    expect(Math.min(...steps)).toBe(t + 25)
    expect(steps).toHaveLength(16)
    expect(resyncGate(auth(), 30_000 * 2, 5)).toEqual([2, 1, 3, 4, 5, 6, 7])
  })
})

describe('findConsecutive: evidence', () => {
  it('finds the first step of two consecutive codes anywhere in the gate, both engines alike', async () => {
    const seconds = resyncGate(auth(), T, 10)
    for (const offset of [0, -10, 10, 7, -3]) {
      const s = t + offset - 1
      const [c1, c2] = [await code(s), await code(s + 1)]
      const web = await webCryptoEngine.prepare(SECRET, 'SHA1')
      const sync: HMACSigner = await syncEngine.prepare(SECRET, 'SHA1')
      expect(await findConsecutive(web, c1, c2, 6, seconds)).toBe(s)
      expect(await findConsecutive(sync, c1, c2, 6, seconds)).toBe(s)
    }
  })

  it('refuses reversed, non-consecutive and out-of-window pairs', async () => {
    const seconds = resyncGate(auth(), T, 10)
    const signer = await webCryptoEngine.prepare(SECRET, 'SHA1')
    expect(await findConsecutive(signer, await code(t + 1), await code(t), 6, seconds)).toBeNull()
    expect(await findConsecutive(signer, await code(t), await code(t + 2), 6, seconds)).toBeNull()
    expect(await findConsecutive(signer, await code(t + 10), await code(t + 11), 6, seconds)).toBeNull()
    expect(await findConsecutive(signer, await code(t - 12), await code(t - 11), 6, seconds)).toBeNull()
  })

  it('a miss computes every step of the gate once; a hit stops at its pair', async () => {
    const seconds = resyncGate(auth(), T, 10)
    const miss = await counting()
    expect(await findConsecutive(miss.signer, '000000', '000001', 6, seconds)).toBeNull()
    expect([...miss.computed].sort((a, b) => a - b)).toEqual(Array.from({ length: 22 }, (_, i) => t - 11 + i))
    const hit = await counting()
    expect(await findConsecutive(hit.signer, await code(t - 1), await code(t), 6, seconds)).toBe(t - 1)
    expect(hit.computed).toEqual([t - 1, t])
  })

  it('property: the pair of any step in the gate is found, at that step', async () => {
    const signer = await webCryptoEngine.prepare(SECRET, 'SHA1')
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -10, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: -30, max: 30 }),
        async (drift, window, offset) => {
          const seconds = resyncGate(auth({ drift }), T, window)
          const second = t + offset
          const found = await findConsecutive(signer, await code(second - 1), await code(second), 6, seconds)
          if (seconds.includes(second)) expect(found).toBe(second - 1)
          // elsewhere only a coincidence of two 6-digit codes could match: never at the typed step
          else expect(found).not.toBe(second - 1)
        },
      ),
      runs,
    )
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
    const found = await findConsecutive(signer, await code(s), await code(s + 1), 6, resyncGate(auth(), T, 10))
    const d = decideResync([auth()], [{ authenticatorId: 'a1', step: found }], T)
    expect(d).toEqual({ ok: true, authenticatorId: 'a1', drift: -6, lastStep: s + 1 })
    if (!d.ok) return
    const resynced = auth({ drift: d.drift, lastStep: d.lastStep })
    // the same two codes again: found, but replayed
    const again = await findConsecutive(signer, await code(s), await code(s + 1), 6, resyncGate(resynced, T, 10))
    expect(decideResync([resynced], [{ authenticatorId: 'a1', step: again }], T)).toMatchObject({ reason: 'replayed' })
    // a minute later the phone shows step t - 4, which is the centre of a 1-step login window at drift -6
    const later = T + 60_000
    expect(Math.floor(later / 30_000) + d.drift).toBe(t - 4)
  })
})
