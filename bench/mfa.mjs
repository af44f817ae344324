// What the MFA service costs on top of a bare TOTP check, and what several authenticators per user cost: mfa.verify
// for users with 1, 2 and 8 authenticators against verifyTOTP on the same secrets, codes and timestamps, on the
// memory store and over PostgreSQL (started on loopback by the storage test harness, as bench/storage.mjs does).
// Two cases for several authenticators: `same` (the code is always of the authenticator used last, the usual login:
// tried first) and `rotating` (each code of another authenticator than the last: the worst case, every other one's
// window is computed before the match). Contenders interleaved in chunks, median of the rounds; ratios against 1.
// Then a security-key sign-in (mfa.challenge + mfa.verify of the assertion; signing, the browser's part, untimed)
// against a TOTP sign-in, a bare verifyAuthentication of the same kind of assertion, and the store's own round trips
// (two reads and two compare-and-set writes, what challenge + verify do), on both stores.
// Run: npm run build && node bench/mfa.mjs   (BENCH_N, BENCH_ROUNDS to change the size; BENCH_PG=0 skips PostgreSQL;
// BENCH_ENGINE=sync runs the service on mfa-core/sync's HMAC engine; BENCH_ONLY=keys the security-key part only)
import pg from 'pg'
import { createMFA, importSecret, memoryStore, verifyTOTP } from '../dist/index.js'
import { ensureTable, sqlStore } from '../dist/storage/sql.js'
import { syncEngine } from '../dist/sync.js'
import { verifyAuthentication } from '../dist/webauthn.js'
import { createSoftKey, WEBAUTHN_OPTION } from '../test/runtimes/conformance.mjs'
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

/**
 * A security-key sign-in against a TOTP sign-in, bare verifyAuthentication and the store's round trips: per op the
 * time of the timed calls only (the software key signs between them, untimed). Contenders interleaved in chunks.
 */
async function benchKeys(label, store) {
  const clock = { now: T0 }
  const mfa = createMFA({ store, issuer: 'Bench', now: () => clock.now, engine, webauthn: WEBAUTHN_OPTION })
  const userId = `bench-key-${label}-${Date.now()}`
  const key = await createSoftKey()
  const begun = await mfa.beginSecurityKeyRegistration(userId)
  const done = begun.ok && (await mfa.finishSecurityKeyRegistration(userId, await key.register(begun.options)))
  if (!done?.ok) throw new Error('the bench key did not register')
  const totp = await userWith(store, `bench-key-totp-${label}-${Date.now()}`, 1)
  // the bare contender: the same key's assertions over one challenge, checked against its stored credential
  const bareOptions = (await mfa.challenge(userId)).options
  const stored = JSON.parse((await store.get(`mfa:${userId}`)).data).authenticators[0]
  const credential = {
    id: stored.credentialId,
    publicKey: Uint8Array.from(atob(stored.publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    signCount: 0,
  }
  const expected = {
    expectedChallenge: bareOptions.challenge,
    expectedOrigin: WEBAUTHN_OPTION.origins,
    expectedRPID: WEBAUTHN_OPTION.rpId,
  }
  let probe = 0
  const names = [
    'verifyAuthentication (bare, no store)',
    'store round trips (2 x get + set)',
    'TOTP sign-in (mfa.verify)',
    'security-key sign-in (challenge + verify)',
  ]
  /** One op of a contender: its timed milliseconds. */
  const op = {
    [names[0]]: async () => {
      const assertion = await key.sign(bareOptions)
      const start = performance.now()
      const r = await verifyAuthentication(assertion, { ...expected, credential })
      const ms = performance.now() - start
      if (!r.ok) throw new Error(`verifyAuthentication refused: ${r.reason}`)
      return ms
    },
    [names[1]]: async () => {
      const k = `bench-rt:${label}:${probe++ % 64}`
      const start = performance.now()
      for (let i = 0; i < 2; i++) {
        const entry = await store.get(k)
        if (!(await store.set(k, '{"bench":true}', entry?.version ?? null))) throw new Error('round trip lost')
      }
      return performance.now() - start
    },
    [names[2]]: async () => {
      const [input] = nextCodes(totp, 1)
      totp.clock.now = input.timestamp
      const start = performance.now()
      const r = await totp.mfa.verify(totp.userId, input.code)
      const ms = performance.now() - start
      if (!r.ok) throw new Error(`TOTP sign-in refused: ${r.reason}`)
      return ms
    },
    [names[3]]: async () => {
      clock.now += 1000
      let start = performance.now()
      const started = await mfa.challenge(userId)
      let ms = performance.now() - start
      const assertion = await key.sign(started.options)
      start = performance.now()
      const r = await mfa.verify(userId, assertion)
      ms += performance.now() - start
      if (!r.ok) throw new Error(`security-key sign-in refused: ${r.reason}`)
      return ms
    },
  }
  const results = Object.fromEntries(names.map((n) => [n, []]))
  const n = Math.max(50, Math.floor(N / 3))
  for (let round = 0; round <= ROUNDS; round++) {
    const elapsed = Object.fromEntries(names.map((x) => [x, 0]))
    const count = round === 0 ? 50 : n
    for (let i = 0; i < count; i += CHUNK) {
      for (const name of names) for (let j = i; j < Math.min(i + CHUNK, count); j++) elapsed[name] += await op[name]()
    }
    // round 0 warms up
    if (round > 0) for (const name of names) results[name].push((count / elapsed[name]) * 1000)
  }
  const us = Object.fromEntries(names.map((x) => [x, 1e6 / median(results[x])]))
  const floor = us[names[0]] + us[names[1]]
  return names.map((name) => ({
    store: label,
    case: name,
    'ops/s': Math.round(1e6 / us[name]),
    'us/op': Math.round(us[name]),
    'time vs bare + round trips': name === names[3] ? (us[name] / floor).toFixed(2) : '',
  }))
}

// BENCH_ONLY=keys: the security-key sign-in only
const only = process.env.BENCH_ONLY
const rows = only === 'keys' ? [] : await benchStore('memory', memoryStore())
const keyRows = await benchKeys('memory', memoryStore())
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
  if (only !== 'keys') rows.push(...(await benchStore('postgres', sqlStore({ dialect: 'postgres', query }))))
  keyRows.push(...(await benchKeys('postgres', sqlStore({ dialect: 'postgres', query }))))
  cleanups.push(() => pool.end())
} else console.warn('SKIPPED postgres: PostgreSQL binaries not found')
for (const cleanup of cleanups.reverse()) await cleanup()

if (only !== 'keys')
  console.log(
    `mfa.verify with 1, 2 and 8 authenticators (${engine ? 'sync' : 'WebCrypto'} HMACs): ${ROUNDS} rounds x ${N} valid codes, Node ${process.version}`,
  )
if (only !== 'keys') console.table(rows)
if (only !== 'keys')
  console.log(
    'time vs 1 authenticator: how much longer a verify takes than for a user with one (target over PostgreSQL:',
  )
if (only !== 'keys')
  console.log('8 authenticators within 1.5x); time vs bare verifyTOTP: the whole service against the HMAC check alone.')
console.log(`\nA security-key sign-in (ES256): ${ROUNDS} rounds x ${Math.max(50, Math.floor(N / 3))} sign-ins, medians`)
console.table(keyRows)
console.log(
  'time vs bare + round trips: the service sign-in against a bare verifyAuthentication plus the store round trips',
)
console.log('it needs (target over PostgreSQL: within 1.5x).')
