// The conformance suite must be able to fail: broken stores, each with one classic bug, are run through it with a
// collecting `test`, and the tests that should catch the bug do. Also runs the suite under node:test, which uses
// the built-in assertions (no expect passed).
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { type MFAStore, type MFAStoreEntry, memoryStore } from 'mfa-core'
import { runStoreConformance } from 'mfa-core/testing'
import { describe, expect, test } from 'vitest'

async function failuresOf(makeStore: () => MFAStore): Promise<string[]> {
  const tests: { name: string; fn: () => Promise<void> }[] = []
  runStoreConformance(makeStore, { test: (name, fn) => tests.push({ name, fn }), writers: 16, name: 'x' })
  const failed: string[] = []
  for (const t of tests) {
    try {
      await t.fn()
    } catch {
      failed.push(t.name.slice('x: '.length))
    }
  }
  return failed
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/** Reads, awaits, then writes: the check-then-save race. */
function racyStore(): MFAStore {
  const map = new Map<string, MFAStoreEntry>()
  return {
    async get(key) {
      return map.get(key) ?? null
    },
    async set(key, data, expected) {
      const current = map.get(key)?.version ?? null
      await tick()
      if (current !== expected) return false
      map.set(key, { data, version: (expected ?? 0) + 1 })
      return true
    },
    async delete(key, expected) {
      const current = map.get(key)?.version
      await tick()
      return current === expected && map.delete(key)
    },
  }
}

/** Wraps the memory store with a key transform (a collation that folds case or trims). */
function foldingStore(fold: (key: string) => string): MFAStore {
  const inner = memoryStore()
  return {
    get: (key) => inner.get(fold(key)),
    set: (key, data, expected, options) => inner.set(fold(key), data, expected, options),
    delete: (key, expected) => inner.delete(fold(key), expected),
  }
}

describe('runStoreConformance catches broken stores', () => {
  test('a correct store passes everything', async () => {
    expect(await failuresOf(() => memoryStore())).toEqual([])
  })

  test('a read-then-write store fails the concurrency tests', async () => {
    const failed = await failuresOf(racyStore)
    expect(failed).toEqual(expect.arrayContaining([expect.stringMatching(/concurrent creators/)]))
    expect(failed).toEqual(expect.arrayContaining([expect.stringMatching(/read-modify-write/)]))
  })

  test('case folding, trimming or normalising keys fails the look-alike keys test', async () => {
    const folds = [(k: string) => k.toLowerCase(), (k: string) => k.trimEnd(), (k: string) => k.normalize('NFC')]
    const results = await Promise.all(folds.map((fold) => failuresOf(() => foldingStore(fold))))
    for (const failed of results) expect(failed).toContain('unicode and look-alike keys are exact and distinct')
  })

  test('a store that truncates data, ignores versions or never expires is caught', async () => {
    const truncating = (): MFAStore => {
      const inner = memoryStore()
      return { ...inner, set: (k, d, v, o) => inner.set(k, d.slice(0, 65_535), v, o) }
    }
    const blind = (): MFAStore => {
      const inner = memoryStore()
      return {
        ...inner,
        set: async (k, d, v) => {
          const current = await inner.get(k)
          return inner.set(k, d, v === null ? null : (current?.version ?? v))
        },
      }
    }
    const immortal = (): MFAStore => {
      const inner = memoryStore()
      return { ...inner, set: (k, d, v) => inner.set(k, d, v) }
    }
    const [truncated, blinded, immortalised] = await Promise.all([
      failuresOf(truncating),
      failuresOf(blind),
      failuresOf(immortal),
    ])
    expect(truncated).toContain('large records round-trip and update exactly')
    expect(blinded).toContain('set with the current version adds one; stale and future versions change nothing')
    expect(immortalised.some((name) => name.startsWith('ttlMs'))).toBe(true)
  })

  test('a store whose set() or delete() answers anything but true or false is caught', async () => {
    // The sloppy adapter of issue 14 item 7: a truthy object on conflict, which a `if (won)` would take as a win.
    const answering =
      (conflict: unknown, deleted: unknown = true): (() => MFAStore) =>
      () => {
        const inner = memoryStore()
        return {
          get: (k) => inner.get(k),
          set: async (k, d, v, o) => ((await inner.set(k, d, v, o)) ? true : conflict) as boolean,
          delete: async (k, v) => ((await inner.delete(k, v)) ? deleted : false) as boolean,
        }
      }
    const objectOnConflict = await failuresOf(answering({ conflict: true }))
    expect(objectOnConflict).toContain('set and delete answer true or false, nothing else')
    expect(objectOnConflict).toEqual(expect.arrayContaining([expect.stringMatching(/concurrent creators/)]))
    for (const conflict of [0, null, undefined, 'conflict']) {
      expect(await failuresOf(answering(conflict))).toContain('set and delete answer true or false, nothing else')
    }
    const truthyDelete = await failuresOf(answering(false, 1))
    expect(truthyDelete).toContain('set and delete answer true or false, nothing else')
  })
})

test('runs under node:test with its built-in assertions', async () => {
  const dir = join(process.cwd(), 'node_modules/.cache/mfa-core-storage')
  mkdirSync(dir, { recursive: true })
  const entry = join(dir, `node-test-entry-${process.pid}.ts`)
  const outfile = join(dir, `node-test-${process.pid}.mjs`)
  const src = (path: string) => JSON.stringify(join(process.cwd(), path))
  writeFileSync(
    entry,
    `import { test } from 'node:test'
import { memoryStore } from ${src('src/storage/memory.ts')}
import { runStoreConformance } from ${src('src/testing/index.ts')}
runStoreConformance(() => memoryStore(), { test })
`,
  )
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', logLevel: 'error' })
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', outfile], { encoding: 'utf8' })
  expect(run.stdout).toMatch(/# fail 0/)
  expect(run.stdout).toMatch(/# pass 18/)
  expect(run.status).toBe(0)
})
