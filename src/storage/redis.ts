import { describe, OTPError } from '../errors.js'
import { checkData, checkKey, checkTimeout, checkVersion, parseVersion, readTTL, withTimeout } from './check.js'
import type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

export type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

/**
 * Runs a Lua script on the Redis server (`EVAL script numkeys ...keys ...args`) and returns its reply: integers
 * as numbers, bulk strings as strings, nil as `null`, arrays as arrays.
 *
 * @example
 * // ioredis:
 * const evalScript: RedisEval = (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args)
 * // node-redis v4 and later:
 * const evalScript: RedisEval = (script, keys, args) => client.eval(script, { keys, arguments: args })
 */
export type RedisEval = (script: string, keys: string[], args: string[]) => Promise<unknown>

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** Runs a Lua script, see {@link RedisEval}. */
  eval: RedisEval
  /**
   * Prepended to every key (default `''`: the keys `createMFA` writes already start with its `keyPrefix`, `mfa:`;
   * 0.1.0 defaulted to `mfa:` here too, so its records are at `mfa:mfa:<user>`: pass `prefix: 'mfa:'` to keep them).
   */
  prefix?: string
  /** Fail a call that has not answered after this many milliseconds (default: no limit of our own). */
  timeoutMs?: number
}

// A record is a hash { d: data, v: version }. Each script touches one key (KEYS[1]), so it runs atomically and
// works on Redis Cluster. Expiry is Redis's own PX: an expired key is absent to every command.
const GET = `local r = redis.call('HMGET', KEYS[1], 'v', 'd')
if not r[1] then return false end
return r`

// ARGV: data, expected version ('' = must not exist), ttl in ms ('' = permanent).
const SET = `local v = redis.call('HGET', KEYS[1], 'v')
if ARGV[2] == '' then
  if v then return 0 end
  redis.call('HSET', KEYS[1], 'd', ARGV[1], 'v', '1')
else
  if v ~= ARGV[2] then return 0 end
  redis.call('HSET', KEYS[1], 'd', ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'v', 1)
end
if ARGV[3] == '' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1`

// ARGV: expected version.
const DELETE = `if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`

/** The Lua scripts of {@link redisStore}, for loading them ahead of time (`SCRIPT LOAD`) or reviewing them. */
export const REDIS_SCRIPTS: Readonly<{ get: string; set: string; delete: string }> = Object.freeze({
  get: GET,
  set: SET,
  delete: DELETE,
})

/**
 * Creates an {@link MFAStore} over Redis, through an eval function wired to the application's own client (the
 * package imports no driver).
 *
 * Every operation is one Lua script on one key, which Redis runs atomically: the version check and the write can
 * never be split by another client. A record is a hash with its data and version; `ttlMs` becomes the key's `PEXPIRE`,
 * so pending enrollments vanish from Redis when they expire, and a write without `ttlMs` makes the key permanent.
 *
 * > [!WARNING]
 * > Use a Redis whose writes survive what you need them to survive: with persistence off, a restart forgets every
 * > enrollment and every used step. Do not run the MFA keys under an eviction policy (`maxmemory-policy` other than
 * > `noeviction` or `volatile-*`): an evicted record loses its replay and throttling state.
 *
 * @param options.eval - runs a Lua script, see {@link RedisEval}
 * @param options.prefix - prepended to every key (default `''`; `createMFA` keys already start with `mfa:`)
 * @param options.timeoutMs - reject a call that takes longer (default none; prefer the client's own, e.g.
 *   ioredis `commandTimeout`)
 * @returns the store
 * @throws OTPError `ERR_INVALID_OPTION` for a missing eval function or a bad prefix or timeout
 * @example
 * import Redis from 'ioredis'
 * const redis = new Redis('redis://127.0.0.1:6379', { commandTimeout: 2000, maxRetriesPerRequest: 1 })
 * const store = redisStore({ eval: (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args) })
 * @see docs/storage.md for the guarantees
 */
export function redisStore(options: RedisStoreOptions): MFAStore {
  const evalScript = options?.eval
  if (typeof evalScript !== 'function') {
    throw new OTPError('ERR_INVALID_OPTION', `eval must be a function, got ${describe(evalScript)}`)
  }
  const prefix = options.prefix ?? ''
  if (typeof prefix !== 'string') {
    throw new OTPError('ERR_INVALID_OPTION', `prefix must be a string, got ${describe(prefix)}`)
  }
  checkKey(prefix === '' ? 'x' : prefix, true)
  const timeoutMs = checkTimeout(options.timeoutMs)
  const run = (script: string, key: string, args: string[]): Promise<unknown> =>
    withTimeout(Promise.resolve(evalScript(script, [prefix + key], args)), timeoutMs, 'Redis script')
  const ok = (reply: unknown): boolean => {
    if (reply === 1 || reply === 0) return reply === 1
    throw new OTPError('ERR_STORAGE', 'the Redis eval function returned an unexpected reply')
  }

  return {
    async get(key: string): Promise<MFAStoreEntry | null> {
      checkKey(key, true)
      const reply = await run(GET, key, [])
      if (reply === null || reply === undefined) return null
      if (!Array.isArray(reply) || typeof reply[1] !== 'string') {
        throw new OTPError('ERR_STORAGE', 'the Redis eval function returned an unexpected reply')
      }
      return { data: reply[1], version: parseVersion(reply[0]) }
    },
    async set(key: string, data: string, expectedVersion: number | null, setOptions?: MFAStoreSetOptions) {
      checkKey(key, true)
      checkData(data, true)
      checkVersion(expectedVersion, true)
      const ttlMs = readTTL(setOptions)
      const args = [
        data,
        expectedVersion === null ? '' : String(expectedVersion),
        ttlMs === undefined ? '' : String(ttlMs),
      ]
      return ok(await run(SET, key, args))
    },
    async delete(key: string, expectedVersion: number) {
      checkKey(key, true)
      checkVersion(expectedVersion, false)
      return ok(await run(DELETE, key, [String(expectedVersion)]))
    },
  }
}
