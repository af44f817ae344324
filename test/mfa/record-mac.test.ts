// The record MAC: with encryptionKeys, someone who can write the store but holds no key can no longer plant a
// recovery digest or a trusted device, clear a lock, or move a record to another user; records without a MAC are
// read only inside the allowPlaintextSecrets window and signed on their next write. Portable: the planted digests are
// computed with WebCrypto, as a writer of the database would (no key needed).
import fc from 'fast-check'
import { createMFA, type MFAOptions } from 'mfa-core'
import { syncEngine } from 'mfa-core/sync'
import { describe, expect, it } from 'vitest'
import { canonicalJSON } from '../../src/mfa/record-mac'
import { numRuns } from '../support/env'
import { codeAt, enable, harness, STEP_MS } from './helpers'
import { testStore } from './store-helpers'

const k1 = new Uint8Array(32).fill(7)
const k2 = new Uint8Array(32).fill(9)
const encryptionKeys = { current: 'k1', keys: { k1 } }

const encoder = new TextEncoder()
const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('')

/** A recovery code of the writer's choosing, digested the key-less way (PBKDF2, bound to the store key). */
const PLANTED_CODE = 'abcd-efgh-jkmn-pqrs'
async function plantedRecovery(storeKey: string) {
  const salt = 'AAAAAAAAAAAAAAAAAAAAAAAAAA'
  const message = `mfa-core/recovery/v2\u0000${storeKey}\u0000${PLANTED_CODE.replaceAll('-', '')}`
  const base = await crypto.subtle.importKey('raw', encoder.encode(message), 'PBKDF2', false, ['deriveBits'])
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(salt), iterations: 1000 }
  const digest = hex(await crypto.subtle.deriveBits(params, base, 128))
  return { scheme: 'pbkdf2', salt, iterations: 1000, digests: [digest] }
}

/** A trusted device of the writer's choosing: the token they keep, the digest they plant. */
const PLANTED_TOKEN = `abcdefghjkmnpqrs.${'A'.repeat(43)}`
async function plantedDevice(storeKey: string, now: number) {
  const message = encoder.encode(`mfa-core/device/v1\u0000${storeKey}\u0000${PLANTED_TOKEN}`)
  const digest = hex(await crypto.subtle.digest('SHA-256', message)).slice(0, 32)
  return {
    id: 'abcdefghjkmnpqrs',
    digest,
    label: 'Planted',
    createdAt: now,
    lastUsedAt: now,
    expiresAt: now + 86_400_000,
  }
}

async function enrolledWith(options: Partial<MFAOptions>) {
  const { store, map } = testStore()
  const h = harness({ store, ...options })
  const enrolled = await enable(h)
  const tamper = (change: (record: Record<string, unknown>) => void) => {
    const entry = map.get('mfa:alice') as { data: string; version: number }
    const record = JSON.parse(entry.data)
    change(record)
    map.set('mfa:alice', { data: JSON.stringify(record), version: entry.version + 1 })
  }
  const service = (more: Partial<MFAOptions> = {}) =>
    createMFA({ issuer: 'Example Cloud', store, now: h.clock.now, ...options, ...more })
  return { h, map, store, tamper, service, ...enrolled }
}

describe('canonicalJSON', () => {
  it('gives one text whatever the key order, and the same after a JSON round trip', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
      ),
    })).value
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJSON(value)
        expect(canonicalJSON(JSON.parse(JSON.stringify(value)))).toBe(text)
        const reversed = (v: unknown): unknown =>
          Array.isArray(v)
            ? v.map(reversed)
            : typeof v === 'object' && v !== null
              ? Object.fromEntries(
                  Object.entries(v)
                    .reverse()
                    .map(([k, x]) => [k, reversed(x)]),
                )
              : v
        expect(canonicalJSON(reversed(value))).toBe(text)
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)))
      }),
      { numRuns },
    )
  })

  it('leaves undefined members out, as the stored JSON does', () => {
    expect(canonicalJSON({ b: 1, a: undefined, c: [null, 'x'] })).toBe('{"b":1,"c":[null,"x"]}')
  })

  it('writes frozen objects as any other, and follows what changes inside one frozen on top only', () => {
    const frozen = Object.freeze({ z: Object.freeze([1, 2]), a: 'x' })
    const record = { b: frozen, a: 0 }
    expect(canonicalJSON(record)).toBe('{"a":0,"b":{"a":"x","z":[1,2]}}')
    expect(canonicalJSON({ ...record, a: 1 })).toBe('{"a":1,"b":{"a":"x","z":[1,2]}}')
    // frozen on top only: its inner list still changes, and so does its text
    const shallow = Object.freeze({ list: [1] })
    expect(canonicalJSON(shallow)).toBe('{"list":[1]}')
    shallow.list.push(2)
    expect(canonicalJSON(shallow)).toBe('{"list":[1,2]}')
  })
})

