#!/usr/bin/env node
// Installs mfa-core the ways a user tries it before (and after) a release, into a fresh temporary project, offline
// (from npm's cache, which `npm ci` filled): the packed tarball (`npm install ./mfa-core-X.tgz`, as from the registry)
// and a git checkout (`npm install git+file://CLONE`, the same path as an install from any git URL, where npm
// installs the dev dependencies in the clone and runs its `prepare` script to build dist/). Each install must then
// import every entry with `import` and `require`, run a function of each, and run the `mfa-core` bin.
// The git checkout is a `git clone` of this repository's HEAD: commit first to test uncommitted changes.
// The tarball's project is then also used as the docs say for other runtimes (docs/getting-started.md#runtimes): Deno
// (a bare `mfa-core` from node_modules, and a path import of dist/), Bun, and a Worker bundled by esbuild as wrangler
// does and run in workerd (miniflare); and the released forms through a registry on loopback that serves the same
// tarball: `npm install mfa-core`, `bun add mfa-core` and Deno's `npm:mfa-core`. Deno, Bun and miniflare are the
// runtime tools (test/runtimes/); without them these checks are skipped with a warning, and fail in CI.
// `check-install.mjs tarball` or `check-install.mjs git` runs one of the two (npm test starts the git one first, in the
// background, since it needs no build).
//
// Online, better-sqlite3 (a dev dependency, so installed in the clone) takes a prebuilt binary from its GitHub
// releases; offline prebuild-install finds none and compiles SQLite from source, which took 100 of the git install's
// 130 s. The clone's install is pointed (prebuild-install's documented `local-prebuilds` setting) at the binary this
// checkout already built, packed as a prebuild, which stands in for that download and is loaded to check it.
import { execFile, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { existingEntries } from '../entries.mjs'
import { ensureRuntimeTools, importMiniflare, runtimeToolBin } from '../test/runtimes/tools.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const CASES = ['tarball', 'git']
const wanted = process.argv.length > 2 ? process.argv.slice(2) : CASES
const unknown = wanted.filter((c) => !CASES.includes(c))
if (unknown.length > 0) {
  console.error(`usage: check-install.mjs [${CASES.join('|')}]... (got ${unknown.join(' ')})`)
  process.exit(2)
}
const work = mkdtempSync(join(tmpdir(), 'mfa-core-install-'))
const env = { ...process.env, NO_COLOR: '1' }
let ok = true

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env })
  if (result.status !== 0) {
    console.error(`*** ${command} ${args.join(' ')} (in ${cwd}) exited ${result.status ?? result.signal}`)
    console.error(result.stdout, result.stderr)
  }
  return result
}

// One probe per entry: it must load and do its job, in both module systems.
const PROBES = {
  '': "(m) => m.encodeBase32(new TextEncoder().encode('12345678901234567890')) === 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'",
  '/qr': "(m) => m.encodeQR('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP').size > 20",
  '/storage/sql': "(m) => typeof m.sqlStore === 'function'",
  '/storage/redis': "(m) => typeof m.redisStore === 'function'",
  '/testing': "(m) => typeof m.runStoreConformance === 'function'",
  '/sync': "(m) => m.generateHOTP(new TextEncoder().encode('12345678901234567890'), 0) === '755224'",
  '/webauthn': "(m) => m.createAuthenticationOptions({ rpId: 'example.com' }).challenge.length === 43",
}
// an entry without its own probe must at least export a function
const ANY = "(m) => Object.values(m).some((v) => typeof v === 'function')"
const subpaths = existingEntries().map(([sub]) => sub)
// an entry's built ES module, as a path a Deno script next to node_modules imports: './node_modules/mfa-core/dist/...'
const builtFiles = Object.fromEntries(existingEntries().map(([sub, [, built]]) => [sub, built]))
const pathOf = (_, sub) => `'./node_modules/mfa-core/${builtFiles[sub]}.js'`

