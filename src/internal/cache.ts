// A cache of promised values (imported or derived keys, prepared signers) that forgets a rejected promise, so one
// failed import or derivation is tried again on the next call rather than failing for ever. Not API.

/** A map from key to a promised value, bounded: past `max` entries it starts over. */
export interface PromiseCache<V> {
  /** The cached promise of `key`, or the one `make` returns (kept until it rejects). */
  get(key: string, make: () => Promise<V>): Promise<V>
}

/**
 * Creates a {@link PromiseCache}.
 *
 * @param max - most entries kept; past it the cache is cleared (the next calls make again)
 */
export function createPromiseCache<V>(max = Number.POSITIVE_INFINITY): PromiseCache<V> {
  const entries = new Map<string, Promise<V>>()
  return {
    get(key, make) {
      let value = entries.get(key)
      if (value === undefined) {
        if (entries.size >= max) entries.clear()
        value = make()
        entries.set(key, value)
        value.catch(() => {
          if (entries.get(key) === value) entries.delete(key)
        })
      }
      return value
    },
  }
}
