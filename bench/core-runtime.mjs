// The core OTP benchmark in any runtime (Node, Bun, Deno): mfa-core (built dist/, both entries) against otpauth and
// otplib (its default noble engine and its WebCrypto plugin), plus @epic-web/totp, on the same inputs, interleaved
// over rounds, median ops/s. Only web-standard globals (crypto.subtle, performance): the same file runs everywhere.
// Run: npm run bench:runtimes (all three runtimes), or `node bench/core-runtime.mjs` /
// `test/runtimes/node_modules/.bin/bun bench/core-runtime.mjs` / `DENO_NO_UPDATE_CHECK=1
// test/runtimes/node_modules/.bin/deno run --allow-read --allow-env bench/core-runtime.mjs` (bun and deno are the
// runtime tools: `node scripts/runtime-tools.mjs` installs them).
// Prints one JSON line after the marker `@@bench` for bench/runtimes.mjs; figures, not tests: nothing asserts a time.
import * as epic from '@epic-web/totp'
import { WebCryptoPlugin } from '@otplib/plugin-crypto-web'
import * as OTPAuth from 'otpauth'
import * as otplib from 'otplib'
import * as mfa from '../dist/index.js'
import * as sync from '../dist/sync.js'
import { measureGroup } from './measure.mjs'

const env = globalThis.process?.env ?? {}
const ROUND_MS = Number(env.BENCH_ROUND_MS ?? 300)
const ROUNDS = Number(env.BENCH_ROUNDS ?? 5)
// calls between two clock reads
const BATCH = 20
const runtime = globalThis.Deno
  ? `Deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun
    ? `Bun ${globalThis.Bun.version}`
    : `Node ${globalThis.process.version}`

const secret = mfa.generateSecret()
const base32 = mfa.encodeBase32(secret)
const now = Date.now()
const step = Math.floor(now / 30_000)
const valid = await mfa.generateTOTP(secret, { timestamp: now })
const previous = await mfa.generateTOTP(secret, { timestamp: now - 30_000 })

const webPlugin = new WebCryptoPlugin()
const key = await mfa.importSecret(secret)
const syncKey = sync.importSecret(secret)
const otpauth = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32) })
const rawKey = await crypto.subtle.importKey('raw', secret.slice(), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
const counter = new Uint8Array(8)
new DataView(counter.buffer).setUint32(4, step)

// Sanity: every contender accepts the valid code before anything is timed.
const checks = [
  (await mfa.verifyTOTP(secret, valid, { timestamp: now })).valid,
  sync.verifyTOTP(syncKey, valid, { timestamp: now }).valid,
  otpauth.validate({ token: valid, timestamp: now, window: 1 }) === 0,
  (await otplib.verify({ secret: base32, token: valid, epoch: now / 1000, epochTolerance: 30 })).valid,
  (await otplib.verify({ secret: base32, token: valid, epoch: now / 1000, epochTolerance: 30, crypto: webPlugin }))
    .valid,
  (await otplib.verify({ secret: base32, token: previous, epoch: now / 1000, epochTolerance: 30, crypto: webPlugin }))
    .valid,
  (await epic.verifyTOTP({ otp: valid, secret: base32, window: 1 })) !== null,
  (await epic.verifyTOTP({ otp: previous, secret: base32, window: 1 })) !== null,
  OTPAuth.TOTP.validate({ token: valid, secret: OTPAuth.Secret.fromBase32(base32), timestamp: now, window: 1 }) === 0,
]
if (checks.includes(false)) throw new Error(`a contender refuses the valid code: ${checks}`)

const groups = {
  'verify valid, ±1, base32 secret per call': {
    'mfa-core verifyTOTP': () => mfa.verifyTOTP(mfa.decodeBase32(base32), valid, { timestamp: now }),
    'mfa-core/sync verifyTOTP': () => sync.verifyTOTP(sync.decodeBase32(base32), valid, { timestamp: now }),
    'otpauth TOTP.validate': () =>
      OTPAuth.TOTP.validate({ token: valid, secret: OTPAuth.Secret.fromBase32(base32), timestamp: now, window: 1 }),
    'otplib (noble)': () => otplib.verify({ secret: base32, token: valid, epoch: now / 1000, epochTolerance: 30 }),
    'otplib (WebCrypto plugin)': () =>
      otplib.verify({ secret: base32, token: valid, epoch: now / 1000, epochTolerance: 30, crypto: webPlugin }),
    '@epic-web/totp': () => epic.verifyTOTP({ otp: valid, secret: base32, window: 1 }),
  },
  'verify valid code of step t-1, ±1, base32 secret per call': {
    'mfa-core verifyTOTP': () => mfa.verifyTOTP(mfa.decodeBase32(base32), previous, { timestamp: now }),
    'mfa-core/sync verifyTOTP': () => sync.verifyTOTP(sync.decodeBase32(base32), previous, { timestamp: now }),
    'otplib (WebCrypto plugin)': () =>
      otplib.verify({ secret: base32, token: previous, epoch: now / 1000, epochTolerance: 30, crypto: webPlugin }),
    '@epic-web/totp': () => epic.verifyTOTP({ otp: previous, secret: base32, window: 1 }),
  },
  'verify valid, ±1, prepared key': {
    'raw crypto.subtle.sign, cached key': () => crypto.subtle.sign('HMAC', rawKey, counter),
    'mfa-core verifyTOTP(OTPKey)': () => mfa.verifyTOTP(key, valid, { timestamp: now }),
    'mfa-core/sync verifyTOTP(OTPKey)': () => sync.verifyTOTP(syncKey, valid, { timestamp: now }),
    'otpauth TOTP#validate': () => otpauth.validate({ token: valid, timestamp: now, window: 1 }),
  },
}

const results = {}
for (const [group, cases] of Object.entries(groups))
  results[group] = await measureGroup(cases, { rounds: ROUNDS, roundMs: ROUND_MS, batch: BATCH })
console.log(`@@bench ${JSON.stringify({ runtime, rounds: ROUNDS, roundMs: ROUND_MS, results })}`)