describe('a record a key-less writer cannot plant into', () => {
  it('signs every record it writes with keys (kid and 256-bit tag); none without keys', async () => {
    const signed = await enrolledWith({ encryptionKeys })
    expect(JSON.parse(signed.map.get('mfa:alice')?.data ?? '').mac).toEqual({
      kid: 'k1',
      tag: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    const plain = await enrolledWith({})
    expect(JSON.parse(plain.map.get('mfa:alice')?.data ?? '')).not.toHaveProperty('mac')
  })

  it('signs the same HMAC on either engine: HKDF-SHA256 of the key, over the label, the store key and the record', async () => {
    // computed here with WebCrypto alone, as the release that signed with a derived CryptoKey did
    const expected = async (data: string, storeKey: string) => {
      const { mac, ...rest } = JSON.parse(data)
      const base = await crypto.subtle.importKey('raw', k1, 'HKDF', false, ['deriveKey'])
      const hkdf = {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: new Uint8Array(0),
        info: encoder.encode('mfa-core/record-mac/v1'),
      }
      const key = await crypto.subtle.deriveKey(hkdf, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
        'sign',
      ])
      const length = new Uint8Array(4)
      new DataView(length.buffer).setUint32(0, storeKey.length)
      const message = new Uint8Array([
        ...encoder.encode('mfa-core/record-mac/v1\u0000'),
        ...length,
        ...encoder.encode(storeKey),
        ...encoder.encode(canonicalJSON(rest)),
      ])
      return { mac, tag: hex(await crypto.subtle.sign('HMAC', key, message)) }
    }
    for (const engine of [undefined, syncEngine]) {
      const signed = await enrolledWith({ encryptionKeys, ...(engine ? { engine } : {}) })
      const { mac, tag } = await expected(signed.map.get('mfa:alice')?.data ?? '', 'mfa:alice')
      expect(mac).toEqual({ kid: 'k1', tag })
      // and a service on the other engine reads it, and signs its next write the same way
      const other = signed.service(engine ? { engine: undefined } : { engine: syncEngine })
      signed.h.clock.advance(STEP_MS)
      expect(await other.verify('alice', await codeAt(signed.secret, signed.h.clock.t))).toMatchObject({ ok: true })
      const next = await expected(signed.map.get('mfa:alice')?.data ?? '', 'mfa:alice')
      expect(next.mac).toEqual({ kid: 'k1', tag: next.tag })
    }
  })

  it('refuses a planted recovery code (key-less PBKDF2 digest): without the MAC it logs in and proves', async () => {
    const { service, tamper, h } = await enrolledWith({ encryptionKeys })
    const planted = await plantedRecovery('mfa:alice')
    tamper((r) => {
      r.recovery = planted
    })
    await expect(h.mfa.verify('alice', PLANTED_CODE)).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    await expect(h.mfa.status('alice')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    // the same plant with the MAC stripped is what today's records allow: the window is the only place it reads
    tamper((r) => {
      delete r.mac
    })
    await expect(h.mfa.verify('alice', PLANTED_CODE)).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    expect(await service({ allowPlaintextSecrets: true }).verify('alice', PLANTED_CODE)).toEqual({
      ok: true,
      method: 'recovery',
    })
  })

  it('refuses a planted trusted device', async () => {
    const { tamper, h } = await enrolledWith({ encryptionKeys })
    const planted = await plantedDevice('mfa:alice', h.clock.t)
    tamper((r) => {
      ;(r.devices as unknown[]).push(planted)
    })
    await expect(h.mfa.verifyTrustedDevice('alice', PLANTED_TOKEN)).rejects.toMatchObject({
      code: 'ERR_RECORD_INVALID',
    })
    await expect(h.mfa.listTrustedDevices('alice')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
  })

  it('refuses a cleared lock, a rewound last step, a changed generation, a changed field anywhere', async () => {
    const changes: [string, (r: Record<string, unknown> & { authenticators: Record<string, unknown>[] }) => void][] = [
      ['lock cleared', (r) => Object.assign(r, { failures: 0, lockedUntil: 0 })],
      ['last step rewound', (r) => Object.assign(r.authenticators[0] as object, { lastStep: 0 })],
      ['generation changed', (r) => Object.assign(r, { generation: (r.generation as number) + 1 })],
      ['label changed', (r) => Object.assign(r.authenticators[0] as object, { label: 'Renamed' })],
      ['tag flipped', (r) => Object.assign(r, { mac: { kid: 'k1', tag: '0'.repeat(64) } })],
    ]
    for (const [what, change] of changes) {
      const { tamper, h, secret } = await enrolledWith({ encryptionKeys })
      for (let i = 0; i < 5; i++) await h.mfa.verify('alice', '000000')
      tamper(change as (r: Record<string, unknown>) => void)
      h.clock.advance(STEP_MS)
      await expect(h.mfa.verify('alice', await codeAt(secret, h.clock.t)), what).rejects.toMatchObject({
        code: 'ERR_RECORD_INVALID',
      })
    }
  })

  it('refuses a wrong MAC even inside the migration window; support reset still clears the record', async () => {
    const { tamper, service, h } = await enrolledWith({ encryptionKeys })
    const planted = await plantedRecovery('mfa:alice')
    tamper((r) => {
      r.recovery = planted
    })
    const windowed = service({ allowPlaintextSecrets: true })
    await expect(windowed.verify('alice', PLANTED_CODE)).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    expect(await h.mfa.reset('alice', { actor: 'support', reason: 'tampered record' })).toEqual({ ok: true })
    // the tombstone reset leaves is signed too
    expect(await h.mfa.status('alice')).toEqual({ state: 'none', keyIds: ['k1'] })
  })

  it('checks under the MAC key id: an older listed key still reads; a record signed under a removed key is ERR_DECRYPT', async () => {
    const { service, h, secret, map } = await enrolledWith({ encryptionKeys })
    const rotated = service({ encryptionKeys: { current: 'k2', keys: { k1, k2 } } })
    expect((await rotated.status('alice')).state).toBe('active')
    h.clock.advance(STEP_MS)
    expect(await rotated.verify('alice', await codeAt(secret, h.clock.t))).toMatchObject({ ok: true })
    expect(JSON.parse(map.get('mfa:alice')?.data ?? '').mac.kid).toBe('k2')
    const onlyK1 = service({ encryptionKeys })
    await expect(onlyK1.status('alice')).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    // support can still clear it, as before the MAC (a record under a removed key is unreadable, not a dead end)
    expect(await onlyK1.reset('alice', { actor: 'support', reason: 'key lost' })).toEqual({ ok: true })
    expect(await onlyK1.status('alice')).toEqual({ state: 'none', keyIds: ['k1'] })
  })

  it('keeps recovery codes of users migrated from a key-less deployment (the window), then reads them signed', async () => {
    const { service, h, map, recoveryCodes } = await enrolledWith({})
    const strict = service({ encryptionKeys })
    await expect(strict.status('alice')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    const migrating = service({ encryptionKeys, allowPlaintextSecrets: true })
    expect(await migrating.verify('alice', recoveryCodes[0] as string)).toEqual({ ok: true, method: 'recovery' })
    const written = JSON.parse(map.get('mfa:alice')?.data ?? '')
    expect(written.recovery.scheme).toBe('pbkdf2')
    expect(written.mac.kid).toBe('k1')
    // the window closed: the PBKDF2 digests are bound by the MAC now, and still work
    expect(await strict.verify('alice', recoveryCodes[1] as string)).toEqual({ ok: true, method: 'recovery' })
    expect(h.events.length).toBeGreaterThan(0)
  })
})
