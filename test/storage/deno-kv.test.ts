// denoKvStore on a file-backed Deno KV, several Deno processes on one file. The local backend (SQLite) answers
// "database is locked" to a process whose commit meets another process's write lock: the store throws, and the
// service fails closed (ERR_STORAGE). So: the conformance suite (which wants every racer to answer true or false)
// runs its concurrent calls within one process; the valid-code race runs across every process (exactly one
// acceptance, the rest refused or ERR_STORAGE); the exact failure count runs concurrent requests in one process.
// Deno Deploy's KV is another backend (no file locks). Faults: faults.test.ts.
// (So the conformance suite and the exact failure count run against one process with concurrent requests.)
import type { MFAStore } from 'mfa-core'
import { runStoreConformance } from 'mfa-core/testing'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { type DenoKvProcesses, startDenoKv } from './harness/deno.js'
import { registerRemoteRaces } from './harness/remote-race.js'
import { enroll } from './helpers.js'

const servers = inject('storageServers')
const CI = Boolean(process.env.CI)
const PROCESSES = 4

describe.skipIf(!servers.deno)('denoKvStore, one Deno process on a KV file (concurrent requests)', () => {
  let deno: DenoKvProcesses
  beforeAll(async () => {
    deno = await startDenoKv(servers.deno!, 1)
  })
  afterAll(() => deno?.cleanup())

  // Deno KV holds at most 64 KiB per value: the large-record test uses 16 000 characters (up to 4 bytes each).
  runStoreConformance((): MFAStore => deno.store, { test, expect, writers: CI ? 64 : 32, largeSize: 16_000 })
  registerRemoteRaces('Deno KV, one process', () => deno, CI ? 200 : 64, 8)
})

describe.skipIf(!servers.deno)(`denoKvStore, ${PROCESSES} Deno processes on one KV file`, () => {
  let deno: DenoKvProcesses
  beforeAll(async () => {
    deno = await startDenoKv(servers.deno!, PROCESSES)
  })
  afterAll(() => deno?.cleanup())

  test('every process sees every commit of the others; stale versions are refused in each', async () => {
    const key = `cross-${Date.now()}`
    expect(await deno.stores[0]!.set(key, 'a', null)).toBe(true)
    for (const [i, store] of deno.stores.entries()) {
      expect(await store.get(key)).toEqual({ data: i === 0 ? 'a' : `from-${i - 1}`, version: i + 1 })
      expect(await store.set(key, `from-${i}`, i + 1)).toBe(true)
      expect(await store.set(key, 'stale', i + 1)).toBe(false)
    }
  })

  test(`${CI ? 200 : 64} verify of one valid code spread over ${PROCESSES} processes: exactly one is accepted`, async () => {
    const userId = `deno-multi-${Date.now()}`
    const user = await enroll(deno.store, userId)
    const requests = CI ? 200 : 64
    const replies = await Promise.all(
      Array.from({ length: requests }, (_, i) => deno.verifiers[i % PROCESSES]!(userId, user.loginCode, user.loginAt)),
    )
    expect(replies.filter((r) => 'ok' in r.verified && r.verified.ok).length).toBe(1)
    // "database is locked" from another process's write lock fails closed as ERR_STORAGE; nothing else may happen.
    const errors = replies.flatMap((r) => ('error' in r.verified ? [r.verified.error] : []))
    expect(errors.filter((code) => code !== 'ERR_STORAGE')).toEqual([])
    const reasons = replies.flatMap((r) => ('reason' in r.verified ? [r.verified.reason] : []))
    expect(reasons.filter((r) => r !== 'replayed' && r !== 'locked')).toEqual([])
    expect((await user.mfa.verify(userId, user.loginCode)).ok).toBe(false)
    console.info(`Deno KV, ${PROCESSES} processes: ${errors.length} of ${requests} failed closed (database is locked)`)
  })
})
