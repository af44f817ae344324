// A cache of promised values (imported or derived keys, prepared signers) that forgets a rejected promise, so one
// failed import or derivation is tried again on the next call rather than failing for ever. Not API.

/** A map from key to a promised value, bounded: past `max` entries the oldest goes. */
export interface PromiseCache<V> {
  /** The cached promise of `key`, or the one `make` returns (kept unless it rejects or gives a value not to keep). */
  get(key: string, make: () => Promise<V>): Promise<V>
}

/**
 * Creates a {@link PromiseCache}.
 *
 * @param max - most entries kept; past it the oldest is dropped (its next call makes again)
 * @param keep - whether a resolved value stays cached (default: every one); one that does not is made again next time,
 * as a rejected one is
 */
export function createPromiseCache<V>(
  max = Number.POSITIVE_INFINITY,
  keep: (value: V) => boolean = () => true,
): PromiseCache<V> {
  const entries = new Map<string, Promise<V>>()
  return {
    get(key, make) {
      let value = entries.get(key)
      if (value === undefined) {
        if (entries.size >= max) entries.delete(entries.keys().next().value as string)
        const made = make()
        const forget = () => {
          if (entries.get(key) === made) entries.delete(key)
        }
        made.then((result) => {
          if (!keep(result)) forget()
        }, forget)
        entries.set(key, made)
        value = made
      }
      return value
    },
  }
}
