// Schema-2 records written by the release before recovery codes could be shown again
// (test/mfa/fixtures/schema-2.json) are read by today's service as they are, and keep working: logins, replay
// state, recovery codes used and unused, trusted devices, step-up proofs, a pending enrollment and its attempts,
// a lock, a tombstone. The next write keeps them readable by that release while nothing new needs storing.
import { createMFA, decodeBase32, generateTOTP, type MFAOptions } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import fixtures from '../fixtures/schema-2.json' with { type: 'json' }
import { fakeClock, STEP_MS } from '../helpers.js'
import { testStore } from '../store-helpers.js'

type Fixture = {
  key: string
  version: number
  data: string
  secrets?: string[]
  ids?: string[]
  used?: string[]
  unused?: string[]
  pendingSecret?: string
  pendingId?: string
  deviceToken?: string
  proof?: string
}
type Name = keyof typeof fixtures.users
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const KEYS = { current: 'k1', keys: { k1: hex(fixtures.keys.k1) } }

function load(name: Name, options: Partial<MFAOptions> = {}, at = fixtures.now + STEP_MS) {
  const user = fixtures.users[name] as Fixture
  const { store, map } = testStore()
  map.set(user.key, { data: user.data, version: user.version })
  const clock = fakeClock(at)
  const mfa = createMFA({
    issuer: 'Example Cloud',
    store,
    now: clock.now,
    proofKey: hex(fixtures.proofKey),
    // sealed records of the previous release carry no MAC: they read inside the migration window (the record MAC's
    // upgrade, tested on its own in schema-2-fixtures.test.ts), and each write signs them
    ...(name.startsWith('sealed') ? { encryptionKeys: KEYS, allowPlaintextSecrets: true } : {}),
    ...options,
  })
  const code = (secret: string, steps = 0) =>
    generateTOTP(decodeBase32(secret), { timestamp: clock.t + steps * STEP_MS })
  const stored = () => JSON.parse(map.get(user.key)?.data ?? 'null')
  return { user, mfa, clock, code, stored }
}

describe.each(['clear', 'sealed'])('schema-2 records of the previous release (%s)', (kind) => {
  const n = (suffix: string) => `${kind}-${suffix}` as Name

  it('an active user signs in, spends recovery codes, and the written record stays as the old release wrote it', async () => {
    const { user, mfa, code, stored } = load(n('active'))
    const id = n('active')
    expect(await mfa.status(id)).toMatchObject({ state: 'active', authenticators: 1, recoveryCodesLeft: 9 })
    for (const used of user.used ?? []) expect(await mfa.verify(id, used)).toMatchObject({ ok: false })
    const secret = user.secrets?.[0] as string
    expect(await mfa.verify(id, await code(secret))).toEqual({
      ok: true,
      method: 'totp',
      authenticatorId: user.ids?.[0],
    })
    expect(await mfa.verify(id, user.unused?.[0] as string)).toEqual({ ok: true, method: 'recovery' })
    // nothing new to keep: the record has exactly the keys the previous release writes (and, with keys, its MAC)
    const signed = kind === 'sealed' ? ['mac'] : []
    expect(Object.keys(stored()).sort()).toEqual([...Object.keys(JSON.parse(user.data)), ...signed].sort())
  })

  it('two authenticators, a trusted device, a step-up proof and a pending third one all still work', async () => {
    const { user, mfa, code } = load(n('two'))
    const id = n('two')
    const [phone, tablet] = user.secrets as [string, string]
    expect((await mfa.listAuthenticators(id)).map((a) => a.label)).toEqual(['Phone', 'Tablet'])
    expect(await mfa.listTrustedDevices(id)).toHaveLength(1)
    expect(await mfa.checkProof(id, user.proof as string)).toMatchObject({ ok: true, method: 'totp' })
    const device = await mfa.verifyTrustedDevice(id, user.deviceToken as string)
    expect(device).toMatchObject({ ok: true })
    const pending = user.pendingSecret as string
    const confirmed = await mfa.confirmEnrollment(id, await code(pending, -1), await code(pending))
    expect(confirmed).toEqual({ ok: true, authenticatorId: user.pendingId, recoveryCodes: [] })
    expect(await mfa.verify(id, await code(tablet))).toMatchObject({ ok: true, authenticatorId: user.ids?.[1] })
    expect(await mfa.verify(id, await code(phone, 1))).toMatchObject({ ok: true, authenticatorId: user.ids?.[0] })
  })

  it('a first enrollment pending after one failed attempt is confirmed and issues recovery codes', async () => {
    const { user, mfa, code } = load(n('pending'))
    const id = n('pending')
    expect(await mfa.status(id)).toMatchObject({ state: 'pending' })
    const pending = user.pendingSecret as string
    const confirmed = await mfa.confirmEnrollment(id, await code(pending, -1), await code(pending))
    expect(confirmed).toMatchObject({ ok: true, authenticatorId: user.pendingId })
    expect(confirmed.ok && confirmed.recoveryCodes).toHaveLength(10)
  })

  it('a locked user stays locked; a disabled one has nothing', async () => {
    const { lockedUntil, failures } = JSON.parse(fixtures.users[n('locked')].data)
    expect(failures).toBe(5)
    const locked = load(n('locked'), {}, lockedUntil - 1000)
    const result = await locked.mfa.verify(n('locked'), await locked.code(locked.user.secrets?.[0] as string))
    expect(result).toMatchObject({ ok: false, reason: 'locked' })
    const off = load(n('disabled'))
    expect(await off.mfa.status(n('disabled'))).toEqual({ state: 'none' })
  })
})
