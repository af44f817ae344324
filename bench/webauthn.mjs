#!/usr/bin/env node
// mfa-core/webauthn against @simplewebauthn/server: verifyAuthentication / verifyAuthenticationResponse on the same
// assertions (ES256 and EdDSA, from test/runtimes/webauthn-fixtures.mjs), interleaved over rounds, median ops/s, in
// Node, Bun and Deno; then the bundle sizes of both (esbuild, minified, gzip level 9). Figures, not tests: nothing
// asserts a time. Beside the wall-clock rate, the process CPU time per call (where the runtime reports it), which a
// busy machine does not distort. Build first. Run: npm run bench:webauthn (Node, which starts Bun and Deno itself), or one runtime:
// `node bench/webauthn.mjs --one`, `npx bun bench/webauthn.mjs --one`,
// `DENO_NO_UPDATE_CHECK=1 npx deno run --allow-read --allow-env bench/webauthn.mjs --one`.
import { verifyAuthenticationResponse } from '@simplewebauthn/server'
import * as webauthn from '../dist/webauthn.js'
import { WEBAUTHN_FIXTURES } from '../test/runtimes/webauthn-fixtures.mjs'
import { measureGroup } from './measure.mjs'

const env = globalThis.process?.env ?? {}
const ROUND_MS = Number(env.BENCH_ROUND_MS ?? 300)
const ROUNDS = Number(env.BENCH_ROUNDS ?? 5)
const BATCH = 10
const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2)
const runtime = globalThis.Deno
  ? `Deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun
    ? `Bun ${globalThis.Bun.version}`
    : `Node ${globalThis.process.version}`

const fromBase64URL = (text) =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
const { challenge, origin, rpId } = WEBAUTHN_FIXTURES

async function measureRuntime() {
  const results = {}
  const cpu = {}
  for (const [alg, name] of [
    [-7, 'ES256'],
    [-8, 'EdDSA'],
  ]) {
    const fixture = WEBAUTHN_FIXTURES.authentications.find((a) => a.alg === alg && a.expected === 'ok')
    const publicKey = fromBase64URL(fixture.credential.publicKey)
    const credential = { ...fixture.credential, publicKey }
    const ours = () =>
      webauthn.verifyAuthentication(fixture.response, {
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpId,
        credential,
      })
    const theirs = () =>
      verifyAuthenticationResponse({
        response: fixture.response,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpId,
        credential: { id: credential.id, publicKey, counter: credential.signCount },
        requireUserVerification: false,
      })
    // both must accept the assertion before anything is timed
    const [a, b] = [await ours(), await theirs()]
    if (!a.ok || !b.verified) throw new Error(`${name}: the contenders do not both accept the assertion`)
    const cases = {
      'mfa-core verifyAuthentication': ours,
      '@simplewebauthn/server verifyAuthenticationResponse': theirs,
    }
    results[name] = await measureGroup(cases, { rounds: ROUNDS, roundMs: ROUND_MS, batch: BATCH })
    cpu[name] = await cpuPerCall(cases)
  }
  return { results, cpu }
}

/**
 * Median process CPU time per call (user + system, WebCrypto's worker threads included), in microseconds, over
 * interleaved rounds: the work each call costs, which a busy machine's wall clock hides. Where the runtime has no
 * process.cpuUsage, null.
 */
async function cpuPerCall(cases) {
  const usage = globalThis.process?.cpuUsage
  if (typeof usage !== 'function') return null
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      const start = globalThis.process.cpuUsage()
      for (let i = 0; i < 200; i++) await fn()
      const used = globalThis.process.cpuUsage(start)
      samples[name].push((used.user + used.system) / 200)
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [name, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]]),
  )
}

if (args.includes('--one')) {
  const { results, cpu } = await measureRuntime()
  console.log(`@@bench ${JSON.stringify({ runtime, rounds: ROUNDS, roundMs: ROUND_MS, results, cpu })}`)
} else {
  const { spawnSync } = await import('node:child_process')
  const { fileURLToPath } = await import('node:url')
  const { gzipSync } = await import('node:zlib')
  const { build } = await import('esbuild')
  const root = fileURLToPath(new URL('..', import.meta.url))
  const RUNTIMES = [
    ['node', 'node', ['bench/webauthn.mjs', '--one']],
    ['bun', 'npx', ['bun', 'bench/webauthn.mjs', '--one']],
    ['deno', 'npx', ['deno', 'run', '--allow-read', '--allow-env', 'bench/webauthn.mjs', '--one']],
  ]
  const format = (n) => Math.round(n).toLocaleString('en-US')
  console.log(`verifyAuthentication, median ops/s over ${ROUNDS} rounds of ${ROUND_MS} ms (target: mfa-core >= 1.5x)\n`)
  console.log(
    '| runtime | algorithm | mfa-core ops/s | @simplewebauthn/server ops/s | ratio | CPU µs/call, mfa-core / peer | CPU ratio |',
  )
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |')
  for (const [name, command, argv] of RUNTIMES) {
    const run = spawnSync(command, argv, {
      encoding: 'utf8',
      env: { ...globalThis.process.env, DENO_NO_UPDATE_CHECK: '1' },
      timeout: 600_000,
    })
    const line = run.stdout?.split('\n').find((l) => l.startsWith('@@bench '))
    if (run.status !== 0 || !line) {
      console.log(`| ${name} | did not run (exit ${run.status ?? run.signal}) | | | |`)
      console.error(run.stderr?.slice(0, 2000))
      continue
    }
    const { runtime: version, results, cpu } = JSON.parse(line.slice('@@bench '.length))
    for (const [alg, rates] of Object.entries(results)) {
      const ours = rates['mfa-core verifyAuthentication']
      const theirs = rates['@simplewebauthn/server verifyAuthenticationResponse']
      const work = cpu[alg]
      const cpuCells =
        work === null
          ? 'n/a | n/a'
          : `${format(work['mfa-core verifyAuthentication'])} / ${format(work['@simplewebauthn/server verifyAuthenticationResponse'])} | ${(work['@simplewebauthn/server verifyAuthenticationResponse'] / work['mfa-core verifyAuthentication']).toFixed(2)}x`
      console.log(
        `| ${version} | ${alg} | ${format(ours)} | ${format(theirs)} | ${(ours / theirs).toFixed(2)}x | ${cpuCells} |`,
      )
    }
  }
  // Sizes: what a server that registers and signs in imports from each, bundled the same way.
  const SIZES = [
    [
      'mfa-core/webauthn (options, verifyRegistration, verifyAuthentication)',
      `export { createRegistrationOptions, createAuthenticationOptions, verifyRegistration, verifyAuthentication } from '${root}dist/webauthn.js'`,
    ],
    [
      '@simplewebauthn/server 14.0.3 (generate*Options, verify*Response)',
      `export { generateRegistrationOptions, generateAuthenticationOptions, verifyRegistrationResponse, verifyAuthenticationResponse } from '@simplewebauthn/server'`,
    ],
  ]
  console.log('\n| bundle (esbuild, minified) | platform | min KB | min+gzip KB |\n| --- | --- | ---: | ---: |')
  for (const [name, contents] of SIZES) {
    for (const platform of ['browser', 'node']) {
      const result = await build({
        stdin: { contents, resolveDir: root, loader: 'js' },
        bundle: true,
        minify: true,
        format: 'esm',
        platform,
        write: false,
        logLevel: 'silent',
      })
      const text = result.outputFiles[0].text
      const kb = (n) => (n / 1024).toFixed(2)
      console.log(`| ${name} | ${platform} | ${kb(text.length)} | ${kb(gzipSync(text, { level: 9 }).length)} |`)
    }
  }
}
