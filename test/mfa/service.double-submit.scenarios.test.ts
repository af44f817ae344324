// The adopter's path through the service: a pair of codes refused and the same QR code shown again, a confirmation
// submitted twice (a double click, a reload) answering twice with the same recovery codes, the codes shown again
// until the user acknowledges them (sealed in the record with keys, issued afresh without), never in clear in the
// record, and each refusal reason meaning one thing.
import { decodeBase32, parseKeyURI } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { codeAt, enable, expectCleanEvents, harness, STEP_MS, started } from './helpers.js'
import { testStore } from './store-helpers.js'

const KEYS = { current: 'k1', keys: { k1: new Uint8Array(32).fill(9) } }
const WINDOW = 15 * 60_000

/** A user with a pending first enrollment, on a store the test can read. */
async function pendingFirst(options: Parameters<typeof harness>[0] = {}) {
  const { store, map } = testStore()
  const h = harness({ store, encryptionKeys: KEYS, ...options })
  const begun = await started(h.mfa.beginEnrollment('alice', { accountName: 'alice@example.com', label: 'Phone' }))
  h.sensitive.secrets.add(begun.secret)
  const stored = () => map.get('mfa:alice')?.data ?? ''
  return { h, begun, map, stored }
}

describe('the pending enrollment shown again', () => {
  it('gives the same key URI and key after a refused pair, with the attempts left; nothing once confirmed', async () => {
    const { h, begun } = await pendingFirst()
    expect(await h.mfa.confirmEnrollment('alice', '000000', '111111')).toEqual({ ok: false, reason: 'invalid' })
    const again = await h.mfa.pendingEnrollment('alice', { accountName: 'alice@example.com' })
    expect(again).toEqual({
      authenticatorId: begun.authenticatorId,
      label: 'Phone',
      secret: begun.secret,
      uri: begun.uri,
      expiresAt: begun.expiresAt,
      attemptsLeft: 4,
    })
    expect(parseKeyURI(again?.uri ?? '').secret).toEqual(decodeBase32(begun.secret))
    // the entry the user scanned first still confirms
    const c1 = h.typed(await codeAt(begun.secret, h.clock.t))
    h.clock.advance(STEP_MS)
    const c2 = h.typed(await codeAt(begun.secret, h.clock.t))
    expect((await h.mfa.confirmEnrollment('alice', c1, c2)).ok).toBe(true)
    expect(await h.mfa.pendingEnrollment('alice', { accountName: 'alice@example.com' })).toBeNull()
    expect(await h.mfa.pendingEnrollment('bob', { accountName: 'bob@example.com' })).toBeNull()
  })

  it('is gone once expired, and checks its arguments like beginEnrollment', async () => {
    const { h } = await pendingFirst()
    await expect(h.mfa.pendingEnrollment('alice', { accountName: 'a:b' })).rejects.toMatchObject({
      code: 'ERR_URI_INVALID',
    })
    await expect(h.mfa.pendingEnrollment('alice', undefined as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    })
    h.clock.advance(10 * 60_000)
    expect(await h.mfa.pendingEnrollment('alice', { accountName: 'alice@example.com' })).toBeNull()
  })
})

