// Sensitive operations through the service, on an injected clock: step-up proofs (issued by verify, checked,
// accepted instead of a code, voided by every security change), trusted devices (rotation, revocation, the failure
// budget, the cap) and resync with two consecutive codes. Every scenario ends by checking that no event carried a
// secret, a code, a recovery code, a proof or a device token.
import { isOTPError, type MFAOptions } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { codeAt, enable as enableWithTwoCodes, expectCleanEvents, harness, STEP_MS, started } from './helpers.js'

const PROOF_KEY = new Uint8Array(32).fill(42)
type H = ReturnType<typeof harness>

function setup(options: Partial<MFAOptions> = {}) {
  const h = harness({ proofKey: PROOF_KEY, ...options })
  // proofs and tokens are as sensitive as codes: the event checker looks for them too
  const secretly = (text: string) => {
    h.sensitive.recovery.add(text)
    return text
  }
  return { ...h, secretly }
}

/** Enables MFA as a user does (helpers.ts), then moves one step on: the next code typed is a fresh one. */
async function enable(h: H, userId = 'alice') {
  const enabled = await enableWithTwoCodes(h, userId)
  h.clock.advance(STEP_MS)
  return enabled
}

/** A fresh code of `secret` one step later than the last one used. */
async function fresh(h: H, secret: string) {
  h.clock.advance(STEP_MS)
  return h.typed(await codeAt(secret, h.clock.t))
}

async function login(h: ReturnType<typeof setup>, secret: string, options: Parameters<H['mfa']['verify']>[2]) {
  const result = await h.mfa.verify('alice', await fresh(h, secret), options)
  if (!result.ok) throw new Error(`login failed: ${result.reason}`)
  if (result.proof) h.secretly(result.proof)
  if (result.device) h.secretly(result.device.token)
  return result
}

const misuse = (e: unknown) => isOTPError(e, 'ERR_INVALID_OPTION')

