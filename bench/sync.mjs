#!/usr/bin/env node
// mfa-core/sync benchmark: the synchronous pure-TypeScript engine (built dist/sync.js) against otpauth's Node build
// (node:crypto createHmac), raw node:crypto createHmac, and a raw pure-JS ceiling (the same prepared HMAC-SHA-1 with
// truncation inlined below, no option checks, no result objects), in one run, on the same inputs.
// Each case runs ~400 ms of CPU time per round, 5 rounds interleaving the cases of a group; the table shows median
// ops per CPU second.
// Run: npm run build && node bench/sync.mjs   (figures, not tests: nothing here asserts a time).
import { createHmac } from 'node:crypto'
import * as OTPAuth from 'otpauth'
import { decodeBase32, encodeBase32, generateSecret } from '../dist/index.js'
import * as sync from '../dist/sync.js'

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const now = Date.now()
const step = Math.floor(now / 30_000)

// Every case is synchronous, so time is this process's CPU time (user + system), not the wall clock: on a machine
// shared with other work the figures then hold steady (a wall-clock round loses whatever the scheduler gives away).
function cpuMs() {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function rate(fn) {
  let ops = 0
  const start = cpuMs()
  let elapsed = 0
  let sink = 0
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < 200; i++) sink ^= fn() ? 1 : 0
    ops += 200
    elapsed = cpuMs() - start
  }
  if (sink === 2) console.log('unreachable')
  return (ops / elapsed) * 1000
}

/** Rounds interleave the cases of a group, so a busy machine slows them all alike; each case's median is kept. */
function measureGroup(cases) {
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(cases)) samples[name].push(rate(fn))
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, rates]) => [name, rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]]),
  )
}

// --- The raw pure-JS ceiling: prepared HMAC-SHA-1 (RFC 2104, key <= 64 bytes), RFC 4226 truncation, inlined. ---
const W = new Int32Array(80)
function sha1(src, dst, w) {
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
    w[i] = (x << 1) | (x >>> 31)
  }
  let a = src[0]
  let b = src[1]
  let c = src[2]
  let d = src[3]
  let e = src[4]
  let t = 0
  for (let i = 0; i < 20; i++) {
    t = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + w[i] + 0x5a827999) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = t
  }
  for (let i = 20; i < 40; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i] + 0x6ed9eba1) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = t
  }
  for (let i = 40; i < 60; i++) {
    t = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + w[i] + 0x8f1bbcdc) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = t
  }
  for (let i = 60; i < 80; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i] + 0xca62c1d6) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = t
  }
  dst[0] = (src[0] + a) | 0
  dst[1] = (src[1] + b) | 0
  dst[2] = (src[2] + c) | 0
  dst[3] = (src[3] + d) | 0
  dst[4] = (src[4] + e) | 0
}
const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]
function preparePad(key, pad) {
  const state = Int32Array.from(IV)
  for (let i = 0; i < 16; i++) {
    let word = 0
    for (let j = 0; j < 4; j++) word = (word << 8) | ((key[4 * i + j] ?? 0) ^ pad)
    W[i] = word
  }
  sha1(state, state, W)
  return state
}
const OUT = new Int32Array(5)
function ceilingCode(inner, outer, counter) {
  W[0] = Math.floor(counter / 0x1_0000_0000)
  W[1] = counter >>> 0
  W[2] = 0x80000000 | 0
  W.fill(0, 3, 15)
  W[15] = (64 + 8) * 8
  sha1(inner, OUT, W)
  W.set(OUT)
  W[5] = 0x80000000 | 0
  W.fill(0, 6, 15)
  W[15] = (64 + 20) * 8
  sha1(outer, OUT, W)
  const byte = (i) => (OUT[i >> 2] >>> (24 - ((i & 3) << 3))) & 0xff
  const o = OUT[4] & 0xf
  const binary = ((byte(o) & 0x7f) << 24) | (byte(o + 1) << 16) | (byte(o + 2) << 8) | byte(o + 3)
  return String(binary % 1_000_000).padStart(6, '0')
}
// The same check as verifyTOTP: now, then now - d and now + d, stopping at the first match (constant-time compare).
// The order of a window is computed once, outside the timed calls, so the ceiling allocates nothing per check.
const ORDERS = [0, 1, 2, 3].map((window) => [0, ...Array.from({ length: window }, (_, d) => [-(d + 1), d + 1]).flat()])
const ORDER = (window) => ORDERS[window]
function ceilingVerify(inner, outer, code, window) {
  for (const d of ORDER(window)) {
    const candidate = ceilingCode(inner, outer, step + d)
    let diff = 0
    for (let i = 0; i < 6; i++) diff |= code.charCodeAt(i) ^ candidate.charCodeAt(i)
    if (diff === 0) return step + d
  }
  return -1
}

// --- raw node:crypto: createHmac per code, the same truncation ---
function nodeCode(key, algorithm, counter) {
  const message = Buffer.alloc(8)
  message.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0)
  message.writeUInt32BE(counter >>> 0, 4)
  const mac = createHmac(algorithm, key).update(message).digest()
  const o = mac[mac.length - 1] & 0xf
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}
function nodeVerify(key, code, window) {
  for (const d of ORDER(window)) {
    const candidate = nodeCode(key, 'sha1', step + d)
    let diff = 0
    for (let i = 0; i < 6; i++) diff |= code.charCodeAt(i) ^ candidate.charCodeAt(i)
    if (diff === 0) return step + d
  }
  return -1
}