describe('a confirmation submitted twice', () => {
  it('answers twice with the same recovery codes, which stay sealed in the record until acknowledged', async () => {
    const { h, begun, stored } = await pendingFirst()
    const c1 = h.typed(await codeAt(begun.secret, h.clock.t))
    h.clock.advance(STEP_MS)
    const c2 = h.typed(await codeAt(begun.secret, h.clock.t))
    // the two requests race: one confirms, the other finds the confirmation it repeats
    const [a, b] = await Promise.all([
      h.mfa.confirmEnrollment('alice', c1, c2),
      h.mfa.confirmEnrollment('alice', c1, c2),
    ])
    expect(a.ok && b.ok).toBe(true)
    if (!a.ok || !b.ok) return
    expect(a.recoveryCodes).toHaveLength(10)
    expect(b).toEqual(a)
    for (const c of a.recoveryCodes) h.sensitive.recovery.add(c)
    // a reload a minute later: the same again
    h.clock.advance(60_000)
    expect(await h.mfa.confirmEnrollment('alice', c1, c2)).toEqual(a)
    expect(h.events.filter((e) => e.type === 'enrolled')).toHaveLength(1)
    // the record: sealed, never a code in clear, in any spelling
    const record = JSON.parse(stored())
    expect(record.unsaved).toMatchObject({ sealed: { kid: 'k1' }, authenticatorId: a.authenticatorId })
    for (const c of a.recoveryCodes) {
      expect(stored()).not.toContain(c)
      expect(stored()).not.toContain(c.replace(/-/g, ''))
      expect(stored().toUpperCase()).not.toContain(c.replace(/-/g, '').toUpperCase())
    }
    // shown again, then acknowledged: the sealed copy leaves the record
    const shown = await h.mfa.unsavedRecoveryCodes('alice')
    expect(shown).toEqual({
      recoveryCodes: a.recoveryCodes,
      issuedAt: h.clock.t - 60_000,
      expiresAt: h.clock.t - 60_000 + WINDOW,
    })
    expect((await h.mfa.status('alice')).unsavedRecoveryCodesUntil).toBe(shown?.expiresAt)
    expect(await h.mfa.acknowledgeRecoveryCodes('alice')).toEqual({ ok: true })
    expect(await h.mfa.acknowledgeRecoveryCodes('alice')).toEqual({ ok: true })
    expect(JSON.parse(stored()).unsaved).toBeUndefined()
    expect(await h.mfa.unsavedRecoveryCodes('alice')).toBeNull()
    // repeated after that: the same answer without the codes; a login since: nothing to repeat
    expect(await h.mfa.confirmEnrollment('alice', c1, c2)).toEqual({ ...a, recoveryCodes: [] })
    h.clock.advance(STEP_MS)
    expect((await h.mfa.verify('alice', h.typed(await codeAt(begun.secret, h.clock.t)))).ok).toBe(true)
    expect(await h.mfa.confirmEnrollment('alice', c1, c2)).toEqual({ ok: false, reason: 'not_pending' })
    expectCleanEvents(h.events, h.sensitive)
  })

  it('codes shown again still work, and using one ends the window', async () => {
    const { h } = await pendingFirst()
    const { recoveryCodes } = await enable(h)
    const shown = await h.mfa.unsavedRecoveryCodes('alice')
    expect(shown?.recoveryCodes).toEqual(recoveryCodes)
    expect(await h.mfa.verify('alice', recoveryCodes[4] as string)).toEqual({ ok: true, method: 'recovery' })
    expect(await h.mfa.unsavedRecoveryCodes('alice')).toBeNull()
  })

  it('new codes from a regeneration are shown again too; the window ends by itself', async () => {
    const { h, stored } = await pendingFirst()
    const { secret } = await enable(h)
    await h.mfa.acknowledgeRecoveryCodes('alice')
    h.clock.advance(STEP_MS)
    const fresh = await h.mfa.regenerateRecoveryCodes('alice', h.typed(await codeAt(secret, h.clock.t)))
    if (!fresh.ok) throw new Error(fresh.reason)
    for (const c of fresh.recoveryCodes) h.sensitive.recovery.add(c)
    expect((await h.mfa.unsavedRecoveryCodes('alice'))?.recoveryCodes).toEqual(fresh.recoveryCodes)
    expect(JSON.parse(stored()).unsaved.authenticatorId).toBeNull()
    h.clock.advance(WINDOW)
    expect(await h.mfa.unsavedRecoveryCodes('alice')).toBeNull()
    // the next write drops the sealed copy
    expect(JSON.parse(stored()).unsaved).toBeDefined()
    h.clock.advance(STEP_MS)
    await h.mfa.verify('alice', h.typed(await codeAt(secret, h.clock.t)))
    expect(JSON.parse(stored()).unsaved).toBeUndefined()
  })

  it('without encryptionKeys: nothing sealed, and each showing issues a fresh set that replaces the unseen one', async () => {
    const { store, map } = testStore()
    const h = harness({ store })
    const { recoveryCodes } = await enable(h)
    expect(JSON.parse(map.get('mfa:alice')?.data ?? '').unsaved.sealed).toBeNull()
    const shown = await h.mfa.unsavedRecoveryCodes('alice')
    for (const c of shown?.recoveryCodes ?? []) h.sensitive.recovery.add(c)
    expect(shown?.recoveryCodes).toHaveLength(10)
    expect(shown?.recoveryCodes).not.toEqual(recoveryCodes)
    // what the user saw last works, what nobody saw does not
    expect(await h.mfa.verify('alice', recoveryCodes[0] as string)).toMatchObject({ ok: false, reason: 'invalid' })
    expect(await h.mfa.verify('alice', shown?.recoveryCodes[0] as string)).toEqual({ ok: true, method: 'recovery' })
    expect(h.events.filter((e) => e.type === 'recovery_regenerated')).toHaveLength(1)
    // nothing to show once acknowledged, and no codes in the record at any time
    await h.mfa.acknowledgeRecoveryCodes('alice')
    expect(await h.mfa.unsavedRecoveryCodes('alice')).toBeNull()
    for (const c of h.sensitive.recovery) expect(map.get('mfa:alice')?.data).not.toContain(c)
  })

  it('sealed codes open only in their own record, with their own digests', async () => {
    const { h, map } = await pendingFirst()
    await enable(h)
    const record = JSON.parse(map.get('mfa:alice')?.data ?? '')
    // signed (encryptionKeys): a record moved to another user, or altered, is refused before anything is opened
    const moved = testStore()
    moved.map.set('mfa:bob', { data: JSON.stringify(record), version: 1 })
    const bob = harness({ store: moved.store, encryptionKeys: KEYS, now: h.clock.now })
    await expect(bob.mfa.unsavedRecoveryCodes('bob')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    // unsigned, inside the migration window: moved to another user, or kept across other digests, the sealed codes
    // still do not open (ERR_DECRYPT), never someone else's codes
    const { mac, ...unsigned } = record
    expect(mac).toMatchObject({ kid: expect.any(String) })
    moved.map.set('mfa:bob', { data: JSON.stringify(unsigned), version: 2 })
    const open = { encryptionKeys: KEYS, allowPlaintextSecrets: true, now: h.clock.now }
    await expect(harness({ store: moved.store, ...open }).mfa.unsavedRecoveryCodes('bob')).rejects.toMatchObject({
      code: 'ERR_DECRYPT',
    })
    const swapped = { ...unsigned, recovery: { ...record.recovery, digests: [...record.recovery.digests].reverse() } }
    const own = testStore()
    own.map.set('mfa:alice', { data: JSON.stringify(swapped), version: 99 })
    await expect(harness({ store: own.store, ...open }).mfa.unsavedRecoveryCodes('alice')).rejects.toMatchObject({
      code: 'ERR_DECRYPT',
    })
  })
})

describe('refusal reasons mean one thing each', () => {
  it('an expired setup, an expired proof and an expired device token say so each in their own words', async () => {
    const { h, begun } = await pendingFirst({ proofKey: new Uint8Array(32).fill(3) })
    h.clock.advance(10 * 60_000)
    const late = [await codeAt(begun.secret, h.clock.t - STEP_MS), await codeAt(begun.secret, h.clock.t)]
    expect(await h.mfa.confirmEnrollment('alice', late[0] as string, late[1] as string)).toEqual({
      ok: false,
      reason: 'enrollment_expired',
    })
    const { secret } = await enable(h)
    h.clock.advance(STEP_MS)
    const login = await h.mfa.verify('alice', await codeAt(secret, h.clock.t), {
      proof: true,
      trustDevice: { label: 'Firefox', ttlMs: 60_000 },
    })
    if (!login.ok) throw new Error(login.reason)
    h.clock.advance(11 * 60_000)
    expect(await h.mfa.disable('alice', { proof: login.proof as string })).toEqual({
      ok: false,
      reason: 'proof_expired',
    })
    expect(await h.mfa.checkProof('alice', 'not a proof')).toEqual({ ok: false, reason: 'proof_invalid' })
    expect(await h.mfa.verifyTrustedDevice('alice', login.device?.token as string)).toEqual({
      ok: false,
      reason: 'device_expired',
    })
    expect(await h.mfa.verifyTrustedDevice('alice', 'garbage')).toEqual({ ok: false, reason: 'device_malformed' })
  })
})