describe('step-up proofs', () => {
  it('verify issues one; checkProof says when and with which authenticator; it opens for nobody else', async () => {
    const h = setup()
    const { secret, id } = await enable(h)
    await enable(h, 'bob')
    const result = await login(h, secret, { proof: true })
    expect(result).toEqual({ ok: true, method: 'totp', authenticatorId: id, proof: expect.any(String) })
    const proof = result.proof as string
    expect(proof).toMatch(/^[\w-]{40,120}$/)
    const verifiedAt = h.clock.t
    h.clock.advance(60_000)
    expect(await h.mfa.checkProof('alice', proof)).toEqual({
      ok: true,
      verifiedAt,
      method: 'totp',
      authenticatorId: id,
    })
    expect(await h.mfa.checkProof('bob', proof)).toEqual({ ok: false, reason: 'proof_invalid' })
    expect(await h.mfa.checkProof('alice', `${proof}x`)).toEqual({ ok: false, reason: 'proof_invalid' })
    expect(await h.mfa.checkProof('alice', 42 as never)).toEqual({ ok: false, reason: 'proof_invalid' })
    // a verify without { proof: true } gives none
    expect((await login(h, secret, {})).proof).toBeUndefined()
    expect(h.events.filter((e) => e.type === 'proof_issued')).toEqual([
      expect.objectContaining({ method: 'totp', authenticatorId: id, operation: 'verify' }),
    ])
    expectCleanEvents(h.events, h.sensitive)
  })

  it('expires after maxAgeMs (default 10 minutes)', async () => {
    const h = setup()
    const { secret } = await enable(h)
    const { proof } = await login(h, secret, { proof: true })
    h.clock.advance(5 * 60_000)
    expect((await h.mfa.checkProof('alice', proof as string)).ok).toBe(true)
    expect(await h.mfa.checkProof('alice', proof as string, { maxAgeMs: 4 * 60_000 })).toEqual({
      ok: false,
      reason: 'proof_expired',
    })
    h.clock.advance(5 * 60_000 + 1)
    expect(await h.mfa.checkProof('alice', proof as string)).toEqual({ ok: false, reason: 'proof_expired' })
  })

  it('is refused as locked while the user is locked out, and stands again once the lock ends', async () => {
    const h = setup({ policy: { maxFailures: 3 } })
    const { secret } = await enable(h)
    const { proof } = await login(h, secret, { proof: true })
    const window = new Set([-1, 0, 1].map((i) => h.clock.t + i * STEP_MS))
    const near = await Promise.all([...window].map((t) => codeAt(secret, t)))
    const wrong = ['111111', '222222', '333333', '444444'].find((c) => !near.includes(c)) as string
    for (let i = 0; i < 3; i++) expect((await h.mfa.verify('alice', h.typed(wrong))).ok).toBe(false)
    expect(await h.mfa.checkProof('alice', proof as string)).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 30_000,
    })
    // the operations that take a proof refuse it the same way
    expect(await h.mfa.disable('alice', { proof: proof as string })).toMatchObject({ ok: false, reason: 'locked' })
    h.clock.advance(30_000)
    expect(await h.mfa.checkProof('alice', proof as string)).toMatchObject({ ok: true, method: 'totp' })
  })

  it('a recovery-code login gives a proof that says so', async () => {
    const h = setup()
    const { recoveryCodes } = await enable(h)
    const result = await h.mfa.verify('alice', recoveryCodes[0] as string, { proof: true })
    expect(result).toMatchObject({ ok: true, method: 'recovery', proof: expect.any(String) })
    const check = await h.mfa.checkProof('alice', (result as { proof: string }).proof)
    expect(check).toEqual({ ok: true, verifiedAt: h.clock.t, method: 'recovery' })
  })

  it('is accepted instead of a code by beginEnrollment, removeAuthenticator, regenerate and disable', async () => {
    const h = setup()
    const { secret, id } = await enable(h)
    const { proof } = await login(h, secret, { proof: true })
    const step = { proof: proof as string }
    const second = await started(h.mfa.beginEnrollment('alice', { accountName: 'a@example.com', proof: step }))
    h.sensitive.secrets.add(second.secret)
    const c1 = await codeAt(second.secret, h.clock.t)
    h.clock.advance(STEP_MS)
    const confirmed = await h.mfa.confirmEnrollment(
      'alice',
      h.typed(c1),
      h.typed(await codeAt(second.secret, h.clock.t)),
    )
    expect(confirmed).toMatchObject({ ok: true, recoveryCodes: [] })
    // adding an authenticator changes no generation: the proof still stands
    expect((await h.mfa.checkProof('alice', proof as string)).ok).toBe(true)
    const regenerated = await h.mfa.regenerateRecoveryCodes('alice', step)
    expect(regenerated).toMatchObject({ ok: true })
    // ... but a regeneration voids it, for every later use
    expect(await h.mfa.checkProof('alice', proof as string)).toEqual({ ok: false, reason: 'proof_revoked' })
    expect(await h.mfa.disable('alice', step)).toEqual({ ok: false, reason: 'proof_revoked' })
    const again = await login(h, secret, { proof: true })
    expect(await h.mfa.removeAuthenticator('alice', second.authenticatorId, { proof: again.proof as string })).toEqual({
      ok: true,
    })
    expect(await h.mfa.checkProof('alice', again.proof as string)).toEqual({ ok: false, reason: 'proof_revoked' })
    const last = await login(h, secret, { proof: true })
    expect(await h.mfa.disable('alice', { proof: last.proof as string, maxAgeMs: 60_000 })).toEqual({ ok: true })
    expect(await h.mfa.status('alice')).toEqual({ state: 'none' })
    expect(await h.mfa.checkProof('alice', last.proof as string)).toEqual({ ok: false, reason: 'proof_revoked' })
    expect(id).toBeTruthy()
    expectCleanEvents(h.events, h.sensitive)
  })

  it('refusals: a stale proof is `proof_expired`, a forged one `proof_invalid`; neither counts as a failure', async () => {
    const h = setup({ policy: { maxFailures: 1 } })
    const { secret } = await enable(h)
    const { proof } = await login(h, secret, { proof: true })
    h.clock.advance(2 * 60_000)
    const stale = { proof: proof as string, maxAgeMs: 60_000 }
    for (let i = 0; i < 3; i++) {
      expect(await h.mfa.disable('alice', stale)).toEqual({ ok: false, reason: 'proof_expired' })
      expect(await h.mfa.disable('alice', { proof: 'AAAA' })).toEqual({ ok: false, reason: 'proof_invalid' })
    }
    expect((await h.mfa.status('alice')).lockedUntil).toBeUndefined()
  })

  it('a reset voids it, also after the user enrolls again', async () => {
    const h = setup()
    const { secret } = await enable(h)
    const { proof } = await login(h, secret, { proof: true })
    await h.mfa.reset('alice', { actor: 'support:1', reason: 'lost phone' })
    expect(await h.mfa.checkProof('alice', proof as string)).toEqual({ ok: false, reason: 'proof_revoked' })
    await enable(h)
    expect(await h.mfa.checkProof('alice', proof as string)).toEqual({ ok: false, reason: 'proof_revoked' })
  })

  it('misuse throws: no proofKey, a bad maxAgeMs, a bad proof flag', async () => {
    const plain = harness()
    const { secret } = await enable(plain)
    await expect(plain.mfa.verify('alice', await fresh(plain, secret), { proof: true })).rejects.toSatisfy(misuse)
    await expect(plain.mfa.checkProof('alice', 'x')).rejects.toSatisfy(misuse)
    await expect(plain.mfa.disable('alice', { proof: 'x' })).rejects.toSatisfy(misuse)
    const h = setup()
    await enable(h)
    await expect(h.mfa.checkProof('alice', 'x', { maxAgeMs: 0 })).rejects.toSatisfy(misuse)
    await expect(h.mfa.disable('alice', { proof: 'x', maxAgeMs: 86_400_001 })).rejects.toSatisfy(misuse)
    await expect(h.mfa.verify('alice', '123456', { proof: 'yes' as never })).rejects.toSatisfy(misuse)
    expect(() => harness({ proofKey: new Uint8Array(16) })).toThrow(expect.toSatisfy(misuse))
  })
})

