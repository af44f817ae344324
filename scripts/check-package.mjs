#!/usr/bin/env node
// Package checks on the built dist/: package.json's exports and typesVersions against entries.mjs
// (scripts/package-entries.mjs), publint (strict), arethetypeswrong on the packed tarball in every resolution
// profile (node10, node16 from CJS and ESM, bundler), a consumer project type-checked against the tarball in each
// TypeScript resolution mode (scripts/check-types.mjs), and size budgets with bundle isolation
// (scripts/check-bundles.mjs), README's and the docs' relative links resolving inside the tarball
// (scripts/check-links.mjs), and installs from a tarball and a
// git clone (scripts/check-install.mjs; arguments, as `tarball` or `git`, pass on to it to run one). Run after `tsup`.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let ok = true
function run(name, command, args) {
  console.log(`--- ${name}`)
  const result = spawnSync(command, args, { stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`*** ${name} failed`)
    ok = false
  }
}

if (!existsSync('dist/index.js')) {
  console.error('*** no dist/: run tsup (npm run build) first')
  process.exit(1)
}
run('package.json entries', 'node', ['scripts/package-entries.mjs'])
const dir = mkdtempSync(join(tmpdir(), 'mfa-core-pack-'))
// One tarball of dist/ as built, for every check below: --ignore-scripts skips `prepare`, which would run tsup again
// (7 s a pack; the git install checks that `prepare` builds).
const pack = spawnSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], { encoding: 'utf8' })
if (pack.status !== 0) {
  console.error(pack.stderr)
  ok = false
} else {
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  run('publint', 'npx', ['publint', '--strict', join(dir, tarball)])
  // no --profile: the default (strict) profile checks node10 as well, which --profile node16 ignored
  run('arethetypeswrong', 'npx', ['attw', join(dir, tarball)])
  run('consumer types', 'node', ['scripts/check-types.mjs', join(dir, tarball)])
  run('links inside the package', 'node', ['scripts/check-links.mjs', join(dir, tarball)])
}
rmSync(dir, { recursive: true, force: true })
run('bundle isolation', 'node', ['scripts/check-bundles.mjs'])
const installs = process.argv.slice(2)
run(`install from ${installs.length > 0 ? installs.join(' and ') : 'a tarball and from git'}`, 'node', [
  'scripts/check-install.mjs',
  ...installs,
])
process.exit(ok ? 0 : 1)
