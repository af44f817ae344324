// The service with security keys, end to end over the memory store: register, sign in, replay, clone, proofs,
// remove, and the one lock shared with codes. No event may hold a challenge, a signature, a public key or an
// assertion (checked on every test's events).
import { isOTPError, type MFAEvent, memoryStore } from 'mfa-core'
import { afterEach, describe, expect, it } from 'vitest'
import { FLAGS } from '../support/webauthn.js'
import { codeAt, enable, type Harness, harness as plainHarness, STEP_MS } from './helpers.js'
import { softKey as plainSoftKey, type SoftKey, WEBAUTHN } from './key-helpers.js'

const PROOF_KEY = new Uint8Array(32).fill(3)

// Every harness of this file and every challenge, signature, public key and response its keys handled: after each
// test, no event may hold any of them, nor any field but the documented ones.
const made: Harness[] = []
const material = new Set<string>()
const harness = (...args: Parameters<typeof plainHarness>) => {
  const h = plainHarness(...args)
  made.push(h)
  return h
}
function softKey(...args: Parameters<typeof plainSoftKey>): SoftKey {
  const key = plainSoftKey(...args)
  material.add(Buffer.from(key.parts.key.cose).toString('base64url'))
  const keep = (response: Record<string, unknown>) => {
    for (const value of Object.values(response)) if (typeof value === 'string') material.add(value)
  }
  return {
    ...key,
    register: (options, sign) => {
      material.add(options.challenge)
      const made = key.register(options, sign)
      keep(made.response)
      return made
    },
    sign: (options, sign) => {
      if (options) material.add(options.challenge)
      const made = key.sign(options, sign)
      keep(made.response)
      return made
    },
  }
}
afterEach(() => {
  for (const h of made.splice(0)) expectNoKeyMaterial(h.events, ...material)
  material.clear()
})

/** Registers `key` for the user (with `proof` once they have an authenticator); the key's authenticator id. */
async function register(h: Harness, key: SoftKey, userId = 'alice', proof?: Parameters<typeof h.mfa.verify>[1]) {
  const begun = await h.mfa.beginSecurityKeyRegistration(userId, proof === undefined ? {} : { proof })
  if (!begun.ok) throw new Error(`begin refused: ${begun.reason}`)
  const done = await h.mfa.finishSecurityKeyRegistration(userId, key.register(begun.options))
  if (!done.ok) throw new Error(`finish refused: ${done.reason}`)
  for (const c of done.recoveryCodes) h.sensitive.recovery.add(c)
  return { id: done.authenticatorId, recoveryCodes: done.recoveryCodes, options: begun.options }
}

/** A fresh challenge's request options (the user must have a key). */
async function requestOptions(h: Harness, userId = 'alice') {
  const started = await h.mfa.challenge(userId)
  if (!started.ok || !started.options) throw new Error('challenge gave no options')
  return started.options
}

/** No event holds a challenge, a signature, a public key, a credential id or an assertion. */
function expectNoKeyMaterial(events: readonly MFAEvent[], ...texts: string[]) {
  const all = JSON.stringify(events)
  for (const t of texts) expect(all).not.toContain(t)
  for (const e of events) {
    expect(
      Object.keys(e).every((k) =>
        [
          'type',
          'userId',
          'at',
          'operation',
          'reason',
          'method',
          'kind',
          'detail',
          'retryAfterMs',
          'recoveryCodesLeft',
          'actor',
          'authenticatorId',
          'deviceId',
          'drift',
        ].includes(k),
      ),
    ).toBe(true)
  }
}

