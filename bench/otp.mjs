#!/usr/bin/env node
// Core OTP benchmark: mfa-core (built dist/) against its peers, in one run, on the same inputs.
// Each case runs one call at a time (await each), ~400 ms per round, 5 rounds interleaving the cases of a group;
// the table shows the median ops/s.
// Run: npm run bench   (builds first; figures, not tests: nothing here asserts a time).
import { webcrypto } from 'node:crypto'
import * as epic from '@epic-web/totp'
import * as oslo from '@oslojs/otp'
import { WebCryptoPlugin } from '@otplib/plugin-crypto-web'
import * as OTPAuth from 'otpauth'
import * as otplib from 'otplib'
import speakeasy from 'speakeasy'
import * as mfa from '../dist/index.js'
import * as sync from '../dist/sync.js'
import { measureGroup } from './measure.mjs'

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
// calls between two clock reads
const BATCH = 50
const secret = mfa.generateSecret()
const base32 = mfa.encodeBase32(secret)
const now = Date.now()
const step = Math.floor(now / 30_000)
const valid = await mfa.generateTOTP(secret, { timestamp: now })
const previous = await mfa.generateTOTP(secret, { timestamp: now - 30_000 })
// A wrong code: not the code of any step in the ±1 window, so every implementation computes the whole window.
let invalid = '000000'
for (const c of ['000000', '111111', '222222']) {
  const r = await mfa.verifyTOTP(secret, c, { timestamp: now, window: 1 })
  if (!r.valid) {
    invalid = c
    break
  }
}

const rawKey = await webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
const counter = new Uint8Array(8)
new DataView(counter.buffer).setUint32(4, step)
const prepared = await mfa.importSecret(secret)
const otpauth = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32) })
const webPlugin = new WebCryptoPlugin()

const groups = {
  'generate (prepared key)': {
    'raw WebCrypto sign (floor)': () => webcrypto.subtle.sign('HMAC', rawKey, counter),
    'mfa-core generateTOTP(OTPKey)': () => mfa.generateTOTP(prepared, { timestamp: now }),
    'otpauth TOTP#generate': () => otpauth.generate({ timestamp: now }),
  },
  'generate (per-call secret)': {
    'mfa-core generateTOTP(bytes)': () => mfa.generateTOTP(secret, { timestamp: now }),
    'otplib (noble)': () => otplib.generate({ secret, epoch: now / 1000 }),
    'otplib (WebCrypto plugin)': () => otplib.generate({ secret, epoch: now / 1000, crypto: webPlugin }),
    '@epic-web/totp': () => epic.generateTOTP({ secret: base32, period: 30, digits: 6, algorithm: 'SHA-1' }),
    '@oslojs/otp': () => oslo.generateTOTP(secret, 30, 6),
    speakeasy: () => speakeasy.totp({ secret: base32, encoding: 'base32', time: now / 1000 }),
  },
  'verify valid, window ±1 (per-call secret)': {
    'mfa-core verifyTOTP(bytes)': () => mfa.verifyTOTP(secret, valid, { timestamp: now }),
    'mfa-core/sync verifyTOTP(bytes)': () => sync.verifyTOTP(secret, valid, { timestamp: now }),
    'otplib (noble)': () => otplib.verify({ secret, token: valid, epoch: now / 1000, epochTolerance: 30 }),
    'otplib (WebCrypto plugin)': () =>
      otplib.verify({ secret, token: valid, epoch: now / 1000, epochTolerance: 30, crypto: webPlugin }),
    '@epic-web/totp': () => epic.verifyTOTP({ otp: valid, secret: base32, window: 1 }),
    '@oslojs/otp (±30 s grace)': () => oslo.verifyTOTPWithGracePeriod(secret, 30, 6, valid, 30),
    speakeasy: () =>
      speakeasy.totp.verify({ secret: base32, encoding: 'base32', token: valid, window: 1, time: now / 1000 }),
    'otpauth (new TOTP per call)': () =>
      new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32) }).validate({
        token: valid,
        timestamp: now,
        window: 1,
      }),
  },
  'verify invalid, window ±1 (per-call secret)': {
    'mfa-core verifyTOTP(bytes)': () => mfa.verifyTOTP(secret, invalid, { timestamp: now }),
    'otplib (noble)': () => otplib.verify({ secret, token: invalid, epoch: now / 1000, epochTolerance: 30 }),
    'otplib (WebCrypto plugin)': () =>
      otplib.verify({ secret, token: invalid, epoch: now / 1000, epochTolerance: 30, crypto: webPlugin }),
    '@epic-web/totp': () => epic.verifyTOTP({ otp: invalid, secret: base32, window: 1 }),
    speakeasy: () =>
      speakeasy.totp.verify({ secret: base32, encoding: 'base32', token: invalid, window: 1, time: now / 1000 }),
  },
  'verify valid code of step t-1, window ±1 (per-call secret)': {
    'mfa-core verifyTOTP(bytes)': () => mfa.verifyTOTP(secret, previous, { timestamp: now }),
    'otplib (WebCrypto plugin)': () =>
      otplib.verify({ secret, token: previous, epoch: now / 1000, epochTolerance: 30, crypto: webPlugin }),
    '@epic-web/totp': () => epic.verifyTOTP({ otp: previous, secret: base32, window: 1 }),
  },
  'verify valid, window ±1 (prepared key)': {
    'mfa-core verifyTOTP(OTPKey)': () => mfa.verifyTOTP(prepared, valid, { timestamp: now }),
    'raw WebCrypto sign (floor)': () => webcrypto.subtle.sign('HMAC', rawKey, counter),
    'otpauth TOTP#validate': () => otpauth.validate({ token: valid, timestamp: now, window: 1 }),
  },
}

