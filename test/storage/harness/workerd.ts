// Runs durable-object-worker.ts in real workerd through miniflare (from test/runtimes/, see tools.mjs there), with the object's storage and D1 persisted in a temp
// dir (so the fault suite can stop the runtime and start it again on the same data).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importMiniflare, type Miniflare } from '../../runtimes/tools.mjs'
import { fetchPost, type Post, remoteStore, remoteVerify } from './rpc.js'
import { bundleForRuntime } from './workers.js'

export interface DurableObjectWorker {
  /** An MFAStore proxy: each call is one request to the worker, run by durableObjectStore in the object. */
  store: ReturnType<typeof remoteStore>
  /** mfa.verify run inside the object. */
  verify(userId: string, code: string, now: number): ReturnType<typeof remoteVerify>
  /** An MFAStore proxy to sqlStore over D1, run in the worker. */
  d1: ReturnType<typeof remoteStore>
  /** mfa.verify run in the worker over D1. */
  d1Verify(userId: string, code: string, now: number): ReturnType<typeof remoteVerify>
  /** The bare read and compare-and-set on the object's storage, without mfa-core (for bench/storage.mjs). */
  raw: {
    read(key: string): Promise<{ data: string; version: number }>
    cas(key: string, data: string, version: number): Promise<boolean>
  }
  /** Stops workerd (the data stays on disk); calls fail until start(). */
  stop(): Promise<void>
  start(): Promise<void>
  cleanup(): Promise<void>
}

export async function startDurableObjectWorker(): Promise<DurableObjectWorker> {
  const scriptPath = await bundleForRuntime('durable-object-worker')
  const dir = mkdtempSync(join(tmpdir(), 'mfa-do-'))
  let mf: Miniflare | null = null
  let url = 'http://127.0.0.1:1/'
  const start = async () => {
    if (mf) return
    const { Miniflare } = await importMiniflare()
    mf = new Miniflare({
      modules: true,
      scriptPath,
      compatibilityDate: '2025-09-01',
      durableObjects: { MFA: { className: 'MFAStoreObject', useSQLite: true } },
      durableObjectsPersist: dir,
      d1Databases: ['DB'],
      d1Persist: dir,
    })
    url = (await mf.ready).href
  }
  const stop = async () => {
    const running = mf
    mf = null
    url = 'http://127.0.0.1:1/'
    await running?.dispose()
  }
  await start()
  const post: Post = fetchPost(() => `${url}do`)
  const d1Post: Post = fetchPost(() => `${url}d1`)
  return {
    store: remoteStore(post),
    verify: (userId, code, now) => remoteVerify(post, userId, code, now),
    d1: remoteStore(d1Post),
    raw: {
      read: async (key) => (await post({ op: 'raw-get', key } as never)) as never,
      cas: async (key, data, version) =>
        ((await post({ op: 'raw-cas', key, data, version } as never)) as unknown as { won: boolean }).won,
    },
    d1Verify: (userId, code, now) => remoteVerify(d1Post, userId, code, now),
    stop,
    start,
    async cleanup() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