const secret = generateSecret() // 20 bytes
const base32 = encodeBase32(secret)
const valid = sync.generateTOTP(secret, { timestamp: now })
const key = sync.importSecret(secret)
const inner = preparePad(secret, 0x36)
const outer = preparePad(secret, 0x5c)
const otpauth = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32) })

// Sanity: every contender agrees on the code before anything is timed.
const agree = [
  otpauth.generate({ timestamp: now }),
  ceilingCode(inner, outer, step),
  nodeCode(secret, 'sha1', step),
  sync.generateTOTP(key, { timestamp: now }),
]
if (agree.some((c) => c !== valid)) throw new Error(`contenders disagree: ${valid} vs ${agree.join(', ')}`)
if (!sync.verifyTOTP(key, valid, { timestamp: now }).valid || ceilingVerify(inner, outer, valid, 1) !== step) {
  throw new Error('a contender does not verify the valid code')
}

const groups = {
  'verifyTOTP valid, window ±1 (prepared key, SHA1)': {
    'raw pure-JS ceiling (inline HMAC-SHA1, same check)': () => ceilingVerify(inner, outer, valid, 1) === step,
    'mfa-core/sync verifyTOTP(OTPKey)': () => sync.verifyTOTP(key, valid, { timestamp: now }).valid,
    'otpauth TOTP#validate (Node build)': () => otpauth.validate({ token: valid, timestamp: now, window: 1 }) === 0,
  },
  'verifyTOTP valid, window ±1 (per-call base32 secret, SHA1)': {
    'raw node:crypto createHmac, same check (bytes given)': () => nodeVerify(secret, valid, 1) === step,
    'mfa-core/sync verifyTOTP(decodeBase32(s))': () =>
      sync.verifyTOTP(decodeBase32(base32), valid, { timestamp: now }).valid,
    'otpauth TOTP.validate(Secret.fromBase32(s))': () =>
      OTPAuth.TOTP.validate({ token: valid, secret: OTPAuth.Secret.fromBase32(base32), timestamp: now, window: 1 }) ===
      0,
  },
  'generateTOTP (per-call bytes, SHA1)': {
    'raw node:crypto createHmac (sha1)': () => nodeCode(secret, 'sha1', step),
    'mfa-core/sync generateTOTP(bytes)': () => sync.generateTOTP(secret, { timestamp: now }),
  },
}
for (const algorithm of ['SHA1', 'SHA256', 'SHA512']) {
  const bytes = generateSecret({ algorithm })
  const prepared = sync.importSecret(bytes, algorithm)
  const peer = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(encodeBase32(bytes)), algorithm })
  if (peer.generate({ timestamp: now }) !== sync.generateTOTP(prepared, { timestamp: now })) {
    throw new Error(`${algorithm}: otpauth and mfa-core/sync disagree`)
  }
  groups[`generateTOTP (prepared key, ${algorithm})`] = {
    'otpauth TOTP#generate (Node build)': () => peer.generate({ timestamp: now }),
    'mfa-core/sync generateTOTP(OTPKey)': () => sync.generateTOTP(prepared, { timestamp: now }),
    [`raw node:crypto createHmac (${algorithm})`]: () => nodeCode(bytes, algorithm.toLowerCase(), step),
  }
}

const format = (n) => Math.round(n).toLocaleString('en-US')
console.log(`node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms CPU time per case, median ops/s`)
const results = {}
for (const [group, cases] of Object.entries(groups)) {
  const medians = measureGroup(cases)
  results[group] = medians
  const base = Object.values(medians)[0]
  console.log(`\n${group}`)
  for (const [name, ops] of Object.entries(medians)) {
    console.log(`  ${name.padEnd(46)} ${format(ops).padStart(12)} ops/s  ${(ops / base).toFixed(2).padStart(6)}x`)
  }
}

const r = (group, a, b) => results[group][a] / results[group][b]
const prepared = 'verifyTOTP valid, window ±1 (prepared key, SHA1)'
const perCall = 'verifyTOTP valid, window ±1 (per-call base32 secret, SHA1)'
console.log('\ntargets (core issue: the fastest OTP code in every runtime)')
const target = (label, value, goal) =>
  console.log(`  ${label.padEnd(62)} ${value.toFixed(2).padStart(6)}x  (target ${goal})`)
target(
  'prepared verifyTOTP vs otpauth',
  r(prepared, 'mfa-core/sync verifyTOTP(OTPKey)', 'otpauth TOTP#validate (Node build)'),
  '>= 5x',
)
target(
  'raw pure-JS ceiling vs prepared verifyTOTP (overhead)',
  r(prepared, 'raw pure-JS ceiling (inline HMAC-SHA1, same check)', 'mfa-core/sync verifyTOTP(OTPKey)'),
  '<= 1.3x',
)
target(
  'per-call base32 verifyTOTP vs raw createHmac',
  r(perCall, 'mfa-core/sync verifyTOTP(decodeBase32(s))', 'raw node:crypto createHmac, same check (bytes given)'),
  '>= 2x',
)
target(
  'per-call generateTOTP(bytes) vs raw createHmac',
  r('generateTOTP (per-call bytes, SHA1)', 'mfa-core/sync generateTOTP(bytes)', 'raw node:crypto createHmac (sha1)'),
  '>= 2x',
)
for (const algorithm of ['SHA256', 'SHA512']) {
  target(
    `prepared generateTOTP ${algorithm} vs otpauth`,
    r(
      `generateTOTP (prepared key, ${algorithm})`,
      'mfa-core/sync generateTOTP(OTPKey)',
      'otpauth TOTP#generate (Node build)',
    ),
    '>= 2x',
  )
}
