// The adapters without a server: argument checks, SQL injection through the table name, the exact statements,
// timeouts and malformed driver replies (all fail closed).
import { createMFA, isOTPError, memoryStore } from 'mfa-core'
import { type DenoKvKeyPart, type DenoKvLike, denoKvStore } from 'mfa-core/storage/deno-kv'
import { type DurableObjectStorageLike, durableObjectStore } from 'mfa-core/storage/durable-object'
import { REDIS_SCRIPTS, redisStore } from 'mfa-core/storage/redis'
import { createTableSQL, type SQLQuery, sqlStore } from 'mfa-core/storage/sql'
import { describe, expect, test } from 'vitest'

const code = async (call: () => unknown): Promise<string> => {
  try {
    await call()
    return 'no error'
  } catch (error) {
    return isOTPError(error) ? error.code : String(error)
  }
}

describe('sqlStore', () => {
  test('table names must be identifiers, so SQL cannot be injected through them', async () => {
    const query: SQLQuery = () => ({ rows: [] })
    for (const table of ['mfa; DROP TABLE users', 'a"b', "a'b", 'a b', '1abc', '', 'a.b.c', 'x'.repeat(64), 42]) {
      expect(await code(() => sqlStore({ dialect: 'postgres', query, table: table as string }))).toBe(
        'ERR_INVALID_OPTION',
      )
      expect(await code(() => createTableSQL('sqlite', table as string))).toBe('ERR_INVALID_OPTION')
    }
    expect(createTableSQL('postgres', 'auth.mfa_Store')).toContain('"auth"."mfa_Store"')
    expect(await code(() => sqlStore({ dialect: 'oracle' as 'sqlite', query }))).toBe('ERR_INVALID_OPTION')
    expect(createTableSQL('mysql', 'auth.mfa_Store')).toContain('`auth`.`mfa_Store`')
    expect(await code(() => sqlStore({ dialect: 'sqlite', query: 'SELECT' as never }))).toBe('ERR_INVALID_OPTION')
  })

  test('every operation is one statement with keys and data as parameters', async () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const seen: [string, unknown[]][] = []
      const query: SQLQuery = (sql, params) => {
        seen.push([sql, params])
        return { rows: [] }
      }
      const store = sqlStore({ dialect, query })
      const key = "k'; DROP TABLE mfa_store; --"
      await store.get(key)
      await store.set(key, 'd', null, { ttlMs: 1.5 })
      await store.set(key, 'd', 7)
      await store.delete(key, 7)
      expect(seen.map(([sql]) => sql.split(' ')[0])).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE'])
      for (const [sql, params] of seen) {
        expect(sql).not.toContain('DROP')
        expect(sql.includes(';')).toBe(false)
        expect(params).toContain(key)
      }
      expect(seen[1]?.[1]).toEqual([key, 'd', 2])
      expect(seen[2]?.[1]).toEqual(['d', null, key, 7])
      const placeholder = dialect === 'postgres' ? '$4' : '?'
      expect(seen[2]?.[0]).toContain(`version = ${placeholder}`)
    }
  })

  test('a hung query times out as ERR_STORAGE; bad replies fail closed', async () => {
    const hung = sqlStore({ dialect: 'postgres', query: () => new Promise(() => {}), timeoutMs: 50 })
    expect(await code(() => hung.get('k'))).toBe('ERR_STORAGE')
    expect(await code(() => hung.set('k', 'd', 1))).toBe('ERR_STORAGE')
    const noRows = sqlStore({ dialect: 'sqlite', query: () => ({}) as never })
    expect(await code(() => noRows.set('k', 'd', null))).toBe('ERR_STORAGE')
    const badVersion = sqlStore({ dialect: 'sqlite', query: () => ({ rows: [{ data: 'x', version: 'abc' }] }) })
    expect(await code(() => badVersion.get('k'))).toBe('ERR_STORAGE')
    const failing = sqlStore({
      dialect: 'sqlite',
      query: () => {
        throw new Error('SQLITE_BUSY')
      },
    })
    expect(await code(() => failing.get('k'))).toBe('Error: SQLITE_BUSY')
    const pgBigint = sqlStore({ dialect: 'postgres', query: () => ({ rows: [{ data: 'x', version: '42' }] }) })
    expect(await pgBigint.get('k')).toEqual({ data: 'x', version: 42 })
  })

  test('keys and data that UTF-8 or PostgreSQL would alter are refused', async () => {
    const store = sqlStore({ dialect: 'postgres', query: () => ({ rows: [] }) })
    for (const key of ['\ud800', 'a\udc00b', 'nul\u0000', '']) {
      expect(await code(() => store.get(key))).toBe('ERR_INVALID_OPTION')
    }
    expect(await code(() => store.set('k', 'lone \ud800', null))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => store.set('k', 'd', null, { ttlMs: 0 }))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => store.set('k', 'd', null, { ttlMs: Number.NaN }))).toBe('ERR_INVALID_OPTION')
  })
})

