// A second-factor TOTP login end to end, in one process over one SQLite file (better-sqlite3, WAL): the MFA service
// on both engines next to the floor on each engine and next to what users of OTP libraries write by hand.
//   createMFA (WebCrypto)   mfa.verify through sqlStore, the default engine
//   createMFA (sync)        the same with `engine: syncEngine` from mfa-core/sync
//   README + SQL            our quick start's verifyTOTP(bytes, code, { afterStep }) between two SQL statements
//   speakeasy + SQL         speakeasy.totp.verifyDelta (node:crypto), the replay check and the same two statements
//   otplib + SQL            otplib's verify (its default pure-JS crypto) with afterTimeStep, the same statements
//   floor (WebCrypto/sync)  SELECT the last step, verifyTOTP on a key prepared before the run with afterStep, and a
//                           conditional UPDATE of one integer: the least a login with replay protection does
// The hand-written paths keep one row per user (secret in clear, last step). Before anything is timed, every
// contender must refuse a replayed code and accept exactly one of 16 concurrent copies of a fresh code. Then rounds
// interleave the contenders (the order turns each round), one login at a time and 16 users at once; medians of the
// rounds, each contender against the floor on its engine (WebCrypto for the service's default and the README path,
// the sync engine for the sync service, speakeasy and otplib).
// Run: npm run bench:login   (BENCH_OPS logins per measurement, BENCH_ROUNDS rounds; BENCH_ONLY=name,name runs
// those contenders only, the gate included)
import * as otplib from 'otplib'
import speakeasy from 'speakeasy'
import { encodeBase32, importSecret, verifyTOTP } from '../dist/index.js'
import { ensureTable, sqlStore } from '../dist/storage/sql.js'
import {
  generateTOTP,
  importSecret as importSecretSync,
  syncEngine,
  verifyTOTP as verifyTOTPSync,
} from '../dist/sync.js'
import { lanesRun, median } from './measure.mjs'
import { openSQLite } from './sqlite.mjs'
import { enrollUser, STEP } from './users.mjs'

const OPS = Number(process.env.BENCH_OPS ?? 3200)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 13)
const LANES = 16
const T0 = Date.UTC(2026, 0, 1, 12, 0, 5)
const stepOf = (timestamp) => Math.floor(timestamp / STEP)

const sqlite = openSQLite()
await ensureTable({ dialect: 'sqlite', query: sqlite.query })
const store = sqlStore({ dialect: 'sqlite', query: sqlite.query })
sqlite.db.exec(
  'CREATE TABLE totp_users (id TEXT NOT NULL PRIMARY KEY, secret BLOB NOT NULL, secret_b32 TEXT NOT NULL, last_step INTEGER NOT NULL) WITHOUT ROWID',
)
const insertUser = sqlite.prepare('INSERT INTO totp_users (id, secret, secret_b32, last_step) VALUES (?, ?, ?, ?)')
const selectStep = sqlite.prepare('SELECT last_step FROM totp_users WHERE id = ?')
const selectBytes = sqlite.prepare('SELECT secret, last_step FROM totp_users WHERE id = ?')
const selectBase32 = sqlite.prepare('SELECT secret_b32, last_step FROM totp_users WHERE id = ?')
// the step only moves forward: of two logins that read the same row, one updates it
const advance = sqlite.prepare('UPDATE totp_users SET last_step = ? WHERE id = ? AND last_step < ?')
const advanced = (userId, step) => advance.run(step, userId, step).changes === 1

/** A user of the hand-written paths: a row with a fresh secret, and the secret's keys prepared for the floors. */
async function rowUser(name, lane) {
  const id = `${name}-${lane}`
  const bytes = crypto.getRandomValues(new Uint8Array(20))
  insertUser.run(id, bytes, encodeBase32(bytes), stepOf(T0))
  return { userId: id, bytes, clock: { now: T0 }, key: await importSecret(bytes), syncKey: importSecretSync(bytes) }
}

/** A user of the service: enrolled through it with two consecutive codes, on the given engine. */
const serviceUser = (engine) => (name, lane) => enrollUser(store, `${name}-${lane}`, { engine, start: T0 })
/** A login through the service: the user's clock set to the login's instant, then `mfa.verify`. */
async function serviceLogin(user, { timestamp, code }) {
  user.clock.now = timestamp
  return (await user.mfa.verify(user.userId, code)).ok
}

