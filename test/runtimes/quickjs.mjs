// Launcher for QuickJS (npm `quickjs-emscripten`): a runtime with no WebCrypto, no TextEncoder and no Node APIs.
// Bundles the BUILT dist/sync.js with a small suite into one IIFE script (esbuild), evaluates it in a fresh QuickJS
// context, and prints `quickjs: N passed, N failed` (the scripts/test-runtimes.mjs protocol; `version:` on stderr).
// The suite: the RFC 4226 Appendix D and RFC 6238 Appendix B tables (read from the built dist/testing.js), prepared
// keys and destroy(), and seeded random cases whose expected codes Node computes first with the WebCrypto root entry
// (dist/index.js).
// Run `npm run build` first.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { getQuickJS, shouldInterruptAfterDeadline } from 'quickjs-emscripten'

const root = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(import.meta.url)
const version = `quickjs-emscripten ${JSON.parse(readFileSync(require.resolve('quickjs-emscripten/package.json'), 'utf8')).version}`

// Expected values from the WebCrypto root entry, on a seeded generator (same cases every run).
const webcrypto = await import(`${root}dist/index.js`)
let seed = 0x2545f491
const next = () => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return seed >>> 0
}
const CASES = []
for (let i = 0; i < 60; i++) {
  const algorithm = ['SHA1', 'SHA256', 'SHA512'][i % 3]
  // 1 to 160 bytes: short keys, and keys longer than the 64- and 128-byte blocks (hashed first, RFC 2104)
  const secret = Array.from({ length: 1 + (next() % 160) }, () => next() & 0xff)
  const digits = 6 + (next() % 5)
  const counter = (BigInt(next()) << 32n) | BigInt(next())
  const timestamp = next() * 1000 + (next() % 1000)
  const bytes = Uint8Array.from(secret)
  CASES.push({
    algorithm,
    secret,
    digits,
    counter: counter.toString(),
    timestamp,
    hotp: await webcrypto.generateHOTP(bytes, counter, { algorithm, digits }),
    totp: await webcrypto.generateTOTP(bytes, { algorithm, digits, timestamp }),
  })
}

const SUITE = `
import * as sync from ${JSON.stringify(`${root}dist/sync.js`)}
import * as testing from ${JSON.stringify(`${root}dist/testing.js`)}
const ascii = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0))
const results = { passed: 0, failures: [] }
const check = (name, run) => {
  try {
    const outcome = run()
    if (outcome === true) results.passed++
    else results.failures.push(name + ': got ' + JSON.stringify(outcome))
  } catch (error) {
    results.failures.push(name + ': threw ' + String(error && error.message))
  }
}
check('no WebCrypto here', () => typeof crypto === 'undefined' || (typeof crypto.subtle === 'undefined' ? true : 'crypto.subtle exists'))
// The RFC tables come from the built mfa-core/testing (the one copy), bundled in with the sync entry.
const { rfc4226Vectors, rfc6238Vectors } = testing
const SEED = ascii(rfc4226Vectors[0].secret)
check('RFC tables present', () => (rfc4226Vectors.length === 10 && rfc6238Vectors.length === 18) || 'rows missing')
// RFC 4226 Appendix D
for (const { secret, counter, code } of rfc4226Vectors) {
  check('RFC 4226 count ' + counter, () => sync.generateHOTP(ascii(secret), counter) === code || sync.generateHOTP(ascii(secret), counter))
  check('RFC 4226 verify ' + counter, () => {
    const r = sync.verifyHOTP(ascii(secret), code, 0, { lookAhead: 9 })
    return (r.valid && r.counter === BigInt(counter) && r.delta === counter) || r
  })
}
// RFC 6238 Appendix B
for (const { secret, algorithm, time, step, code, digits } of rfc6238Vectors) {
  const options = { algorithm, digits, timestamp: time * 1000 }
  check('RFC 6238 ' + time + ' ' + algorithm, () => sync.generateTOTP(ascii(secret), options) === code || sync.generateTOTP(ascii(secret), options))
  check('RFC 6238 verify ' + time + ' ' + algorithm, () => {
    const key = sync.importSecret(ascii(secret), algorithm)
    const r = sync.verifyTOTP(key, code, options)
    key.destroy()
    return (r.valid && r.step === step && r.delta === 0) || r
  })
}
check('destroyed key throws ERR_KEY_DESTROYED', () => {
  const key = sync.importSecret(SEED)
  key.destroy()
  try {
    sync.generateTOTP(key)
    return 'no error'
  } catch (error) {
    return (sync.isOTPError(error) && error.code === 'ERR_KEY_DESTROYED') || String(error)
  }
})
check('a malformed code is a result, not an error', () => {
  const r = sync.verifyTOTP(SEED, '12a456')
  return (r.valid === false && r.reason === 'malformed') || r
})
for (const [i, c] of globalThis.__cases.entries()) {
  const secret = Uint8Array.from(c.secret)
  check('WebCrypto case ' + i + ' HOTP ' + c.algorithm, () => sync.generateHOTP(secret, BigInt(c.counter), c) === c.hotp || 'differs')
  check('WebCrypto case ' + i + ' TOTP ' + c.algorithm, () => sync.generateTOTP(secret, c) === c.totp || 'differs')
}
globalThis.__results = JSON.stringify(results)
`

const bundle = await build({
  stdin: { contents: SUITE, resolveDir: root, loader: 'js' },
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'error',
})

const QuickJS = await getQuickJS()
const runtime = QuickJS.newRuntime()
runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + 60_000))
const vm = runtime.newContext()
let passed = 0
let failures = []
try {
  for (const code of [
    `globalThis.__cases = ${JSON.stringify(CASES)}`,
    bundle.outputFiles[0].text,
    'globalThis.__results',
  ]) {
    const result = vm.evalCode(code, 'suite.js')
    if (result.error) {
      const error = vm.dump(result.error)
      result.error.dispose()
      throw new Error(`QuickJS: ${typeof error === 'object' ? `${error.name}: ${error.message}` : error}`)
    }
    if (code === 'globalThis.__results') ({ passed, failures } = JSON.parse(vm.dump(result.value)))
    result.value.dispose()
  }
} catch (error) {
  failures.push(`the suite did not run: ${error.message}`)
} finally {
  vm.dispose()
  runtime.dispose()
}
console.error(`version: ${version}`)
for (const failure of failures) console.error(`FAIL quickjs / ${failure}`)
console.log(`quickjs: ${passed} passed, ${failures.length} failed`)
process.exitCode = failures.length > 0 ? 1 : 0
