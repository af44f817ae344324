// Records already read or written by this service, by store key and the exact text stored there: parsed, checked
// (schema, secrets admitted, MAC verified) and frozen, so a login that reads back what the last one wrote does not
// parse, check or verify it again. Only what the text alone decides is kept: a text not seen here (another process
// wrote, the record changed, the entry was evicted) is read in full, and the store's compare-and-set on the version
// still decides every write.
import type { MFARecord } from './shapes.js'

/** Parsed and checked records, by store key; each kept with the text it was read from or written as. */
export interface RecordCache {
  /** The record that `data` at `storeKey` stands for, when this exact text was checked there before. */
  get(storeKey: string, data: string): MFARecord | undefined
  /** Keeps `record` (frozen here) as what `data` at `storeKey` stands for; `data` must be its stored text. */
  put(storeKey: string, data: string, record: MFARecord): void
}

/**
 * Freezes `value` and everything it holds, so a cached record cannot be changed through any reference to it. A part
 * already frozen is skipped: only this module freezes record parts, and it freezes each whole (a record written
 * after a cached one shares its unchanged parts with it).
 */
function deepFreeze<T extends object>(value: T): T {
  if (Object.isFrozen(value)) return value
  for (const part of Object.values(value)) if (typeof part === 'object' && part !== null) deepFreeze(part)
  return Object.freeze(value)
}

/**
 * Creates a {@link RecordCache}.
 *
 * @param max - most store keys kept; past it the one written least lately is dropped
 */
export function createRecordCache(max: number): RecordCache {
  const entries = new Map<string, { data: string; record: MFARecord }>()
  return {
    get(storeKey, data) {
      const entry = entries.get(storeKey)
      return entry !== undefined && entry.data === data ? entry.record : undefined
    },
    put(storeKey, data, record) {
      entries.delete(storeKey)
      if (entries.size >= max) entries.delete(entries.keys().next().value as string)
      entries.set(storeKey, { data, record: deepFreeze(record) })
    },
  }
}
