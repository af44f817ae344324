// What the MFA service costs on top of a bare TOTP check, and what several authenticators per user cost: mfa.verify
// for users with 1, 2 and 8 authenticators against verifyTOTP on the same secrets, codes and timestamps, on the
// memory store and over PostgreSQL (started on loopback by the storage test harness, as bench/storage.mjs does).
// Two cases for several authenticators: `same` (the code is always of the authenticator used last, the usual login:
// tried first) and `rotating` (each code of another authenticator than the last: the worst case, every other one's
// window is computed before the match). Contenders interleaved in chunks, median of the rounds; ratios against 1.
// Run: npm run build && node bench/mfa.mjs   (BENCH_N, BENCH_ROUNDS to change the size; BENCH_PG=0 skips PostgreSQL;
// BENCH_ENGINE=sync runs the service on mfa-core/sync's HMAC engine)
import pg from 'pg'
import { importSecret, memoryStore, verifyTOTP } from '../dist/index.js'
import { ensureTable, sqlStore } from '../dist/storage/sql.js'
import { syncEngine } from '../dist/sync.js'
import { findPostgres, startPostgres } from '../test/storage/harness/servers.mjs'
import { median } from './measure.mjs'
import { enrollUser, nextCodes } from './users.mjs'

const N = Number(process.env.BENCH_N ?? 600)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const CHUNK = 50
const T0 = Date.UTC(2026, 10, 28, 12, 0, 5)
// BENCH_ENGINE=sync: the service on mfa-core/sync's pure-TypeScript HMACs.
const engine = process.env.BENCH_ENGINE === 'sync' ? syncEngine : undefined

/** A user with `count` authenticators, and its secrets imported as WebCrypto keys for the bare contender. */
async function userWith(store, userId, count) {
  const user = await enrollUser(store, userId, { engine, count, policy: { maxAuthenticators: 8 }, start: T0 })
  return { ...user, keys: await Promise.all(user.secrets.map((s) => importSecret(s))) }
}

async function benchStore(label, store) {
  const contenders = {
    'verifyTOTP (OTPKey, no store)': { count: 1, pick: () => 0, bare: true },
    'mfa.verify, 1 authenticator': { count: 1, pick: () => 0 },
    'mfa.verify, 2 (same)': { count: 2, pick: () => 1 },
    'mfa.verify, 2 (rotating)': { count: 2, pick: (i) => i % 2 },
    'mfa.verify, 8 (same)': { count: 8, pick: () => 7 },
    'mfa.verify, 8 (rotating)': { count: 8, pick: (i) => i % 8 },
  }
  const users = {}
  for (const [name, c] of Object.entries(contenders)) {
    users[name] = await userWith(store, `bench-${label}-${Object.keys(users).length}-${Date.now()}`, c.count)
  }
  const run = async (name, input) => {
    const user = users[name]
    if (contenders[name].bare) {
      const r = await verifyTOTP(user.keys[input.which], input.code, { timestamp: input.timestamp })
      if (!r.valid) throw new Error('verifyTOTP refused')
      return
    }
    user.clock.now = input.timestamp
    const r = await user.mfa.verify(user.userId, input.code)
    if (!r.ok) throw new Error(`${name}: mfa.verify refused: ${r.reason}`)
  }
  const names = Object.keys(contenders)
  const results = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = 0; round <= ROUNDS; round++) {
    const inputs = {}
    for (const n of names) inputs[n] = nextCodes(users[n], round === 0 ? 100 : N, contenders[n].pick)
    const elapsed = Object.fromEntries(names.map((n) => [n, 0]))
    for (let i = 0; i < inputs[names[0]].length; i += CHUNK) {
      for (const n of names) {
        const chunk = inputs[n].slice(i, i + CHUNK)
        const start = performance.now()
        for (const input of chunk) await run(n, input)
        elapsed[n] += performance.now() - start
      }
    }
    // round 0 warms up
    if (round > 0) for (const n of names) results[n].push((inputs[n].length / elapsed[n]) * 1000)
  }
  const one = median(results['mfa.verify, 1 authenticator'])
  const bare = median(results['verifyTOTP (OTPKey, no store)'])
  return names.map((n) => {
    const ops = median(results[n])
    return {
      store: label,
      case: n,
      'ops/s': Math.round(ops),
      'time vs 1 authenticator': (one / ops).toFixed(2),
      'time vs bare verifyTOTP': (bare / ops).toFixed(2),
    }
  })
}

const rows = await benchStore('memory', memoryStore())
const cleanups = []
if (process.env.BENCH_PG === '0') console.warn('SKIPPED postgres: BENCH_PG=0')
else if (findPostgres()) {
  const server = await startPostgres()
  cleanups.push(() => server.cleanup())
  const pool = new pg.Pool({ connectionString: server.connectionString, max: 4 })
  const names = new Map()
  const query = (text, values) => {
    if (!names.has(text)) names.set(text, `mfa_${names.size}`)
    return pool.query({ name: names.get(text), text, values })
  }
  await ensureTable({ dialect: 'postgres', query })
  rows.push(...(await benchStore('postgres', sqlStore({ dialect: 'postgres', query }))))
  cleanups.push(() => pool.end())
} else console.warn('SKIPPED postgres: PostgreSQL binaries not found')
for (const cleanup of cleanups.reverse()) await cleanup()

console.log(
  `mfa.verify with 1, 2 and 8 authenticators (${engine ? 'sync' : 'WebCrypto'} HMACs): ${ROUNDS} rounds x ${N} valid codes, Node ${process.version}`,
)
console.table(rows)
console.log('time vs 1 authenticator: how much longer a verify takes than for a user with one (target over PostgreSQL:')
console.log('8 authenticators within 1.5x); time vs bare verifyTOTP: the whole service against the HMAC check alone.')