/** Each contender: its engine (which floor it is measured against), how its users are made, and one login. */
const CONTENDERS = {
  'createMFA (WebCrypto, default)': {
    engine: 'WebCrypto',
    user: serviceUser(undefined),
    login: serviceLogin,
  },
  'createMFA({ engine: syncEngine })': {
    engine: 'sync',
    user: serviceUser(syncEngine),
    login: serviceLogin,
  },
  "hand-written, README's verifyTOTP(bytes) + SQL": {
    engine: 'WebCrypto',
    user: rowUser,
    login: async ({ userId }, { timestamp, code }) => {
      const row = selectBytes.get(userId)
      const result = await verifyTOTP(row.secret, code, { timestamp, afterStep: row.last_step })
      return result.valid && advanced(userId, result.step)
    },
  },
  'hand-written, speakeasy + SQL': {
    engine: 'sync',
    user: rowUser,
    login: async ({ userId }, { timestamp, code }) => {
      const row = selectBase32.get(userId)
      const found = speakeasy.totp.verifyDelta({
        secret: row.secret_b32,
        encoding: 'base32',
        token: code,
        window: 1,
        time: timestamp / 1000,
      })
      if (found === undefined) return false
      const step = stepOf(timestamp) + found.delta
      return step > row.last_step && advanced(userId, step)
    },
  },
  'hand-written, otplib + SQL': {
    engine: 'sync',
    user: rowUser,
    login: async ({ userId }, { timestamp, code }) => {
      const row = selectBase32.get(userId)
      const result = await otplib.verify({
        secret: row.secret_b32,
        token: code,
        epoch: timestamp / 1000,
        epochTolerance: 30,
        afterTimeStep: row.last_step,
      })
      return result.valid && advanced(userId, result.timeStep)
    },
  },
  'floor, WebCrypto (key prepared)': {
    engine: 'WebCrypto',
    floor: true,
    user: rowUser,
    login: async ({ userId, key }, { timestamp, code }) => {
      const row = selectStep.get(userId)
      const result = await verifyTOTP(key, code, { timestamp, afterStep: row.last_step })
      return result.valid && advanced(userId, result.step)
    },
  },
  'floor, sync engine (key prepared)': {
    engine: 'sync',
    floor: true,
    user: rowUser,
    login: async ({ userId, syncKey }, { timestamp, code }) => {
      const row = selectStep.get(userId)
      const result = verifyTOTPSync(syncKey, code, { timestamp, afterStep: row.last_step })
      return result.valid && advanced(userId, result.step)
    },
  },
}

/**
 * The next `n` logins of a user, each at a later step with its code (made outside the timing). A step whose code is
 * also the code of the step before (one in a million) is skipped: speakeasy checks the window oldest first, so it
 * would match the older, already used step and the hand-written path would refuse a fresh code.
 */
function nextLogins(user, n) {
  const out = []
  while (out.length < n) {
    const before = generateTOTP(user.bytes, { timestamp: user.clock.now })
    user.clock.now += STEP
    const code = generateTOTP(user.bytes, { timestamp: user.clock.now })
    if (code !== before) out.push({ timestamp: user.clock.now, code })
  }
  return out
}

/**
 * Refuses to time a contender that accepts a replayed code, or more or fewer than one of 16 concurrent copies of a
 * fresh code (each a login of the same user at the same instant).
 */
async function gate(name, { login }, user) {
  const [first, second] = nextLogins(user, 2)
  if (!(await login(user, first))) throw new Error(`${name}: refused a fresh code`)
  if (await login(user, first)) throw new Error(`${name}: accepted a replayed code`)
  const copies = await Promise.all(Array.from({ length: 16 }, () => login(user, second)))
  const accepted = copies.filter(Boolean).length
  if (accepted !== 1) throw new Error(`${name}: accepted ${accepted} of 16 concurrent copies of one code`)
}

const only = process.env.BENCH_ONLY?.split(',')
const names = Object.keys(CONTENDERS).filter((name) => !only || only.some((o) => name.includes(o)))
const users = {}
for (const [index, name] of names.entries()) {
  users[name] = []
  for (let lane = 0; lane < LANES; lane++) users[name].push(await CONTENDERS[name].user(`c${index}`, lane))
  await gate(name, CONTENDERS[name], users[name][0])
}
console.log(`every contender refused a replayed code and accepted exactly 1 of 16 concurrent copies of a fresh code`)

/** One measurement of a contender over `lanes` users at once, each login a fresh code: logins/s and CPU µs a login. */
const measure = (name, lanes) =>
  lanesRun(
    lanes,
    OPS,
    (lane, n) => nextLogins(users[name][lane], n),
    async (lane, input) => {
      if (!(await CONTENDERS[name].login(users[name][lane], input))) throw new Error(`${name}: refused a fresh code`)
    },
  )

