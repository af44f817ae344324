// Starts Deno processes serving denoKvStore over one KV file (rpc.ts), with the `deno` of the runtime tools
// (test/runtimes/package.json).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runtimeToolPath } from '../../runtimes/tools.mjs'
import { fetchPost, remoteStore, remoteVerify } from './rpc.js'
import { freePort } from './servers.mjs'
import { bundleForRuntime } from './workers.js'

const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }

/**
 * The deno binary of the runtime tools, if it runs here. The executable itself, not node_modules/.bin/deno (a Node
 * shim that spawns it): killing the shim would leave Deno running.
 */
export function findDeno(): string | null {
  const candidates = process.env.DENO_BIN
    ? [process.env.DENO_BIN]
    : [runtimeToolPath('deno/deno'), runtimeToolPath('@deno/linux-x64-glibc/deno')]
  const bin = candidates.find((path) => existsSync(path))
  if (!bin) return null
  return spawnSync(bin, ['--version'], { env, encoding: 'utf8' }).status === 0 ? bin : null
}

export interface DenoKvProcesses {
  /** The KV file (SQLite). */
  file: string
  /** A proxy store through process 0. */
  store: ReturnType<typeof remoteStore>
  /** A proxy store through each process. */
  stores: ReturnType<typeof remoteStore>[]
  /** mfa.verify in each process. */
  verifiers: ((userId: string, code: string, now: number) => ReturnType<typeof remoteVerify>)[]
  /** Kills every process (SIGKILL); calls fail until start(). */
  stop(): Promise<void>
  start(): Promise<void>
  cleanup(): Promise<void>
}

/** Starts `count` Deno processes on one KV file in a temp dir. */
export async function startDenoKv(bin: string, count: number): Promise<DenoKvProcesses> {
  const script = await bundleForRuntime('deno-kv-server')
  const dir = mkdtempSync(join(tmpdir(), 'mfa-denokv-'))
  const file = join(dir, 'kv.sqlite3')
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()))
  let children: ChildProcess[] = []
  const start = async () => {
    if (children.length > 0) return
    const launch = (port: number) =>
      spawn(
        bin,
        [
          'run',
          '--unstable-kv',
          `--allow-read=${dir}`,
          `--allow-write=${dir}`,
          '--allow-net=127.0.0.1',
          script,
          file,
          String(port),
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      )
    const ready = (child: ChildProcess) =>
      new Promise<void>((resolve, reject) => {
        let log = ''
        const timer = setTimeout(() => reject(new Error(`deno did not start: ${log}`)), 30_000)
        child.stdout?.on('data', (chunk) => {
          if (String(chunk).includes('ready')) {
            clearTimeout(timer)
            resolve()
          }
        })
        child.stderr?.on('data', (chunk) => {
          log = (log + chunk).slice(-2000)
        })
        child.once('exit', (code) => {
          clearTimeout(timer)
          reject(new Error(`deno exited with ${code}: ${log}`))
        })
      })
    // The first process creates the file; the others open it once it exists (and retry a lock themselves).
    const first = launch(ports[0]!)
    children = [first]
    await ready(first)
    const rest = ports.slice(1).map(launch)
    children.push(...rest)
    await Promise.all(rest.map(ready))
  }
  const stop = async () => {
    const running = children
    children = []
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            child.once('exit', () => resolve())
            child.kill('SIGKILL')
          }),
      ),
    )
  }
  await start()
  const posts = ports.map((port) => fetchPost(() => `http://127.0.0.1:${port}/`))
  const stores = posts.map((post) => remoteStore(post))
  return {
    file,
    store: stores[0]!,
    stores,
    verifiers: posts.map(
      (post) => (userId: string, code: string, now: number) => remoteVerify(post, userId, code, now),
    ),
    stop,
    start,
    async cleanup() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
