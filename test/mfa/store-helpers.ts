import type { MFAStore } from 'mfa-core'

/** A minimal compare-and-set store over a Map, with switches to make it fail or conflict. */
export function testStore() {
  const map = new Map<string, { data: string; version: number }>()
  const faults = { throwOn: new Set<'get' | 'set' | 'delete'>(), conflictAlways: false }
  const fail = (op: 'get' | 'set' | 'delete') => {
    if (faults.throwOn.has(op)) throw new Error(`simulated ${op} outage`)
  }
  const store: MFAStore = {
    async get(key) {
      fail('get')
      const e = map.get(key)
      return e ? { ...e } : null
    },
    async set(key, data, expectedVersion) {
      fail('set')
      if (faults.conflictAlways) return false
      if ((map.get(key)?.version ?? null) !== expectedVersion) return false
      map.set(key, { data, version: (expectedVersion ?? 0) + 1 })
      return true
    },
    async delete(key, expectedVersion) {
      fail('delete')
      if (faults.conflictAlways) return false
      if (map.get(key)?.version !== expectedVersion) return false
      return map.delete(key)
    },
  }
  return { store, map, faults }
}
