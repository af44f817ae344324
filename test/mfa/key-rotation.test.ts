// Key rotation that finishes, through the service: rewriteRecord moves one user's record under the current key
// (secrets, the key of the recovery digests, the MAC), status lists the key ids a record needs, and once no record
// lists the old key, a service without it reads every record: logins, recovery codes, trusted devices.
import { createMFA, type MFAOptions } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { codeAt, enable, expectCleanEvents, harness, STEP_MS } from './helpers'
import { testStore } from './store-helpers'

const k1 = new Uint8Array(32).fill(1)
const k2 = new Uint8Array(32).fill(2)
const k3 = new Uint8Array(32).fill(3)

describe('rewriteRecord and status.keyIds', () => {
  it('moves a record off the old key, so the old key can be retired; and again for a second rotation', async () => {
    const { store, map } = testStore()
    const h = harness({ store, encryptionKeys: { current: 'k1', keys: { k1 } } })
    const { secret, recoveryCodes } = await enable(h)
    h.clock.advance(STEP_MS)
    const login = await h.mfa.verify('alice', await codeAt(secret, h.clock.t), { trustDevice: { label: 'Laptop' } })
    if (!login.ok || !login.device) throw new Error('login failed')
    let token = login.device.token
    h.sensitive.recovery.add(token)
    expect((await h.mfa.status('alice')).keyIds).toEqual(['k1'])

    const service = (encryptionKeys: MFAOptions['encryptionKeys']) =>
      createMFA({ issuer: 'Example Cloud', store, now: h.clock.now, encryptionKeys })
    const both = service({ current: 'k2', keys: { k1, k2 } })
    // rotation as users come by leaves the record on k1 until it is written: status says so
    expect((await both.status('alice')).keyIds).toEqual(['k1'])
    expect(await both.rewriteRecord('alice')).toEqual({ ok: true, keyIds: ['k2'] })
    const stored = JSON.parse(map.get('mfa:alice')?.data ?? '')
    expect(stored.authenticators[0].secret.kid).toBe('k2')
    expect(stored.recovery).toMatchObject({ scheme: 'sealed', key: { kid: 'k2' } })
    expect(stored.mac.kid).toBe('k2')
    expect(JSON.stringify(stored)).not.toContain('"k1"')

    // k1 retired: every credential still works
    const onlyK2 = service({ current: 'k2', keys: { k2 } })
    expect(await onlyK2.status('alice')).toMatchObject({ state: 'active', recoveryCodesLeft: 10, keyIds: ['k2'] })
    h.clock.advance(STEP_MS)
    expect(await onlyK2.verify('alice', await codeAt(secret, h.clock.t))).toMatchObject({ ok: true })
    expect(await onlyK2.verify('alice', recoveryCodes[0] as string)).toEqual({ ok: true, method: 'recovery' })
    const used = await onlyK2.verifyTrustedDevice('alice', token)
    if (!used.ok) throw new Error(used.reason)
    token = used.token
    h.sensitive.recovery.add(token)

    // a second rotation re-seals the sealed recovery key; k2 can go too
    const k2k3 = service({ current: 'k3', keys: { k2, k3 } })
    expect(await k2k3.rewriteRecord('alice')).toEqual({ ok: true, keyIds: ['k3'] })
    const onlyK3 = service({ current: 'k3', keys: { k3 } })
    expect(await onlyK3.verify('alice', recoveryCodes[1] as string)).toEqual({ ok: true, method: 'recovery' })
    expect(await onlyK3.verifyTrustedDevice('alice', token)).toMatchObject({ ok: true })
    // a recovery code used before the rotations stays used
    expect(await onlyK3.verify('alice', recoveryCodes[0] as string)).toMatchObject({ ok: false, reason: 'invalid' })
    expectCleanEvents(h.events, h.sensitive)
  })

  it('signs and seals a record of a key-less deployment inside the migration window, keeping its recovery codes', async () => {
    const { store, map } = testStore()
    const h = harness({ store })
    const { secret, recoveryCodes } = await enable(h)
    expect(await h.mfa.status('alice')).not.toHaveProperty('keyIds')
    const encryptionKeys = { current: 'k1', keys: { k1 } }
    const migrating = createMFA({ issuer: 'E', store, now: h.clock.now, encryptionKeys, allowPlaintextSecrets: true })
    expect(await migrating.rewriteRecord('alice')).toEqual({ ok: true, keyIds: ['k1'] })
    expect(map.get('mfa:alice')?.data).not.toContain(secret)
    const strict = createMFA({ issuer: 'E', store, now: h.clock.now, encryptionKeys })
    expect(await strict.verify('alice', recoveryCodes[0] as string)).toEqual({ ok: true, method: 'recovery' })
    h.clock.advance(STEP_MS)
    expect(await strict.verify('alice', await codeAt(secret, h.clock.t))).toMatchObject({ ok: true })
  })

  it('answers not_found for a user without a record and writes nothing; refuses a record it cannot open', async () => {
    const { store, map } = testStore()
    const h = harness({ store, encryptionKeys: { current: 'k1', keys: { k1 } } })
    expect(await h.mfa.rewriteRecord('nobody')).toEqual({ ok: false, reason: 'not_found' })
    expect(map.size).toBe(0)
    await enable(h)
    const before = map.get('mfa:alice')
    // a service that lacks the record's key cannot rewrite it: fail closed, nothing written
    const wrong = createMFA({ issuer: 'E', store, now: h.clock.now, encryptionKeys: { current: 'k2', keys: { k2 } } })
    await expect(wrong.rewriteRecord('alice')).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    expect(map.get('mfa:alice')).toEqual(before)
  })

  it('refuses sealed recovery digests whose key is in clear (a key anyone could plant)', async () => {
    const { store, map } = testStore()
    const h = harness({ store })
    await enable(h)
    const entry = map.get('mfa:alice') as { data: string; version: number }
    const record = JSON.parse(entry.data)
    record.recovery = { scheme: 'sealed', key: { b32: 'AAAAAAAA' }, digests: record.recovery.digests }
    map.set('mfa:alice', { data: JSON.stringify(record), version: entry.version + 1 })
    await expect(h.mfa.status('alice')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
  })
})
