import { describe, OTPError } from '../errors.js'
import { checkData, checkKey, checkVersion, readTTL } from './check.js'
import type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The clock used for `ttlMs` expiry, in milliseconds since the Unix epoch (default `Date.now`). */
  now?: () => number
}

interface Slot {
  data: string
  version: number
  expiresAt: number | undefined
}

/**
 * Creates an in-memory {@link MFAStore}: the default store of the MFA service, for tests, demos and single-process
 * applications.
 *
 * Each operation runs to completion without awaiting anything in between, so compare-and-set is exact within the
 * process. `ttlMs` is honoured lazily: an expired record is absent to every operation and removed when next touched.
 *
 * > [!WARNING]
 * > Records live in this process only and vanish when it exits. With more than one app server, use a shared store
 * > (`mfa-core/storage/sql` or `mfa-core/storage/redis`), or replay protection and throttling hold per server only.
 *
 * @param options.now - the clock for expiry (default `Date.now`)
 * @returns a new, empty store
 * @throws OTPError `ERR_INVALID_OPTION` when `now` is not a function; the store's methods throw it on misuse
 * @example
 * const mfa = createMFA({ store: memoryStore(), issuer: 'Example Cloud' })
 * @see MFAStore for the contract
 */
export function memoryStore(options: MemoryStoreOptions = {}): MFAStore {
  const now = options.now ?? Date.now
  if (typeof now !== 'function') {
    throw new OTPError('ERR_INVALID_OPTION', `memoryStore now must be a function, got ${describe(now)}`)
  }
  const slots = new Map<string, Slot>()

  const live = (key: string): Slot | undefined => {
    const slot = slots.get(key)
    if (slot?.expiresAt !== undefined && now() >= slot.expiresAt) {
      slots.delete(key)
      return undefined
    }
    return slot
  }

  return {
    async get(key: string): Promise<MFAStoreEntry | null> {
      checkKey(key, false)
      const slot = live(key)
      return slot ? { data: slot.data, version: slot.version } : null
    },
    async set(key: string, data: string, expectedVersion: number | null, setOptions?: MFAStoreSetOptions) {
      checkKey(key, false)
      checkData(data, false)
      checkVersion(expectedVersion, true)
      const ttl = readTTL(setOptions)
      const slot = live(key)
      if ((slot?.version ?? null) !== expectedVersion) return false
      const expiresAt = ttl === undefined ? undefined : now() + ttl
      slots.set(key, { data, version: (expectedVersion ?? 0) + 1, expiresAt })
      return true
    },
    async delete(key: string, expectedVersion: number) {
      checkKey(key, false)
      checkVersion(expectedVersion, false)
      const slot = live(key)
      if (slot === undefined || slot.version !== expectedVersion) return false
      slots.delete(key)
      return true
    },
  }
}