describe('sqlStore on MySQL/MariaDB (dialect mysql)', () => {
  /** A query function answering like mysql2 does for each statement kind, recording what it was sent. */
  const recording = (affected: (sql: string) => number) => {
    const seen: [string, unknown[]][] = []
    const query: SQLQuery = (sql, params) => {
      seen.push([sql, params])
      return sql.startsWith('SELECT') ? [] : { affectedRows: affected(sql) }
    }
    return { seen, store: sqlStore({ dialect: 'mysql', query }) }
  }

  test('each write is one conditional statement; success is read from affectedRows', async () => {
    const { seen, store } = recording(() => 1)
    const key = "k'; DROP TABLE mfa_store; --"
    expect(await store.get(key)).toBe(null)
    expect(await store.set(key, 'd', null, { ttlMs: 1.5 })).toBe(true)
    expect(await store.set(key, 'd', 7)).toBe(true)
    expect(await store.delete(key, 7)).toBe(true)
    expect(seen.map(([sql]) => sql.split(' ')[0])).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE'])
    for (const [sql, params] of seen) {
      expect(sql.includes(';')).toBe(false)
      expect(sql).not.toContain('DROP')
      expect(params).toContain(key)
    }
    expect(seen[1]?.[1]).toEqual([key, 'd', 2])
    // Every successful compare-and-set changes the row (the version bump), so FOUND_ROWS cannot inflate the count.
    expect(seen[2]?.[0]).toContain('version = version + 1')
    expect(seen[2]?.[0]).toContain('version = CAST(? AS SIGNED)')
  })

  test('a create that meets an existing row (2 affected) tries to take it over only if expired', async () => {
    const { seen, store } = recording((sql) => (sql.startsWith('INSERT') ? 2 : 0))
    expect(await store.set('k', 'd', null)).toBe(false)
    expect(seen.map(([sql]) => sql.split(' ')[0])).toEqual(['INSERT', 'UPDATE'])
    expect(seen[1]?.[0]).toMatch(/expires_at IS NOT NULL AND expires_at <=/)
    const taken = recording((sql) => (sql.startsWith('INSERT') ? 2 : 1))
    expect(await taken.store.set('k', 'd', null)).toBe(true)
  })

  test("keys are VARBINARY (byte-exact), at most 767 bytes; pg-style replies or mysql2's [rows, fields] fail closed", async () => {
    expect(createTableSQL('mysql')).toContain('id VARBINARY(767) NOT NULL PRIMARY KEY')
    const { store } = recording(() => 1)
    expect(await code(() => store.get('é'.repeat(384)))).toBe('ERR_INVALID_OPTION')
    expect(await store.get('é'.repeat(383))).toBe(null)
    const tuple = sqlStore({ dialect: 'mysql', query: () => [[], []] as never })
    expect(await code(() => tuple.get('k'))).toBe('ERR_STORAGE')
    const rows = sqlStore({ dialect: 'mysql', query: () => ({ rows: [] }) })
    expect(await code(() => rows.get('k'))).toBe('ERR_STORAGE')
    expect(await code(() => rows.set('k', 'd', 1))).toBe('ERR_STORAGE')
    const bigint = sqlStore({
      dialect: 'mysql',
      query: (sql) => (sql.startsWith('SELECT') ? [] : { affectedRows: 1n }),
    })
    expect(await bigint.delete('k', 1)).toBe(true)
    expect(await bigint.purgeExpired()).toBe(1)
  })
})

