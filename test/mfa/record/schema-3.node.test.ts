// Schema 3: a record holding a security key (or WebAuthn state). Today's schema-2 records (the fixtures of
// test/mfa/fixtures/schema-2.json, clear and sealed) read unchanged by a service with the webauthn option; adding a
// key writes schema 3 and keeps every earlier field as it was; removing it writes schema 2 again once nothing of
// the WebAuthn state is left. The check refuses a schema-3 record that is not exactly what this release writes.
import { createMFA, decodeBase32, generateTOTP, type MFAOptions } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { isRecord2, isRecord3 } from '../../../src/mfa/record/check.js'
import { parseRecord } from '../../../src/mfa/record/parse.js'
import fixtures from '../fixtures/schema-2.json' with { type: 'json' }
import { fakeClock, STEP_MS } from '../helpers.js'
import { softKey, WEBAUTHN } from '../key-helpers.js'
import { testStore } from '../store-helpers.js'

type Fixture = { key: string; version: number; data: string; secrets?: string[]; ids?: string[]; unused?: string[] }
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const KEYS = { current: 'k1', keys: { k1: hex(fixtures.keys.k1) } }

function load(name: keyof typeof fixtures.users, options: Partial<MFAOptions> = {}) {
  const user = fixtures.users[name] as Fixture
  const { store, map } = testStore()
  map.set(user.key, { data: user.data, version: user.version })
  const clock = fakeClock(fixtures.now + STEP_MS)
  const mfa = createMFA({
    issuer: 'Example Cloud',
    store,
    now: clock.now,
    webauthn: WEBAUTHN,
    ...(name.startsWith('sealed') ? { encryptionKeys: KEYS, allowPlaintextSecrets: true } : {}),
    ...options,
  })
  const stored = () => JSON.parse(map.get(user.key)?.data ?? 'null')
  const code = (i = 0) => generateTOTP(decodeBase32(user.secrets?.[i] as string), { timestamp: clock.t })
  return { user, mfa, clock, stored, code, map }
}

const ACTIVE = ['clear-active', 'clear-two', 'sealed-active', 'sealed-two'] as const

describe('schema-2 records under a service with security keys', () => {
  it.each(Object.keys(fixtures.users) as (keyof typeof fixtures.users)[])('%s reads unchanged', async (name) => {
    const { mfa, user } = load(name)
    const original = JSON.parse(user.data)
    const list = await mfa.listAuthenticators(name)
    expect(list.map((a) => [a.kind, a.id])).toEqual((user.ids ?? []).map((id) => ['totp', id]))
    expect(parseRecord(user.data)).toEqual({ ...original, unsaved: original.unsaved ?? null })
    expect((await mfa.status(name)).state).toBe(
      original.authenticators.length > 0 ? 'active' : original.pending ? 'pending' : 'none',
    )
  })

  it.each(ACTIVE)(
    '%s: a key added writes schema 3, every earlier field as it was; removed, schema 2 again',
    async (name) => {
      const { mfa, clock, stored, code, user } = load(name)
      const before = stored()
      const begun = await mfa.beginSecurityKeyRegistration(name, { proof: await code() })
      if (!begun.ok) throw new Error(begun.reason)
      const key = softKey()
      const added = await mfa.finishSecurityKeyRegistration(name, key.register(begun.options))
      if (!added.ok) throw new Error(added.reason)
      const after = stored()
      expect(after.schema).toBe(3)
      expect(isRecord3(after)).toBe(true)
      expect(isRecord2(after)).toBe(false)
      // the apps as they were, but the one whose code was the proof (its step consumed, its last use)
      const apps = after.authenticators.filter((a: { kind?: string }) => a.kind === undefined)
      expect(apps.map((a: { id: string }) => a.id)).toEqual(user.ids)
      for (const [i, app] of apps.entries()) {
        const { lastStep, lastUsedAt, drift, secret, ...rest } = app
        const { lastStep: s0, lastUsedAt: u0, drift: d0, secret: x0, ...rest0 } = before.authenticators[i]
        expect(rest).toEqual(rest0)
      }
      expect(after.devices).toEqual(before.devices)
      expect(after.recovery.digests).toEqual(before.recovery.digests)
      expect(after.generation).toBe(before.generation)
      expect(after.enabledAt).toBe(before.enabledAt)
      expect(after.authenticators.at(-1)).toMatchObject({
        kind: 'webauthn',
        id: added.authenticatorId,
        credentialId: key.credentialId,
      })
      expect(after.webauthn).toMatchObject({ registration: null, challenges: [] })
      clock.advance(STEP_MS)
      expect(await mfa.removeAuthenticator(name, added.authenticatorId, await code())).toEqual({ ok: true })
      const removed = stored()
      expect(removed.schema).toBe(2)
      expect(removed).not.toHaveProperty('webauthn')
      expect(isRecord2(removed)).toBe(true)
    },
  )

  it('a record without keys is still written as schema 2 by a service with the webauthn option', async () => {
    const { mfa, stored, code } = load('clear-active')
    expect(await mfa.verify('clear-active', await code())).toMatchObject({ ok: true, method: 'totp' })
    expect(stored().schema).toBe(2)
    // a challenge for a user without a key writes nothing
    const version = stored().generation
    expect(await mfa.challenge('clear-active')).toEqual({ ok: true, methods: ['totp', 'recovery'] })
    expect(stored().generation).toBe(version)
  })
})

