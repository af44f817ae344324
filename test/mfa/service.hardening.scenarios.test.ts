// The second hardening round, end to end on an injected clock: a secret that cannot be opened refuses the attempt
// before any code is compared (login, proof, confirmation, resync).
import type { HMACEngine } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { webCryptoEngine } from '../../src/internal/engine.js'
import { MAX_ATTEMPTS_COUNT, MAX_FAILURES_COUNT, MAX_GENERATION } from '../../src/mfa/record/shapes.js'
import { codeAt, enable, expectCleanEvents, harness, STEP_MS, started } from './helpers.js'
import { testStore } from './store-helpers.js'

const encryptionKeys = { current: 'k1', keys: { k1: new Uint8Array(32).fill(1) } }
/** Keys, and the migration window in which a record without its MAC still reads (see tamper). */
const inWindow = { encryptionKeys, allowPlaintextSecrets: true }

type Stored = { data: string; version: number }

/** Changes the stored record of `userId` in place (a writer of the database, or damage), bumping its version. */
/**
 * Changes a stored record the way a damaged restore or a writer without the keys would. With `encryptionKeys` the
 * record's MAC then refuses it whole (ERR_RECORD_INVALID); these suites test what happens beneath that, so the MAC is
 * dropped and the services read inside the migration window (`allowPlaintextSecrets`), where unsigned records read.
 */
function tamper(map: Map<string, Stored>, userId: string, change: (record: Record<string, any>) => void) {
  const entry = map.get(`mfa:${userId}`) as Stored
  const { mac: _signed, ...record } = JSON.parse(entry.data)
  change(record)
  map.set(`mfa:${userId}`, { data: JSON.stringify(record), version: entry.version + 1 })
}

/** One character of a base32 ciphertext changed: it no longer authenticates. */
const flip = (ct: string) => (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1)

describe('a secret that cannot be opened refuses the attempt before any code is compared', () => {
  /** Alice with two authenticators, the first used last; the second one's ciphertext damaged. */
  async function damaged() {
    const { store, map } = testStore()
    const h = harness({ store, ...inWindow })
    const { secret, recoveryCodes } = await enable(h)
    h.clock.advance(STEP_MS)
    const second = await started(
      h.mfa.beginEnrollment('alice', { accountName: 'alice', proof: await codeAt(secret, h.clock.t) }),
    )
    const c1 = await codeAt(second.secret, h.clock.t)
    h.clock.advance(STEP_MS)
    expect((await h.mfa.confirmEnrollment('alice', c1, await codeAt(second.secret, h.clock.t))).ok).toBe(true)
    // the first authenticator is the one used last: the usual login compares its code first
    h.clock.advance(STEP_MS)
    expect((await h.mfa.verify('alice', await codeAt(secret, h.clock.t))).ok).toBe(true)
    tamper(map, 'alice', (r) => {
      const b = r.authenticators.find((a: { id: string }) => a.id === second.authenticatorId)
      b.secret.ct = flip(b.secret.ct)
    })
    h.clock.advance(STEP_MS)
    const failures = () => JSON.parse((map.get('mfa:alice') as Stored).data).failures as number
    return { h, map, secret, recoveryCodes, damagedId: second.authenticatorId, failures }
  }

  it('login: even the right code of the healthy authenticator is refused (ERR_DECRYPT), nothing is written', async () => {
    const { h, map, secret } = await damaged()
    const before = map.get('mfa:alice')
    await expect(h.mfa.verify('alice', await codeAt(secret, h.clock.t))).rejects.toMatchObject({
      code: 'ERR_DECRYPT',
    })
    expect(map.get('mfa:alice')).toEqual(before)
  })

  it('login: no guess is ever compared, so none can pass uncounted', async () => {
    const { h, secret, failures } = await damaged()
    const right = await codeAt(secret, h.clock.t)
    for (const guess of ['000000', '123456', right]) {
      await expect(h.mfa.verify('alice', guess)).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    }
    expect(failures()).toBe(0)
  })

  it('a proof by code (removal, new codes, disable, a further enrollment) is refused the same way', async () => {
    const { h, secret } = await damaged()
    const code = await codeAt(secret, h.clock.t)
    await expect(h.mfa.regenerateRecoveryCodes('alice', code)).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    await expect(h.mfa.disable('alice', code)).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    await expect(h.mfa.beginEnrollment('alice', { accountName: 'a', proof: code })).rejects.toMatchObject({
      code: 'ERR_DECRYPT',
    })
  })

  it('a recovery code opens no secret: the way back in for the user (then remove the damaged one)', async () => {
    const { h, secret, recoveryCodes, damagedId } = await damaged()
    const removed = await h.mfa.removeAuthenticator('alice', damagedId, recoveryCodes[0] as string)
    expect(removed).toEqual({ ok: true })
    h.clock.advance(STEP_MS)
    expect((await h.mfa.verify('alice', await codeAt(secret, h.clock.t))).ok).toBe(true)
  })

  it('resync: the right pair of the healthy authenticator is refused before any search', async () => {
    const { h, secret, failures } = await damaged()
    // a phone 5 steps behind: outside the login window, within the resync window
    const a = await codeAt(secret, h.clock.t, -6)
    const b = await codeAt(secret, h.clock.t, -5)
    await expect(h.mfa.resync('alice', a, b)).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    await expect(h.mfa.resync('alice', '111111', '222222')).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    expect(failures()).toBe(0)
  })

  it('confirmation: a damaged pending secret is refused before its codes are compared, no attempt is used', async () => {
    const { store, map } = testStore()
    const h = harness({ store, ...inWindow })
    const pending = await started(h.mfa.beginEnrollment('alice', { accountName: 'alice' }))
    tamper(map, 'alice', (r) => {
      r.pending.secret.ct = flip(r.pending.secret.ct)
    })
    const c1 = await codeAt(pending.secret, h.clock.t)
    h.clock.advance(STEP_MS)
    const c2 = await codeAt(pending.secret, h.clock.t)
    await expect(h.mfa.confirmEnrollment('alice', c1, c2)).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    await expect(h.mfa.confirmEnrollment('alice', '111111', '222222')).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    expect(JSON.parse((map.get('mfa:alice') as Stored).data).pending.attempts).toBe(0)
  })
})

