// Adversarial review of the MFA service: each test here failed before the fix next to it in src/mfa/.
import { createMFA, isOTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { codeAt, type fakeClock, harness, STEP_MS, started } from './helpers.js'
import { testStore } from './store-helpers.js'

async function enable(mfa: ReturnType<typeof createMFA>, clock: ReturnType<typeof fakeClock>, userId = 'alice') {
  const e = await started(mfa.beginEnrollment(userId, { accountName: 'a@example.com' }))
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
    expect(Number.isSafeInteger(stored.lockedUntil)).toBe(true)
    // still usable: status reads it, and the right code logs in
    expect((await h.mfa.status('alice')).state).toBe('active')
    h.clock.advance(STEP_MS)
    expect(await h.mfa.verify('alice', good)).toMatchObject({ ok: true, method: 'totp' })
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
    await expect(ok.beginEnrollment('alice', { accountName: 'a' })).resolves.toMatchObject({
      ok: true,
      expiresAt: 8.64e15,
    })
  })

  it('lets support reset a record this version cannot read (damaged, or written by a newer version)', async () => {
    const { store, map } = testStore()
    const h = harness({ store })
    await enable(h.mfa, h.clock)
    for (const data of ['{not json', JSON.stringify({ schema: 3, whatever: true })]) {
      map.set('mfa:alice', { data, version: 7 })
      await expect(h.mfa.verify('alice', '123456')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
      expect(await h.mfa.reset('alice', { actor: 'support:1', reason: 'ticket 42' })).toEqual({ ok: true })
      expect(await h.mfa.status('alice')).toEqual({ state: 'none' })
      expect(map.get('mfa:alice')?.version).toBe(8)
    }
    expect(h.events.filter((e) => e.type === 'reset')).toHaveLength(2)
  })

  it('reports every damaged or out-of-range stored record as ERR_RECORD_INVALID, not as misuse or another error', async () => {
    const { store, map } = testStore()
    const h = harness({ store })
    const secret = await enable(h.mfa, h.clock)
    h.clock.advance(STEP_MS)
    const proof = await codeAt(secret, h.clock.t)
    await started(h.mfa.beginEnrollment('alice', { accountName: 'a', proof }))
    const good = JSON.parse(map.get('mfa:alice')?.data ?? 'null')
    h.clock.advance(STEP_MS)
    const code = await codeAt(secret, h.clock.t)
    const damage: [part: 'authenticator' | 'pending' | 'record', field: string, value: unknown][] = [
      ['authenticator', 'period', 0],
      ['authenticator', 'period', -30],
      ['authenticator', 'digits', 5],
      ['authenticator', 'digits', 11],
      ['authenticator', 'lastStep', -2],
      ['authenticator', 'drift', 1e12],
      ['authenticator', 'drift', 0.5],
      ['authenticator', 'secret', { b32: '' }],
      ['authenticator', 'algorithm', 1],
      ['authenticator', 'algorithm', ['SHA1']],
      ['authenticator', 'algorithm', 'sha1'],
      ['authenticator', 'secret', { b32: 'JBSWY3DPEHPK3PXP', kid: 'k1', iv: 'AAAA', ct: 'AAAA' }],
      ['authenticator', 'secret', { b32: 'JBSWY3DPEHPK3PXP', legacy: true }],
      ['authenticator', 'id', ''],
      ['authenticator', 'createdAt', -1],
      ['authenticator', 'extra', 1],
      ['pending', 'period', 0],
      ['pending', 'period', 2 ** 52],
      ['pending', 'secret', { b32: '' }],
      ['pending', 'algorithm', null],
      // a clock corrected backwards, or a planted expiry: decades ahead would escape the attempt limit
      ['pending', 'expiresAt', good.pending.createdAt + 30 * 365 * 86_400_000],
      ['pending', 'attempts', -1],
      ['record', 'failures', -1],
      ['record', 'lockedUntil', 1e300],
      ['record', 'generation', 0.5],
      ['record', 'enabledAt', null],
      ['record', 'recovery', { scheme: 'sha256', digests: ['xyz'] }],
      ['record', 'devices', [{ id: 'd' }]],
    ]
    for (const [part, field, value] of damage) {
      const record = structuredClone(good)
      const target = part === 'record' ? record : part === 'pending' ? record.pending : record.authenticators[0]
      target[field] = value
      map.set('mfa:alice', { data: JSON.stringify(record), version: 50 })
      const call =
        part === 'pending' ? h.mfa.confirmEnrollment('alice', '123456', '654321') : h.mfa.verify('alice', code)
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      )
      expect([part, field, value, isOTPError(error) && error.code]).toEqual([part, field, value, 'ERR_RECORD_INVALID'])
    }
  })

  it('refuses a clock that is not a finite number within the Date range, and writes nothing', async () => {
    for (const reading of [
      null,
      true,
      false,
      '1795867205000',
      [1795867205000],
      Number.NaN,
      Infinity,
      -1,
      8.64e15 + 1,
      {},
    ]) {
      const { store, map } = testStore()
      const mfa = createMFA({ issuer: 'Example', store, now: () => reading as unknown as number })
      const error = await mfa.beginEnrollment('alice', { accountName: 'a' }).then(
        () => null,
        (e: unknown) => e,
      )
      expect([reading, isOTPError(error) && error.code]).toEqual([reading, 'ERR_INVALID_OPTION'])
      expect(map.size).toBe(0)
    }
  })

  it('counts only an explicit true from set() as a won compare-and-set', async () => {
    for (const returned of [{}, 1, 'true', null, undefined]) {
      const { store } = testStore()
      const h = harness({ store })
      const secret = await enable(h.mfa, h.clock)
      const sloppy = {
        ...store,
        set: async (...args: Parameters<typeof store.set>) => {
          await store.set(...args)
          return returned as unknown as boolean
        },
      }
      const mfa = createMFA({ issuer: 'Example Cloud', store: sloppy, now: h.clock.now })
      h.clock.advance(STEP_MS)
      const code = await codeAt(secret, h.clock.t)
      await expect(mfa.verify('alice', code)).rejects.toMatchObject({ code: 'ERR_STORAGE' })
    }
  })
})

