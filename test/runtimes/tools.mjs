// Where the runtime matrix's tools live: bun, deno, workerd, miniflare, edge-runtime, quickjs-emscripten and
// puppeteer-core are the dependencies of the private package in this folder (package.json, its own
// package-lock.json), not of mfa-core, so that `npm ci` at the root installs only the library, its build, its tests
// and the console demo. The launchers in this folder find them by Node's own resolution (node_modules here);
// everything elsewhere (scripts/test-runtimes.mjs, the storage harness, bench/, scripts/check-install.mjs) locates
// them through this module. `ensureRuntimeTools()` installs them with `npm ci` here when they are missing or the lock
// file changed since the last install; npm test, npm run test:runtimes, the storage suites and .ci/run call it.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** This folder: the runtime tools' package (absolute path). */
export const RUNTIME_TOOLS = fileURLToPath(new URL('.', import.meta.url))

/** The lock file's digest of the last successful install, written into node_modules (so it goes with it). */
const STAMP = join(RUNTIME_TOOLS, 'node_modules', '.mfa-core-lock-digest')

function lockDigest() {
  return createHash('sha256')
    .update(readFileSync(join(RUNTIME_TOOLS, 'package-lock.json')))
    .digest('hex')
}

/** True when the tools are installed from the current lock file. */
export function runtimeToolsInstalled() {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lockDigest()
}

/**
 * Installs the tools (`npm ci` in this folder) unless they are already installed from the current lock file.
 * Synchronous; npm's output goes to stderr (stdout may be a test protocol).
 *
 * @returns true when the tools are installed (now or before)
 */
export function ensureRuntimeTools() {
  if (runtimeToolsInstalled()) return true
  console.error(`installing the runtime matrix's tools: npm ci in ${RUNTIME_TOOLS}`)
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: RUNTIME_TOOLS,
    stdio: ['ignore', process.stderr, process.stderr],
  })
  if (install.status !== 0) {
    console.error(`npm ci in ${RUNTIME_TOOLS} exited ${install.status ?? install.signal ?? install.error?.message}`)
    return false
  }
  writeFileSync(STAMP, lockDigest())
  return true
}

/**
 * A file of an installed tool package.
 *
 * @param path - a path under this folder's node_modules, e.g. `deno/deno`
 * @returns its absolute path (whether or not it exists)
 */
export function runtimeToolPath(path) {
  return join(RUNTIME_TOOLS, 'node_modules', path)
}

/**
 * A tool's command (its npm bin shim).
 *
 * @param name - e.g. `bun`, `deno`, `workerd`
 * @returns the absolute path of `node_modules/.bin/NAME` here (whether or not it exists)
 */
export function runtimeToolBin(name) {
  return runtimeToolPath(join('.bin', name))
}

/**
 * Loads miniflare from this folder (a bare import here resolves to this folder's node_modules, also when vitest
 * transforms this file).
 *
 * @returns the miniflare module
 */
export function importMiniflare() {
  return import('miniflare')
}