describe('a copied device cookie is caught (reuse detection)', () => {
  /** Alice enabled, logged in on a trusted browser: its token, the device id, and the harness. */
  async function trusted() {
    const h = harness()
    const { secret } = await enable(h)
    h.clock.advance(STEP_MS)
    const login = await h.mfa.verify('alice', await codeAt(secret, h.clock.t), { trustDevice: { label: 'Firefox' } })
    if (!login.ok || !login.device) throw new Error('the trusting login failed')
    h.sensitive.recovery.add(login.device.token)
    h.clock.advance(3_600_000)
    return { h, token: login.device.token, deviceId: login.device.id }
  }
  const deviceEvents = (h: ReturnType<typeof harness>) =>
    h.events
      .filter((e) => e.operation === 'device' && e.type !== 'verified')
      .map(({ type, reason, deviceId }) => ({ type, reason, deviceId }))

  it('the thief uses the copy first: the real browser coming back revokes the device, the thief is out', async () => {
    const { h, token, deviceId } = await trusted()
    const thief = await h.mfa.verifyTrustedDevice('alice', token)
    if (!thief.ok) throw new Error('the copy was refused')
    h.sensitive.recovery.add(thief.token)
    h.clock.advance(60_000)
    // the real browser, with the token the thief's use replaced
    expect(await h.mfa.verifyTrustedDevice('alice', token)).toEqual({ ok: false, reason: 'device_revoked' })
    expect(await h.mfa.verifyTrustedDevice('alice', thief.token)).toEqual({ ok: false, reason: 'device_revoked' })
    expect(await h.mfa.listTrustedDevices('alice')).toEqual([])
    expect(deviceEvents(h)).toEqual([
      { type: 'failed', reason: 'device_revoked', deviceId },
      { type: 'device_revoked', reason: 'reuse', deviceId },
      { type: 'failed', reason: 'device_revoked', deviceId },
    ])
    expectCleanEvents(h.events, h.sensitive)
  })

  it('the real browser first: the copy presented later revokes the device, both are out', async () => {
    const { h, token, deviceId } = await trusted()
    const real = await h.mfa.verifyTrustedDevice('alice', token)
    if (!real.ok) throw new Error('the real browser was refused')
    // the thief comes a week later, the real browser used its cookie a few more times meanwhile
    let current = real.token
    for (let i = 0; i < 3; i++) {
      h.clock.advance(86_400_000)
      const next = await h.mfa.verifyTrustedDevice('alice', current)
      if (!next.ok) throw new Error('the real browser was refused')
      current = next.token
    }
    expect(await h.mfa.verifyTrustedDevice('alice', token)).toEqual({ ok: false, reason: 'device_revoked' })
    expect(await h.mfa.verifyTrustedDevice('alice', current)).toEqual({ ok: false, reason: 'device_revoked' })
    expect(deviceEvents(h).slice(0, 2)).toEqual([
      { type: 'failed', reason: 'device_revoked', deviceId },
      { type: 'device_revoked', reason: 'reuse', deviceId },
    ])
    expect(await h.mfa.status('alice')).not.toHaveProperty('trustedDevices')
  })

  it('a wrong secret under a known device id only counts a failure: the device stays', async () => {
    const { h, token, deviceId } = await trusted()
    const forged = `${deviceId}.${'A'.repeat(43)}`
    expect(await h.mfa.verifyTrustedDevice('alice', forged)).toEqual({ ok: false, reason: 'device_revoked' })
    expect(deviceEvents(h)).toEqual([{ type: 'failed', reason: 'device_revoked', deviceId }])
    expect(await h.mfa.verifyTrustedDevice('alice', token)).toMatchObject({ ok: true, deviceId })
  })
})