describe('trusted devices', () => {
  it('verify trusts a device; its token works once and is replaced; the old one is refused', async () => {
    const h = setup()
    const { secret } = await enable(h)
    const { device } = await login(h, secret, { trustDevice: { label: 'Firefox on Linux' } })
    expect(device).toEqual({
      id: expect.any(String),
      token: expect.any(String),
      expiresAt: h.clock.t + 30 * 86_400_000,
    })
    const grant = device!
    const createdAt = h.clock.t
    expect(await h.mfa.status('alice')).toMatchObject({ trustedDevices: 1 })
    h.clock.advance(3_600_000)
    const used = await h.mfa.verifyTrustedDevice('alice', grant.token)
    expect(used).toEqual({ ok: true, deviceId: grant.id, token: expect.any(String), expiresAt: grant.expiresAt })
    if (!used.ok) return
    h.secretly(used.token)
    expect(used.token).not.toBe(grant.token)
    expect(await h.mfa.listTrustedDevices('alice')).toEqual([
      { id: grant.id, label: 'Firefox on Linux', createdAt, lastUsedAt: h.clock.t, expiresAt: grant.expiresAt },
    ])
    // another user's token, and garbage, are refused without a throw
    expect(await h.mfa.verifyTrustedDevice('bob', used.token)).toEqual({ ok: false, reason: 'not_enrolled' })
    expect(await h.mfa.verifyTrustedDevice('alice', 'garbage')).toEqual({ ok: false, reason: 'device_malformed' })
    h.clock.set(grant.expiresAt)
    expect(await h.mfa.verifyTrustedDevice('alice', used.token)).toEqual({ ok: false, reason: 'device_expired' })
    // the replaced token again, after the expiry: refused, nothing left to revoke
    expect(await h.mfa.verifyTrustedDevice('alice', grant.token)).toEqual({ ok: false, reason: 'device_revoked' })
    expect(h.events.filter((e) => e.type === 'device_revoked')).toEqual([])
    expect(h.events.map((e) => e.type)).toContain('device_trusted')
    expectCleanEvents(h.events, h.sensitive)
  })

  it('revoke one, revoke all; security changes revoke every device', async () => {
    const h = setup()
    const { secret } = await enable(h)
    const a = (await login(h, secret, { trustDevice: { label: 'A' } })).device!
    const b = (await login(h, secret, { trustDevice: { label: 'B', ttlMs: 60 * 60_000 } })).device!
    expect(await h.mfa.revokeTrustedDevice('alice', a.id)).toEqual({ ok: true })
    expect(await h.mfa.revokeTrustedDevice('alice', a.id)).toEqual({ ok: false, reason: 'not_found' })
    expect(await h.mfa.verifyTrustedDevice('alice', a.token)).toEqual({ ok: false, reason: 'device_revoked' })
    expect((await h.mfa.listTrustedDevices('alice')).map((d) => d.label)).toEqual(['B'])
    expect(await h.mfa.revokeTrustedDevices('alice')).toEqual({ ok: true, revoked: 1 })
    expect(await h.mfa.verifyTrustedDevice('alice', b.token)).toEqual({ ok: false, reason: 'device_revoked' })

    const c = (await login(h, secret, { trustDevice: { label: 'C' } })).device!
    expect((await h.mfa.regenerateRecoveryCodes('alice', await fresh(h, secret))).ok).toBe(true)
    expect(await h.mfa.verifyTrustedDevice('alice', c.token)).toEqual({ ok: false, reason: 'device_revoked' })
    const d = (await login(h, secret, { trustDevice: { label: 'D' } })).device!
    expect((await h.mfa.disable('alice', await fresh(h, secret))).ok).toBe(true)
    expect(await h.mfa.verifyTrustedDevice('alice', d.token)).toEqual({ ok: false, reason: 'not_enrolled' })
    const revokedEvents = h.events.filter((e) => e.type === 'device_revoked')
    expect(revokedEvents.map((e) => [e.deviceId, e.reason])).toEqual([
      [a.id, 'user'],
      [b.id, 'user'],
      [c.id, 'security'],
      [d.id, 'security'],
    ])
    expectCleanEvents(h.events, h.sensitive)
  })

  it('removing any authenticator revokes every device', async () => {
    const h = setup()
    const { secret } = await enable(h)
    const second = await started(h.mfa.beginEnrollment('alice', { accountName: 'a', proof: await fresh(h, secret) }))
    const c1 = await codeAt(second.secret, h.clock.t)
    h.clock.advance(STEP_MS)
    expect((await h.mfa.confirmEnrollment('alice', c1, await codeAt(second.secret, h.clock.t))).ok).toBe(true)
    const d = (await login(h, secret, { trustDevice: { label: 'D' } })).device!
    expect(await h.mfa.removeAuthenticator('alice', second.authenticatorId, await fresh(h, secret))).toEqual({
      ok: true,
    })
    expect(await h.mfa.verifyTrustedDevice('alice', d.token)).toEqual({ ok: false, reason: 'device_revoked' })
  })

  it('failed token checks count against the failure budget; a locked user’s token is not looked at', async () => {
    const h = setup({ policy: { maxFailures: 3 } })
    const { secret } = await enable(h)
    const d = (await login(h, secret, { trustDevice: { label: 'D' } })).device!
    const forged = `${d.id}.${'A'.repeat(43)}`
    // malformed input does not count
    for (let i = 0; i < 5; i++) expect((await h.mfa.verifyTrustedDevice('alice', 'nope')).ok).toBe(false)
    expect(await h.mfa.verifyTrustedDevice('alice', forged)).toEqual({ ok: false, reason: 'device_revoked' })
    expect(await h.mfa.verify('alice', h.typed('000000'))).toMatchObject({ ok: false })
    const third = await h.mfa.verifyTrustedDevice('alice', `${'a'.repeat(16)}.${'A'.repeat(43)}`)
    expect(third).toEqual({ ok: false, reason: 'device_unknown', retryAfterMs: 30_000 })
    expect(await h.mfa.verifyTrustedDevice('alice', d.token)).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 30_000,
    })
    h.clock.advance(30_000)
    expect((await h.mfa.verifyTrustedDevice('alice', d.token)).ok).toBe(true)
    expect(h.events.filter((e) => e.type === 'locked')).toHaveLength(1)
  })

  it('keeps at most maxTrustedDevices: the oldest is revoked', async () => {
    const h = setup({ policy: { maxTrustedDevices: 2 } })
    const { secret } = await enable(h)
    const grants = []
    for (const label of ['one', 'two', 'three'])
      grants.push((await login(h, secret, { trustDevice: { label } })).device!)
    expect((await h.mfa.listTrustedDevices('alice')).map((d) => d.label)).toEqual(['two', 'three'])
    expect(await h.mfa.verifyTrustedDevice('alice', grants[0]!.token)).toEqual({ ok: false, reason: 'device_revoked' })
    expect(h.events.find((e) => e.type === 'device_revoked')).toMatchObject({
      deviceId: grants[0]!.id,
      reason: 'limit',
    })
  })

  it('misuse throws: a bad trustDevice option', async () => {
    const h = setup()
    await enable(h)
    for (const trustDevice of [{ label: '' }, { label: 'x', ttlMs: 1 }, 'x', null]) {
      await expect(h.mfa.verify('alice', '123456', { trustDevice: trustDevice as never })).rejects.toSatisfy(misuse)
    }
    await expect(h.mfa.revokeTrustedDevice('alice', '')).rejects.toSatisfy(misuse)
  })
})

