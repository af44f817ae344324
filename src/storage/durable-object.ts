import { describe, OTPError } from '../errors.js'
import { checkData, checkKey, checkVersion, readTTL } from './check.js'
import { isLive, nextSlot, type Slot, slotOf } from './slot.js'
import type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

export type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

/**
 * The part of a Durable Object transaction {@link durableObjectStore} uses (`txn` in `storage.transaction`).
 *
 * @example
 * await this.ctx.storage.transaction(async (txn: DurableObjectTransactionLike) => txn.delete('k'))
 */
export interface DurableObjectTransactionLike {
  get(key: string): Promise<unknown>
  put(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<boolean>
}

/**
 * The part of a Durable Object's storage (`this.ctx.storage`, type `DurableObjectStorage` in
 * `@cloudflare/workers-types`) that {@link durableObjectStore} uses.
 *
 * @example
 * const storage: DurableObjectStorageLike = this.ctx.storage
 */
export interface DurableObjectStorageLike {
  get(key: string): Promise<unknown>
  transaction<T>(closure: (txn: DurableObjectTransactionLike) => Promise<T>): Promise<T>
  list(options: { prefix: string; start?: string; limit?: number }): Promise<Map<string, unknown>>
}

/**
 * Options of {@link durableObjectStore}.
 *
 * @example
 * const store = durableObjectStore(this.ctx.storage, { prefix: 'auth:mfa:' })
 */
export interface DurableObjectStoreOptions {
  /** Prepended to every key, to share the object's storage with other data (default `mfa-store:`). */
  prefix?: string
  /** The clock for `ttlMs` expiry, in milliseconds since the Unix epoch (default `Date.now`). */
  now?: () => number
}

/**
 * A Durable Object-backed {@link MFAStore}, with a way to remove expired records.
 *
 * @example
 * const store: DurableObjectStore = durableObjectStore(this.ctx.storage)
 */
export interface DurableObjectStore extends MFAStore {
  /**
   * Deletes the records whose `ttlMs` has passed (they are already invisible; this reclaims their space), for
   * example from the object's `alarm()` handler.
   *
   * @returns how many records were removed
   * @throws whatever the storage throws
   * @example
   * async alarm() { await this.store.purgeExpired() }
   */
  purgeExpired(): Promise<number>
}

const NOT_A_RECORD = 'the Durable Object storage holds a value that is not a store record'

/**
 * Creates an {@link MFAStore} over the transactional storage of a Cloudflare Durable Object, so a worker gets
 * compare-and-set with no database: run the MFA service inside the object (all of a user's requests reach the same
 * object, for example one object per user via `idFromName(userId)`, or one for the whole application).
 *
 * Every write is one `storage.transaction()` that reads the current version and writes only if it matches, so it
 * is atomic against every other request to the object, whatever the input and output gates do. A record is kept
 * as `{ d, v, e }` (data, version, expiry); `ttlMs` is checked against the object's clock on every read, and
 * {@link DurableObjectStore.purgeExpired} reclaims the space of expired records.
 *
 * > [!WARNING]
 * > Workers KV cannot replace this: it has no compare-and-set and is eventually consistent (a write can take 60
 * > seconds or more to be seen elsewhere), so two requests could both accept one code. KV-backed Durable Objects
 * > limit a value to 128 KiB; SQLite-backed ones to 2 MB (MFA records are well under 1 KiB).
 *
 * @param storage - the object's storage, `this.ctx.storage` (or `state.storage`)
 * @param options.prefix - prepended to every key (default `mfa-store:`)
 * @param options.now - the clock for expiry (default `Date.now`)
 * @returns the store
 * @throws OTPError `ERR_INVALID_OPTION` when `storage` lacks `get`, `transaction` or `list`, or for a bad option
 * @example
 * import { DurableObject } from 'cloudflare:workers'
 * export class MFAObject extends DurableObject {
 *   mfa = createMFA({ store: durableObjectStore(this.ctx.storage), issuer: 'Example Cloud' })
 *   async verify(userId: string, code: string) { return this.mfa.verify(userId, code) }
 * }
 * @see docs/storage.md for the wiring and why Workers KV cannot hold these records
 */
export function durableObjectStore(
  storage: DurableObjectStorageLike,
  options: DurableObjectStoreOptions = {},
): DurableObjectStore {
  for (const method of ['get', 'transaction', 'list'] as const) {
    if (typeof (storage as Partial<DurableObjectStorageLike> | undefined)?.[method] !== 'function') {
      throw new OTPError(
        'ERR_INVALID_OPTION',
        `durableObjectStore needs the object's storage (this.ctx.storage), got ${describe(storage)}`,
      )
    }
  }
  const prefix = options.prefix ?? 'mfa-store:'
  if (typeof prefix !== 'string') {
    throw new OTPError('ERR_INVALID_OPTION', `prefix must be a string, got ${describe(prefix)}`)
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') {
    throw new OTPError('ERR_INVALID_OPTION', `now must be a function, got ${describe(now)}`)
  }
  /** The live record at a key, or null (absent or expired). */
  const live = (value: unknown): Slot | null => {
    const slot = slotOf(value, NOT_A_RECORD)
    return slot && isLive(slot, now()) ? slot : null
  }

  return {
    async get(key: string): Promise<MFAStoreEntry | null> {
      checkKey(key, true)
      const slot = live(await storage.get(prefix + key))
      return slot && { data: slot.d, version: slot.v }
    },
    async set(key: string, data: string, expectedVersion: number | null, setOptions?: MFAStoreSetOptions) {
      checkKey(key, true)
      checkData(data, true)
      checkVersion(expectedVersion, true)
      const ttlMs = readTTL(setOptions)
      return storage.transaction(async (txn) => {
        const current = live(await txn.get(prefix + key))
        if ((current?.v ?? null) !== expectedVersion) return false
        const next = nextSlot(data, expectedVersion, ttlMs, now())
        await txn.put(prefix + key, next)
        return true
      })
    },
    async delete(key: string, expectedVersion: number) {
      checkKey(key, true)
      checkVersion(expectedVersion, false)
      return storage.transaction(async (txn) => {
        if (live(await txn.get(prefix + key))?.v !== expectedVersion) return false
        await txn.delete(prefix + key)
        return true
      })
    },
    async purgeExpired() {
      let removed = 0
      let start: string | undefined
      for (;;) {
        const page = await storage.list({ prefix, limit: 256, ...(start === undefined ? {} : { start }) })
        const expired = [...page].filter(([, value]) => slotOf(value, NOT_A_RECORD) !== null && live(value) === null)
        for (const [key] of expired) {
          // Re-checked inside a transaction: a record re-created since the listing is kept.
          const gone = await storage.transaction(async (txn) => {
            const value = await txn.get(key)
            if (slotOf(value, NOT_A_RECORD) === null || live(value) !== null) return false
            return txn.delete(key)
          })
          if (gone) removed++
        }
        if (page.size < 256) return removed
        start = `${[...page.keys()].at(-1)}\u0000`
      }
    },
  }
}
