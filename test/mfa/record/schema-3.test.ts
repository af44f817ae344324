// Schema 3: a record that holds verification-code state. Schema-2 records (test/mfa/fixtures/schema-2.json, written
// by an earlier release) read unchanged, and a verification code upgrades one to schema 3 losing nothing; the record
// goes back to schema 2 once no code and no recent send is left. The check refuses anything extra or out of range.
import { createMFA, decodeBase32, generateTOTP, type VerificationCodeMessage } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { isRecord2, isRecord3 } from '../../../src/mfa/record/check'
import { parseRecord, serializeRecord } from '../../../src/mfa/record/parse'
import fixtures from '../fixtures/schema-2.json' with { type: 'json' }
import { fakeClock, STEP_MS } from '../helpers.js'
import { testStore } from '../store-helpers.js'

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const KEYS = { current: 'k1', keys: { k1: hex(fixtures.keys.k1) } }
const HOUR = 3_600_000

describe('schema-2 fixtures', () => {
  for (const [name, user] of Object.entries(fixtures.users)) {
    it(`${name}: parsed unchanged, no verification state, written back as schema 2`, () => {
      const stored = JSON.parse(user.data)
      const record = parseRecord(user.data)
      expect(record).toEqual({ ...stored, unsaved: stored.unsaved ?? null })
      expect(record).not.toHaveProperty('verification')
      expect(JSON.parse(serializeRecord(record))).toEqual(stored)
    })
  }

  for (const name of ['clear-active', 'sealed-two'] as const) {
    it(`${name}: a code upgrades it to schema 3 losing nothing; schema 2 again an hour after the code is used`, async () => {
      const user = fixtures.users[name] as (typeof fixtures.users)[typeof name] & { secrets: string[] }
      const { store, map } = testStore()
      map.set(user.key, { data: user.data, version: user.version })
      const clock = fakeClock(fixtures.now + STEP_MS)
      const inbox: string[] = []
      const mfa = createMFA({
        issuer: 'Example Cloud',
        store,
        now: clock.now,
        proofKey: hex(fixtures.proofKey),
        ...(name.startsWith('sealed') ? { encryptionKeys: KEYS, allowPlaintextSecrets: true } : {}),
        sendCode: (m: VerificationCodeMessage) => void inbox.push(m.code),
      })
      const userId = user.key.slice('mfa:'.length)
      const before = JSON.parse(user.data)
      await mfa.sendVerificationCode(userId, {
        channel: 'email',
        destination: 'u@example.com',
        purpose: 'change_email',
      })
      const upgraded = JSON.parse(map.get(user.key)?.data ?? 'null')
      expect(upgraded.schema).toBe(3)
      for (const field of ['authenticators', 'recovery', 'devices', 'generation', 'failures', 'enabledAt']) {
        expect(upgraded[field]).toEqual(before[field])
      }
      expect(await mfa.checkVerificationCode(userId, inbox[0] as string, { purpose: 'change_email' })).toMatchObject({
        ok: true,
      })
      expect(JSON.parse(map.get(user.key)?.data ?? 'null').schema).toBe(3)
      clock.advance(HOUR)
      const code = await generateTOTP(decodeBase32(user.secrets[0] as string), { timestamp: clock.t })
      expect((await mfa.verify(userId, code)).ok).toBe(true)
      // a write with no code and no send left in the hour: schema 2 again, as the earlier release reads it
      expect(JSON.parse(map.get(user.key)?.data ?? 'null').schema).toBe(2)
      expect(map.get(user.key)?.data).not.toContain('verification')
    })
  }
})

describe('the schema-3 check', () => {
  const base = JSON.parse(fixtures.users['clear-active'].data)
  const code = {
    digest: 'a'.repeat(32),
    kid: 'encryption:k1',
    purpose: 'enroll',
    channel: 'email',
    to: 'b'.repeat(32),
    masked: 'a•••@example.com',
    length: 6,
    sentAt: 1000,
    expiresAt: 1000 + 600_000,
    attempts: 0,
  }
  const record = (verification: unknown, schema = 3) => ({ ...base, schema, verification })
  it('accepts a code and its sends, and no code', () => {
    expect(isRecord3(record({ code, sent: [1000] }))).toBe(true)
    expect(isRecord3(record({ code: null, sent: [] }))).toBe(true)
    // the state is optional in schema 3 (a record holding a security key needs no verification state)
    expect(isRecord3({ ...base, schema: 3 })).toBe(true)
  })
  // [what is wrong, the record]
  const bad: [string, unknown][] = [
    ['schema 2 with the state', record({ code: null, sent: [] }, 2)],
    ['an extra key in the state', record({ code: null, sent: [], extra: 1 })],
    ['an extra key in the code', record({ code: { ...code, plain: '123456' }, sent: [] })],
    ['a missing key in the code', record({ code: { ...code, to: undefined }, sent: [] })],
    ['an unknown channel', record({ code: { ...code, channel: 'fax' }, sent: [] })],
    ['a digest that is not 128-bit hex', record({ code: { ...code, digest: '123456' }, sent: [] })],
    ['a key id of no source', record({ code: { ...code, kid: 'k1' }, sent: [] })],
    ['a purpose not an identifier', record({ code: { ...code, purpose: 'Enroll!' }, sent: [] })],
    ['a life over an hour', record({ code: { ...code, expiresAt: 1000 + HOUR + 1 }, sent: [] })],
    ['expiring before it was sent', record({ code: { ...code, expiresAt: 1000 }, sent: [] })],
    ['more attempts than any policy', record({ code: { ...code, attempts: 11 }, sent: [] })],
    ['a length of 5', record({ code: { ...code, length: 5 }, sent: [] })],
    ['a length of 11', record({ code: { ...code, length: 11 }, sent: [] })],
    ['sends out of order', record({ code: null, sent: [2000, 1000] })],
    ['more than 100 sends', record({ code: null, sent: Array.from({ length: 101 }, (_, i) => i) })],
    ['a send that is not a time', record({ code: null, sent: [-1] })],
  ]
  for (const [what, o] of bad) {
    it(`refuses ${what}`, () => {
      const schema = (o as { schema: 2 | 3 }).schema
      const parsed = JSON.parse(JSON.stringify(o))
      expect(schema === 2 ? isRecord2(parsed) : isRecord3(parsed)).toBe(false)
      expect(() => parseRecord(JSON.stringify(o))).toThrow(/schema-3/)
    })
  }
})
