// The record cache: a record is served again only for the exact text it was read from or written as, at the same
// store key, frozen; through the service, a text written elsewhere, a tampered text and a record copied to another
// user are read in full as before (the compare-and-set and the MAC still decide).
import { createMFA } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { createRecordCache } from '../../../src/mfa/record/cache'
import { parseRecord } from '../../../src/mfa/record/parse'
import { codeAt, enable, harness, STEP_MS } from '../helpers'
import { testStore } from '../store-helpers'

const TEXT =
  '{"schema":2,"generation":0,"enabledAt":null,"failures":0,"lockedUntil":0,"recovery":null,"devices":[],"authenticators":[],"pending":null}'

describe('createRecordCache', () => {
  it('serves a record for the same store key and the exact same text only', () => {
    const cache = createRecordCache(10)
    const record = parseRecord(TEXT)
    cache.put('mfa:alice', TEXT, record)
    expect(cache.get('mfa:alice', `${TEXT}`)).toBe(record)
    expect(cache.get('mfa:alice', TEXT.replace('"failures":0', '"failures":1'))).toBeUndefined()
    expect(cache.get('mfa:alice', `${TEXT} `)).toBeUndefined()
    expect(cache.get('mfa:bob', TEXT)).toBeUndefined()
    // a newer text at the key replaces the older one
    const next = TEXT.replace('"generation":0', '"generation":1')
    cache.put('mfa:alice', next, parseRecord(next))
    expect(cache.get('mfa:alice', TEXT)).toBeUndefined()
    expect(cache.get('mfa:alice', next)?.generation).toBe(1)
  })

  it('freezes what it keeps all the way down, so nothing changes a cached record', () => {
    const cache = createRecordCache(10)
    const record = parseRecord(TEXT)
    cache.put('mfa:alice', TEXT, record)
    expect(Object.isFrozen(record)).toBe(true)
    expect(Object.isFrozen(record.devices)).toBe(true)
    expect(() => {
      record.failures = 5
    }).toThrow(TypeError)
    expect(() => record.devices.push({ id: 'x', revokedAt: 0, expiresAt: 1 })).toThrow(TypeError)
  })

  it('keeps at most max store keys, dropping the one written least lately', () => {
    const cache = createRecordCache(2)
    for (const user of ['a', 'b', 'c']) cache.put(user, TEXT, parseRecord(TEXT))
    expect(cache.get('a', TEXT)).toBeUndefined()
    expect(cache.get('b', TEXT)).toBeDefined()
    cache.put('b', TEXT, parseRecord(TEXT))
    cache.put('d', TEXT, parseRecord(TEXT))
    expect(cache.get('c', TEXT)).toBeUndefined()
    expect(cache.get('b', TEXT)).toBeDefined()
  })
})

describe('the service with the cache', () => {
  const encryptionKeys = { current: 'k1', keys: { k1: new Uint8Array(32).fill(7) } }

  it('reads what another service wrote: a code used there is a replay here', async () => {
    const { store } = testStore()
    const h = harness({ store })
    const { secret } = await enable(h)
    const other = createMFA({ issuer: 'Example Cloud', store, now: h.clock.now })
    h.clock.advance(STEP_MS)
    const code = await codeAt(secret, h.clock.t)
    // this service has its own write cached; the other one changes the record
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
