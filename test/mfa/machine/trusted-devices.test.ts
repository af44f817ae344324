// The trusted-device rules of the machine (trust with a cap, use with rotation, list, revoke one or all), fed with
// tokens from the codec the way the service feeds them.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mintDeviceToken, readDeviceToken } from '../../../src/mfa/device-token'
import { listDevices, revokeAllDevices, revokeDevice, trustDevice, useDevice } from '../../../src/mfa/machine/index'
import { type DeviceEntry, MAX_REPLACED_TOKENS, type TrustedDevice } from '../../../src/mfa/record/shapes'
import { numRuns } from '../../support/env'

const T = Date.UTC(2026, 11, 1, 12, 0, 0)
const DAY = 86_400_000
const KEY = 'mfa:alice'
const runs = { numRuns: Math.max(20, Math.floor(numRuns / 4)) }

/** Trusts a device for KEY at `now`; returns the token and the new list. */
async function trusted(devices: DeviceEntry[], now = T, label = 'Firefox on Linux', ttlMs = 30 * DAY, cap = 10) {
  const minted = await mintDeviceToken(KEY)
  const next = trustDevice(devices, { id: minted.id, digest: minted.digest, label, ttlMs }, now, cap)
  return { token: minted.token, id: minted.id, ...next }
}

/** Uses `token` on `devices` the way the service will: read it, mint its replacement, decide. */
async function use(devices: DeviceEntry[], token: unknown, now = T, key = KEY) {
  const presented = await readDeviceToken(key, token)
  if (presented === null) {
    const malformed = {
      ok: false as const,
      reason: 'device_malformed' as const,
      reused: undefined as DeviceEntry[] | undefined,
    }
    return { outcome: malformed, token: null }
  }
  const replacement = await mintDeviceToken(key, presented.id)
  const outcome = useDevice(devices, presented, replacement.digest, now)
  return { outcome, token: outcome.ok ? replacement.token : null }
}