/** An ES module probe of every entry, imported as `${prefix}mfa-core/...` (prefix `npm:` for Deno's form). */
function esmProbe(prefix = '') {
  const lines = subpaths.map(
    (sub) =>
      `if (!(${PROBES[sub] ?? ANY})(await import('${prefix}mfa-core${sub}'))) throw new Error('import mfa-core${sub}')`,
  )
  return `${lines.join('\n')}\nconsole.log('esm ok')\n`
}

function probeScripts() {
  const esm = subpaths.map(
    (sub) => `if (!(${PROBES[sub] ?? ANY})(await import('mfa-core${sub}'))) throw new Error('import mfa-core${sub}')`,
  )
  const cjs = subpaths.map(
    (sub) => `if (!(${PROBES[sub] ?? ANY})(require('mfa-core${sub}'))) throw new Error('require mfa-core${sub}')`,
  )
  return {
    'probe.mjs': `${esm.join('\n')}\nconsole.log('esm ok')\n`,
    'probe.cjs': `${cjs.join('\n')}\nconsole.log('cjs ok')\n`,
  }
}

function tryInstall(label, spec) {
  const app = join(work, label)
  mkdirSync(app)
  // npm 11's `npm init -y` writes "type": "commonjs"; the probes name their module system by extension
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: `try-${label}`, version: '1.0.0', private: true }))
  const started = Date.now()
  const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund', spec], app)
  if (install.status !== 0) return false
  for (const [name, text] of Object.entries(probeScripts())) writeFileSync(join(app, name), text)
  const esm = run(process.execPath, ['probe.mjs'], app)
  const cjs = run(process.execPath, ['probe.cjs'], app)
  const bin = run(join(app, 'node_modules/.bin/mfa-core'), ['vectors'], app)
  const passed =
    esm.stdout === 'esm ok\n' &&
    cjs.stdout === 'cjs ok\n' &&
    bin.status === 0 &&
    /^\d+ passed, 0 failed$/m.test(bin.stdout)
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  console.log(
    `${passed ? 'ok  ' : 'FAIL'} npm install ${label}: ${subpaths.length} entries by import and require, the bin (${seconds} s)`,
  )
  return passed
}