describe('security keys: registration', () => {
  it('registers a first key (recovery codes, MFA on), lists it, and signs in with it', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const key = softKey()
    const begun = await h.mfa.beginSecurityKeyRegistration('alice', {
      label: 'YubiKey',
      accountName: 'alice@example.com',
    })
    if (!begun.ok) throw new Error(begun.reason)
    expect(begun.options.rp).toEqual({ id: 'example.com', name: 'Example Cloud' })
    expect(begun.options.user.name).toBe('alice@example.com')
    expect(begun.options.excludeCredentials).toEqual([])
    expect(begun.options.attestation).toBe('none')
    expect(begun.expiresAt).toBe(h.clock.t + 600_000)
    const finished = await h.mfa.finishSecurityKeyRegistration('alice', key.register(begun.options))
    if (!finished.ok) throw new Error(finished.reason)
    expect(finished.authenticatorId).toBe(begun.authenticatorId)
    expect(finished.recoveryCodes).toHaveLength(10)
    expect((await h.mfa.status('alice')).state).toBe('active')
    expect(await h.mfa.listAuthenticators('alice')).toEqual([
      {
        kind: 'webauthn',
        id: begun.authenticatorId,
        label: 'YubiKey',
        createdAt: h.clock.t,
        lastUsedAt: null,
        transports: ['usb'],
        backupEligible: false,
        backedUp: false,
        aaguid: '00000000-0000-0000-0000-000000000000',
      },
    ])
    h.clock.advance(1000)
    const options = await requestOptions(h)
    expect(options.allowCredentials).toEqual([{ type: 'public-key', id: key.credentialId, transports: ['usb'] }])
    const login = await h.mfa.verify('alice', key.sign(options))
    expect(login).toEqual({ ok: true, method: 'webauthn', authenticatorId: begun.authenticatorId })
    expect((await h.mfa.listAuthenticators('alice'))[0]?.lastUsedAt).toBe(h.clock.t)
    expect(h.events.map((e) => [e.type, e.kind, e.method])).toEqual([
      ['enrollment_started', 'webauthn', undefined],
      ['enrolled', 'webauthn', undefined],
      ['verified', 'webauthn', 'webauthn'],
    ])
    expectNoKeyMaterial(h.events, begun.options.challenge, options.challenge)
  })

  it('a registration begun shows in status and cancelEnrollment cancels it: the response is then not_pending', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const key = softKey()
    const begun = await h.mfa.beginSecurityKeyRegistration('alice', { label: 'YubiKey' })
    if (!begun.ok) throw new Error(begun.reason)
    expect(await h.mfa.status('alice')).toEqual({
      state: 'pending',
      pendingSecurityKey: { authenticatorId: begun.authenticatorId, expiresAt: begun.expiresAt },
    })
    expect(await h.mfa.cancelEnrollment('alice')).toEqual({ ok: true, authenticatorId: begun.authenticatorId })
    expect(await h.mfa.status('alice')).toEqual({ state: 'none' })
    expect(await h.mfa.finishSecurityKeyRegistration('alice', key.register(begun.options))).toEqual({
      ok: false,
      reason: 'not_pending',
    })
    expect(await h.mfa.cancelEnrollment('alice')).toEqual({ ok: false, reason: 'not_pending' })
    expect(h.events.map((e) => [e.type, e.kind, e.reason])).toEqual([
      ['enrollment_started', 'webauthn', undefined],
      ['enrollment_cancelled', 'webauthn', 'user'],
      ['failed', 'webauthn', 'not_pending'],
    ])
  })

  it('a registration is single use: a refused response spends it, a malformed one does not', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const key = softKey()
    const begun = await h.mfa.beginSecurityKeyRegistration('alice')
    if (!begun.ok) throw new Error(begun.reason)
    expect(await h.mfa.finishSecurityKeyRegistration('alice', { nonsense: true } as never)).toEqual({
      ok: false,
      reason: 'malformed',
    })
    const wrongOrigin = key.register(begun.options, { origin: 'https://evil.example' })
    expect(await h.mfa.finishSecurityKeyRegistration('alice', wrongOrigin)).toEqual({ ok: false, reason: 'invalid' })
    expect(h.events.at(-1)).toMatchObject({
      type: 'failed',
      reason: 'invalid',
      detail: 'origin_mismatch',
      kind: 'webauthn',
    })
    expect(await h.mfa.finishSecurityKeyRegistration('alice', key.register(begun.options))).toEqual({
      ok: false,
      reason: 'not_pending',
    })
  })

  it('expires like a pending enrollment, and a further key needs a proof', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const begun = await h.mfa.beginSecurityKeyRegistration('alice')
    if (!begun.ok) throw new Error(begun.reason)
    h.clock.advance(600_000)
    expect(await h.mfa.finishSecurityKeyRegistration('alice', softKey().register(begun.options))).toEqual({
      ok: false,
      reason: 'enrollment_expired',
    })
    const app = await enable(h)
    expect(await h.mfa.beginSecurityKeyRegistration('alice')).toEqual({ ok: false, reason: 'proof_required' })
    h.clock.advance(STEP_MS)
    const key = softKey()
    const { id, recoveryCodes, options } = await register(h, key, 'alice', h.typed(await codeAt(app.secret, h.clock.t)))
    expect(recoveryCodes).toEqual([])
    expect(options.excludeCredentials).toEqual([])
    expect((await h.mfa.listAuthenticators('alice')).map((a) => [a.kind, a.id])).toEqual([
      ['totp', app.id],
      ['webauthn', id],
    ])
    // the same key again: excluded in the options, and refused if the browser sent it anyway
    const again = await h.mfa.beginSecurityKeyRegistration('alice', { proof: key.sign(await requestOptions(h)) })
    if (!again.ok) throw new Error(again.reason)
    expect(again.options.excludeCredentials.map((c) => c.id)).toHaveLength(1)
    expect(await h.mfa.finishSecurityKeyRegistration('alice', key.register(again.options))).toEqual({
      ok: false,
      reason: 'already_registered',
    })
  })

  it('throws ERR_INVALID_OPTION naming webauthn when the option is absent, and checks it', async () => {
    const h = harness()
    for (const call of [
      () => h.mfa.beginSecurityKeyRegistration('alice'),
      () => h.mfa.finishSecurityKeyRegistration('alice', {} as never),
      () => h.mfa.challenge('alice'),
    ]) {
      const error = await call().catch((e: unknown) => e)
      expect(isOTPError(error, 'ERR_INVALID_OPTION')).toBe(true)
      expect((error as Error).message).toContain('webauthn')
    }
    // an assertion given to a service without keys is only data: malformed, never a throw
    await enable(h)
    expect(await h.mfa.verify('alice', softKey().sign({ challenge: 'AAAAAAAAAAAAAAAAAAAAAA' }))).toEqual({
      ok: false,
      reason: 'malformed',
    })
    for (const bad of [
      { rpId: 'https://example.com', rpName: 'x', origins: ['https://example.com'] },
      // an IP address is no RP ID: browsers refuse it, so no key could ever register
      { rpId: '127.0.0.1', rpName: 'x', origins: ['http://127.0.0.1:3000'] },
      { rpId: '[::1]', rpName: 'x', origins: ['http://[::1]:3000'] },
      { rpId: 'example.com', rpName: '', origins: ['https://example.com'] },
      { rpId: 'example.com', rpName: 'x', origins: [] },
      { rpId: 'example.com', rpName: 'x', origins: ['https://example.com/'] },
      { rpId: 'example.com', rpName: 'x', origins: ['https://example.com'], userVerification: 'always' },
      { rpId: 'example.com', rpName: 'x', origins: ['https://example.com'], residentKey: 'always' },
      'example.com',
    ]) {
      expect(() => harness({ webauthn: bad as never })).toThrow(/^webauthn\b/)
    }
  })
})

