import { describe as describeValue, OTPError } from '../errors.js'
import type { MFAStore } from '../storage/store.js'

export type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from '../storage/store.js'

/** The two matchers the conformance suite uses; vitest's and jest's `expect` have them. */
export interface ConformanceAssertion {
  /** Same value (`Object.is`). */
  toBe(expected: unknown): void
  /** Deeply equal plain data. */
  toEqual(expected: unknown): void
}

/** Options of {@link runStoreConformance}. */
export interface ConformanceOptions {
  /** Registers one test: vitest's, jest's or node:test's `test` (or `it`). Each test function returns a promise. */
  test: (name: string, fn: () => Promise<void>) => unknown
  /** The framework's `expect` (default: a built-in one that throws an `Error`). */
  expect?: (actual: unknown) => ConformanceAssertion
  /** Check that records vanish after `ttlMs` (default true); with false, only check they are not dropped early. */
  ttl?: boolean
  /** How many concurrent writers race on one key (default 32). */
  writers?: number
  /** Size of the large-record test in characters (default 1 MiB). */
  largeSize?: number
  /** Prefix of every test name (default `MFAStore conformance`). */
  name?: string
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function short(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** The default `expect`: enough for the suite, framework-free. */
function builtInExpect(actual: unknown): ConformanceAssertion {
  return {
    toBe(expected) {
      if (!Object.is(actual, expected)) throw new Error(`expected ${short(actual)} to be ${short(expected)}`)
    },
    toEqual(expected) {
      if (!deepEqual(actual, expected)) throw new Error(`expected ${short(actual)} to equal ${short(expected)}`)
    },
  }
}

/** Resolves to the value, or to 'threw' when the promise rejects (a synchronous throw counts as well). */
async function settle<T>(call: () => Promise<T>): Promise<T | 'threw'> {
  try {
    return await call()
  } catch {
    return 'threw'
  }
}

/**
 * Registers the conformance suite of the {@link MFAStore} contract with any test framework: the tests every store
 * adapter must pass before the MFA service can rely on it. Each test gets a fresh store from `makeStore` and uses
 * keys under a random namespace, so a shared server is fine.
 *
 * Covered: get/set/delete semantics and versions, answers that are exactly `true` or `false`, version conflicts, absent keys, stale and future versions,
 * recreation after delete, exact data (empty, unicode, 1 MiB), exact and independent unicode keys (no case folding,
 * normalisation or trimming), keys with lone surrogates (rejected or kept distinct), misuse never writing,
 * concurrent creators, writers and deleters racing on one key (exactly one winner per version), concurrent
 * read-modify-write with retries (no lost update), and `ttlMs` expiry.
 *
 * @param makeStore - returns the store under test (called once per test)
 * @param options.test - the framework's `test` function
 * @param options.expect - the framework's `expect` (optional)
 * @param options.ttl - whether the store honours `ttlMs` (default true)
 * @param options.writers - concurrent writers (default 32)
 * @param options.largeSize - size of the large record (default 1 MiB)
 * @param options.name - prefix of the test names
 * @returns nothing; the tests are registered with `test`
 * @throws OTPError `ERR_INVALID_OPTION` when `makeStore` or `test` is not a function
 * @example
 * // vitest or jest:
 * import { expect, test } from 'vitest'
 * runStoreConformance(() => myStore(), { test, expect })
 * // Node's built-in runner: pass its `test` (from the `node:test` module) and omit `expect`:
 * runStoreConformance(() => myStore(), { test: nodeTest })
 * @see MFAStore for the contract
 */
export function runStoreConformance(makeStore: () => MFAStore | Promise<MFAStore>, options: ConformanceOptions): void {
  if (typeof makeStore !== 'function' || typeof options?.test !== 'function') {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `runStoreConformance needs makeStore and options.test functions, got ${describeValue(makeStore)}`,
    )
  }
  const expect = options.expect ?? builtInExpect
  const writers = options.writers ?? 32
  const largeSize = options.largeSize ?? 1024 * 1024
  const prefix = options.name ?? 'MFAStore conformance'
  const namespace = `conformance-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
  let counter = 0
  const test = (name: string, fn: (store: MFAStore, key: (suffix?: string) => string) => Promise<void>): void => {
    options.test(`${prefix}: ${name}`, async () => {
      const base = `${namespace}:${++counter}`
      await fn(await makeStore(), (suffix = '') => `${base}:${suffix}`)
    })
  }

  test('get of an absent key returns null', async (store, key) => {
    expect(await store.get(key('absent'))).toBe(null)
  })

  test('set with null creates the record at version 1, and only once', async (store, key) => {
    const k = key()
    expect(await store.set(k, 'first', null)).toBe(true)
    expect(await store.get(k)).toEqual({ data: 'first', version: 1 })
    expect(await store.set(k, 'second', null)).toBe(false)
    expect(await store.get(k)).toEqual({ data: 'first', version: 1 })
  })

  test('set and delete answer true or false, nothing else', async (store, key) => {
    // The service counts only `true` as a won compare-and-set; an adapter answering a truthy object on conflict
    // (or 1, 'ok', null) would let one code in many times through a service that took it at its word.
    const k = key()
    const answers: unknown[] = []
    const note = async (call: () => Promise<boolean>): Promise<void> => {
      answers.push(await call())
    }
    await note(() => store.set(k, 'a', null))
    await note(() => store.set(k, 'b', null))
    await note(() => store.set(k, 'c', 1))
    await note(() => store.set(k, 'd', 1))
    await note(() => store.set(k, 'e', 7))
    await note(() => store.set(key('absent'), 'f', 1))
    await note(() => store.delete(k, 1))
    await note(() => store.delete(key('absent'), 1))
    await note(() => store.delete(k, 2))
    await note(() => store.delete(k, 2))
    expect(answers).toEqual([true, false, true, false, false, false, false, false, true, false])
    expect(answers.every((answer) => answer === true || answer === false)).toBe(true)
  })

  test('set with the current version adds one; stale and future versions change nothing', async (store, key) => {
    const k = key()
    await store.set(k, 'v1', null)
    expect(await store.set(k, 'v2', 1)).toBe(true)
    expect(await store.get(k)).toEqual({ data: 'v2', version: 2 })
    expect(await store.set(k, 'stale', 1)).toBe(false)
    expect(await store.set(k, 'future', 3)).toBe(false)
    expect(await store.set(k, 'future', 99)).toBe(false)
    expect(await store.get(k)).toEqual({ data: 'v2', version: 2 })
    for (let v = 2; v < 10; v++) expect(await store.set(k, `v${v + 1}`, v)).toBe(true)
    expect(await store.get(k)).toEqual({ data: 'v10', version: 10 })
  })

  test('set with a version on an absent key fails and creates nothing', async (store, key) => {
    const k = key()
    expect(await store.set(k, 'x', 1)).toBe(false)
    expect(await store.get(k)).toBe(null)
  })

  test('delete needs the current version; absent keys and other versions change nothing', async (store, key) => {
    const k = key()
    expect(await store.delete(k, 1)).toBe(false)
    await store.set(k, 'a', null)
    await store.set(k, 'b', 1)
    expect(await store.delete(k, 1)).toBe(false)
    expect(await store.delete(k, 3)).toBe(false)
    expect(await store.get(k)).toEqual({ data: 'b', version: 2 })
    expect(await store.delete(k, 2)).toBe(true)
    expect(await store.get(k)).toBe(null)
    expect(await store.delete(k, 2)).toBe(false)
    expect(await store.set(k, 'c', 2)).toBe(false)
    expect(await store.get(k)).toBe(null)
  })

  test('a deleted record is created again at version 1', async (store, key) => {
    const k = key()
    await store.set(k, 'a', null)
    await store.delete(k, 1)
    expect(await store.set(k, 'again', null)).toBe(true)
    expect(await store.get(k)).toEqual({ data: 'again', version: 1 })
  })

  test('data is stored exactly', async (store, key) => {
    const samples = [
      '',
      ' ',
      '{"v":1,"secret":"JBSWY3DPEHPK3PXP","lastStep":57983917}',
      ' padded \n\t\r\n ',
      `quotes ' " \` \\ %s %d ? $1 :name @p -- /* */ ; DROP TABLE mfa_store`,
      'unicode: é e\u0301 ß ẞ 中文 日本語 한국어 עברית العربية 🔐🧑🏽‍💻 \u200b\ufeff \u2028\u2029 \ud834\udd1e',
      'escaped JSON: "\\u0000 \\ud800"',
    ]
    for (const [i, data] of samples.entries()) {
      expect(await store.set(key(String(i)), data, null)).toBe(true)
    }
    for (const [i, data] of samples.entries()) {
      expect(await store.get(key(String(i)))).toEqual({ data, version: 1 })
    }
  })

  test('large records round-trip and update exactly', async (store, key) => {
    const k = key()
    const unit = 'abcdefghijklmnopqrstuvwxyz0123456789{}[]":,é中🔐'
    const big = unit.repeat(Math.ceil(largeSize / unit.length)).slice(0, largeSize - 1)
    const data = `${big}!`.replace(/[\ud800-\udbff]$/, 'x')
    expect(await store.set(k, data, null)).toBe(true)
    const read = await store.get(k)
    expect(read?.version).toBe(1)
    expect(read?.data.length).toBe(data.length)
    expect(read?.data === data).toBe(true)
    const changed = `${data.slice(0, -1)}?`
    expect(await store.set(k, changed, 1)).toBe(true)
    expect((await store.get(k))?.data === changed).toBe(true)
  })

  test('unicode and look-alike keys are exact and distinct', async (store, key) => {
    const suffixes = [
      'user@example.com',
      'User@Example.com',
      'USER@EXAMPLE.COM',
      'café',
      'cafe\u0301',
      'a',
      'a ',
      ' a',
      'a\t',
      'ß',
      'ss',
      'İ',
      'i',
      '中文用户',
      '🔐🧑🏽‍💻',
      "o'brien; DROP TABLE mfa_store; --",
      'key with spaces and : colons * ? [x]',
      'x'.repeat(200),
    ]
    for (const [i, suffix] of suffixes.entries()) {
      expect(await store.set(key(suffix), `data-${i}`, null)).toBe(true)
    }
    for (const [i, suffix] of suffixes.entries()) {
      expect(await store.get(key(suffix))).toEqual({ data: `data-${i}`, version: 1 })
    }
  })

  test('keys with lone surrogates are rejected or kept distinct', async (store, key) => {
    const lone = ['\ud800', '\udbff', '\udc00', '\ufffd']
    const written: string[] = []
    for (const suffix of lone) {
      const result = await settle(() => store.set(key(suffix), `data-${suffix.charCodeAt(0)}`, null))
      if (result === true) written.push(suffix)
      else expect(result).toBe('threw')
    }
    for (const suffix of written) {
      expect(await store.get(key(suffix))).toEqual({ data: `data-${suffix.charCodeAt(0)}`, version: 1 })
    }
  })

  test('keys are independent, prefixes included', async (store, key) => {
    const a = key('a')
    await store.set(a, 'A', null)
    await store.set(`${a}:b`, 'AB', null)
    await store.set(`${a}:b`, 'AB2', 1)
    await store.delete(`${a}:b`, 2)
    expect(await store.get(a)).toEqual({ data: 'A', version: 1 })
    expect(await store.get(`${a}:b`)).toBe(null)
    expect(await store.get(key('other'))).toBe(null)
  })

  test('misuse never writes', async (store, key) => {
    const k = key()
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', undefined]) {
      const outcome = await settle(() => store.set(k, 'bad', bad as never))
      expect(outcome === true).toBe(false)
    }
    expect(await store.get(k)).toBe(null)
    await store.set(k, 'good', null)
    for (const bad of [0, 1.5, Number.NaN, '1', null]) {
      expect((await settle(() => store.delete(k, bad as never))) === true).toBe(false)
      expect((await settle(() => store.set(k, 'bad', bad as never))) === true).toBe(false)
    }
    expect((await settle(() => store.set(k, 42 as never, 1))) === true).toBe(false)
    expect(await store.get(k)).toEqual({ data: 'good', version: 1 })
  })

  test(`${writers} concurrent creators: exactly one wins`, async (store, key) => {
    const k = key()
    const results = await Promise.all(Array.from({ length: writers }, (_, i) => store.set(k, `writer-${i}`, null)))
    expect(results.filter((won) => won !== true && won !== false)).toEqual([])
    const winners = results.flatMap((won, i) => (won === true ? [i] : []))
    expect(winners.length).toBe(1)
    expect(await store.get(k)).toEqual({ data: `writer-${winners[0]}`, version: 1 })
  })

  test(`${writers} concurrent writers naming one version: exactly one wins each round`, async (store, key) => {
    const k = key()
    await store.set(k, 'start', null)
    for (let version = 1; version <= 5; version++) {
      const results = await Promise.all(
        Array.from({ length: writers }, (_, i) => store.set(k, `round-${version}-writer-${i}`, version)),
      )
      expect(results.filter((won) => won !== true && won !== false)).toEqual([])
      const winners = results.flatMap((won, i) => (won === true ? [i] : []))
      expect(winners.length).toBe(1)
      expect(await store.get(k)).toEqual({ data: `round-${version}-writer-${winners[0]}`, version: version + 1 })
    }
  })

  test(`${writers} concurrent read-modify-write loops with retries lose no update`, async (store, key) => {
    const k = key()
    await store.set(k, JSON.stringify({ count: 0, by: [] }), null)
    const increment = async (i: number): Promise<void> => {
      for (let attempt = 0; attempt < writers * 4; attempt++) {
        const current = await store.get(k)
        if (current === null) throw new Error('record vanished')
        const record = JSON.parse(current.data) as { count: number; by: number[] }
        const next = JSON.stringify({ count: record.count + 1, by: [...record.by, i] })
        const won = await store.set(k, next, current.version)
        if (won === true) return
        if (won !== false) throw new Error(`set answered ${short(won)}, not true or false`)
      }
      throw new Error(`writer ${i} never won`)
    }
    await Promise.all(Array.from({ length: writers }, (_, i) => increment(i)))
    const final = await store.get(k)
    const record = JSON.parse(final?.data ?? '{}') as { count: number; by: number[] }
    expect(record.count).toBe(writers)
    expect([...record.by].sort((x, y) => x - y)).toEqual(Array.from({ length: writers }, (_, i) => i))
    expect(final?.version).toBe(writers + 1)
  })

  test(`${writers} concurrent deleters: exactly one wins`, async (store, key) => {
    const k = key()
    await store.set(k, 'x', null)
    const results = await Promise.all(Array.from({ length: writers }, () => store.delete(k, 1)))
    expect(results.filter((won) => won !== true && won !== false)).toEqual([])
    expect(results.filter((won) => won === true).length).toBe(1)
    expect(await store.get(k)).toBe(null)
  })

  test('ttlMs: records are kept until then, expire after (if supported), and come back at version 1', async (store, key) => {
    const [pending, kept, k, gone, dead] = ['pending', 'kept', 'expiring', 'gone', 'dead'].map((s) => key(s)) as [
      string,
      string,
      string,
      string,
      string,
    ]
    expect(await store.set(pending, 'p', null, { ttlMs: 60_000 })).toBe(true)
    expect(await store.set(kept, 'k', null, { ttlMs: 300 })).toBe(true)
    expect(await store.set(kept, 'k2', 1)).toBe(true)
    expect(await store.get(pending)).toEqual({ data: 'p', version: 1 })
    expect(await store.set(pending, 'p2', 1, { ttlMs: 60_000 })).toBe(true)
    for (const short of [k, gone, dead]) expect(await store.set(short, 'short', null, { ttlMs: 300 })).toBe(true)
    expect(await store.set(dead, 'short2', 1, { ttlMs: 300 })).toBe(true)
    await sleep(700)
    expect(await store.get(pending)).toEqual({ data: 'p2', version: 2 })
    expect(await store.get(kept)).toEqual({ data: 'k2', version: 2 })
    if (options.ttl === false) return
    expect(await store.get(gone)).toBe(null)
    expect(await store.set(dead, 'late', 2)).toBe(false)
    expect(await store.delete(dead, 2)).toBe(false)
    expect(await store.get(dead)).toBe(null)
    const racers = await Promise.all(Array.from({ length: writers }, (_, i) => store.set(k, `new-${i}`, null)))
    const winners = racers.flatMap((won, i) => (won === true ? [i] : []))
    expect(winners.length).toBe(1)
    expect(await store.get(k)).toEqual({ data: `new-${winners[0]}`, version: 1 })
  })
}
export {
  type RFC4226Vector,
  type RFC4648Vector,
  type RFC6238Vector,
  rfc4226Vectors,
  rfc4648Vectors,
  rfc6238Vectors,
} from './vectors.js'
