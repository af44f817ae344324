// Schema-1 records written by the 0.1.0 service (test/mfa/fixtures/schema-1.json) are read by today's service,
// upgraded to schema 2 on their next write, and lose nothing: secrets (clear and encrypted, old key ids), replay
// state, drift, failures, lock, recovery codes (used ones stay used), a pending enrollment and its attempts, a
// rotation in progress.
import { createMFA, decodeBase32, generateTOTP, type MFAOptions } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import fixtures from '../fixtures/schema-1.json' with { type: 'json' }
import { fakeClock, STEP_MS } from '../helpers.js'
import { testStore } from '../store-helpers.js'

/** A read-only view of a fixture's map, for a second service over the same records. */
const testStoreOver = (map: Map<string, { data: string; version: number }>) => ({
  get: async (k: string) => map.get(k) ?? null,
  set: async () => false,
  delete: async () => false,
})

type Fixture = (typeof fixtures.users)[keyof typeof fixtures.users] & Record<string, unknown>
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const KEYS = { current: 'k1', keys: { k0: hex(fixtures.keys.k0), k1: hex(fixtures.keys.k1) } }

function load(name: keyof typeof fixtures.users, options: Partial<MFAOptions> = {}, at = fixtures.now) {
  const user = fixtures.users[name] as Fixture
  const { store, map } = testStore()
  map.set(user.key, { data: user.data as string, version: user.version as number })
  const clock = fakeClock(at)
  const sealed = name.startsWith('sealed')
  const mfa = createMFA({
    issuer: 'Example Cloud',
    store,
    now: clock.now,
    // records written before the record MAC carry none: with keys they are read inside the migration window only
    ...(sealed ? { encryptionKeys: KEYS, allowPlaintextSecrets: true } : {}),
    ...options,
  })
  const code = (secret: string, steps = 0, params: { algorithm?: 'SHA256'; digits?: number; period?: number } = {}) =>
    generateTOTP(decodeBase32(secret), { ...params, timestamp: clock.t + steps * (params.period ?? 30) * 1000 })
  const stored = () => JSON.parse(map.get(user.key)?.data ?? 'null')
  return { user, mfa, clock, map, code, stored }
}

