#!/usr/bin/env node
// `npm run bench:runtimes`: bench/core-runtime.mjs in Node, Bun and Deno (both from the runtime tools, test/runtimes/),
// one after the other, and a table per runtime: mfa-core (both entries) against otpauth, otplib and @epic-web/totp,
// with the ratios the core issue asks about (mfa-core/sync first in every runtime; the default WebCrypto path ahead
// of every other WebCrypto-based library). Figures, not tests: nothing here asserts a time.
import { spawnSync } from 'node:child_process'
import { ensureRuntimeTools, runtimeToolBin } from '../test/runtimes/tools.mjs'

ensureRuntimeTools()

const RUNTIMES = [
  { name: 'node', command: 'node', args: ['bench/core-runtime.mjs'] },
  { name: 'bun', command: runtimeToolBin('bun'), args: ['bench/core-runtime.mjs'] },
  {
    name: 'deno',
    command: runtimeToolBin('deno'),
    args: ['run', '--allow-read', '--allow-env', 'bench/core-runtime.mjs'],
    env: { DENO_NO_UPDATE_CHECK: '1' },
  },
]

const format = (n) => Math.round(n).toLocaleString('en-US')
for (const { name, command, args, env } of RUNTIMES) {
  const run = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 })
  const line = run.stdout?.split('\n').find((l) => l.startsWith('@@bench '))
  if (run.status !== 0 || !line) {
    console.log(`\n## ${name}: did not run (exit ${run.status ?? run.signal})\n${run.stderr?.slice(0, 2000)}`)
    continue
  }
  const { runtime, rounds, roundMs, results } = JSON.parse(line.slice('@@bench '.length))
  console.log(`\n## ${runtime} (${rounds} rounds of ${roundMs} ms, median ops/s)`)
  for (const [group, rates] of Object.entries(results)) {
    console.log(`\n${group}`)
    const ranked = Object.entries(rates).sort(([, a], [, b]) => b - a)
    const ours = rates['mfa-core verifyTOTP'] ?? rates['mfa-core verifyTOTP(OTPKey)']
    for (const [contender, ops] of ranked) {
      console.log(
        `  ${contender.padEnd(36)} ${format(ops).padStart(10)} ops/s  mfa-core / this ${(ours / ops).toFixed(2)}x`,
      )
    }
  }
  const perCall = results['verify valid, ±1, base32 secret per call']
  const ratio = (a, b) => (perCall[a] / perCall[b]).toFixed(2)
  console.log('\n  targets')
  console.log(
    `  mfa-core/sync first: ${Object.entries(perCall).sort(([, a], [, b]) => b - a)[0][0] === 'mfa-core/sync verifyTOTP'}`,
  )
  console.log(`  mfa-core / @epic-web/totp: ${ratio('mfa-core verifyTOTP', '@epic-web/totp')}x (target >= 2x)`)
  console.log(
    `  mfa-core / otplib WebCrypto plugin: ${ratio('mfa-core verifyTOTP', 'otplib (WebCrypto plugin)')}x (target >= 3x)`,
  )
  const prepared = results['verify valid, ±1, prepared key']
  console.log(
    `  prepared verifyTOTP / raw sign: ${(prepared['mfa-core verifyTOTP(OTPKey)'] / prepared['raw crypto.subtle.sign, cached key']).toFixed(2)}x (target >= 0.9x)`,
  )
  console.log(
    `  mfa-core/sync prepared / otpauth: ${(prepared['mfa-core/sync verifyTOTP(OTPKey)'] / prepared['otpauth TOTP#validate']).toFixed(2)}x (target >= 5x)`,
  )
}