describe('security keys: sign-in', () => {
  it('a challenge is single use: the same assertion is replayed (not counted); another challenge is invalid', async () => {
    const h = harness({ webauthn: WEBAUTHN, policy: { maxFailures: 3 } })
    const key = softKey()
    const { id } = await register(h, key)
    const options = await requestOptions(h)
    const assertion = key.sign(options)
    expect(await h.mfa.verify('alice', assertion)).toMatchObject({ ok: true, method: 'webauthn', authenticatorId: id })
    expect(await h.mfa.verify('alice', assertion)).toEqual({ ok: false, reason: 'replayed' })
    expect(h.events.at(-1)).toMatchObject({ type: 'replay_rejected', kind: 'webauthn', authenticatorId: id })
    const forged = key.sign(undefined, { challenge: 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo' })
    expect(await h.mfa.verify('alice', forged)).toEqual({ ok: false, reason: 'invalid' })
    expect(h.events.at(-1)).toMatchObject({ type: 'failed', reason: 'invalid', detail: 'challenge_mismatch' })
    expect(await h.mfa.status('alice')).not.toHaveProperty('lockedUntil')
  })

  it('counts every kind of bad assertion, not a malformed one, and locks across keys and codes alike', async () => {
    const h = harness({ webauthn: WEBAUTHN, policy: { maxFailures: 4, lockBaseMs: 60_000 } })
    const app = await enable(h)
    h.clock.advance(STEP_MS)
    const key = softKey()
    await register(h, key, 'alice', h.typed(await codeAt(app.secret, h.clock.t)))
    const details: string[] = []
    for (const bad of [{ badSignature: true }, { origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      expect(await h.mfa.verify('alice', key.sign(await requestOptions(h), bad))).toEqual({
        ok: false,
        reason: 'invalid',
      })
      details.push(h.events.at(-1)?.detail as string)
    }
    expect(details).toEqual(['bad_signature', 'origin_mismatch', 'rp_id_mismatch'])
    expect(await h.mfa.verify('alice', { id: 'x' } as never)).toEqual({ ok: false, reason: 'malformed' })
    // the fourth failure is a wrong code: the same budget locks the user
    const options = await requestOptions(h)
    expect(await h.mfa.verify('alice', '000000')).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 60_000 })
    expect(await h.mfa.challenge('alice')).toEqual({ ok: false, reason: 'locked', retryAfterMs: 60_000 })
    // a challenge taken before the lock: not even looked at while locked
    expect(await h.mfa.verify('alice', key.sign(options))).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 60_000,
    })
    h.clock.advance(60_000)
    expect(await h.mfa.verify('alice', key.sign(options))).toMatchObject({ ok: true, method: 'webauthn' })
  })

  it('refuses a cloned key (counter did not grow) with its own event; report accepts it', async () => {
    for (const counterRegression of ['refuse', 'report'] as const) {
      const h = harness({ webauthn: WEBAUTHN, policy: { counterRegression } })
      const key = softKey()
      const { id } = await register(h, key)
      expect(await h.mfa.verify('alice', key.sign(await requestOptions(h), { signCount: 5 }))).toMatchObject({
        ok: true,
      })
      const clone = await h.mfa.verify('alice', key.sign(await requestOptions(h), { signCount: 3 }))
      const cloned = h.events.filter((e) => e.type === 'cloned')
      expect(cloned).toEqual([expect.objectContaining({ authenticatorId: id, kind: 'webauthn', method: 'webauthn' })])
      if (counterRegression === 'refuse') {
        expect(clone).toEqual({ ok: false, reason: 'cloned' })
      } else {
        expect(clone).toMatchObject({ ok: true, method: 'webauthn' })
      }
      // the counter only moves forward: 5 stays, so 5 again is a regression too and 6 passes
      expect(await h.mfa.verify('alice', key.sign(await requestOptions(h), { signCount: 6 }))).toMatchObject({
        ok: true,
      })
    }
  })

  it('trusts the device a key signed in from, as a code does', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const key = softKey()
    const { id } = await register(h, key)
    const login = await h.mfa.verify('alice', key.sign(await requestOptions(h)), {
      trustDevice: { label: 'Firefox on Linux' },
    })
    if (!login.ok || !login.device) throw new Error('no device trusted')
    expect(login).toMatchObject({ method: 'webauthn', authenticatorId: id })
    const device = await h.mfa.verifyTrustedDevice('alice', login.device.token)
    expect(device).toMatchObject({ ok: true, deviceId: login.device.id })
    expect(h.events.map((e) => e.type)).toContain('device_trusted')
  })

  it('a key that keeps no counter (always 0) signs in again and again', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const key = softKey(-8, { counting: false })
    await register(h, key)
    for (let i = 0; i < 3; i++) {
      expect(await h.mfa.verify('alice', key.sign(await requestOptions(h)))).toMatchObject({ ok: true })
    }
  })

  it('refuses a change of backup eligibility, and records the backup state', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const key = softKey(-7, { flags: FLAGS.UP | FLAGS.BE })
    await register(h, key)
    expect(await h.mfa.verify('alice', key.sign(await requestOptions(h), { flags: FLAGS.UP }))).toEqual({
      ok: false,
      reason: 'invalid',
    })
    expect(h.events.at(-1)).toMatchObject({ detail: 'backup_state_invalid' })
    expect(
      await h.mfa.verify('alice', key.sign(await requestOptions(h), { flags: FLAGS.UP | FLAGS.BE | FLAGS.BS })),
    ).toMatchObject({ ok: true })
    expect(await h.mfa.listAuthenticators('alice')).toMatchObject([{ backupEligible: true, backedUp: true }])
  })

  it('with userVerification required, an assertion without UV is invalid', async () => {
    const h = harness({ webauthn: { ...WEBAUTHN, userVerification: 'required' } })
    const key = softKey()
    await register(h, key)
    expect(await h.mfa.verify('alice', key.sign(await requestOptions(h), { flags: FLAGS.UP }))).toEqual({
      ok: false,
      reason: 'invalid',
    })
    expect(h.events.at(-1)).toMatchObject({ detail: 'user_not_verified' })
  })

  it('keeps the newest five challenges (two tabs both work), and an expired one is invalid', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const key = softKey()
    await register(h, key)
    const tabs = []
    for (let i = 0; i < 6; i++) tabs.push(await requestOptions(h))
    expect(await h.mfa.verify('alice', key.sign(tabs[0]))).toEqual({ ok: false, reason: 'invalid' })
    expect(h.events.at(-1)).toMatchObject({ detail: 'challenge_mismatch' })
    expect(await h.mfa.verify('alice', key.sign(tabs[2]))).toMatchObject({ ok: true })
    expect(await h.mfa.verify('alice', key.sign(tabs[5]))).toMatchObject({ ok: true })
    const late = await requestOptions(h)
    h.clock.advance(300_000)
    expect(await h.mfa.verify('alice', key.sign(late))).toEqual({ ok: false, reason: 'invalid' })
  })

  it('challenge says which methods the user has, and writes nothing without a key', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    expect(await h.mfa.challenge('alice')).toEqual({ ok: false, reason: 'not_enrolled' })
    await enable(h)
    expect(await h.mfa.challenge('alice')).toEqual({ ok: true, methods: ['totp', 'recovery'] })
  })
})