describe('a pending enrollment is revoked with the proofs', () => {
  const proofKey = new Uint8Array(32).fill(5)

  it("the thief's enrollment, begun with a stolen proof, dies when the victim removes or regenerates", async () => {
    for (const react of ['regenerate', 'remove'] as const) {
      const h = harness({ proofKey })
      const { secret, recoveryCodes } = await enable(h)
      h.clock.advance(STEP_MS)
      const login = await h.mfa.verify('alice', await codeAt(secret, h.clock.t), { proof: true })
      if (!login.ok || !login.proof) throw new Error('no proof')
      // the thief holds the proof (a stolen session) and starts adding a phone
      const thief = await started(h.mfa.beginEnrollment('alice', { accountName: 'a', proof: { proof: login.proof } }))
      expect(await h.mfa.status('alice')).toMatchObject({
        pendingAuthenticatorId: thief.authenticatorId,
        pendingExpiresAt: thief.expiresAt,
      })
      // the victim reacts
      if (react === 'regenerate') {
        expect((await h.mfa.regenerateRecoveryCodes('alice', recoveryCodes[0] as string)).ok).toBe(true)
      } else {
        h.clock.advance(STEP_MS)
        const other = await h.mfa.importAuthenticator('alice', { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
        if (!other.ok) throw new Error('import failed')
        const removed = await h.mfa.removeAuthenticator('alice', other.authenticatorId, recoveryCodes[1] as string)
        expect(removed).toEqual({ ok: true })
      }
      const c1 = await codeAt(thief.secret, h.clock.t)
      h.clock.advance(STEP_MS)
      const c2 = await codeAt(thief.secret, h.clock.t)
      expect(await h.mfa.confirmEnrollment('alice', c1, c2)).toEqual({ ok: false, reason: 'not_pending' })
      expect(await h.mfa.status('alice')).not.toHaveProperty('pendingAuthenticatorId')
      expect(h.events.filter((e) => e.type === 'enrollment_cancelled')).toMatchObject([
        { authenticatorId: thief.authenticatorId, reason: 'security' },
      ])
    }
  })

  it('cancelEnrollment removes the pending one; confirming it then finds nothing', async () => {
    const h = harness()
    const { secret } = await enable(h)
    h.clock.advance(STEP_MS)
    const pending = await started(
      h.mfa.beginEnrollment('alice', { accountName: 'a', proof: await codeAt(secret, h.clock.t) }),
    )
    expect(await h.mfa.cancelEnrollment('alice')).toEqual({ ok: true, authenticatorId: pending.authenticatorId })
    expect(await h.mfa.cancelEnrollment('alice')).toEqual({ ok: false, reason: 'not_pending' })
    const c1 = await codeAt(pending.secret, h.clock.t)
    h.clock.advance(STEP_MS)
    const c2 = await codeAt(pending.secret, h.clock.t)
    expect(await h.mfa.confirmEnrollment('alice', c1, c2)).toEqual({ ok: false, reason: 'not_pending' })
    expect(h.events.filter((e) => e.type === 'enrollment_cancelled')).toMatchObject([
      { authenticatorId: pending.authenticatorId, reason: 'user', operation: 'cancel_enrollment' },
    ])
    expect(await h.mfa.cancelEnrollment('bob')).toEqual({ ok: false, reason: 'not_pending' })
  })

  it('a user locked out after failed codes cannot confirm a phone', async () => {
    const h = harness({ policy: { maxFailures: 2, lockBaseMs: 60_000 } })
    const { secret } = await enable(h)
    h.clock.advance(STEP_MS)
    const pending = await started(
      h.mfa.beginEnrollment('alice', { accountName: 'a', proof: await codeAt(secret, h.clock.t) }),
    )
    await h.mfa.verify('alice', '000000')
    const locked = await h.mfa.verify('alice', '000001')
    expect(locked).toMatchObject({ ok: false, retryAfterMs: 60_000 })
    const c1 = await codeAt(pending.secret, h.clock.t)
    h.clock.advance(STEP_MS)
    const c2 = await codeAt(pending.secret, h.clock.t)
    expect(await h.mfa.confirmEnrollment('alice', c1, c2)).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 30_000,
    })
    h.clock.advance(30_000)
    const c3 = await codeAt(pending.secret, h.clock.t)
    expect(await h.mfa.confirmEnrollment('alice', c2, c3)).toMatchObject({ ok: true })
  })
})