describe('MFA service review (v2)', () => {
  it('holds the enrollment attempt limit when the clock was decades ahead at begin and is then corrected', async () => {
    const { store, map } = testStore()
    let t = Date.UTC(2056, 0, 1)
    const mfa = createMFA({ issuer: 'Example', store, now: () => t })
    await started(mfa.beginEnrollment('alice', { accountName: 'a' }))
    t = Date.UTC(2026, 0, 1)
    for (let i = 0; i < 5; i++) {
      expect((await mfa.confirmEnrollment('alice', '000000', '111111')).ok).toBe(false)
    }
    expect(await mfa.confirmEnrollment('alice', '000000', '111111')).toEqual({ ok: false, reason: 'locked' })
    expect(JSON.parse(map.get('mfa:alice')?.data ?? '').pending.attempts).toBe(5)
  })

  it('reads recovery codes of the other length or under a removed key as wrong codes, never as errors', async () => {
    const k1 = new Uint8Array(32).fill(1)
    const { store } = testStore()
    const h = harness({ store, encryptionKeys: { current: 'k1', keys: { k1 } } })
    const secret = await enable(h.mfa, h.clock)
    const legacyShaped = 'abcde-fghjk' // the 0.1.0 length against new digests
    expect(await h.mfa.verify('alice', legacyShaped)).toEqual({ ok: false, reason: 'invalid' })
    expect(await h.mfa.verify('alice', 'x'.repeat(65))).toEqual({ ok: false, reason: 'malformed' })
    // the digests' key id is no longer configured: recovery codes cannot match, TOTP still works
    const k2 = new Uint8Array(32).fill(2)
    const rotated = createMFA({
      issuer: 'Example Cloud',
      store,
      now: h.clock.now,
      encryptionKeys: { current: 'k2', keys: { k1, k2 } },
    })
    h.clock.advance(STEP_MS)
    expect(await rotated.verify('alice', await codeAt(secret, h.clock.t))).toMatchObject({ ok: true })
    const onlyK2 = createMFA({
      issuer: 'Example Cloud',
      store,
      now: h.clock.now,
      encryptionKeys: { current: 'k2', keys: { k2 } },
    })
    expect(await onlyK2.verify('alice', 'abcd-efgh-jkmn-pqrs')).toEqual({ ok: false, reason: 'invalid' })
  })

  it('refuses an engine without prepare, a non-boolean allowPlaintextSecrets, bad labels and ids', async () => {
    expect(() => createMFA({ issuer: 'x', engine: {} as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
    expect(() => createMFA({ issuer: 'x', allowPlaintextSecrets: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
    const h = harness()
    await expect(h.mfa.beginEnrollment('u', { accountName: 'u', label: 'x'.repeat(65) })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    })
    await expect(h.mfa.removeAuthenticator('u', '', '123456')).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
    await expect(h.mfa.renameAuthenticator('u', 'id', '')).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
    expect(await h.mfa.removeAuthenticator('u', 'id', '123456')).toEqual({ ok: false, reason: 'not_enrolled' })
    expect(await h.mfa.disable('u', '123456')).toEqual({ ok: false, reason: 'not_enrolled' })
    expect(await h.mfa.regenerateRecoveryCodes('u', '123456')).toEqual({ ok: false, reason: 'not_enrolled' })
    expect(await h.mfa.listAuthenticators('u')).toEqual([])
  })
})
