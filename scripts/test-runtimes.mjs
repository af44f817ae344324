#!/usr/bin/env node
// `npm run test:runtimes`: the conformance suite (test/runtimes/conformance.mjs) against the BUILT dist/ in every
// runtime we claim: Node ESM and CJS, Chromium, Firefox ESR, Deno, Bun, workerd and edge-runtime. Prints one line per
// runtime, a cross-runtime line (every runtime computed the same codes and drew the same QR symbol), and the sum
// alone on the last line; writes the table to test-results/runtimes.md. Exit 1 when anything failed or could not
// start. A missing Debian browser is SKIPPED with a warning locally and fails when env CI is set.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { ensureRuntimeTools, runtimeToolBin } from '../test/runtimes/tools.mjs'

const CI = Boolean(process.env.CI)
const TIMEOUT_MS = 120_000
const CONCURRENCY = 2
// the runtime matrix's tools are the private package test/runtimes/ (its own lock), installed below when missing
const bin = runtimeToolBin
const browser = (name, path) => ({ name, command: 'node', args: ['test/runtimes/browsers.mjs', name], needs: path })

const RUNTIMES = [
  { name: 'node-esm', loads: '`import` dist/*.js', command: 'node', args: ['test/runtimes/esm.mjs'] },
  { name: 'node-cjs', loads: '`require` dist/*.cjs', command: 'node', args: ['test/runtimes/node-cjs.cjs'] },
  {
    ...browser('chromium', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    loads: 'ES modules over http://127.0.0.1 (playwright-core)',
  },
  {
    ...browser('firefox', process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'),
    loads: 'ES modules over http://127.0.0.1 (puppeteer-core, WebDriver BiDi)',
  },
  {
    name: 'deno',
    loads: 'ES modules, no permissions',
    command: bin('deno'),
    args: ['run', '--no-prompt', 'test/runtimes/esm.mjs'],
    env: { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
  },
  { name: 'bun', loads: 'ES modules', command: bin('bun'), args: ['test/runtimes/esm.mjs'] },
  {
    name: 'workerd',
    loads: 'one ES module worker (esbuild), `workerd test`',
    command: 'node',
    args: ['test/runtimes/workerd.mjs'],
  },
  {
    name: 'edge-runtime',
    loads: 'IIFE script (esbuild) in an EdgeVM',
    command: 'node',
    args: ['test/runtimes/edge-runtime.mjs'],
  },
]

// The sync engine's QuickJS launcher (owned by the sync work) joins when it exists: same protocol, the summary line
// `quickjs: N passed, N failed` on stdout and `version: ...` on stderr.
if (existsSync('test/runtimes/quickjs.mjs')) {
  RUNTIMES.push({
    name: 'quickjs',
    loads: 'mfa-core/sync in quickjs-emscripten (no WebCrypto: no root entry, no mfa-core/webauthn)',
    command: 'node',
    args: ['test/runtimes/quickjs.mjs'],
  })
}

// `--list`: the runtimes and how each loads the package, as JSON, without running anything (for
// scripts/runtimes-table.mjs, which checks README's table against this list)
if (process.argv.includes('--list')) {
  console.log(JSON.stringify(RUNTIMES.map(({ name, loads }) => ({ name, loads }))))
  process.exit(0)
}

// `npm ci` in test/runtimes/ when its tools are missing or its lock changed; a failure shows as `cannot start` below
ensureRuntimeTools()

const LINE = /^(\S+): (\d+) passed, (\d+) failed$/m

function execute(runtime) {
  return new Promise((resolve) => {
    const started = Date.now()
    if (runtime.needs !== undefined && !existsSync(runtime.needs)) {
      resolve({ runtime, missing: `no ${runtime.needs}`, seconds: 0 })
      return
    }
    if (runtime.command !== 'node' && !existsSync(runtime.command)) {
      resolve({ runtime, missing: `no ${runtime.command} (npm ci in test/runtimes)`, seconds: 0 })
      return
    }
    // its own process group, so that a timeout also ends the browser or workerd it started
    const child = spawn(runtime.command, runtime.args, {
      env: { ...process.env, ...runtime.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const signal = (name) => {
      try {
        process.kill(-child.pid, name)
      } catch {
        child.kill(name)
      }
    }
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      stderr += `\ntimed out after ${TIMEOUT_MS / 1000} s`
      // SIGTERM first: playwright and puppeteer close the browsers they launched (in process groups of their own)
      signal('SIGTERM')
      setTimeout(() => signal('SIGKILL'), 5000).unref()
    }, TIMEOUT_MS)
    const finish = (code, error) => {
      clearTimeout(timer)
      if (error !== undefined) stderr += `\n${error.message}`
      resolve({ runtime, code, stdout, stderr, seconds: (Date.now() - started) / 1000 })
    }
    child.on('error', (error) => finish(null, error))
    child.on('close', (code, signal) => finish(code ?? signal))
  })
}

async function pool(items, size, work) {
  const results = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index])
    }
  }
  await Promise.all(Array.from({ length: size }, worker))
  return results
}