describe('security keys: proofs and changes', () => {
  it('a step-up proof from a key says webauthn; requireSecurityKeyFor refuses an app code, not a recovery code', async () => {
    const h = harness({ webauthn: WEBAUTHN, proofKey: PROOF_KEY, policy: { requireSecurityKeyFor: ['remove'] } })
    const app = await enable(h)
    h.clock.advance(STEP_MS)
    const key = softKey()
    const { id } = await register(h, key, 'alice', h.typed(await codeAt(app.secret, h.clock.t)))
    const login = await h.mfa.verify('alice', key.sign(await requestOptions(h)), { proof: true })
    if (!login.ok || !login.proof) throw new Error('no proof')
    expect(await h.mfa.checkProof('alice', login.proof)).toEqual({
      ok: true,
      verifiedAt: h.clock.t,
      method: 'webauthn',
      authenticatorId: id,
    })
    h.clock.advance(STEP_MS)
    const code = h.typed(await codeAt(app.secret, h.clock.t))
    expect(await h.mfa.removeAuthenticator('alice', app.id, code)).toEqual({ ok: false, reason: 'method_not_allowed' })
    // the app's code was not consumed: it still signs in
    expect(await h.mfa.verify('alice', code)).toMatchObject({ ok: true, method: 'totp' })
    expect(await h.mfa.removeAuthenticator('alice', app.id, { proof: login.proof })).toEqual({ ok: true })
    // the removal voided the proof; the key's assertion itself is a proof: removing the last key is disable
    expect(await h.mfa.removeAuthenticator('alice', id, { proof: login.proof })).toEqual({
      ok: false,
      reason: 'proof_revoked',
    })
    expect(await h.mfa.removeAuthenticator('alice', id, key.sign(await requestOptions(h)))).toEqual({ ok: true })
    expect(await h.mfa.status('alice')).toEqual({ state: 'none' })
    expect(h.events.at(-1)).toMatchObject({ type: 'disabled', method: 'webauthn' })
  })

  it('a removed key never signs in, even with a challenge taken before the removal and its import kept', async () => {
    const h = harness({ webauthn: WEBAUTHN, store: memoryStore() })
    const app = await enable(h)
    h.clock.advance(STEP_MS)
    const key = softKey()
    const { id } = await register(h, key, 'alice', h.typed(await codeAt(app.secret, h.clock.t)))
    // a sign-in first: the service now keeps this key's import (keyImports)
    expect(await h.mfa.verify('alice', key.sign(await requestOptions(h)))).toMatchObject({
      ok: true,
      method: 'webauthn',
    })
    const options = await requestOptions(h)
    h.clock.advance(STEP_MS)
    expect(await h.mfa.removeAuthenticator('alice', id, h.typed(await codeAt(app.secret, h.clock.t)))).toEqual({
      ok: true,
    })
    expect(await h.mfa.verify('alice', key.sign(options))).toEqual({ ok: false, reason: 'invalid' })
    expect(h.events.at(-1)).toMatchObject({ detail: 'credential_mismatch' })
  })

  it('renames a key, and a security change cancels a registration begun', async () => {
    const h = harness({ webauthn: WEBAUTHN })
    const key = softKey()
    const { id, recoveryCodes } = await register(h, key)
    expect(await h.mfa.renameAuthenticator('alice', id, 'Blue key')).toEqual({ ok: true })
    expect((await h.mfa.listAuthenticators('alice'))[0]?.label).toBe('Blue key')
    const begun = await h.mfa.beginSecurityKeyRegistration('alice', { proof: key.sign(await requestOptions(h)) })
    if (!begun.ok) throw new Error(begun.reason)
    expect(await h.mfa.regenerateRecoveryCodes('alice', recoveryCodes[0] as string)).toMatchObject({ ok: true })
    expect(h.events.some((e) => e.type === 'enrollment_cancelled' && e.kind === 'webauthn')).toBe(true)
    expect(await h.mfa.finishSecurityKeyRegistration('alice', softKey().register(begun.options))).toEqual({
      ok: false,
      reason: 'not_pending',
    })
  })
})