describe('schema-1 records (0.1.0) under schema 2', () => {
  it('keeps an active clear record: login, replay state, recovery codes used and unused, then writes schema 2', async () => {
    const old = JSON.parse(fixtures.users['clear-active'].data).active
    // the clock in the step 0.1.0 consumed last
    const { user, mfa, clock, code, stored } = load('clear-active', {}, old.lastStep * STEP_MS + 5_000)
    expect(await mfa.status('clear-active')).toEqual({
      state: 'active',
      enabledAt: old.enabledAt,
      authenticators: 1,
      recoveryCodesLeft: 8,
    })
    expect(await mfa.listAuthenticators('clear-active')).toEqual([
      {
        kind: 'totp',
        id: 'schema1-active',
        label: 'Authenticator',
        createdAt: old.enabledAt,
        lastUsedAt: null,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
    ])
    // the step 0.1.0 consumed stays consumed
    expect(
      await mfa.verify('clear-active', await code(user.secret as string, old.lastStep - Math.floor(clock.t / STEP_MS))),
    ).toEqual({
      ok: false,
      reason: 'replayed',
    })
    for (const used of user.used as string[])
      expect(await mfa.verify('clear-active', used)).toMatchObject({ ok: false })
    expect(await mfa.verify('clear-active', (user.unused as string[])[0] as string)).toEqual({
      ok: true,
      method: 'recovery',
    })
    const upgraded = stored()
    expect(upgraded).toMatchObject({
      schema: 2,
      generation: 0,
      enabledAt: old.enabledAt,
      failures: 0,
      recovery: { scheme: 'sha256', digests: old.recovery.slice(1) },
      authenticators: [{ id: 'schema1-active', secret: old.secret, lastStep: old.lastStep, drift: 0 }],
      pending: null,
    })
    clock.advance(STEP_MS)
    expect(await mfa.verify('clear-active', await code(user.secret as string))).toEqual({
      ok: true,
      method: 'totp',
      authenticatorId: 'schema1-active',
    })
    // regeneration replaces the 0.1.0 digests with slow salted ones; the old codes stop working
    clock.advance(STEP_MS)
    const fresh = await mfa.regenerateRecoveryCodes('clear-active', await code(user.secret as string))
    expect(fresh.ok).toBe(true)
    expect(stored().recovery).toMatchObject({ scheme: 'pbkdf2' })
    expect(await mfa.verify('clear-active', (user.unused as string[])[1] as string)).toEqual({
      ok: false,
      reason: 'invalid',
    })
  })

  it('opens encrypted records (current and older key ids) and re-seals them bound to store key and authenticator', async () => {
    for (const name of ['sealed-active', 'sealed-old-key'] as const) {
      const { user, mfa, clock, code, stored, map } = load(name)
      const before = JSON.parse(user.data as string).active.secret
      clock.advance(STEP_MS)
      expect(await mfa.verify(name, await code(user.secret as string))).toMatchObject({ ok: true, method: 'totp' })
      const after = stored().authenticators[0].secret
      expect(after.kid).toBe('k1')
      expect(after.ct).not.toBe(before.ct)
      expect(Object.keys(after).sort()).toEqual(['ct', 'iv', 'kid'])
      // a service with only the current key reads the re-sealed record
      const onlyK1 = createMFA({
        issuer: 'Example Cloud',
        store: { get: async (k) => map.get(k) ?? null, set: async () => false, delete: async () => false },
        now: clock.now,
        encryptionKeys: { current: 'k1', keys: { k1: KEYS.keys.k1 } },
      })
      expect((await onlyK1.status(name)).state).toBe('active')
      // recovery codes of 0.1.0 still verify
      expect(await mfa.verify(name, (user.unused as string[])[0] as string)).toEqual({ ok: true, method: 'recovery' })
    }
  })

  it('keeps a pending enrollment and its attempts (clear and encrypted)', async () => {
    for (const name of ['clear-pending', 'sealed-pending'] as const) {
      const { user, mfa, clock, code } = load(name)
      // the key the sealed pending secret needs is listed
      const sealedUnder = JSON.parse(user.data as string).pending.secret.kid
      expect(await mfa.status(name)).toEqual({
        state: 'pending',
        pendingExpiresAt: user.expiresAt,
        ...(sealedUnder ? { keyIds: [sealedUnder] } : {}),
        pendingAuthenticatorId: expect.any(String),
      })
      const secret = user.pendingSecret as string
      const result = await mfa.confirmEnrollment(name, await code(secret, -1), await code(secret))
      expect(result).toMatchObject({ ok: true, authenticatorId: 'schema1-pending' })
      if (result.ok) expect(result.recoveryCodes).toHaveLength(10)
      clock.advance(STEP_MS)
      expect(await mfa.verify(name, await code(secret))).toMatchObject({ ok: true, method: 'totp' })
    }
    // clear-pending had one failed attempt: four more lock it (default 5)
    const { mfa, code, user } = load('clear-pending')
    for (let i = 0; i < 4; i++)
      expect((await mfa.confirmEnrollment('clear-pending', '000000', '111111')).ok).toBe(false)
    const secret = user.pendingSecret as string
    expect(await mfa.confirmEnrollment('clear-pending', await code(secret, -1), await code(secret))).toEqual({
      ok: false,
      reason: 'enrollment_locked',
    })
  })

  it('completes a rotation begun under 0.1.0: the old secret works until the new one is confirmed, then not', async () => {
    for (const name of ['sealed-rotating', 'clear-rotating'] as const) {
      const { user, mfa, clock, code } = load(name)
      const old = JSON.parse(user.data as string).active
      clock.advance(STEP_MS)
      expect(await mfa.verify(name, await code(user.secret as string))).toMatchObject({ ok: true })
      const next = user.pendingSecret as string
      const confirmed = await mfa.confirmEnrollment(name, await code(next, -1), await code(next))
      expect(confirmed).toMatchObject({ ok: true, authenticatorId: 'schema1-pending' })
      if (confirmed.ok) expect(confirmed.recoveryCodes).toHaveLength(10)
      clock.advance(STEP_MS)
      expect(await mfa.verify(name, await code(user.secret as string))).toEqual({ ok: false, reason: 'invalid' })
      expect(await mfa.verify(name, await code(next))).toMatchObject({ ok: true, authenticatorId: 'schema1-pending' })
      expect(await mfa.verify(name, (user.unused as string[])[0] as string)).toMatchObject({ ok: false })
      const status = await mfa.status(name)
      expect(status).toMatchObject({ state: 'active', enabledAt: old.enabledAt, authenticators: 1 })
    }
  })

  it('keeps rotatedAt as the authenticator’s creation, the lock, the failure count and the drift', async () => {
    const rotated = load('clear-rotated')
    const r = JSON.parse(rotated.user.data as string).active
    expect(r.rotatedAt).not.toBeNull()
    expect((await rotated.mfa.listAuthenticators('clear-rotated'))[0]?.createdAt).toBe(r.rotatedAt)
    expect((await rotated.mfa.status('clear-rotated')).enabledAt).toBe(r.enabledAt)

    const l = JSON.parse(fixtures.users['clear-locked'].data).active
    const locked = load('clear-locked', {}, l.lockedUntil - 10_000)
    expect(l.failures).toBe(5)
    expect((await locked.mfa.status('clear-locked')).lockedUntil).toBe(l.lockedUntil)
    expect(await locked.mfa.verify('clear-locked', await locked.code(locked.user.secret as string, 1))).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 10_000,
    })
    // once it is over, the next failure locks for twice as long: the count of 0.1.0 carried over
    locked.clock.advance(10_000)
    expect(await locked.mfa.verify('clear-locked', '000000')).toEqual({
      ok: false,
      reason: 'invalid',
      retryAfterMs: 60_000,
    })

    // three failures so far: two more lock (default 5)
    const failing = load('sealed-failures')
    expect(JSON.parse(failing.user.data as string).active.failures).toBe(3)
    expect(await failing.mfa.verify('sealed-failures', '000000')).toEqual({ ok: false, reason: 'invalid' })
    expect(await failing.mfa.verify('sealed-failures', '000001')).toEqual({
      ok: false,
      reason: 'invalid',
      retryAfterMs: 30_000,
    })

    // SHA-256, 8 digits, 60 s, and a phone one step ahead: the window stays centred on it
    const drift = load('clear-drift-sha256')
    const params = { algorithm: 'SHA256' as const, digits: 8, period: 60 }
    drift.clock.advance(60_000)
    expect(
      await drift.mfa.verify('clear-drift-sha256', await drift.code(drift.user.secret as string, 2, params)),
    ).toMatchObject({
      ok: true,
      method: 'totp',
    })
    expect(drift.stored().authenticators[0]).toMatchObject({ algorithm: 'SHA256', digits: 8, period: 60 })
  })

  it('reads a 0.1.0 tombstone as nobody, and refuses a clear record under keys unless clear secrets are allowed', async () => {
    const gone = load('clear-disabled')
    expect(await gone.mfa.status('clear-disabled')).toEqual({ state: 'none' })
    expect(await gone.mfa.verify('clear-disabled', '123456')).toEqual({ ok: false, reason: 'not_enrolled' })

    const strict = load('clear-active', { encryptionKeys: KEYS })
    await expect(strict.mfa.status('clear-active')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    const migrating = load('clear-active', { encryptionKeys: KEYS, allowPlaintextSecrets: true })
    migrating.clock.advance(STEP_MS)
    const code = await migrating.code(migrating.user.secret as string)
    expect(await migrating.mfa.verify('clear-active', code)).toMatchObject({ ok: true })
    expect(migrating.stored().authenticators[0].secret.kid).toBe('k1')
  })

  it('refuses an encrypted schema-1 record without the migration window (it has no MAC), reads it once signed', async () => {
    const { user, mfa, map, code, clock } = load('sealed-active')
    const strict = createMFA({
      issuer: 'Example Cloud',
      store: testStoreOver(map),
      now: clock.now,
      encryptionKeys: KEYS,
    })
    await expect(strict.status('sealed-active')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    clock.advance(STEP_MS)
    expect(await mfa.verify('sealed-active', await code(user.secret as string))).toMatchObject({ ok: true })
    expect(JSON.parse(map.get(user.key)?.data ?? '').mac).toMatchObject({ kid: 'k1' })
    expect((await strict.status('sealed-active')).state).toBe('active')
  })

  it('does not open a schema-1 ciphertext moved to another user', async () => {
    const { user, mfa, map, code, clock } = load('sealed-active')
    map.set('mfa:mallory', { data: user.data as string, version: 1 })
    clock.advance(STEP_MS)
    await expect(mfa.verify('mallory', await code(user.secret as string))).rejects.toMatchObject({
      code: 'ERR_DECRYPT',
    })
  })
})