const CONCURRENCY = [1, LANES]
const samples = Object.fromEntries(names.map((name) => [name, Object.fromEntries(CONCURRENCY.map((c) => [c, []]))]))
// round 0 warms up (JIT, SQLite's page cache) and is not counted
for (let round = 0; round <= ROUNDS; round++) {
  for (const lanes of CONCURRENCY) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]
      const sample = await measure(name, lanes)
      if (round > 0) samples[name][lanes].push(sample)
    }
  }
}
sqlite.close()

const rate = (name, lanes) => median(samples[name][lanes].map((s) => s.rate))
const cpu = (name, lanes) => median(samples[name][lanes].map((s) => s.cpuMicros))
/** Half the spread between the rounds' first and third quartiles, as a share of the median. */
const noise = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
  return `±${(((q(0.75) - q(0.25)) / 2 / median(sorted)) * 100).toFixed(0)}%`
}
const floorOf = (name) =>
  names.find((other) => CONTENDERS[other].floor && CONTENDERS[other].engine === CONTENDERS[name].engine)
/** A contender's speed over its floor's: by logins per second, or by CPU time per login (floor's / its own). */
const vsFloor = (name, lanes, by = rate) => {
  const floor = floorOf(name)
  if (!floor) return 'n/a'
  return `${(by === rate ? rate(name, lanes) / rate(floor, lanes) : cpu(floor, lanes) / cpu(name, lanes)).toFixed(2)}x`
}
const fmt = (x) => Math.round(x).toLocaleString('en')

console.log(
  `\nTOTP logins over one SQLite file (WAL), Node ${process.version}: medians of ${ROUNDS} interleaved rounds of ${OPS} logins`,
)
console.log('| contender | logins/s, 1 at a time | vs its floor | logins/s, 16 users at once | vs its floor |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const name of names) {
  console.log(
    `| ${name} | ${fmt(rate(name, 1))} | ${vsFloor(name, 1)} | ${fmt(rate(name, 16))} | ${vsFloor(name, 16)} |`,
  )
}
console.log('\nCPU time per login (µs, every thread of the process), and speed against the floor by CPU time:')
console.log('| contender | µs, 1 at a time | vs its floor | µs, 16 users at once | vs its floor |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const name of names) {
  const [one, many] = [cpu(name, 1), cpu(name, 16)]
  console.log(
    `| ${name} | ${one.toFixed(1)} | ${vsFloor(name, 1, cpu)} | ${many.toFixed(1)} | ${vsFloor(name, 16, cpu)} |`,
  )
}
console.log(
  '\nnoise: half the interquartile range of the rounds over the median, logins/s at 1 and 16, CPU time at 1 and 16',
)
for (const name of names) {
  const of = (lanes, key) => noise(samples[name][lanes].map((s) => s[key]))
  console.log(`  ${name}: ${of(1, 'rate')} ${of(16, 'rate')}, ${of(1, 'cpuMicros')} ${of(16, 'cpuMicros')}`)
}

// The targets, where both sides ran: by logins/s (and by CPU time).
const ratio = (a, b, lanes) =>
  samples[a] && samples[b]
    ? `${(rate(a, lanes) / rate(b, lanes)).toFixed(2)}x (${(cpu(b, lanes) / cpu(a, lanes)).toFixed(2)}x)`
    : 'not run'
const web = 'createMFA (WebCrypto, default)'
const sync = 'createMFA({ engine: syncEngine })'
console.log('\ntargets, by logins/s (by CPU time):')
console.log(
  `  sync service / sync floor (>= 0.67x, i.e. within 1.5x): ${ratio(sync, 'floor, sync engine (key prepared)', 1)} at 1, ${ratio(sync, 'floor, sync engine (key prepared)', 16)} at 16`,
)
console.log(
  `  default service / WebCrypto floor (>= 0.8x at 1, >= 0.6x at 16): ${ratio(web, 'floor, WebCrypto (key prepared)', 1)} at 1, ${ratio(web, 'floor, WebCrypto (key prepared)', 16)} at 16`,
)
for (const service of [web, sync]) {
  for (const hand of names.filter((name) => name.startsWith('hand-written'))) {
    console.log(`  ${service} / ${hand} (> 1x): ${ratio(service, hand, 1)} at 1, ${ratio(service, hand, 16)} at 16`)
  }
}
