// The package's entry points: one map read by tsup, vitest (to test src/ or dist/ under the published names),
// size-limit and the package checks. An entry whose source does not exist yet is skipped.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('.', import.meta.url))

/** subpath (as imported, after `mfa-core`) -> [source file, built file without extension] */
export const ENTRIES = {
  '': ['src/index.ts', 'dist/index'],
  '/qr': ['src/qr/index.ts', 'dist/qr'],
  '/storage/sql': ['src/storage/sql.ts', 'dist/storage/sql'],
  '/storage/redis': ['src/storage/redis.ts', 'dist/storage/redis'],
  '/storage/durable-object': ['src/storage/durable-object.ts', 'dist/storage/durable-object'],
  '/storage/deno-kv': ['src/storage/deno-kv.ts', 'dist/storage/deno-kv'],
  '/testing': ['src/testing/index.ts', 'dist/testing'],
  '/sync': ['src/sync/index.ts', 'dist/sync'],
  '/webauthn': ['src/webauthn/index.ts', 'dist/webauthn'],
}

export function existingEntries() {
  return Object.entries(ENTRIES).filter(([, [source]]) => existsSync(`${root}/${source}`))
}

/** vite/vitest aliases mapping `mfa-core[/sub]` to src/ or to the built ESM dist/ */
export function packageAliases(target) {
  return existingEntries()
    .sort(([a], [b]) => b.length - a.length)
    .map(([sub, [source, built]]) => ({
      find: new RegExp(`^mfa-core${sub.replace(/\//g, '\\/')}$`),
      replacement: `${root}/${target === 'dist' ? `${built}.js` : source}`,
    }))
}
