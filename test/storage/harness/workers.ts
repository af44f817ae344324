// Bundles mfa-worker.ts with esbuild (mfa-core resolved to src/ or dist/ like vitest does, drivers left external)
// and forks app-server processes from it.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import type { Backend } from '../clients.js'
import type { FromWorker, ToWorker } from './mfa-worker.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
let bundled: Promise<string> | undefined

const runtimeBundles = new Map<string, Promise<string>>()

/**
 * Bundles a script for another runtime (workerd, Deno) as one neutral ES module, mfa-core resolved to src/ or dist/
 * as MFA_STORAGE_TARGET says, the runtime's own modules (`cloudflare:workers`) left to it; once per script and
 * process. `script` is a harness script's name, or a path from the repository's root. Returns the bundle's path.
 */
export function bundleForRuntime(script: string): Promise<string> {
  let bundled = runtimeBundles.get(script)
  if (!bundled) {
    bundled = (async () => {
      const outdir = join(root, 'node_modules/.cache/mfa-core-storage')
      mkdirSync(outdir, { recursive: true })
      const outfile = join(outdir, `${script.replace(/\W/g, '-')}-${process.pid}.mjs`)
      const target = process.env.MFA_STORAGE_TARGET === 'dist' ? 'dist' : 'src'
      const entriesURL = new URL('../../../entries.mjs', import.meta.url).href
      const entries = ((await import(entriesURL)) as { ENTRIES: Record<string, [string, string]> }).ENTRIES
      await build({
        entryPoints: [join(root, script.includes('/') ? script : `test/storage/harness/${script}.ts`)],
        outfile,
        bundle: true,
        platform: 'neutral',
        format: 'esm',
        target: 'es2022',
        logLevel: 'error',
        external: ['cloudflare:workers'],
        plugins: [mfaCorePlugin(entries, target)],
      })
      return outfile
    })()
    runtimeBundles.set(script, bundled)
  }
  return bundled
}

/** An esbuild plugin resolving `mfa-core[/sub]` to src/ or to the built dist/, like the vitest aliases. */
export function mfaCorePlugin(entries: Record<string, [string, string]>, target: 'src' | 'dist'): Plugin {
  return {
    name: 'mfa-core',
    setup(b) {
      b.onResolve({ filter: /^mfa-core(\/.*)?$/ }, (args) => {
        const entry = entries[args.path.slice('mfa-core'.length)]
        if (!entry) return { errors: [{ text: `unknown entry ${args.path}` }] }
        return { path: join(root, target === 'dist' ? `${entry[1]}.js` : entry[0]) }
      })
    },
  }
}

/** Builds the worker once per test process; the bundle lives under node_modules/.cache so drivers resolve. */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const outdir = join(root, 'node_modules/.cache/mfa-core-storage')
    mkdirSync(outdir, { recursive: true })
    const outfile = join(outdir, `mfa-worker-${process.pid}.mjs`)
    const target = process.env.MFA_STORAGE_TARGET === 'dist' ? 'dist' : 'src'
    // entries.mjs has no types: load it by URL and type what we use.
    const entriesURL = new URL('../../../entries.mjs', import.meta.url).href
    const entries = ((await import(entriesURL)) as { ENTRIES: Record<string, [string, string]> }).ENTRIES
    await build({
      entryPoints: [join(root, 'test/storage/harness/mfa-worker.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      external: ['pg', 'ioredis', 'redis', 'better-sqlite3', 'esbuild', 'mysql2', 'mysql2/promise'],
      plugins: [mfaCorePlugin(entries, target)],
    })
    return outfile
  })()
  return bundled
}

export interface WorkerPool {
  /** Points every worker at a store (closing the previous connection); the first call forks the processes. */
  use(backend: Backend): Promise<void>
  /** Runs `verify` in every worker at once (the messages go out back to back) and collects the tallies. */
  verifyAll(
    task: {
      userId: string
      code: string
      attempts: number
      parallel?: number
      now: number
      /** Check a verification code of this purpose instead of a login code. */
      purpose?: string
      policy?: Extract<ToWorker, { type: 'verify' }>['policy']
    },
    workers?: number,
  ): Promise<Extract<FromWorker, { type: 'done' }>[]>
  /** Sends `tasks[i]` to worker i, all at once, and collects the tallies in the same order. */
  runEach(
    tasks: { userId: string; code: string; attempts: number; parallel?: number; now: number; remove?: string }[],
  ): Promise<Extract<FromWorker, { type: 'done' }>[]>
  close(): Promise<void>
}

function nextMessage(child: ChildProcess): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      cleanup()
      if (message.type === 'failed') reject(new Error(`worker failed: ${message.message}`))
      else resolve(message)
    }
    const onExit = (code: number | null): void => {
      cleanup()
      reject(new Error(`worker exited with ${code}`))
    }
    const cleanup = (): void => {
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

/**
 * `count` app-server processes, each with its own connection to the store of the last `use`. One pool serves every
 * store of a suite: forking the processes costs more than the races themselves.
 */
export function workerPool(count: number): WorkerPool {
  let children: ChildProcess[] = []
  const send = (child: ChildProcess, message: ToWorker): void => {
    child.send(message)
  }
  const forked = (): ChildProcess[] => {
    if (children.length === 0) throw new Error('the worker pool has no store yet: call use(backend) first')
    return children
  }
  let id = 0
  return {
    async use(backend) {
      if (children.length === 0) {
        const file = await bundle()
        children = Array.from({ length: count }, () =>
          fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
        )
      }
      const ready = children.map(nextMessage)
      for (const child of children) send(child, { type: 'init', backend })
      await Promise.all(ready)
    },
    async verifyAll(task, workers = count) {
      const chosen = forked().slice(0, workers)
      const replies = chosen.map(nextMessage)
      const message: ToWorker = { type: 'verify', id: ++id, parallel: 4, ...task }
      for (const child of chosen) send(child, message)
      return (await Promise.all(replies)) as Extract<FromWorker, { type: 'done' }>[]
    },
    async runEach(tasks) {
      const chosen = forked().slice(0, tasks.length)
      const replies = chosen.map(nextMessage)
      chosen.forEach((child, i) => {
        send(child, { type: 'verify', id: ++id, parallel: 1, ...tasks[i]! })
      })
      return (await Promise.all(replies)) as Extract<FromWorker, { type: 'done' }>[]
    },
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve()
              const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
              child.once('exit', () => {
                clearTimeout(timer)
                resolve()
              })
              send(child, { type: 'exit' })
            }),
        ),
      )
    },
  }
}
