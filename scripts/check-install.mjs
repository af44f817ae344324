#!/usr/bin/env node
// Installs mfa-core the ways a user tries it before (and after) a release, into a fresh temporary project, offline
// (from npm's cache, which `npm ci` filled): the packed tarball (`npm install ./mfa-core-X.tgz`, as from the registry)
// and a git checkout (`npm install git+file://CLONE`, the same path as `npm install github:owner/mfa-core`, where npm
// installs the dev dependencies in the clone and runs its `prepare` script to build dist/). Each install must then
// import every entry with `import` and `require`, run a function of each, and run the `mfa-core` bin.
// The git checkout is a `git clone` of this repository's HEAD: commit first to test uncommitted changes.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existingEntries } from '../entries.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'mfa-core-install-'))
let ok = true

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
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

try {
  const pack = run('npm', ['pack', '--silent', '--pack-destination', work], root)
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
  ok = pack.status === 0 && tarball !== undefined && tryInstall('tarball', join(work, tarball))
  const clone = join(work, 'clone')
  const cloned = run('git', ['clone', '--quiet', '--no-hardlinks', root, clone], root)
  ok = cloned.status === 0 && tryInstall('git', `git+file://${clone}`) && ok
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exit(ok ? 0 : 1)
