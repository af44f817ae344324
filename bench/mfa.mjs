// What the MFA service costs on top of a bare TOTP check: `mfa.verify` through the in-memory store (load, parse,
// decode the secret, verify, compare-and-set write back, event) against `verifyTOTP` on the same secret, codes and
// timestamps. One run, interleaved rounds, medians. Run: npm run build && node bench/mfa.mjs
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

async function timeIt(fn, inputs) {
  const start = performance.now()
  for (const input of inputs) await fn(input)
  return (inputs.length / (performance.now() - start)) * 1000
}

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

const results = Object.fromEntries(Object.keys(runners).map((k) => [k, []]))
// warm-up, then interleaved rounds so drift in machine load hits every contender alike
for (const fn of Object.values(runners)) await timeIt(fn, (await batch()).slice(0, 200))
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(runners)) {
    const inputs = await batch()
    results[name].push(await timeIt(fn, inputs))
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const base = median(results['verifyTOTP (Uint8Array secret)'])
console.log(`MFA verify vs bare verifyTOTP: ${ROUNDS} rounds x ${N} valid codes, Node ${process.version}`)
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs)
  console.log(`${name.padEnd(34)} ${m.toFixed(0).padStart(8)} ops/s   ${(m / base).toFixed(2)}x of bare verifyTOTP`)
}