describe('resync', () => {
  it('a phone 5 minutes behind: login fails, two consecutive codes resync it, then logins work', async () => {
    const h = setup()
    const { secret, id } = await enable(h)
    const behind = -10 * STEP_MS
    // an hour later the phone's clock has fallen 5 minutes behind (its codes are still newer than the last login's)
    h.clock.advance(3_600_000)
    expect(await h.mfa.verify('alice', h.typed(await codeAt(secret, h.clock.t + behind)))).toMatchObject({
      ok: false,
      reason: 'invalid',
    })
    const c1 = h.typed(await codeAt(secret, h.clock.t + behind))
    h.clock.advance(STEP_MS)
    const c2 = h.typed(await codeAt(secret, h.clock.t + behind))
    expect(await h.mfa.resync('alice', c1, c2)).toEqual({ ok: true, authenticatorId: id, drift: -10 })
    // both codes are consumed
    expect(await h.mfa.resync('alice', c1, c2)).toEqual({ ok: false, reason: 'replayed' })
    expect(await h.mfa.verify('alice', c2)).toEqual({ ok: false, reason: 'replayed' })
    h.clock.advance(STEP_MS)
    expect(await h.mfa.verify('alice', h.typed(await codeAt(secret, h.clock.t + behind)))).toMatchObject({ ok: true })
    expect(await h.mfa.status('alice')).not.toHaveProperty('lockedUntil')
    expect(h.events.find((e) => e.type === 'resynced')).toMatchObject({ authenticatorId: id, drift: -10 })
    expectCleanEvents(h.events, h.sensitive)
  })

  it('refusals: beyond the window, not consecutive, the same code, malformed; only real misses count', async () => {
    const h = setup({ policy: { resyncWindow: 3, maxFailures: 2 } })
    const { secret } = await enable(h)
    h.clock.advance(3_600_000)
    const at = (steps: number) => codeAt(secret, h.clock.t + steps * STEP_MS)
    expect(await h.mfa.resync('alice', await at(-6), await at(-5))).toEqual({ ok: false, reason: 'invalid' })
    expect(await h.mfa.resync('alice', 'abc', await at(0))).toEqual({ ok: false, reason: 'malformed' })
    const same = await at(-2)
    expect(await h.mfa.resync('alice', same, same)).toEqual({ ok: false, reason: 'same_code' })
    const locked = await h.mfa.resync('alice', await at(-2), await at(0))
    expect(locked).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 30_000 })
    expect(await h.mfa.resync('alice', await at(-3), await at(-2))).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 30_000,
    })
    h.clock.advance(30_000)
    expect(await h.mfa.resync('alice', await at(-3), await at(-2))).toMatchObject({ ok: true, drift: -2 })
    expect(await h.mfa.resync('nobody', '123456', '654321')).toEqual({ ok: false, reason: 'not_enrolled' })
  })

  it('drift grows only through resync; a login brings it back towards 0', async () => {
    const h = setup()
    const { secret } = await enable(h)
    // one step ahead is followed by a login (as before), two are not
    h.clock.advance(STEP_MS)
    expect((await h.mfa.verify('alice', h.typed(await codeAt(secret, h.clock.t, 1)))).ok).toBe(true)
    h.clock.advance(2 * STEP_MS)
    expect((await h.mfa.verify('alice', h.typed(await codeAt(secret, h.clock.t, 2)))).ok).toBe(true)
    h.clock.advance(2 * STEP_MS)
    expect((await h.mfa.verify('alice', h.typed(await codeAt(secret, h.clock.t, 3)))).ok).toBe(false)
    // resync to +6, then the phone's clock is corrected step by step: logins follow it back
    const c1 = await codeAt(secret, h.clock.t, 5)
    const c2 = await codeAt(secret, h.clock.t, 6)
    expect(await h.mfa.resync('alice', c1, c2)).toMatchObject({ ok: true, drift: 6 })
    // each time two steps later, one step less ahead: every code is newer than the last
    for (const drift of [5, 4, 3, 2, 1, 0]) {
      h.clock.advance(2 * STEP_MS)
      expect((await h.mfa.verify('alice', await codeAt(secret, h.clock.t, drift))).ok).toBe(true)
    }
    h.clock.advance(STEP_MS)
    expect((await h.mfa.verify('alice', await codeAt(secret, h.clock.t, 2))).ok).toBe(false)
  })
})