console.log(`node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms, median ops/s; ratio = mfa-core / peer\n`)
const results = {}
for (const [group, cases] of Object.entries(groups)) {
  console.log(`## ${group}`)
  console.log(`| case | ops/s | mfa-core / this |\n| --- | ---: | ---: |`)
  const rates = await measureGroup(cases, { rounds: ROUNDS, roundMs: ROUND_MS, batch: BATCH })
  const ours = Object.entries(rates).find(([name]) => name.startsWith('mfa-core'))?.[1]
  for (const [name, rate] of Object.entries(rates)) {
    console.log(`| ${name} | ${Math.round(rate).toLocaleString('en')} | ${(ours / rate).toFixed(2)}x |`)
  }
  results[group] = rates
  console.log('')
}

const r = (group, a, b) => results[group][a] / results[group][b]
console.log('## targets')
console.log(
  `prepared generateTOTP / raw WebCrypto sign: ${r('generate (prepared key)', 'mfa-core generateTOTP(OTPKey)', 'raw WebCrypto sign (floor)').toFixed(2)}x (target >= 0.9x)`,
)
const v = 'verify valid, window ±1 (per-call secret)'
console.log(
  `verifyTOTP(bytes) / @epic-web/totp: ${r(v, 'mfa-core verifyTOTP(bytes)', '@epic-web/totp').toFixed(2)}x (target >= 2x)`,
)
console.log(
  `verifyTOTP(bytes) / otplib WebCrypto plugin: ${r(v, 'mfa-core verifyTOTP(bytes)', 'otplib (WebCrypto plugin)').toFixed(2)}x (target >= 3x)`,
)
const p = 'verify valid, window ±1 (prepared key)'
console.log(
  `verifyTOTP(OTPKey) / raw WebCrypto sign: ${r(p, 'mfa-core verifyTOTP(OTPKey)', 'raw WebCrypto sign (floor)').toFixed(2)}x (target >= 0.9x)`,
)
const s = 'mfa-core/sync verifyTOTP(bytes)'
console.log(
  `mfa-core/sync verifyTOTP(bytes): ${r(v, s, '@epic-web/totp').toFixed(2)}x @epic-web/totp, ${r(v, s, 'otplib (WebCrypto plugin)').toFixed(2)}x otplib WebCrypto plugin`,
)
