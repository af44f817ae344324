// A store that counts the compare-and-set writes it loses: proof that concurrent requests really raced. Web-standard
// code only: the worker processes (mfa-worker.ts) and the remote runtimes (rpc.ts, in workerd and Deno) bundle it.
import type { MFAStore } from 'mfa-core'

/** `store` unchanged, except that every `set` answering anything but true (a lost compare-and-set) is counted. */
export function countingStore(store: MFAStore): { store: MFAStore; readonly lost: number } {
  let lost = 0
  return {
    store: {
      get: (key) => store.get(key),
      delete: (key, version) => store.delete(key, version),
      set: async (key, data, version, options) => {
        const written = await store.set(key, data, version, options)
        if (written !== true) lost++
        return written
      },
    },
    get lost() {
      return lost
    },
  }
}
