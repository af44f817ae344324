#!/usr/bin/env node
// Package checks on the built dist/: publint (strict), arethetypeswrong on the
// packed tarball, size budgets with bundle isolation (scripts/check-bundles.mjs), and installs from a tarball and a
// git clone (scripts/check-install.mjs). Run after `tsup`.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
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

run('publint', 'npx', ['publint', '--strict'])
const dir = mkdtempSync(join(tmpdir(), 'mfa-core-pack-'))
const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], { encoding: 'utf8' })
if (pack.status !== 0) {
  console.error(pack.stderr)
  ok = false
} else {
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  run('arethetypeswrong', 'npx', ['attw', join(dir, tarball), '--profile', 'node16'])
}
rmSync(dir, { recursive: true, force: true })
run('bundle isolation', 'node', ['scripts/check-bundles.mjs'])
run('install from a tarball and from git', 'node', ['scripts/check-install.mjs'])
process.exit(ok ? 0 : 1)