describe('redisStore', () => {
  test('scripts touch only KEYS[1]; arguments carry data, version and ttl', async () => {
    const calls: [string, string[], string[]][] = []
    const store = redisStore({
      prefix: 'app:',
      eval: async (script, keys, args) => {
        calls.push([script, keys, args])
        return script === REDIS_SCRIPTS.get ? null : 1
      },
    })
    expect(await store.get('u')).toBe(null)
    expect(await store.set('u', 'd', null, { ttlMs: 600_000 })).toBe(true)
    expect(await store.set('u', 'd', 3)).toBe(true)
    expect(await store.delete('u', 4)).toBe(true)
    expect(calls.map(([, keys, args]) => [keys, args])).toEqual([
      [['app:u'], []],
      [['app:u'], ['d', '', '600000']],
      [['app:u'], ['d', '3', '']],
      [['app:u'], ['4']],
    ])
    for (const script of Object.values(REDIS_SCRIPTS)) expect(script).not.toMatch(/KEYS\[[2-9]\]/)
  })

  test('with both defaults, createMFA and redisStore write mfa:<user>, not mfa:mfa:<user>', async () => {
    const keys: string[] = []
    const store = redisStore({
      eval: async (script, k) => {
        keys.push(...k)
        return script === REDIS_SCRIPTS.get ? null : 1
      },
    })
    const mfa = createMFA({ store, issuer: 'Example' })
    expect((await mfa.beginEnrollment('u', { accountName: 'u' })).ok).toBe(true)
    expect([...new Set(keys)]).toEqual(['mfa:u'])
  })

  test('unexpected replies and hung calls fail closed', async () => {
    const odd = redisStore({ eval: async () => 'OK' })
    expect(await code(() => odd.set('u', 'd', null))).toBe('ERR_STORAGE')
    expect(await code(() => odd.get('u'))).toBe('ERR_STORAGE')
    const hung = redisStore({ eval: () => new Promise(() => {}), timeoutMs: 50 })
    expect(await code(() => hung.delete('u', 1))).toBe('ERR_STORAGE')
    expect(await code(() => redisStore({} as never))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => redisStore({ eval: async () => 1, prefix: 5 as never }))).toBe('ERR_INVALID_OPTION')
  })
})

describe('memoryStore', () => {
  test('honours ttl on its own clock, lazily', async () => {
    let now = 1_000
    const store = memoryStore({ now: () => now })
    await store.set('k', 'd', null, { ttlMs: 100 })
    now = 1_099
    expect(await store.get('k')).toEqual({ data: 'd', version: 1 })
    now = 1_100
    expect(await store.get('k')).toBe(null)
    expect(await store.set('k', 'e', 1)).toBe(false)
    expect(await store.set('k', 'e', null)).toBe(true)
    expect(await code(() => memoryStore({ now: 5 as never }))).toBe('ERR_INVALID_OPTION')
  })
})

/** A Map with the Durable Object storage calls the adapter makes (the real one runs in workerd: durable-object.test.ts). */
function mapStorage(map = new Map<string, unknown>()): DurableObjectStorageLike & { map: Map<string, unknown> } {
  let queue: Promise<unknown> = Promise.resolve()
  const txn = {
    get: async (key: string) => map.get(key),
    put: async (key: string, value: unknown) => void map.set(key, value),
    delete: async (key: string) => map.delete(key),
  }
  return {
    map,
    get: async (key) => map.get(key),
    transaction<T>(closure: (t: typeof txn) => Promise<T>) {
      const run = queue.then(() => closure(txn))
      queue = run.catch(() => {})
      return run
    },
    list: async ({ prefix, start, limit }) =>
      new Map(
        [...map]
          .filter(([key]) => key.startsWith(prefix) && (start === undefined || key >= start))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .slice(0, limit),
      ),
  }
}