describe('proofs bound to a session, and which proof may authorize which change', () => {
  it('a bound proof works in its session only, for checkProof and every operation that takes a proof', async () => {
    const h = setup()
    const { secret } = await enable(h)
    const { proof } = await login(h, secret, { proof: { bindTo: 'session-A' } })
    const stolen = proof as string
    // the thief's session (or none) gets nothing out of the copy
    for (const options of [{}, { bindTo: 'session-B' }]) {
      expect(await h.mfa.checkProof('alice', stolen, options)).toEqual({ ok: false, reason: 'proof_invalid' })
    }
    const elsewhere = { proof: stolen, bindTo: 'session-B' }
    expect(await h.mfa.beginEnrollment('alice', { accountName: 'a', proof: elsewhere })).toEqual({
      ok: false,
      reason: 'proof_invalid',
    })
    expect(await h.mfa.regenerateRecoveryCodes('alice', { proof: stolen })).toEqual({
      ok: false,
      reason: 'proof_invalid',
    })
    expect(await h.mfa.disable('alice', elsewhere)).toEqual({ ok: false, reason: 'proof_invalid' })
    const list = await h.mfa.listAuthenticators('alice')
    expect(await h.mfa.removeAuthenticator('alice', list[0]?.id as string, elsewhere)).toEqual({
      ok: false,
      reason: 'proof_invalid',
    })
    // nothing was counted: refused proofs are signatures, not guesses
    expect((await h.mfa.status('alice')).lockedUntil).toBeUndefined()
    // in its own session it stands
    const mine = { proof: stolen, bindTo: 'session-A' }
    expect(await h.mfa.checkProof('alice', stolen, { bindTo: 'session-A' })).toMatchObject({ ok: true })
    const begun = await h.mfa.beginEnrollment('alice', { accountName: 'a', proof: mine })
    expect(begun).toMatchObject({ ok: true })
    if (begun.ok) h.sensitive.secrets.add(begun.secret)
    expect(await h.mfa.regenerateRecoveryCodes('alice', mine)).toMatchObject({ ok: true })
    expectCleanEvents(h.events, h.sensitive)
  })

  it('an unbound proof checked with a session is invalid (the application asked for a bound one)', async () => {
    const h = setup()
    const { secret } = await enable(h)
    const { proof } = await login(h, secret, { proof: true })
    expect(await h.mfa.checkProof('alice', proof as string, { bindTo: 'session-A' })).toEqual({
      ok: false,
      reason: 'proof_invalid',
    })
    expect(await h.mfa.checkProof('alice', proof as string)).toMatchObject({ ok: true })
  })

  it('refuses a bad bindTo or proof option as developer misuse', async () => {
    const h = setup()
    const { secret } = await enable(h)
    const code = await fresh(h, secret)
    for (const proof of [{ bindTo: '' }, { bindTo: 5 }, {}, { bindTo: 'a', extra: 1 }, 'yes', null]) {
      await expect(h.mfa.verify('alice', code, { proof } as never)).rejects.toSatisfy(misuse)
    }
    await expect(h.mfa.checkProof('alice', 'x', { bindTo: 'a\u0000b' })).rejects.toSatisfy(misuse)
    await expect(h.mfa.disable('alice', { proof: 'x', bindTo: 'x'.repeat(1025) })).rejects.toSatisfy(misuse)
    // a refused option consumed nothing: the code still logs in
    expect(await h.mfa.verify('alice', code)).toMatchObject({ ok: true })
  })

  it('policy.proofMethods: a recovery code may turn MFA off but not add an authenticator; it is not spent', async () => {
    const h = setup({ policy: { proofMethods: { enroll: ['totp'], regenerate: ['totp'] } } })
    const { secret, recoveryCodes } = await enable(h)
    const rc = recoveryCodes[0] as string
    expect(await h.mfa.beginEnrollment('alice', { accountName: 'a', proof: rc })).toEqual({
      ok: false,
      reason: 'method_not_allowed',
    })
    const viaProof = await h.mfa.verify('alice', recoveryCodes[1] as string, { proof: true })
    if (!viaProof.ok) throw new Error(viaProof.reason)
    const proof = h.secretly(viaProof.proof as string)
    expect(await h.mfa.regenerateRecoveryCodes('alice', { proof })).toEqual({ ok: false, reason: 'method_not_allowed' })
    expect(await h.mfa.status('alice')).toMatchObject({ recoveryCodesLeft: 9 })
    expect(h.events.filter((e) => e.reason === 'method_not_allowed')).toHaveLength(2)
    // a code of the phone may; and the refused recovery code was not spent: it still turns MFA off
    const begun = await h.mfa.beginEnrollment('alice', { accountName: 'a', proof: await fresh(h, secret) })
    expect(begun).toMatchObject({ ok: true })
    if (begun.ok) h.sensitive.secrets.add(begun.secret)
    expect(await h.mfa.disable('alice', rc)).toEqual({ ok: true })
    expectCleanEvents(h.events, h.sensitive)
  })
})