describe('the device rules', () => {
  it('trust adds a device with its times; list shows it without the digest', async () => {
    const { devices, id, dropped } = await trusted([], T, 'Safari on iPhone', 7 * DAY)
    expect(dropped).toEqual([])
    expect(listDevices(devices, T)).toEqual([
      { id, label: 'Safari on iPhone', createdAt: T, lastUsedAt: T, expiresAt: T + 7 * DAY },
    ])
  })

  it('use accepts a genuine token once and rotates it; the predecessor is refused', async () => {
    const { devices, token, id } = await trusted([])
    const first = await use(devices, token, T + DAY)
    expect(first.outcome.ok && first.outcome.deviceId).toBe(id)
    const after = first.outcome.ok ? first.outcome.devices : []
    expect(listDevices(after, T + DAY)[0]).toMatchObject({
      id,
      lastUsedAt: T + DAY,
      createdAt: T,
      expiresAt: T + 30 * DAY,
    })
    const second = await use(after, first.token, T + 2 * DAY)
    expect(second.outcome.ok).toBe(true)
    // the predecessor presented again: a copy exists, so the device is revoked and the current token dies with it
    const again = (await use(after, token, T + DAY)).outcome
    expect(again).toMatchObject({ ok: false, reason: 'device_revoked', deviceId: id })
    const revoked = !again.ok && again.reused ? again.reused : []
    expect(listDevices(revoked, T + DAY)).toEqual([])
    expect((await use(revoked, first.token, T + DAY)).outcome).toEqual({
      ok: false,
      reason: 'device_revoked',
      deviceId: id,
    })
  })

  // [rule, how the list is prepared, when the token is used, expected]
  const table: [string, (d: DeviceEntry[], id: string) => DeviceEntry[], number, string][] = [
    ['a fresh device', (d) => d, T + 1, 'ok'],
    ['1 ms before expiry', (d) => d, T + 30 * DAY - 1, 'ok'],
    ['at expiry (fixed: use does not extend it)', (d) => d, T + 30 * DAY, 'device_expired'],
    ['revoked by the user', (d, id) => revokeDevice(d, id, T + 1).devices, T + 2, 'device_revoked'],
    ['every device revoked', (d) => revokeAllDevices(d, T + 1).devices, T + 2, 'device_revoked'],
    ['another device revoked', (d) => revokeDevice(d, 'aaaaaaaaaaaaaaaa', T + 1).devices, T + 2, 'ok'],
    ['the list forgotten (reset)', () => [], T + 2, 'device_unknown'],
  ]
  it.each(table)('%s', async (_, prepare, at, expected) => {
    const { devices, token, id } = await trusted([])
    const { outcome } = await use(prepare(devices, id), token, at)
    expect(outcome.ok ? 'ok' : outcome.reason).toBe(expected)
  })

  it('a token of another user, or tampered, is refused', async () => {
    const { devices, token } = await trusted([])
    const id = token.split('.')[0]
    expect((await use(devices, token, T, 'mfa:bob')).outcome).toEqual({
      ok: false,
      reason: 'device_revoked',
      deviceId: id,
    })
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AQ' : 'AA'}`
    expect((await use(devices, tampered)).outcome.ok).toBe(false)
    expect((await use(devices, 'garbage')).outcome).toEqual({ ok: false, reason: 'device_malformed' })
  })

  it('over the cap, the oldest device is revoked; at most cap revoked entries are remembered', async () => {
    let devices: DeviceEntry[] = []
    const ids: string[] = []
    const tokens: string[] = []
    for (let i = 0; i < 25; i++) {
      const t = await trusted(devices, T + i * 1000, `device ${i}`, 30 * DAY, 3)
      devices = t.devices
      ids.push(t.id)
      tokens.push(t.token)
      expect(t.dropped).toEqual(i >= 3 ? [ids[i - 3]] : [])
    }
    expect(listDevices(devices, T + 25_000).map((d) => d.label)).toEqual(['device 22', 'device 23', 'device 24'])
    expect(devices.length).toBe(6)
    expect((await use(devices, tokens[21], T + 25_000)).outcome).toEqual({
      ok: false,
      reason: 'device_revoked',
      deviceId: ids[21],
    })
    expect((await use(devices, tokens[0], T + 25_000)).outcome).toEqual({ ok: false, reason: 'device_unknown' })
    expect((await use(devices, tokens[24], T + 25_000)).outcome.ok).toBe(true)
  })

  it('trusting drops entries past their expiry first, so expired devices never push out live ones', async () => {
    const old = await trusted([], T, 'old', 60_000, 2)
    const mid = await trusted(old.devices, T + 1000, 'mid', 30 * DAY, 2)
    const fresh = await trusted(mid.devices, T + 120_000, 'new', 30 * DAY, 2)
    expect(fresh.dropped).toEqual([])
    expect(listDevices(fresh.devices, T + 120_000).map((d) => d.label)).toEqual(['mid', 'new'])
    expect(fresh.devices.length).toBe(2)
  })

  it('revoke one says whether a trusted device had that id; revoke all names them', async () => {
    const a = await trusted([], T, 'a')
    const b = await trusted(a.devices, T + 1, 'b')
    expect(revokeDevice(b.devices, 'nope', T + 2).revoked).toBe(false)
    const one = revokeDevice(b.devices, a.id, T + 2)
    expect(one.revoked).toBe(true)
    expect(revokeDevice(one.devices, a.id, T + 3).revoked).toBe(false)
    expect(listDevices(one.devices, T + 2).map((d) => d.label)).toEqual(['b'])
    const all = revokeAllDevices(one.devices, T + 3)
    expect(all.revoked).toEqual([b.id])
    expect(listDevices(all.devices, T + 3)).toEqual([])
    expect(revokeAllDevices(all.devices, T + 4).revoked).toEqual([])
    // a revoked entry keeps no digest and no label
    expect(JSON.stringify(all.devices)).not.toMatch(/digest|label/)
  })

  it("property: a rotated token's predecessor is refused, and revokes the device while it is remembered", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 14 }), fc.nat({ max: 13 }), async (uses, back) => {
        let { devices, token, id } = await trusted([])
        const history = [token]
        for (let i = 0; i < uses; i++) {
          const r = await use(devices, token, T + i + 1)
          if (!r.outcome.ok || r.token === null) throw new Error('a genuine token was refused')
          devices = r.outcome.devices
          token = r.token
          history.push(token)
        }
        // `back` rotations before the last one replaced it (clamped to the first token)
        const at = Math.max(0, history.length - 2 - back)
        const rotationsAgo = history.length - 2 - at
        const stale = await use(devices, history[at] as string, T + 100)
        expect(stale.outcome).toMatchObject({ ok: false, reason: 'device_revoked', deviceId: id })
        const caught = !stale.outcome.ok && stale.outcome.reused !== undefined
        expect(caught).toBe(rotationsAgo < MAX_REPLACED_TOKENS)
        const after = !stale.outcome.ok && stale.outcome.reused ? stale.outcome.reused : devices
        expect((await use(after, token, T + 100)).outcome.ok).toBe(!caught)
      }),
      runs,
    )
  })
})

