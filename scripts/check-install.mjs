#!/usr/bin/env node
// Installs mfa-core the ways a user tries it before (and after) a release, into a fresh temporary project, offline
// (from npm's cache, which `npm ci` filled): the packed tarball (`npm install ./mfa-core-X.tgz`, as from the registry)
// and a git checkout (`npm install git+file://CLONE`, the same path as `npm install github:owner/mfa-core`, where npm
// installs the dev dependencies in the clone and runs its `prepare` script to build dist/). Each install must then
// import every entry with `import` and `require`, run a function of each, and run the `mfa-core` bin.
// The git checkout is a `git clone` of this repository's HEAD: commit first to test uncommitted changes.
// `check-install.mjs tarball` or `check-install.mjs git` runs one of the two (npm test starts the git one first, in the
// background, since it needs no build).
//
// Online, better-sqlite3 (a dev dependency, so installed in the clone) takes a prebuilt binary from its GitHub
// releases; offline prebuild-install finds none and compiles SQLite from source, which took 100 of the git install's
// 130 s. The clone's install is pointed (prebuild-install's documented `local-prebuilds` setting) at the binary this
// checkout already built, packed as a prebuild, which stands in for that download and is loaded to check it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existingEntries } from '../entries.mjs'

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

try {
  if (wanted.includes('tarball')) {
    const pack = run('npm', ['pack', '--silent', '--pack-destination', work], root)
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
    ok = pack.status === 0 && tarball !== undefined && tryInstall('tarball', join(work, tarball))
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
