#!/usr/bin/env node
// `npm test`: everything a change must pass, in order, with one summary line at the end.
// Steps: typecheck and lint (beside the build), build, the suites of the test tree (it mirrors src/: vectors,
// properties and differentials sit next to what they test) on src/ with coverage, the portable suites against the
// built dist/ (Node ESM + CJS) and in headless Chromium (all but `*.node.test.ts`), storage suites against real
// servers, the package checks (size budgets, publint, arethetypeswrong, bundle isolation, installs) and the
// type-checked docs.
// The install from a git clone of HEAD (scripts/check-install.mjs git) needs no build and spends most of its time in
// npm unpacking the dev dependencies, so it starts first, in the background, and is collected at the end. The runtime
// matrix's tools (the private package test/runtimes/, with its own lock file; `npm ci` at the root leaves them out)
// are installed alongside, when missing or when that lock changed, and collected before the suites that run them.
// In CI (CI=true) a missing browser or server fails the run; elsewhere it is skipped with a loud warning.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs'

const CI = Boolean(process.env.CI)
const results = []
let passed = 0
let failed = 0
let skipped = 0
const skippedNames = []
const failedNames = []
const notes = []

/** Runs a command to its end; resolves to its exit status or signal. */
function exec(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, options)
    child.on('error', (error) => resolve({ status: null, signal: error.message }))
    child.on('close', (status, signal) => resolve({ status, signal }))
  })
}

/**
 * Starts a step that runs alongside the others; its output goes to a log, printed when the returned function collects
 * it (it would interleave with the other steps' output).
 */
function background(name, command, args) {
  const started = Date.now()
  const log = `test-results/${name}.log`
  const fd = openSync(log, 'w')
  console.log(`\n=== ${name} (in the background, collected later): ${command} ${args.join(' ')}`)
  const done = exec(command, args, { stdio: ['ignore', fd, fd] }).then((exit) => ({
    exit,
    seconds: ((Date.now() - started) / 1000).toFixed(1),
  }))
  closeSync(fd)
  return async () => {
    const { exit, seconds } = await done
    const ok = exit.status === 0
    console.log(`\n=== ${name} (ran in the background for ${seconds} s): ${command} ${args.join(' ')}`)
    process.stdout.write(readFileSync(log, 'utf8'))
    results.push({ name, ok, seconds })
    if (ok) passed++
    else {
      failed++
      console.error(`\n*** ${name} FAILED (exit ${exit.status ?? exit.signal})`)
    }
    return ok
  }
}

async function step(name, command, args, { env = {}, vitestReport } = {}) {
  const started = Date.now()
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`)
  if (vitestReport) rmSync(vitestReport, { force: true })
  const exit = await exec(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const ok = exit.status === 0
  results.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) })
  if (vitestReport && existsSync(vitestReport)) {
    const report = JSON.parse(readFileSync(vitestReport, 'utf8'))
    passed += report.numPassedTests
    failed += report.numFailedTests
    skipped += report.numPendingTests + report.numTodoTests
    for (const file of report.testResults) {
      for (const t of file.assertionResults) {
        if (t.status === 'passed') continue
        if (t.status === 'failed') {
          const first = (t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 200)
          failedNames.push(`${name}: ${file.name.replace(`${process.cwd()}/`, '')} > ${t.fullName}\n      ${first}`)
          continue
        }
        skippedNames.push(`${name}: ${file.name.replace(`${process.cwd()}/`, '')} > ${t.fullName}`)
      }
    }
    if (!ok && report.numFailedTests === 0) {
      const why = 'a hook (beforeAll/afterAll), an unhandled error or a coverage threshold failed: see the log above'
      notes.push(`${name} exited ${exit.status ?? exit.signal} with no failed test: ${why}`)
    }
  } else {
    if (ok) passed++
    else failed++
  }
  if (!ok) console.error(`\n*** ${name} FAILED (exit ${exit.status ?? exit.signal})`)
  return ok
}

mkdirSync('test-results', { recursive: true })
const npx = 'npx'
const vitest = (name, args, env) =>
  step(
    name,
    npx,
    ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile=test-results/${name}.json`],
    {
      env,
      vitestReport: `test-results/${name}.json`,
    },
  )

const gitInstall = background('git-install', 'node', ['scripts/check-install.mjs', 'git'])
const runtimeTools = background('runtime-tools', 'node', ['scripts/runtime-tools.mjs'])
// the type checks and the lint read the sources only: they run beside the build
const typecheck = background('typecheck', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit'])
const typecheckTests = background('typecheck-tests', npx, ['tsc', '-p', 'tsconfig.test.json', '--noEmit'])
const lint = background('lint', npx, ['biome', 'check', '.'])
const built = await step('build', npx, ['tsup', '--silent'])
await typecheck()
await typecheckTests()
await lint()
await vitest('src', ['--project', 'node', '--coverage'])
// Deno, workerd and miniflare for the storage suites, Deno, Bun and workerd for the tarball's install check
await runtimeTools()
if (built) {
  const browser = existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')
  if (!browser) {
    const reason = 'no Chromium at /usr/bin/chromium (apt-get install chromium): browser suites not run'
    if (CI) {
      console.error(`*** ${reason}; CI requires the browser`)
      failed++
    } else console.warn(`\n*** SKIPPED chromium: ${reason} ***\n`)
  }
  await vitest('dist', ['--project', 'dist', ...(browser ? ['--project', 'chromium'] : [])])
  if (existsSync('vitest.storage.config.ts')) {
    await vitest('storage', ['--config', 'vitest.storage.config.ts', '--coverage'])
  }
  // the tarball here; the git install runs in the background since the start
  await step('package', 'node', ['scripts/check-package.mjs', 'tarball'])
}
await step('docs-code', 'node', ['scripts/check-docs.mjs'])
await step('words', 'node', ['scripts/check-words.mjs'])
await gitInstall()

console.log('\n=== summary')
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(16)} ${r.seconds} s`)
for (const note of notes) console.log(`note: ${note}`)
// A failed test is named here too, so that the last lines of a run (all a CI log may show) say which one.
if (failedNames.length > 0) {
  console.log('failed:')
  for (const line of failedNames.slice(0, 20)) console.log(`  ${line}`)
  if (failedNames.length > 20) console.log(`  ... and ${failedNames.length - 20} more`)
}
// A skipped test is named here: a beforeAll that throws marks its suite's tests skipped, and CI allows no skip.
if (skippedNames.length > 0) {
  console.log(`skipped${CI ? ' (CI allows none)' : ''}:`)
  for (const line of skippedNames.slice(0, 20)) console.log(`  ${line}`)
  if (skippedNames.length > 20) console.log(`  ... and ${skippedNames.length - 20} more`)
}
const failedSteps = results.filter((r) => !r.ok).length
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failedSteps > 0 || failed > 0 || (CI && skipped > 0) ? 1 : 0)
