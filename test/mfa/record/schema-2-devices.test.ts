// Schema-2 records written by the release before reuse detection (test/mfa/fixtures/schema-2-devices.json: trusted
// devices without replaced digests, one rotated twice, one revoked) are read by today's service: every token that
// worked still works, nothing is lost, and reuse detection starts with each device's next rotation.
import { createMFA, type MFAEvent } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import fixtures from '../fixtures/schema-2-devices.json' with { type: 'json' }
import { fakeClock } from '../helpers.js'
import { testStore } from '../store-helpers.js'

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const KEYS = { current: 'k1', keys: { k1: hex(fixtures.keys.k1) } }
type Name = keyof typeof fixtures.users

function load(name: Name) {
  const user = fixtures.users[name]
  const { store, map } = testStore()
  map.set(user.key, { data: user.data, version: user.version })
  const clock = fakeClock(fixtures.now + 60_000)
  const events: MFAEvent[] = []
  const mfa = createMFA({
    issuer: 'Example Cloud',
    store,
    now: clock.now,
    onEvent: (e) => {
      events.push(e)
    },
    ...(name.startsWith('sealed') ? { encryptionKeys: KEYS } : {}),
  })
  const stored = () => JSON.parse(map.get(user.key)?.data ?? 'null')
  return { user, mfa, clock, events, stored }
}

describe.each(Object.keys(fixtures.users) as Name[])('a schema-2 record with trusted devices (%s)', (name) => {
  it('is read as it was: the devices listed, their current tokens work, a revoked one stays revoked', async () => {
    const { user, mfa } = load(name)
    const { rotated, fresh, revoked } = user.devices
    expect(await mfa.status(name)).toMatchObject({ state: 'active', trustedDevices: 2 })
    expect((await mfa.listTrustedDevices(name)).map((d) => d.id)).toEqual([rotated.id, fresh.id])
    expect(await mfa.verifyTrustedDevice(name, rotated.token)).toMatchObject({ ok: true, deviceId: rotated.id })
    expect(await mfa.verifyTrustedDevice(name, fresh.token)).toMatchObject({ ok: true, deviceId: fresh.id })
    expect(await mfa.verifyTrustedDevice(name, revoked.token)).toEqual({ ok: false, reason: 'revoked' })
  })

  it('tokens replaced before the upgrade were not remembered: refused, and not caught', async () => {
    const { user, mfa, events } = load(name)
    const { rotated } = user.devices
    for (const old of rotated.replaced) {
      expect(await mfa.verifyTrustedDevice(name, old)).toEqual({ ok: false, reason: 'revoked' })
    }
    expect(events.filter((e) => e.type === 'device_revoked')).toEqual([])
    expect(await mfa.verifyTrustedDevice(name, rotated.token)).toMatchObject({ ok: true })
  })

  it('from the first rotation on, a replaced token presented again revokes the device', async () => {
    const { user, mfa, events, stored } = load(name)
    const { rotated, fresh } = user.devices
    const used = await mfa.verifyTrustedDevice(name, rotated.token)
    if (!used.ok) throw new Error('the current token was refused')
    const written = stored().devices
    // only the rotated device gains the field: a device not used since keeps the shape the earlier release reads
    expect(written.find((d: { id: string }) => d.id === rotated.id).replaced).toHaveLength(1)
    expect(
      Object.hasOwn(
        written.find((d: { id: string }) => d.id === fresh.id),
        'replaced',
      ),
    ).toBe(false)
    expect(await mfa.verifyTrustedDevice(name, rotated.token)).toEqual({ ok: false, reason: 'revoked' })
    expect(await mfa.verifyTrustedDevice(name, used.token)).toEqual({ ok: false, reason: 'revoked' })
    expect(events.filter((e) => e.type === 'device_revoked')).toMatchObject([
      { deviceId: rotated.id, reason: 'reuse', operation: 'device' },
    ])
    expect(await mfa.verifyTrustedDevice(name, fresh.token)).toMatchObject({ ok: true })
  })
})
