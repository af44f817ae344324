#!/usr/bin/env node
// Size budgets and bundle isolation, measured the way users ship us: each scenario is a tiny app importing only
// what it names from the built dist/, bundled and minified by esbuild with tree-shaking, then gzipped.
// Isolation is the hard gate: a marker of a module that should have been shaken out fails the check. The budgets
// are regression guards with honest headroom (about 10% over the measured size), not targets to bend code for; the
// issue's targets (core-only 2.5 KB, mfa-core/sync 4 KB) and the measured sizes are reported in bench/README.md.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

// Strings that only a given module contains: if one shows up in a bundle that should not need it, isolation failed.
const MARKERS = {
  'the MFA service': /not_consecutive|beginEnrollment/,
  'the QR encoder': /crispEdges|ERR_QR_TOO_LONG/,
  // SHA-1's K constants and SHA-256's first round constant (decimal, as esbuild prints them).
  'the sync HMAC engine': /1518500249|1859775393|1116352408/,
  WebCrypto: /\.subtle\b|getRandomValues/,
  'the WebAuthn verifier': /webauthn\.create|unsupported_attestation/,
}

const SCENARIOS = [
  {
    name: 'generateTOTP + verifyTOTP + base32',
    entry: 'index',
    code: 'export { generateTOTP, verifyTOTP, encodeBase32, decodeBase32 } from "ENTRY"',
    // 2.76 KB measured (target 2.5 KB: not met by the clear code, see bench/README.md)
    limit: 3,
    forbid: ['the MFA service', 'the QR encoder', 'the sync HMAC engine', 'the WebAuthn verifier'],
  },
  {
    name: 'verifyTOTP alone',
    entry: 'index',
    code: 'export { verifyTOTP } from "ENTRY"',
    limit: 2.75,
    forbid: ['the MFA service', 'the QR encoder', 'the sync HMAC engine', 'the WebAuthn verifier'],
  },
  {
    name: 'base32 alone',
    entry: 'index',
    code: 'export { encodeBase32, decodeBase32 } from "ENTRY"',
    limit: 1.25,
    forbid: ['the MFA service', 'the QR encoder', 'the sync HMAC engine', 'WebCrypto', 'the WebAuthn verifier'],
  },
  {
    name: 'mfa-core (everything)',
    entry: 'index',
    code: 'export * from "ENTRY"',
    // the MFA service v2 (several authenticators, import, evidence/machine/transaction) is 13.6 KB in clear code;
    // step-up proofs, trusted devices and resync bring it to 17.6 KB, the shared limits and stricter URIs to 18.4 KB;
    // recovery codes shown again, the record MAC, bound proofs, reuse detection and key rotation to 22.2 KB; security
    // keys as authenticators (the WebAuthn ceremonies, 5.4 KB alone, and the service's rules) to 29.8 KB
    limit: 32.75,
    forbid: ['the QR encoder', 'the sync HMAC engine'],
  },
  {
    name: 'createMFA + memoryStore',
    entry: 'index',
    code: 'export { createMFA, memoryStore } from "ENTRY"',
    // 12.2 KB measured for the v2 service (createKeyURI/parseKeyURI included, no second builder), 16.2 KB with step-up
    // proofs, trusted devices and resync, 17.0 KB with the shared limits and stricter key URIs, 20.9 KB with recovery
    // codes shown again, the record MAC, bound proofs, reuse detection and key rotation, 28.3 KB with security keys
    // (the service verifies their responses with the WebAuthn ceremonies: +7.4 KB); the hard gate is isolation: no
    // QR encoder and no sync engine in a createMFA bundle, and no MFA service in the core or mfa-core/webauthn
    limit: 31,
    forbid: ['the QR encoder', 'the sync HMAC engine'],
    requires: 'src/mfa/index.ts',
  },
  {
    name: 'mfa-core/qr',
    entry: 'qr',
    code: 'export * from "ENTRY"',
    // 3.9 KB before renderSVG checked colours against the CSS named-colour table (149 names, about 0.9 KB gzip)
    limit: 5,
    forbid: ['WebCrypto', 'the MFA service', 'the sync HMAC engine', 'the WebAuthn verifier'],
  },
  {
    name: 'mfa-core/sync',
    entry: 'sync',
    code: 'export * from "ENTRY"',
    // Three hash functions (SHA-1, SHA-256, SHA-512 in 32-bit halves) with their FIPS 180-4 constants as tables
    // (about 1.2 KB of them, incompressible) plus the shared OTP code: 6.15 KB measured; the 4 KB target is
    // not reachable with all three in clear code (see bench/README.md).
    limit: 6.75,
    forbid: ['the MFA service', 'the QR encoder', 'WebCrypto', 'the WebAuthn verifier'],
  },
  {
    name: 'mfa-core/webauthn',
    entry: 'webauthn',
    code: 'export * from "ENTRY"',
    // strict CBOR, COSE, DER, authenticator and client data, both ceremonies and their options: 5.41 KB measured
    limit: 6,
    forbid: ['the MFA service', 'the QR encoder', 'the sync HMAC engine'],
  },
  {
    name: 'mfa-core/storage/sql',
    entry: 'storage/sql',
    code: 'export * from "ENTRY"',
    // Three dialects' DDL and statements (PostgreSQL, SQLite, MySQL/MariaDB): 2.8 KB when they were added.
    limit: 3.5,
    forbid: ['WebCrypto'],
  },
  {
    name: 'mfa-core/storage/redis',
    entry: 'storage/redis',
    code: 'export * from "ENTRY"',
    limit: 2,
    forbid: ['WebCrypto'],
  },
  {
    name: 'mfa-core/storage/durable-object',
    entry: 'storage/durable-object',
    code: 'export * from "ENTRY"',
    limit: 2,
    forbid: ['WebCrypto', 'the MFA service'],
  },
  {
    name: 'mfa-core/storage/deno-kv',
    entry: 'storage/deno-kv',
    code: 'export * from "ENTRY"',
    limit: 2,
    forbid: ['WebCrypto', 'the MFA service'],
  },
]

let ok = true
console.log('scenario'.padEnd(40), 'gzip KB'.padStart(8), 'limit'.padStart(6))
for (const scenario of SCENARIOS) {
  const file = `${root}dist/${scenario.entry}.js`
  if (!existsSync(file) || (scenario.requires && !existsSync(`${root}${scenario.requires}`))) {
    console.log(scenario.name.padEnd(40), 'not built'.padStart(8))
    continue
  }
  const result = await build({
    stdin: { contents: scenario.code.replace('ENTRY', file), resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  })
  const text = result.outputFiles[0].text
  const kb = gzipSync(text, { level: 9 }).length / 1024
  const over = kb > scenario.limit
  const leaks = scenario.forbid.filter((name) => MARKERS[name].test(text))
  if (over || leaks.length > 0) ok = false
  console.log(
    scenario.name.padEnd(40),
    kb.toFixed(3).padStart(8),
    String(scenario.limit).padStart(6),
    over ? ' OVER BUDGET' : '',
    leaks.length > 0 ? ` pulls in ${leaks.join(', ')}` : '',
  )
}
if (!ok) {
  console.error('bundle budgets or isolation failed')
  process.exit(1)
}