/** better-sqlite3's binary from this checkout, as the prebuild tarball prebuild-install would download. */
function packSQLitePrebuild() {
  const dir = join(root, 'node_modules/better-sqlite3')
  if (!existsSync(join(dir, 'build/Release/better_sqlite3.node'))) return
  const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  // prebuild-install's file name: {name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz (glibc: no libc)
  const file = `${name}-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
  const prebuilds = join(work, 'prebuilds')
  mkdirSync(prebuilds)
  const tar = run('tar', ['-czf', join(prebuilds, file), '-C', dir, 'build/Release/better_sqlite3.node'], root)
  // without it the clone compiles SQLite: slower, not wrong
  if (tar.status === 0) env.npm_config_better_sqlite3_local_prebuilds = prebuilds
}

/** Prints one check's line; a missing runtime tool skips it with a warning, or fails it in CI. */
function report(passed, what, missing) {
  if (missing !== undefined) {
    if (process.env.CI) console.error(`FAIL ${what}: ${missing}; CI requires it`)
    else console.warn(`*** SKIPPED ${what}: ${missing} ***`)
    return !process.env.CI
  }
  console.log(`${passed ? 'ok  ' : 'FAIL'} ${what}`)
  return passed
}

/** Runs a runtime tool on a probe in `cwd`; passes when it prints `esm ok`. */
function runProbe(tool, args, cwd, what, extraEnv = {}) {
  const bin = runtimeToolBin(tool)
  if (!existsSync(bin)) return report(false, what, `no ${tool} (node scripts/runtime-tools.mjs installs it)`)
  const result = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    env: { ...env, DENO_NO_UPDATE_CHECK: '1', ...extraEnv },
    timeout: 120_000,
  })
  if (result.stdout !== 'esm ok\n') console.error(result.stdout, result.stderr)
  return report(result.stdout === 'esm ok\n', what)
}

/** A Worker importing every entry, bundled by esbuild from the project's node_modules as wrangler does, in workerd. */
async function tryWorker(app) {
  const what = "a Worker: import from 'mfa-core', bundled as wrangler does, run in workerd (miniflare)"
  let Miniflare
  try {
    ;({ Miniflare } = await importMiniflare())
  } catch (error) {
    return report(false, what, `miniflare does not load (${error.message.split('\n')[0]})`)
  }
  const imports = subpaths.map((sub, i) => `import * as m${i} from 'mfa-core${sub}'`)
  const checks = subpaths.map((sub, i) => `if (!(${PROBES[sub] ?? ANY})(m${i})) throw new Error('mfa-core${sub}')`)
  writeFileSync(
    join(app, 'worker.mjs'),
    `${imports.join('\n')}\nexport default {\n  async fetch() {\n    ${checks.join('\n    ')}\n    return new Response('worker ok')\n  },\n}\n`,
  )
  // wrangler's esbuild settings for a module worker: browser-like platform, the workerd/worker/browser conditions
  const bundle = await build({
    entryPoints: [join(app, 'worker.mjs')],
    absWorkingDir: app,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'error',
  })
  const mf = new Miniflare({ modules: true, script: bundle.outputFiles[0].text, compatibilityDate: '2025-09-01' })
  try {
    const response = await mf.dispatchFetch('http://localhost/')
    const text = await response.text()
    if (text !== 'worker ok') console.error(text)
    return report(text === 'worker ok', what)
  } finally {
    await mf.dispose()
  }
}

/** Runs a command to its end without blocking this process (the loopback registry answers meanwhile). */
function runAsync(command, args, cwd, extraEnv = {}) {
  return new Promise((resolve) => {
    const options = { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 26 }
    execFile(command, args, options, (error, stdout, stderr) =>
      // an exit status is a number; a command that could not start has a string code (ENOENT, ...)
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    )
  })
}

/**
 * The released forms, before the release: a registry on loopback serves this tarball as `mfa-core` (its packument
 * and the tarball, as registry.npmjs.org would), and npm, Bun and Deno install or import it by name from there, each
 * with an empty cache of its own.
 */
async function tryRegistry(tarball) {
  const bytes = readFileSync(tarball)
  const { devDependencies, scripts, ...manifest } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const file = `/mfa-core/-/mfa-core-${manifest.version}.tgz`
  // tarballs served since the last check: each client must have fetched it from here, not from another registry
  let served = 0
  const fetched = () => {
    const count = served
    served = 0
    return count > 0
  }
  const server = createServer((request, response) => {
    const base = `http://127.0.0.1:${server.address().port}`
    if (request.url === '/mfa-core') {
      const dist = {
        tarball: `${base}${file}`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
      }
      response.setHeader('content-type', 'application/json')
      response.end(
        JSON.stringify({
          name: 'mfa-core',
          'dist-tags': { latest: manifest.version },
          versions: { [manifest.version]: { ...manifest, dist } },
        }),
      )
    } else if (request.url === file) {
      served++
      response.setHeader('content-type', 'application/octet-stream')
      response.end(bytes)
    } else {
      response.statusCode = 404
      response.end('{}')
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const registry = `http://127.0.0.1:${server.address().port}/`
  const fresh = (name) => {
    const dir = join(work, name)
    mkdirSync(dir)
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }))
    writeFileSync(join(dir, 'probe.mjs'), esmProbe())
    return dir
  }
  let passed = true
  try {
    const npmApp = fresh('registry-npm')
    const npmCache = join(work, 'registry-npm-cache')
    const npm = await runAsync(
      'npm',
      ['install', '--no-audit', '--no-fund', `--cache=${npmCache}`, 'mfa-core'],
      npmApp,
      {
        npm_config_registry: registry,
      },
    )
    const npmProbe =
      npm.status === 0 ? spawnSync(process.execPath, ['probe.mjs'], { cwd: npmApp, encoding: 'utf8' }) : npm
    if (npmProbe.stdout !== 'esm ok\n') console.error(npmProbe.stdout, npmProbe.stderr)
    passed =
      report(fetched() && npmProbe.stdout === 'esm ok\n', 'npm install mfa-core (from a registry on loopback)') &&
      passed

    const bun = runtimeToolBin('bun')
    if (existsSync(bun)) {
      const bunApp = fresh('registry-bun')
      const add = await runAsync(bun, ['add', 'mfa-core'], bunApp, {
        NPM_CONFIG_REGISTRY: registry,
        BUN_INSTALL_CACHE_DIR: join(work, 'registry-bun-cache'),
      })
      if (add.status !== 0) console.error(add.stdout, add.stderr)
      const what = 'bun add mfa-core (from the same registry)'
      passed =
        (add.status === 0 && fetched() ? runProbe('bun', ['probe.mjs'], bunApp, what) : report(false, what)) && passed
    } else passed = report(false, 'bun add mfa-core', 'no bun (node scripts/runtime-tools.mjs installs it)') && passed

    const deno = runtimeToolBin('deno')
    if (existsSync(deno)) {
      const denoApp = join(work, 'registry-deno')
      mkdirSync(denoApp)
      writeFileSync(join(denoApp, 'probe.mjs'), esmProbe('npm:'))
      const denoRun = await runAsync(deno, ['run', '--no-prompt', 'probe.mjs'], denoApp, {
        NPM_CONFIG_REGISTRY: registry,
        DENO_DIR: join(work, 'registry-deno-cache'),
        DENO_NO_UPDATE_CHECK: '1',
      })
      if (denoRun.stdout !== 'esm ok\n') console.error(denoRun.stdout, denoRun.stderr)
      const denoOk = fetched() && denoRun.stdout === 'esm ok\n'
      passed = report(denoOk, "Deno: import from 'npm:mfa-core' (the same registry)") && passed
    } else
      passed = report(false, "Deno's npm:mfa-core", 'no deno (node scripts/runtime-tools.mjs installs it)') && passed
  } finally {
    server.close()
  }
  return passed
}

