// The checked texts: a record text is taken as checked only when it is exactly the last one checked at the same store
// key; through the service a text written elsewhere, a tampered text and a record copied to another user are read in
// full as before (the compare-and-set and the MAC still decide), and each read hands out fresh objects.
import { createMFA } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { createCheckedTexts } from '../../../src/mfa/record/checked-texts'
import { parseCheckedRecord, parseRecord } from '../../../src/mfa/record/parse'
import { codeAt, enable, harness, STEP_MS } from '../helpers'
import { testStore } from '../store-helpers'

const TEXT =
  '{"schema":2,"generation":0,"enabledAt":null,"failures":0,"lockedUntil":0,"recovery":null,"devices":[],"authenticators":[],"pending":null}'

describe('createCheckedTexts', () => {
  it('knows a text at the same store key only, and only the last one noted there', () => {
    const checked = createCheckedTexts(10)
    checked.add('mfa:alice', TEXT)
    expect(checked.has('mfa:alice', `${TEXT}`)).toBe(true)
    expect(checked.has('mfa:alice', TEXT.replace('"failures":0', '"failures":1'))).toBe(false)
    expect(checked.has('mfa:alice', `${TEXT} `)).toBe(false)
    expect(checked.has('mfa:bob', TEXT)).toBe(false)
    const next = TEXT.replace('"generation":0', '"generation":1')
    checked.add('mfa:alice', next)
    expect(checked.has('mfa:alice', TEXT)).toBe(false)
    expect(checked.has('mfa:alice', next)).toBe(true)
  })

  it('keeps at most max store keys, dropping the one noted least lately', () => {
    const checked = createCheckedTexts(2)
    for (const user of ['a', 'b', 'c']) checked.add(user, TEXT)
    expect(checked.has('a', TEXT)).toBe(false)
    expect(checked.has('b', TEXT)).toBe(true)
    checked.add('b', TEXT)
    checked.add('d', TEXT)
    expect(checked.has('c', TEXT)).toBe(false)
    expect(checked.has('b', TEXT)).toBe(true)
  })
})

describe('parseCheckedRecord', () => {
  it('gives what parseRecord gives, as fresh objects each time', () => {
    expect(parseCheckedRecord(TEXT)).toEqual(parseRecord(TEXT))
    const first = parseCheckedRecord(TEXT)
    first.devices.push({ id: 'x', revokedAt: 0, expiresAt: 1 })
    expect(parseCheckedRecord(TEXT).devices).toEqual([])
  })
})

describe('the service with checked texts', () => {
  const encryptionKeys = { current: 'k1', keys: { k1: new Uint8Array(32).fill(7) } }

  it('reads what another service wrote: a code used there is a replay here', async () => {
    const { store } = testStore()
    const h = harness({ store })
    const { secret } = await enable(h)
    const other = createMFA({ issuer: 'Example Cloud', store, now: h.clock.now })
    h.clock.advance(STEP_MS)
    const code = await codeAt(secret, h.clock.t)
    // this service noted its own write; the other one changes the record
    expect(await other.verify('alice', code)).toMatchObject({ ok: true })
    expect(await h.mfa.verify('alice', code)).toMatchObject({ ok: false, reason: 'replayed' })
  })

  it('refuses a record changed in the store behind its back, and one copied to another user (MAC)', async () => {
    const { store, map } = testStore()
    const h = harness({ store, encryptionKeys })
    await enable(h)
    const entry = map.get('mfa:alice') as { data: string; version: number }
    // a lock changed by someone who can write the store but holds no key
    const locked = { ...JSON.parse(entry.data), lockedUntil: h.clock.t + 60_000, failures: 9 }
    map.set('mfa:alice', { data: JSON.stringify(locked), version: entry.version + 1 })
    await expect(h.mfa.status('alice')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
    // alice's own text, which this service wrote and checked, at bob's key
    map.set('mfa:alice', entry)
    expect((await h.mfa.status('alice')).state).toBe('active')
    map.set('mfa:bob', { ...entry })
    await expect(h.mfa.status('bob')).rejects.toMatchObject({ code: 'ERR_RECORD_INVALID' })
  })
})