describe('counters are bounded when read and clamped when written', () => {
  async function enabled() {
    const { store, map } = testStore()
    const h = harness({ store, proofKey: new Uint8Array(32).fill(5), policy: { maxFailures: 3 } })
    const { secret, recoveryCodes } = await enable(h)
    h.clock.advance(STEP_MS)
    return { h, map, secret, recoveryCodes, stored: () => JSON.parse((map.get('mfa:alice') as Stored).data) }
  }

  it('a failure count past its bound is refused when read, one at the bound stays there', async () => {
    const { h, map, stored } = await enabled()
    tamper(map, 'alice', (r) => {
      r.failures = Number.MAX_SAFE_INTEGER
    })
    await expect(h.mfa.verify('alice', '000000')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    tamper(map, 'alice', (r) => {
      r.failures = MAX_FAILURES_COUNT
    })
    expect(await h.mfa.verify('alice', '000000')).toMatchObject({ ok: false, reason: 'invalid', retryAfterMs: 900_000 })
    expect(stored().failures).toBe(MAX_FAILURES_COUNT)
    expect(await h.mfa.status('alice')).toMatchObject({ lockedUntil: h.clock.t + 900_000 })
  })

  it('a generation at the largest safe integer: a removal still writes a readable record; no proof stands on it', async () => {
    const { h, map, secret, recoveryCodes, stored } = await enabled()
    tamper(map, 'alice', (r) => {
      r.generation = MAX_GENERATION
    })
    const login = await h.mfa.verify('alice', await codeAt(secret, h.clock.t), { proof: true })
    if (!login.ok || !login.proof) throw new Error('no proof')
    expect(await h.mfa.checkProof('alice', login.proof)).toEqual({ ok: false, reason: 'proof_revoked' })
    expect((await h.mfa.regenerateRecoveryCodes('alice', recoveryCodes[0] as string)).ok).toBe(true)
    expect(stored().generation).toBe(MAX_GENERATION)
    expect(await h.mfa.status('alice')).toMatchObject({ state: 'active' })
    expect((await h.mfa.disable('alice', recoveryCodes[1] as string)).ok).toBe(false)
    h.clock.advance(STEP_MS)
    expect(await h.mfa.disable('alice', await codeAt(secret, h.clock.t))).toEqual({ ok: true })
    expect(stored().generation).toBe(MAX_GENERATION)
  })

  it("a pending enrollment's attempts past their bound are refused when read", async () => {
    const { h, map } = await enabled()
    await started(h.mfa.beginEnrollment('bob', { accountName: 'bob' }))
    tamper(map, 'bob', (r) => {
      r.pending.attempts = MAX_ATTEMPTS_COUNT + 1
    })
    await expect(h.mfa.status('bob')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    tamper(map, 'bob', (r) => {
      r.pending.attempts = MAX_ATTEMPTS_COUNT
    })
    expect(await h.mfa.confirmEnrollment('bob', '000000', '000001')).toMatchObject({
      ok: false,
      reason: 'enrollment_locked',
    })
  })
})

describe('confirmation computes the same HMACs whatever the pair', () => {
  it('a right pair, a right second code only, a near miss, two wrong codes: the same steps signed', async () => {
    const signed: string[] = []
    const engine: HMACEngine = {
      async prepare(secret, algorithm) {
        const inner = await webCryptoEngine.prepare(secret, algorithm)
        return {
          sign(message) {
            signed.push(Array.from(message).join('.'))
            return inner.sign(message)
          },
        }
      },
    }
    const h = harness({ engine })
    const pending = await started(h.mfa.beginEnrollment('alice', { accountName: 'a' }))
    const at = (steps: number) => codeAt(pending.secret, h.clock.t, steps)
    // two codes of no step near now
    const near = new Set<string>()
    for (let k = -4; k <= 4; k++) near.add(await at(k))
    const [w1, w2] = Array.from({ length: 20 }, (_, n) => String(n * 111_111 + 7).padStart(6, '0')).filter(
      (c) => !near.has(c),
    )
    const pairs: [string, string, string, string][] = [
      ['both wrong', w1 as string, w2 as string, 'invalid'],
      ['the second right only', w1 as string, await at(0), 'invalid'],
      ['reversed', await at(0), await at(-1), 'reversed'],
      ['not consecutive', await at(-2), await at(0), 'not_consecutive'],
      ['right', await at(-1), await at(0), 'ok'],
    ]
    const work: string[][] = []
    for (const [, c1, c2, expected] of pairs) {
      signed.length = 0
      const result = await h.mfa.confirmEnrollment('alice', c1, c2)
      expect(result.ok ? 'ok' : result.reason).toBe(expected)
      work.push([...signed].sort())
    }
    // every step of the union of both windows, each once, in every case
    expect(new Set(work[0]).size).toBe(work[0]?.length)
    for (const w of work) expect(w).toEqual(work[0])
  })
})
