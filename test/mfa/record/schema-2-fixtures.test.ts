// Schema-2 records written by the release before the record MAC (test/mfa/fixtures/schema-2-keyed.json), with and
// without encryptionKeys: without keys they read and are written unchanged in form (no MAC); with keys they are
// refused outside the allowPlaintextSecrets window, read inside it, and signed on their next write.
import { createMFA, decodeBase32, generateTOTP, type MFAOptions } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import fixtures from '../fixtures/schema-2-keyed.json' with { type: 'json' }
import { fakeClock, STEP_MS } from '../helpers.js'
import { testStore } from '../store-helpers.js'

type Name = keyof typeof fixtures.users
type Fixture = (typeof fixtures.users)[Name] & {
  unused?: string[]
  used?: string[]
  device?: { id: string; token: string; expiresAt: number }
}
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const encryptionKeys = { current: 'k1', keys: { k1: hex(fixtures.keys.k1) } }

function load(name: Name, options: Partial<MFAOptions> = {}, at = fixtures.now + 2 * STEP_MS) {
  const user = fixtures.users[name] as Fixture
  const { store, map } = testStore()
  map.set(user.key, { data: user.data, version: user.version })
  const clock = fakeClock(at)
  const keyed = name.startsWith('sealed') ? { encryptionKeys } : {}
  const service = (more: Partial<MFAOptions> = {}) =>
    createMFA({ issuer: 'Example Cloud', store, now: clock.now, ...keyed, ...options, ...more })
  const code = (steps = 0) => generateTOTP(decodeBase32(user.secret), { timestamp: clock.t + steps * STEP_MS })
  const stored = () => JSON.parse(map.get(user.key)?.data ?? 'null')
  return { user, service, clock, code, stored, map }
}

const withoutMAC = (record: Record<string, unknown>) => {
  const { mac: _, ...rest } = record
  return rest
}

describe('schema-2 records written before the record MAC', () => {
  it('reads clear records unchanged and writes them without a MAC (no keys)', async () => {
    const { user, service, code, stored } = load('clear-active')
    const mfa = service()
    expect(await mfa.status('clear-active')).toMatchObject({ state: 'active', recoveryCodesLeft: 9, trustedDevices: 1 })
    expect(await mfa.verify('clear-active', await code())).toEqual({
      ok: true,
      method: 'totp',
      authenticatorId: user.authenticatorId,
    })
    expect(stored()).not.toHaveProperty('mac')
    expect(await mfa.verify('clear-active', (user.used as string[])[0] as string)).toMatchObject({ ok: false })
    expect(await mfa.verify('clear-active', (user.unused as string[])[0] as string)).toEqual({
      ok: true,
      method: 'recovery',
    })
    const device = user.device as NonNullable<Fixture['device']>
    expect(await mfa.verifyTrustedDevice('clear-active', device.token)).toMatchObject({ ok: true, deviceId: device.id })
    expect(stored()).not.toHaveProperty('mac')
  })

  it('with keys, refuses every record without a MAC outside the migration window, naming the option', async () => {
    for (const name of ['sealed-active', 'sealed-locked', 'sealed-pending', 'clear-active'] as const) {
      const { service } = load(name, { encryptionKeys })
      await expect(service().status(name)).rejects.toMatchObject({
        code: 'ERR_RECORD_INVALID',
        message: expect.stringMatching(
          name === 'clear-active' ? /in clear .*allowPlaintextSecrets/ : /has no MAC .*allowPlaintextSecrets/,
        ),
      })
    }
  })

  it('reads sealed records inside the window: login, recovery codes, device; signs them on the next write', async () => {
    const { user, service, code, stored } = load('sealed-active', { allowPlaintextSecrets: true })
    const before = JSON.parse(user.data)
    const mfa = service()
    expect(await mfa.verify('sealed-active', await code())).toMatchObject({ ok: true, method: 'totp' })
    const after = stored()
    expect(after.mac).toEqual({ kid: 'k1', tag: expect.stringMatching(/^[0-9a-f]{64}$/) })
    // nothing else changed but the login itself (last step, last use)
    const { authenticators: a1, ...rest1 } = withoutMAC(after) as { authenticators: Record<string, unknown>[] }
    const { authenticators: a0, ...rest0 } = before
    expect(rest1).toEqual(rest0)
    expect({ ...a1[0], lastStep: 0, lastUsedAt: 0 }).toEqual({ ...a0[0], lastStep: 0, lastUsedAt: 0 })
    // the window closed: the signed record reads, every credential works
    const strict = service({ allowPlaintextSecrets: false })
    expect(await strict.verify('sealed-active', (user.used as string[])[0] as string)).toMatchObject({ ok: false })
    expect(await strict.verify('sealed-active', (user.unused as string[])[0] as string)).toEqual({
      ok: true,
      method: 'recovery',
    })
    const device = user.device as NonNullable<Fixture['device']>
    expect(await strict.verifyTrustedDevice('sealed-active', device.token)).toMatchObject({ ok: true })
  })

  it('keeps a lock and a pending enrollment across the upgrade (with and without keys)', async () => {
    for (const prefix of ['clear', 'sealed'] as const) {
      const locked = load(`${prefix}-locked`, { allowPlaintextSecrets: true }, fixtures.now - 10_000)
      expect(await locked.service().verify(`${prefix}-locked`, await locked.code())).toEqual({
        ok: false,
        reason: 'locked',
        retryAfterMs: 10_000,
      })
      const pending = load(`${prefix}-pending`, { allowPlaintextSecrets: true }, fixtures.now)
      expect(await pending.service().status(`${prefix}-pending`)).toMatchObject({ state: 'pending' })
      const first = await pending.code(-3)
      const confirmed = await pending.service().confirmEnrollment(`${prefix}-pending`, first, await pending.code(-2))
      expect(confirmed).toMatchObject({ ok: true, authenticatorId: pending.user.authenticatorId })
      expect(Object.hasOwn(pending.stored(), 'mac')).toBe(prefix === 'sealed')
    }
  })
})
