// Runs durable-object-worker.ts in real workerd through miniflare, with the object's storage and D1 persisted in a temp
// dir (so the fault suite can stop the runtime and start it again on the same data).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { fetchPost, type Post, remoteStore, remoteVerify } from './rpc.js'
import { mfaCorePlugin } from './workers.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
let bundled: Promise<string> | undefined

function bundle(): Promise<string> {
  bundled ??= (async () => {
    const outdir = join(root, 'node_modules/.cache/mfa-core-storage')
    mkdirSync(outdir, { recursive: true })
    const outfile = join(outdir, `durable-object-worker-${process.pid}.mjs`)
    const target = process.env.MFA_STORAGE_TARGET === 'dist' ? 'dist' : 'src'
    const entriesURL = new URL('../../../entries.mjs', import.meta.url).href
    const entries = ((await import(entriesURL)) as { ENTRIES: Record<string, [string, string]> }).ENTRIES
    await build({
      entryPoints: [join(root, 'test/storage/harness/durable-object-worker.ts')],
      outfile,
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      target: 'es2022',
      logLevel: 'error',
      plugins: [mfaCorePlugin(entries, target)],
    })
    return outfile
  })()
  return bundled
}

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
  const scriptPath = await bundle()
  const dir = mkdtempSync(join(tmpdir(), 'mfa-do-'))
  let mf: Miniflare | null = null
  let url = 'http://127.0.0.1:1/'
  const start = async () => {
    if (mf) return
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
