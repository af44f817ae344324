// The adapters without a server: argument checks, SQL injection through the table name, the exact statements,
// timeouts and malformed driver replies (all fail closed).
import { createMFA, isOTPError, memoryStore } from 'mfa-core'
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
    expect(await code(() => sqlStore({ dialect: 'mysql' as 'sqlite', query }))).toBe('ERR_INVALID_OPTION')
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
