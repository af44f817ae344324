// Launcher for QuickJS (npm `quickjs-emscripten`): a runtime with no WebCrypto, no TextEncoder and no Node APIs.
// Bundles the BUILT dist/sync.js with a small suite into one IIFE script (esbuild), evaluates it in a fresh QuickJS
// context, and prints `quickjs: N passed, N failed` (the scripts/test-runtimes.mjs protocol; `version:` on stderr).
// The suite: the RFC 4226 Appendix D and RFC 6238 Appendix B tables, prepared keys and destroy(), and seeded random
// cases whose expected codes Node computes first with the WebCrypto root entry (dist/index.js).
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
// RFC 4226 Appendix D
const HOTP = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
const SEED = ascii('12345678901234567890')
HOTP.forEach((code, counter) => {
  check('RFC 4226 count ' + counter, () => sync.generateHOTP(SEED, counter) === code || sync.generateHOTP(SEED, counter))
  check('RFC 4226 verify ' + counter, () => {
    const r = sync.verifyHOTP(SEED, code, 0, { lookAhead: 9 })
    return (r.valid && r.counter === BigInt(counter) && r.delta === counter) || r
  })
})
// RFC 6238 Appendix B
const SEEDS = {
  SHA1: ascii('12345678901234567890'),
  SHA256: ascii('12345678901234567890123456789012'),
  SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
}
const TOTP = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
]
for (const [seconds, ...codes] of TOTP) {
  ;['SHA1', 'SHA256', 'SHA512'].forEach((algorithm, i) => {
    const options = { algorithm, digits: 8, timestamp: seconds * 1000 }
    check('RFC 6238 ' + seconds + ' ' + algorithm, () => sync.generateTOTP(SEEDS[algorithm], options) === codes[i] || sync.generateTOTP(SEEDS[algorithm], options))
    check('RFC 6238 verify ' + seconds + ' ' + algorithm, () => {
      const key = sync.importSecret(SEEDS[algorithm], algorithm)
      const r = sync.verifyTOTP(key, codes[i], options)
      key.destroy()
      return (r.valid && r.step === Math.floor(seconds / 30) && r.delta === 0) || r
    })
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
