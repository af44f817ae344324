// What the MFA service costs on top of a bare TOTP check: `mfa.verify` through the in-memory store (load, parse,
// verify with its cached imported key, compare-and-set write back, event) against `verifyTOTP` on the same secret,
// codes and timestamps, from raw bytes (imports the key each call) and from an imported OTPKey. One run, contenders
// interleaved in chunks of 100, median of 7 rounds. Run: npm run build && node bench/mfa.mjs
import { createMFA, decodeBase32, generateTOTP, importSecret, verifyTOTP } from '../dist/index.js'

const N = Number(process.env.BENCH_N ?? 2000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const STEP = 30_000
let t = Date.UTC(2026, 10, 28, 12, 0, 5)

const mfa = createMFA({ issuer: 'Bench', now: () => t, onEvent: () => {} })
const { secret } = await mfa.beginEnrollment('u', { accountName: 'u' })
const bytes = decodeBase32(secret)
const key = await importSecret(bytes)
const c1 = await generateTOTP(bytes, { timestamp: t })
t += STEP
const confirmed = await mfa.confirmEnrollment('u', c1, await generateTOTP(bytes, { timestamp: t }))
if (!confirmed.ok) throw new Error(`enrollment failed: ${confirmed.reason}`)

/** N consecutive steps after the last one used, with their codes (computed outside the timed loops). */
async function batch() {
  const out = []
  for (let i = 0; i < N; i++) {
    t += STEP
    out.push({ timestamp: t, code: await generateTOTP(bytes, { timestamp: t }), afterStep: Math.floor(t / STEP) - 1 })
  }
  return out
}

const CHUNK = 100

const runners = {
  'mfa.verify (memory store)': async ({ timestamp, code }) => {
    t = timestamp
    const r = await mfa.verify('u', code)
    if (!r.ok) throw new Error(`mfa.verify refused: ${r.reason}`)
  },
  'verifyTOTP (Uint8Array secret)': async ({ timestamp, code, afterStep }) => {
    const r = await verifyTOTP(bytes, code, { timestamp, afterStep })
    if (!r.valid) throw new Error('verifyTOTP refused')
  },
  'verifyTOTP (imported OTPKey)': async ({ timestamp, code, afterStep }) => {
    const r = await verifyTOTP(key, code, { timestamp, afterStep })
    if (!r.valid) throw new Error('verifyTOTP refused')
  },
}
const names = Object.keys(runners)

/**
 * One round: every contender verifies the same N codes, interleaved in chunks of 100 so that changes in machine
 * load (other processes on a shared box) hit all of them alike. Returns ops/s per contender.
 */
async function round(inputs) {
  const elapsed = Object.fromEntries(names.map((n) => [n, 0]))
  for (let i = 0; i < inputs.length; i += CHUNK) {
    const chunk = inputs.slice(i, i + CHUNK)
    for (const name of names) {
      const start = performance.now()
      for (const input of chunk) await runners[name](input)
      elapsed[name] += performance.now() - start
    }
  }
  return Object.fromEntries(names.map((n) => [n, (inputs.length / elapsed[n]) * 1000]))
}

const results = Object.fromEntries(names.map((n) => [n, []]))
await round((await batch()).slice(0, 300)) // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const perName = await round(await batch())
  for (const n of names) results[n].push(perName[n])
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const base = median(results['verifyTOTP (Uint8Array secret)'])
console.log(`MFA verify vs bare verifyTOTP: ${ROUNDS} rounds x ${N} valid codes, Node ${process.version}`)
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs)
  console.log(`${name.padEnd(34)} ${m.toFixed(0).padStart(8)} ops/s   ${(m / base).toFixed(2)}x of bare verifyTOTP`)
}