describe('durableObjectStore (argument checks and stored values, on a Map)', () => {
  test('misuse and foreign values are refused; purgeExpired pages through every expired record', async () => {
    expect(await code(() => durableObjectStore({} as never))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => durableObjectStore(mapStorage(), { prefix: 1 as never }))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => durableObjectStore(mapStorage(), { now: 1 as never }))).toBe('ERR_INVALID_OPTION')
    let now = 1_000
    const storage = mapStorage()
    const store = durableObjectStore(storage, { now: () => now })
    storage.map.set('mfa-store:foreign', 'not a record')
    expect(await code(() => store.get('foreign'))).toBe('ERR_STORAGE')
    expect(await code(() => store.get('\ud800'))).toBe('ERR_INVALID_OPTION')
    storage.map.delete('mfa-store:foreign')
    storage.map.set('other-data', { d: 'x', v: 1, e: 0 })
    for (let i = 0; i < 600; i++) await store.set(`k${i}`, 'd', null, i % 2 ? { ttlMs: 10 } : undefined)
    now = 2_000
    expect(await store.purgeExpired()).toBe(300)
    expect(storage.map.size).toBe(301)
    expect(storage.map.has('other-data')).toBe(true)
    expect(await store.get('k0')).toEqual({ data: 'd', version: 1 })
    expect(await store.delete('k0', 2)).toBe(false)
    expect(await store.delete('k0', 1)).toBe(true)
  })
})

/** A Map with versionstamps and atomic checks, the Deno KV calls the adapter makes (the real one: deno-kv.test.ts). */
function mapKv(): DenoKvLike & { map: Map<string, { value: unknown; versionstamp: string }> } {
  const map = new Map<string, { value: unknown; versionstamp: string }>()
  let stamp = 0
  const id = (key: readonly DenoKvKeyPart[]) => JSON.stringify(key)
  return {
    map,
    get: async (key) => map.get(id(key)) ?? { value: null, versionstamp: null },
    atomic() {
      const checks: { key: readonly DenoKvKeyPart[]; versionstamp: string | null }[] = []
      const writes: (() => void)[] = []
      const op: ReturnType<DenoKvLike['atomic']> = {
        check(...c) {
          checks.push(...c)
          return op
        },
        set(key, value) {
          writes.push(() => map.set(id(key), { value, versionstamp: String(++stamp) }))
          return op
        },
        delete(key) {
          writes.push(() => map.delete(id(key)))
          return op
        },
        commit: async () => {
          if (!checks.every((c) => (map.get(id(c.key))?.versionstamp ?? null) === c.versionstamp)) return { ok: false }
          for (const write of writes) write()
          return { ok: true }
        },
      }
      return op
    },
  }
}

describe('denoKvStore (argument checks and stored values, on a Map)', () => {
  test('misuse and foreign values are refused; a commit that loses its check is a conflict', async () => {
    expect(await code(() => denoKvStore({} as never))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => denoKvStore(mapKv(), { prefix: 'x' as never }))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => denoKvStore(mapKv(), { now: 1 as never }))).toBe('ERR_INVALID_OPTION')
    let now = 1_000
    const kv = mapKv()
    const store = denoKvStore(kv, { now: () => now, prefix: ['app'] })
    kv.map.set(JSON.stringify(['app', 'foreign']), { value: { d: 1 }, versionstamp: '0' })
    expect(await code(() => store.get('foreign'))).toBe('ERR_STORAGE')
    expect(await store.set('k', 'a', null, { ttlMs: 10 })).toBe(true)
    now = 1_010
    expect(await store.get('k')).toBe(null)
    expect(await store.set('k', 'b', null)).toBe(true)
    expect(await store.get('k')).toEqual({ data: 'b', version: 1 })
    // Two writers read version 1; the second commit's versionstamp check fails.
    const [first, second] = await Promise.all([store.set('k', 'c', 1), store.set('k', 'd', 1)])
    expect([first, second].sort()).toEqual([false, true])
    expect(await store.delete('k', 1)).toBe(false)
    expect(await store.delete('k', 2)).toBe(true)
  })
})
