// Adversarial review of the MFA service: each test here failed before the fix next to it in src/mfa/.
import { createMFA, isOTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { codeAt, type fakeClock, harness, STEP_MS } from './helpers.js'
import { testStore } from './store-helpers.js'

async function enable(mfa: ReturnType<typeof createMFA>, clock: ReturnType<typeof fakeClock>, userId = 'alice') {
  const e = await mfa.beginEnrollment(userId, { accountName: 'a@example.com' })
  const c1 = await codeAt(e.secret, clock.t)
  clock.advance(STEP_MS)
  const c2 = await codeAt(e.secret, clock.t)
  const r = await mfa.confirmEnrollment(userId, c1, c2)
  expect(r.ok).toBe(true)
  return e.secret
}

describe('MFA service review', () => {
  it('keeps the record readable after more than 1024 failures when lockBaseMs is 0 (no NaN lock time)', async () => {
    const { store, map } = testStore()
    const h = harness({ store, policy: { maxFailures: 1, lockBaseMs: 0, lockMaxMs: 0 } })
    const secret = await enable(h.mfa, h.clock)
    const good = await codeAt(secret, h.clock.t + STEP_MS)
    const wrong = good === '000000' ? '000001' : '000000'
    for (let i = 0; i < 1030; i++) {
      const r = await h.mfa.verify('alice', wrong)
      expect(r.ok).toBe(false)
    }
    const stored = JSON.parse(map.get('mfa:alice')?.data ?? 'null')
    expect(Number.isSafeInteger(stored.active.lockedUntil)).toBe(true)
    // still usable: status reads it, and the right code logs in
    expect((await h.mfa.status('alice')).state).toBe('active')
    h.clock.advance(STEP_MS)
    expect(await h.mfa.verify('alice', good)).toEqual({ ok: true, method: 'totp' })
  }, 60_000)

  it('refuses a clock beyond the Date range before writing a record it could not read back', async () => {
    const { store, map } = testStore()
    const mfa = createMFA({ issuer: 'Example', store, now: () => Number.MAX_SAFE_INTEGER - 1000 })
    const error = await mfa.beginEnrollment('alice', { accountName: 'a' }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(isOTPError(error) && error.code).toBe('ERR_INVALID_OPTION')
    expect(map.size).toBe(0)
    // the largest Date still works
    const ok = createMFA({ issuer: 'Example', store, now: () => 8.64e15 - 600_000 })
    await expect(ok.beginEnrollment('alice', { accountName: 'a' })).resolves.toMatchObject({ expiresAt: 8.64e15 })
  })

  it('lets support reset a record this version cannot read (damaged, or written by a newer version)', async () => {
    const { store, map } = testStore()
    const h = harness({ store })
    await enable(h.mfa, h.clock)
    for (const data of ['{not json', JSON.stringify({ schema: 2, whatever: true })]) {
      map.set('mfa:alice', { data, version: 7 })
      await expect(h.mfa.verify('alice', '123456')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
      expect(await h.mfa.reset('alice', { actor: 'support:1', reason: 'ticket 42' })).toEqual({ ok: true })
      expect(await h.mfa.status('alice')).toEqual({ state: 'none' })
      expect(map.get('mfa:alice')?.version).toBe(8)
    }
    expect(h.events.filter((e) => e.type === 'reset')).toHaveLength(2)
  })

  it('reports a stored record with out-of-range fields as ERR_RECORD_INVALID, not as developer misuse', async () => {
    const { store, map } = testStore()
    const h = harness({ store })
    const secret = await enable(h.mfa, h.clock)
    await h.mfa.beginEnrollment('alice', { accountName: 'a', replaceActive: true })
    const good = JSON.parse(map.get('mfa:alice')?.data ?? 'null')
    const code = await codeAt(secret, h.clock.t + STEP_MS)
    const damage: [part: 'active' | 'pending', field: string, value: unknown][] = [
      ['active', 'period', 0],
      ['active', 'period', -30],
      ['active', 'digits', 5],
      ['active', 'digits', 11],
      ['active', 'lastStep', -2],
      ['active', 'drift', 1e12],
      ['active', 'secret', { b32: '' }],
      ['pending', 'period', 0],
      ['pending', 'period', 2 ** 52],
      ['pending', 'secret', { b32: '' }],
    ]
    for (const [part, field, value] of damage) {
      const record = structuredClone(good)
      record[part][field] = value
      map.set('mfa:alice', { data: JSON.stringify(record), version: 50 })
      const call =
        part === 'active' ? h.mfa.verify('alice', code) : h.mfa.confirmEnrollment('alice', '123456', '654321')
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      )
      expect([part, field, value, isOTPError(error) && error.code]).toEqual([part, field, value, 'ERR_RECORD_INVALID'])
    }
  })
})
