import { describe, OTPError } from '../errors.js'
import { checkData, checkKey, checkVersion, readTTL } from './check.js'
import { isLive, nextSlot, slotOf } from './slot.js'
import type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

export type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

/**
 * A Deno KV key part that {@link denoKvStore} accepts in a prefix.
 *
 * @example
 * const prefix: DenoKvKeyPart[] = ['app', 'mfa']
 */
export type DenoKvKeyPart = string | number | bigint | boolean | Uint8Array

/**
 * A check of {@link DenoKvAtomicLike.check}: the key's versionstamp must still be this (`null`: absent).
 *
 * @example
 * const check: DenoKvCheck = { key: ['mfa-store', 'mfa:alice'], versionstamp: null }
 */
export interface DenoKvCheck {
  key: readonly DenoKvKeyPart[]
  versionstamp: string | null
}

/**
 * The part of `Deno.AtomicOperation` that {@link denoKvStore} uses.
 *
 * @example
 * const atomic: DenoKvAtomicLike = kv.atomic()
 */
export interface DenoKvAtomicLike {
  check(...checks: DenoKvCheck[]): DenoKvAtomicLike
  set(key: readonly DenoKvKeyPart[], value: unknown, options?: { expireIn?: number }): DenoKvAtomicLike
  delete(key: readonly DenoKvKeyPart[]): DenoKvAtomicLike
  commit(): Promise<{ ok: boolean }>
}

/**
 * The part of `Deno.Kv` (from `Deno.openKv()`) that {@link denoKvStore} uses.
 *
 * @example
 * const kv: DenoKvLike = await Deno.openKv()
 */
export interface DenoKvLike {
  get(key: readonly DenoKvKeyPart[]): Promise<{ value: unknown; versionstamp: string | null }>
  atomic(): DenoKvAtomicLike
}

/**
 * Options of {@link denoKvStore}.
 *
 * @example
 * const store = denoKvStore(kv, { prefix: ['app', 'mfa'] })
 */
export interface DenoKvStoreOptions {
  /** The key parts every record's key starts with (default `['mfa-store']`). */
  prefix?: readonly DenoKvKeyPart[]
  /** The clock for `ttlMs` expiry, in milliseconds since the Unix epoch (default `Date.now`). */
  now?: () => number
}

const NOT_A_RECORD = 'the Deno KV entry is not a store record'

/**
 * Creates an {@link MFAStore} over Deno KV (`Deno.openKv()`: a local SQLite file, or Deno Deploy's global store).
 *
 * Every write is one atomic operation: the entry is read, and the write commits only if its `versionstamp` is
 * still the one read (`kv.atomic().check({ key, versionstamp })`), so of several writers naming one version exactly
 * one commits, across processes and regions. Reads are strongly consistent (the default). `ttlMs` is kept in the
 * record and checked on every read; it is also passed as `expireIn`, so Deno KV deletes the entry some time later.
 *
 * > [!WARNING]
 * > Deno KV limits a value to 64 KiB and a key to 2 KiB (MFA records are well under 1 KiB). Opening KV needs
 * > `--unstable-kv` outside Deno Deploy.
 *
 * @param kv - the database, from `await Deno.openKv()` (or `Deno.openKv(path)` for a local file)
 * @param options.prefix - key parts in front of every record's key (default `['mfa-store']`)
 * @param options.now - the clock for expiry (default `Date.now`)
 * @returns the store
 * @throws OTPError `ERR_INVALID_OPTION` when `kv` lacks `get` or `atomic`, or for a bad option
 * @example
 * const kv = await Deno.openKv()
 * const mfa = createMFA({ store: denoKvStore(kv), issuer: 'Example Cloud' })
 * @see docs/storage.md for the wiring
 */
export function denoKvStore(kv: DenoKvLike, options: DenoKvStoreOptions = {}): MFAStore {
  if (typeof kv?.get !== 'function' || typeof kv?.atomic !== 'function') {
    throw new OTPError('ERR_INVALID_OPTION', `denoKvStore needs a Deno.Kv (from Deno.openKv()), got ${describe(kv)}`)
  }
  const prefix = options.prefix ?? ['mfa-store']
  if (!Array.isArray(prefix)) {
    throw new OTPError('ERR_INVALID_OPTION', `prefix must be an array of key parts, got ${describe(prefix)}`)
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') {
    throw new OTPError('ERR_INVALID_OPTION', `now must be a function, got ${describe(now)}`)
  }
  const keyOf = (key: string): DenoKvKeyPart[] => [...prefix, key]
  /** The entry at a key, and its record if live. */
  const read = async (key: string) => {
    const entry = await kv.get(keyOf(key))
    const slot = slotOf(entry.value, NOT_A_RECORD)
    return { versionstamp: entry.versionstamp, live: slot && isLive(slot, now()) ? slot : null }
  }

  return {
    async get(key: string): Promise<MFAStoreEntry | null> {
      checkKey(key, true)
      const { live } = await read(key)
      return live && { data: live.d, version: live.v }
    },
    async set(key: string, data: string, expectedVersion: number | null, setOptions?: MFAStoreSetOptions) {
      checkKey(key, true)
      checkData(data, true)
      checkVersion(expectedVersion, true)
      const ttlMs = readTTL(setOptions)
      const { versionstamp, live } = await read(key)
      if ((live?.v ?? null) !== expectedVersion) return false
      const next = nextSlot(data, expectedVersion, ttlMs, now())
      const result = await kv
        .atomic()
        .check({ key: keyOf(key), versionstamp })
        .set(keyOf(key), next, ttlMs === undefined ? {} : { expireIn: ttlMs })
        .commit()
      return result.ok === true
    },
    async delete(key: string, expectedVersion: number) {
      checkKey(key, true)
      checkVersion(expectedVersion, false)
      const { versionstamp, live } = await read(key)
      if (live?.v !== expectedVersion) return false
      const result = await kv
        .atomic()
        .check({ key: keyOf(key), versionstamp })
        .delete(keyOf(key))
        .commit()
      return result.ok === true
    },
  }
}