describe('the schema-3 check', () => {
  const base = JSON.parse(fixtures.users['clear-active'].data)
  const key = {
    kind: 'webauthn',
    id: 'keyid',
    label: 'Key',
    createdAt: 1,
    lastUsedAt: null,
    credentialId: 'Y3JlZA',
    publicKey: 'cHVi',
    algorithm: -7,
    signCount: 0,
    transports: ['usb'],
    backupEligible: false,
    backedUp: false,
    aaguid: '00000000-0000-0000-0000-000000000000',
  }
  const state = { userHandle: 'aGFuZGxl', registration: null, challenges: [] }
  const valid = { ...base, schema: 3, authenticators: [...base.authenticators, key], webauthn: state }
  const rows: [string, unknown, boolean][] = [
    ['a valid schema-3 record', valid, true],
    ['schema 3 without keys or state', { ...base, schema: 3 }, true],
    ['a key in a schema-2 record', { ...valid, schema: 2, webauthn: undefined }, false],
    ['WebAuthn state in a schema-2 record', { ...base, webauthn: state }, false],
    ['a key with an extra field', { ...valid, authenticators: [{ ...key, extra: 1 }] }, false],
    ['a key without a field', { ...valid, authenticators: [{ ...key, aaguid: undefined }] }, false],
    ['a key with an unknown algorithm', { ...valid, authenticators: [{ ...key, algorithm: -35 }] }, false],
    ['a key with a counter past 32 bits', { ...valid, authenticators: [{ ...key, signCount: 2 ** 32 }] }, false],
    ['backed up but not eligible', { ...valid, authenticators: [{ ...key, backedUp: true }] }, false],
    ['a credential id that is not base64url', { ...valid, authenticators: [{ ...key, credentialId: 'a+b/' }] }, false],
    ['two entries with one id', { ...valid, authenticators: [...base.authenticators, key, key] }, false],
    ['a state with an extra field', { ...valid, webauthn: { ...state, extra: 1 } }, false],
    [
      'six challenges',
      {
        ...valid,
        webauthn: {
          ...state,
          challenges: Array.from({ length: 6 }, (_, i) => ({
            challenge: `Y${'ABCDEF'[i]}`,
            expiresAt: 2,
            used: false,
          })),
        },
      },
      false,
    ],
    [
      'a challenge twice',
      {
        ...valid,
        webauthn: {
          ...state,
          challenges: [
            { challenge: 'YQ', expiresAt: 2, used: false },
            { challenge: 'YQ', expiresAt: 3, used: true },
          ],
        },
      },
      false,
    ],
    [
      'a registration living longer than any policy allows',
      {
        ...valid,
        webauthn: {
          ...state,
          registration: { id: 'r', label: 'Key', challenge: 'YQ', createdAt: 0, expiresAt: 604_800_001 },
        },
      },
      false,
    ],
  ]
  it.each(rows)('%s', (_name, record, ok) => {
    const parsed = JSON.parse(JSON.stringify(record))
    expect(parsed.schema === 2 ? isRecord2(parsed) : isRecord3(parsed)).toBe(ok)
  })

  it('a schema-4 record is refused, clearly', () => {
    expect(() => parseRecord(JSON.stringify({ ...valid, schema: 4 }))).toThrow(/schema-1, schema-2 or schema-3/)
  })
})
