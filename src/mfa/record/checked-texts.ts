// The record texts this service has already checked, by store key: the last text read or written there, parsed and
// found valid (schema, secrets admitted, MAC verified). A login that reads back what the last one wrote parses it
// again (fresh objects: nothing a caller does can reach another read) but neither checks nor verifies it again. A
// text not seen here (another process wrote, the record changed, the entry was evicted) is read in full, and the
// store's compare-and-set on the version still decides every write.

/** The last text checked at each store key. */
export interface CheckedTexts {
  /** Whether `data` is exactly the text last checked at `storeKey`. */
  has(storeKey: string, data: string): boolean
  /** Notes `data` as checked at `storeKey` (replacing the text noted there before). */
  add(storeKey: string, data: string): void
}

/**
 * Creates a {@link CheckedTexts}.
 *
 * @param max - most store keys kept; past it the one noted least lately is dropped
 */
export function createCheckedTexts(max: number): CheckedTexts {
  const texts = new Map<string, string>()
  return {
    has: (storeKey, data) => texts.get(storeKey) === data,
    add(storeKey, data) {
      texts.delete(storeKey)
      if (texts.size >= max) texts.delete(texts.keys().next().value as string)
      texts.set(storeKey, data)
    },
  }
}