const outcomes = await pool(RUNTIMES, CONCURRENCY, execute)
let passed = 0
let failed = 0
const rows = []
const fingerprints = []
for (const outcome of outcomes) {
  const { runtime } = outcome
  if (outcome.missing !== undefined) {
    // only a Debian browser may be missing outside CI; the other runtimes come with test/runtimes' `npm ci`
    if (CI || runtime.needs === undefined) {
      console.log(`${runtime.name}: cannot start (${outcome.missing}); CI requires it`)
      failed++
      rows.push([runtime.name, '-', runtime.loads, `cannot start: ${outcome.missing}`])
    } else {
      console.warn(`\n*** ${runtime.name}: SKIPPED (${outcome.missing}); install it to run this runtime ***\n`)
      rows.push([runtime.name, '-', runtime.loads, `skipped: ${outcome.missing}`])
    }
    continue
  }
  const line = LINE.exec(outcome.stdout)
  const version = /^version: (.*)$/m.exec(outcome.stderr)?.[1] ?? '?'
  const prints = /^fingerprints: (.*)$/m.exec(outcome.stderr)?.[1]
  const notes = [...outcome.stderr.matchAll(/^note: (.*)$/gm)].map((m) => m[1])
  if (line === null || line[1] !== runtime.name) {
    console.log(`${runtime.name}: cannot start or crashed (exit ${outcome.code})`)
    console.error(outcome.stderr.trim().replace(/^/gm, '    '))
    failed++
    rows.push([runtime.name, version, runtime.loads, 'did not run'])
    continue
  }
  const ok = Number(line[2])
  const bad = Number(line[3])
  passed += ok
  failed += bad
  if (outcome.code !== 0) failed++
  console.log(`${line[0]}`)
  if (bad > 0 || outcome.code !== 0) console.error(outcome.stderr.trim().replace(/^/gm, '    '))
  for (const note of notes) console.warn(`    *** ${runtime.name}: ${note} ***`)
  if (prints !== undefined) fingerprints.push([runtime.name, prints])
  const result = `${ok} passed, ${bad} failed${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`
  rows.push([runtime.name, version, runtime.loads, result])
}

// Every runtime must compute the same codes on the seeded random cases and draw the same QR symbol as the others.
const distinct = new Set(fingerprints.map(([, prints]) => prints))
if (fingerprints.length > 0) {
  if (distinct.size === 1) {
    passed++
    console.log(`cross-runtime: 1 passed, 0 failed (same codes and QR symbol in ${fingerprints.length} runtimes)`)
  } else {
    failed++
    console.log('cross-runtime: 0 passed, 1 failed (runtimes disagree)')
    for (const [name, prints] of fingerprints) console.error(`    ${name}: ${prints}`)
  }
}

mkdirSync('test-results', { recursive: true })
const table = [
  '| Runtime | Version | Loads | Conformance suite |',
  '| --- | --- | --- | --- |',
  ...rows.map((row) => `| ${row.join(' | ')} |`),
]
writeFileSync(
  'test-results/runtimes.md',
  `<!-- written by \`npm run test:runtimes\` on ${new Date().toISOString().slice(0, 10)} -->\n${table.join('\n')}\n`,
)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
