// The promise cache the service's key imports, derivations and prepared signers share (src/internal/cache.ts): one
// promise per key, a rejected one or a value not to keep made again on the next call, the oldest dropped past `max`.
import { describe, expect, it } from 'vitest'
import { createPromiseCache } from '../../src/internal/cache'

/** A `make` that counts its calls and gives `value` (or rejects with it when it is an Error). */
function maker<V>(value: V | Error) {
  const made = {
    calls: 0,
    make: () => {
      made.calls++
      return value instanceof Error ? Promise.reject(value) : Promise.resolve(value)
    },
  }
  return made
}

describe('createPromiseCache', () => {
  it('makes once per key and hands back the same promise', async () => {
    const cache = createPromiseCache<number>()
    const one = maker(1)
    const first = cache.get('a', one.make)
    expect(cache.get('a', one.make)).toBe(first)
    expect(await first).toBe(1)
    expect(cache.get('a', one.make)).toBe(first)
    expect(cache.get('b', maker(2).make)).not.toBe(first)
    expect(one.calls).toBe(1)
  })

  it('forgets a rejected promise: the next call makes again', async () => {
    const cache = createPromiseCache<number>()
    const failing = maker<number>(new Error('no WebCrypto for a moment'))
    const failed = cache.get('a', failing.make)
    await expect(failed).rejects.toThrow('no WebCrypto for a moment')
    const two = maker(2)
    const next = cache.get('a', two.make)
    expect(next).not.toBe(failed)
    expect(await next).toBe(2)
    expect(cache.get('a', two.make)).toBe(next)
    expect(two.calls).toBe(1)
  })

  it('forgets a value `keep` refuses, and keeps the others', async () => {
    const cache = createPromiseCache<number | 'refused'>(Number.POSITIVE_INFINITY, (v) => v !== 'refused')
    const refused = cache.get('a', maker<number | 'refused'>('refused').make)
    expect(await refused).toBe('refused')
    const kept = cache.get('a', maker<number | 'refused'>(3).make)
    expect(kept).not.toBe(refused)
    expect(await kept).toBe(3)
    expect(cache.get('a', maker<number | 'refused'>(4).make)).toBe(kept)
  })

  it('keeps at most `max` keys, dropping the oldest', async () => {
    const cache = createPromiseCache<string>(2)
    const a = cache.get('a', maker('a').make)
    const b = cache.get('b', maker('b').make)
    const c = cache.get('c', maker('c').make) // a goes
    expect(cache.get('b', maker('b2').make)).toBe(b)
    expect(cache.get('c', maker('c2').make)).toBe(c)
    const again = cache.get('a', maker('a2').make) // made again; b goes
    expect(again).not.toBe(a)
    expect(await again).toBe('a2')
    expect(cache.get('c', maker('c3').make)).toBe(c)
    expect(await cache.get('b', maker('b3').make)).toBe('b3')
  })
})