describe('reuse detection', () => {
  /** A device whose token rotated `n` times at T + 1, T + 2, ...: its list and every token, the first one first. */
  async function rotated(n: number, key = KEY) {
    let { devices, token, id } = await trusted([])
    const history = [token]
    for (let i = 0; i < n; i++) {
      const r = await use(devices, token, T + i + 1, key)
      if (!r.outcome.ok || r.token === null) throw new Error('a genuine token was refused')
      devices = r.outcome.devices
      token = r.token
      history.push(token)
    }
    return { devices, id, history }
  }

  // [rule, rotations, which token of the history is presented (from the end: 1 is the current), prepare, when,
  //  expected: reason and whether the device is revoked for reuse]
  type Row = [string, number, number, (d: DeviceEntry[], id: string) => DeviceEntry[], number, string, boolean]
  const table: Row[] = [
    ['the current token', 3, 1, (d) => d, T + 10, 'ok', false],
    ['the token the last rotation replaced', 3, 2, (d) => d, T + 10, 'device_revoked', true],
    ['the first token, 3 rotations ago', 3, 4, (d) => d, T + 10, 'device_revoked', true],
    [`the oldest remembered (${MAX_REPLACED_TOKENS} rotations ago)`, 12, 11, (d) => d, T + 20, 'device_revoked', true],
    ['one older than remembered: refused, not caught', 12, 12, (d) => d, T + 20, 'device_revoked', false],
    ['a replaced token after the expiry: nothing to revoke', 3, 2, (d) => d, T + 30 * DAY, 'device_revoked', false],
    [
      'a replaced token of a revoked device',
      3,
      2,
      (d, id) => revokeDevice(d, id, T + 5).devices,
      T + 10,
      'device_revoked',
      false,
    ],
    ['a replaced token of a device forgotten (reset)', 3, 2, () => [], T + 10, 'device_unknown', false],
  ]
  it.each(table)('%s', async (_, n, back, prepare, at, reason, caught) => {
    const { devices, id, history } = await rotated(n)
    const { outcome } = await use(prepare(devices, id), history[history.length - back], at)
    expect(outcome.ok ? 'ok' : outcome.reason).toBe(reason)
    expect(!outcome.ok && outcome.reused !== undefined).toBe(caught)
    if (!outcome.ok && outcome.reused) {
      // revoked, remembered as such (so its tokens say `revoked`), without its digests
      expect(outcome.reused.find((d) => d.id === id)).toEqual({ id, revokedAt: at, expiresAt: T + 30 * DAY })
    }
  })

  it('a forged secret under a known device id is refused and changes nothing (device ids are not secret)', async () => {
    const { devices, id, history } = await rotated(2)
    const { outcome } = await use(devices, `${id}.${'A'.repeat(43)}`, T + 10)
    expect(outcome).toEqual({ ok: false, reason: 'device_revoked', deviceId: id })
    expect((await use(devices, history.at(-1), T + 10)).outcome.ok).toBe(true)
  })

  it('a replaced token carried to another user (another store key) is not a reuse there', async () => {
    const { devices, id, history } = await rotated(2)
    const { outcome } = await use(devices, history[0], T + 10, 'mfa:bob')
    expect(outcome).toEqual({ ok: false, reason: 'device_revoked', deviceId: id })
  })

  it(`remembers at most ${MAX_REPLACED_TOKENS} replaced digests, never the current one`, async () => {
    const { devices, id } = await rotated(25)
    const entry = devices.find((d) => d.id === id) as TrustedDevice
    expect(entry.replaced).toHaveLength(MAX_REPLACED_TOKENS)
    expect(entry.replaced).not.toContain(entry.digest)
    expect(new Set(entry.replaced).size).toBe(MAX_REPLACED_TOKENS)
  })
})
