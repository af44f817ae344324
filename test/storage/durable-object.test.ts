// durableObjectStore and sqlStore over D1 in real workerd (miniflare): the conformance suite through the RPC proxy (each call one
// request to the object), and concurrent requests racing mfa.verify inside one object. Faults: faults.test.ts.
import { runStoreConformance } from 'mfa-core/testing'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { registerRemoteRaces } from './harness/remote-race.js'
import { type DurableObjectWorker, startDurableObjectWorker } from './harness/workerd.js'

const servers = inject('storageServers')
const CI = Boolean(process.env.CI)
let worker: DurableObjectWorker
beforeAll(async () => {
  if (servers.workerd) worker = await startDurableObjectWorker()
})
afterAll(() => worker?.cleanup())

describe.skipIf(!servers.workerd)('durableObjectStore in workerd (SQLite-backed object)', () => {
  runStoreConformance(() => worker.store, { test, expect, writers: CI ? 64 : 32 })
})

describe.skipIf(!servers.workerd)('mfa.verify inside one Durable Object, many concurrent requests', () => {
  registerRemoteRaces('Durable Object', () => ({ store: worker.store, verifiers: [worker.verify] }), CI ? 200 : 64, 8)
})

describe.skipIf(!servers.workerd)('sqlStore on Cloudflare D1 (sqlite dialect) in workerd', () => {
  runStoreConformance(() => worker.d1, { test, expect, writers: CI ? 64 : 32 })
  registerRemoteRaces('D1', () => ({ store: worker.d1, verifiers: [worker.d1Verify] }), CI ? 200 : 64, 8)
})
