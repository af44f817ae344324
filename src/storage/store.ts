/**
 * Options of one {@link MFAStore.set} call.
 */
export interface MFAStoreSetOptions {
  /**
   * A lifetime hint in milliseconds (a positive number): the store may drop the record once this much time has
   * passed since this `set`, and must never drop it earlier. A `set` without `ttlMs` makes the record permanent
   * again (it clears an earlier expiry). Once dropped, the record is absent for every operation: `get` returns
   * `null`, `set(key, data, null)` creates it anew at version 1, and a write or delete naming its old version fails.
   *
   * The MFA service passes it only for records that hold nothing but a pending enrollment, so an expired record
   * can never take replay or throttling state with it. Stores without expiry may ignore it; the service checks
   * expiry times inside the record itself either way.
   */
  ttlMs?: number
}

/** What {@link MFAStore.get} returns for a present record. */
export interface MFAStoreEntry {
  /** The record exactly as it was written (the store never parses it). */
  data: string
  /** The record's version: 1 after creation, plus 1 after each successful `set`. */
  version: number
}

/**
 * The compare-and-set key-value store that the MFA service keeps its records in: the one thing an application
 * provides to run on its own database.
 *
 * The contract, which `runStoreConformance` from `mfa-core/testing` checks:
 * - A record is a string (`data`, opaque to the store, kept byte for byte) with a `version`, a safe integer.
 *   Versions start at 1 when a record is created and grow by exactly 1 with each successful `set`.
 * - `set(key, data, null)` creates the record only if it is absent; `set(key, data, v)` replaces it only if its
 *   current version is `v`; `delete(key, v)` removes it only if its current version is `v`. Each is atomic with
 *   respect to every other operation on the same key, from any process: of several writers naming the same version,
 *   exactly one succeeds. A write that fails (returns `false`) changes nothing.
 * - Keys are independent of each other and compared exactly (no case folding, no Unicode normalisation, no
 *   trailing-space trimming).
 * - Failures of the store itself (connection lost, timeout, server error) are thrown as errors, never returned as
 *   `false` or `null`. The MFA service turns them into `OTPError` `ERR_STORAGE` and fails closed. Developer misuse
 *   (a non-string key or data, a version that is not a positive safe integer, a bad `ttlMs`) throws `OTPError`
 *   `ERR_INVALID_OPTION`.
 *
 * > [!WARNING]
 * > A deleted or expired record that is created again starts over at version 1. A writer that read version `v`
 * > before the deletion and writes after the new record has reached `v` again would succeed (the ABA case). The MFA
 * > service reads and writes within milliseconds, and deletion happens only on disable and reset.
 *
 * @example
 * // The smallest correct adapter, over a Map in one process (see memoryStore for the real one):
 * const map = new Map<string, MFAStoreEntry>()
 * const store: MFAStore = {
 *   async get(key) { return map.get(key) ?? null },
 *   async set(key, data, expectedVersion) {
 *     if ((map.get(key)?.version ?? null) !== expectedVersion) return false
 *     map.set(key, { data, version: (expectedVersion ?? 0) + 1 })
 *     return true
 *   },
 *   async delete(key, expectedVersion) {
 *     if (map.get(key)?.version !== expectedVersion) return false
 *     return map.delete(key)
 *   },
 * }
 * @see docs/storage.md for the record schema, the adapters and their guarantees
 */
export interface MFAStore {
  /**
   * Reads a record.
   *
   * @param key - the record's key (the service derives it from the user id)
   * @returns the record and its version, or `null` when it is absent or expired
   * @throws whatever the underlying client throws when the store is unreachable or fails
   */
  get(key: string): Promise<MFAStoreEntry | null>
  /**
   * Writes a record if, and only if, its current version is `expectedVersion` (compare-and-set).
   *
   * @param key - the record's key
   * @param data - the new record, stored exactly
   * @param expectedVersion - the version read before, or `null` to require that the record is absent
   * @param options.ttlMs - a lifetime hint in milliseconds, see {@link MFAStoreSetOptions.ttlMs}
   * @returns `true` when written (the version is now `expectedVersion + 1`, or 1 for a new record); `false` when the
   *   version did not match, in which case nothing changed
   * @throws OTPError `ERR_INVALID_OPTION` on misuse; whatever the client throws when the store fails
   */
  set(key: string, data: string, expectedVersion: number | null, options?: MFAStoreSetOptions): Promise<boolean>
  /**
   * Removes a record if, and only if, its current version is `expectedVersion`.
   *
   * @param key - the record's key
   * @param expectedVersion - the version read before
   * @returns `true` when removed; `false` when absent or at another version, in which case nothing changed
   * @throws OTPError `ERR_INVALID_OPTION` on misuse; whatever the client throws when the store fails
   */
  delete(key: string, expectedVersion: number): Promise<boolean>
}