try {
  if (wanted.includes('tarball')) {
    // dist/ as built (npm test's build step): --ignore-scripts skips `prepare`, which would rebuild it (7 s)
    if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('no dist/: run tsup (npm run build) first')
    const pack = run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], root)
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
    ok = pack.status === 0 && tarball !== undefined && tryInstall('tarball', join(work, tarball))
    if (ok) {
      ensureRuntimeTools()
      const app = join(work, 'tarball')
      writeFileSync(join(app, 'probe-path.mjs'), esmProbe().replace(/'mfa-core([^']*)'/g, pathOf))
      ok =
        runProbe('deno', ['run', '--no-prompt', 'probe.mjs'], app, "Deno: import from 'mfa-core' (node_modules)") && ok
      ok = runProbe('deno', ['run', '--no-prompt', 'probe-path.mjs'], app, 'Deno: a path import of dist/') && ok
      ok = runProbe('bun', ['probe.mjs'], app, "Bun: import from 'mfa-core' (node_modules)") && ok
      ok = (await tryWorker(app)) && ok
      ok = (await tryRegistry(join(work, tarball))) && ok
    }
  }
  if (wanted.includes('git')) {
    packSQLitePrebuild()
    const clone = join(work, 'clone')
    const cloned = run('git', ['clone', '--quiet', '--no-hardlinks', root, clone], root)
    ok = cloned.status === 0 && tryInstall('git', `git+file://${clone}`) && ok
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exit(ok ? 0 : 1)
