// Where a login's time goes: one user's mfa.verify over one SQLite file (better-sqlite3, WAL), one login at a time,
// first timed without a profiler (CPU µs per login), then under V8's sampling profiler. Each sample is charged to a
// phase of the login by the innermost frame of the library or the bench on its stack (read back to src/ through
// dist's source maps): read, parse, validate, gate, evidence and HMAC, machine, events, serialise, write, and the
// transaction and service code around them. The same is done for the floor (SELECT, verifyTOTP on a prepared key,
// conditional UPDATE) so the two can be set side by side.
// Run: npm run build && node bench/login-profile.mjs   (BENCH_ENGINE=sync for the sync engine; BENCH_N logins per
// part; BENCH_TOP functions listed by their own time)
import { readFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { SourceMap } from 'node:module'
import { fileURLToPath } from 'node:url'
import { importSecret, verifyTOTP } from '../dist/index.js'
import { ensureTable, sqlStore } from '../dist/storage/sql.js'
import {
  generateTOTP,
  importSecret as importSecretSync,
  syncEngine,
  verifyTOTP as verifyTOTPSync,
} from '../dist/sync.js'
import { openSQLite } from './sqlite.mjs'
import { enrollUser, STEP } from './users.mjs'

const N = Number(process.env.BENCH_N ?? 20_000)
const TOP = Number(process.env.BENCH_TOP ?? 20)
const sync = process.env.BENCH_ENGINE === 'sync'
const T0 = Date.UTC(2026, 0, 1, 12, 0, 5)

const sqlite = openSQLite()
await ensureTable({ dialect: 'sqlite', query: sqlite.query })
const store = sqlStore({ dialect: 'sqlite', query: sqlite.query })
const user = await enrollUser(store, 'profiled', { engine: sync ? syncEngine : undefined, start: T0 })
sqlite.db.exec('CREATE TABLE totp_users (id TEXT NOT NULL PRIMARY KEY, last_step INTEGER NOT NULL) WITHOUT ROWID')
sqlite.prepare('INSERT INTO totp_users (id, last_step) VALUES (?, ?)').run('floor', Math.floor(user.clock.now / STEP))
const selectStep = sqlite.prepare('SELECT last_step FROM totp_users WHERE id = ?')
const advance = sqlite.prepare('UPDATE totp_users SET last_step = ? WHERE id = ? AND last_step < ?')
const key = sync ? importSecretSync(user.bytes) : await importSecret(user.bytes)
const check = sync ? verifyTOTPSync : verifyTOTP

// the record as stored, copied under a key of its own for the store's read and write timed alone
const entry = await store.get(`mfa:${user.userId}`)
await store.set('copy', entry.data, null)
let copyVersion = 1

const parts = {
  'store.get': async () => {
    if ((await store.get('copy')) === null) throw new Error('no copy')
  },
  'store.set': async () => {
    if (!(await store.set('copy', entry.data, copyVersion++))) throw new Error('set lost')
  },
  'mfa.verify': async ({ timestamp, code }) => {
    user.clock.now = timestamp
    const result = await user.mfa.verify(user.userId, code)
    if (!result.ok) throw new Error(`mfa.verify refused: ${result.reason}`)
  },
  floor: async ({ timestamp, code }) => {
    const row = selectStep.get('floor')
    const result = await check(key, code, { timestamp, afterStep: row.last_step })
    if (!(result.valid && advance.run(result.step, 'floor', result.step).changes === 1))
      throw new Error('floor refused')
  },
}

/** `n` fresh logins: each at the next step after the last one made (codes made outside any timing). */
let clock = user.clock.now
function logins(n) {
  const out = []
  for (let i = 0; i < n; i++) {
    clock += STEP
    out.push({ timestamp: clock, code: generateTOTP(user.bytes, { timestamp: clock }) })
  }
  return out
}

/** CPU time per call (µs, every thread of the process): a busy machine disturbs it far less than wall time. */
async function run(part, inputs) {
  const start = process.cpuUsage()
  for (const input of inputs) await parts[part](input)
  const { user, system } = process.cpuUsage(start)
  return (user + system) / inputs.length
}

const SQLITE = 'read and write: SQLite (store.get and store.set timed apart above)'
/** Which phase a source file (relative to the repository) belongs to; `native` is the sample's own native frame. */
/** Phases that own everything under them on the stack: the record MAC's HMAC is its own, not the evidence's. */
const OWNERS = [[/^src\/mfa\/record-mac/, () => 'record MAC (canonical text, HMAC)']]
/** Phases named by the function (a file holding two phases), `source#name`. */
const FUNCTIONS = [[/^src\/mfa\/record\/parse\.ts#serializeRecord$/, () => 'serialise (JSON.stringify included)']]
const PHASES = [
  [/^src\/sync\/hash\//, () => 'evidence: HMAC'],
  [/^src\/(internal\/otp|internal\/engine|sync\/|totp|hotp)/, () => 'evidence: code check'],
  [/^src\/(mfa\/evidence|internal\/cache)/, () => 'evidence: bookkeeping'],
  // V8 mostly counts JSON.parse and JSON.stringify as their caller's own time
  [/^src\/mfa\/record\/checked-texts/, () => 'checked texts (lookup)'],
  [/^src\/mfa\/record/, () => 'parse and validate (JSON.parse included)'],
  [/^src\/mfa\/machine\/gates/, () => 'gate'],
  [/^src\/mfa\/machine\//, () => 'machine'],
  [/^src\/mfa\/events/, () => 'events'],
  [/^src\/mfa\/transaction/, () => 'transaction'],
  [/^src\/mfa\/encryption/, () => 'secret box (reseal check)'],
  [/^src\/(mfa\/|internal\/text)/, () => 'service'],
  [/^src\/storage\//, () => 'store adapter'],
  [/^bench\/sqlite/, () => SQLITE],
  [/^bench\//, (native) => (native ? `bench: ${native}` : 'bench driver')],
]

const maps = new Map()
/** The repository-relative source of a frame (through dist's source maps), or null for Node's own code. */
function sourceOf({ url, lineNumber, columnNumber }) {
  if (!url.startsWith('file://')) return null
  const file = fileURLToPath(url)
  if (!maps.has(file)) {
    let map = null
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')))
    } catch {}
    maps.set(file, map)
  }
  const map = maps.get(file)
  const relative = file.slice(process.cwd().length + 1)
  if (!map) return relative
  const entry = map.findEntry(lineNumber, columnNumber)
  return entry?.originalSource ? entry.originalSource.replace(/^(\.\.\/)+/, '') : relative
}

/** Samples by phase and by function (own time), as shares of all samples. */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const phases = new Map()
  const functions = new Map()
  const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1)
  for (const id of profile.samples) {
    const leaf = byId.get(id)
    const leafName = leaf.callFrame.functionName || '(anonymous)'
    const leafSource = sourceOf(leaf.callFrame)
    add(functions, `${leafName} ${leafSource ?? leaf.callFrame.url ?? ''}`.trim())
    let phase = null
    // a native leaf (JSON.parse, a driver call) is charged to the innermost library or bench frame that called it
    const native = leafSource === null ? leafName : undefined
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at).callFrame
      const source = sourceOf(frame)
      if (source === null) continue
      const owner = OWNERS.find(([pattern]) => pattern.test(source))
      if (owner) {
        phase = owner[1](native)
        break
      }
      phase ??=
        FUNCTIONS.find(([pattern]) => pattern.test(`${source}#${frame.functionName}`))?.[1](native) ??
        PHASES.find(([pattern]) => pattern.test(source))?.[1](native) ??
        source
    }
    // the driver's calls for store.get and store.set are made from promise jobs, without their JS stack at times
    const orphan = leafName === 'all' ? SQLITE : `Node (${leafName})`
    add(phases, phase ?? (leafName.startsWith('(') ? leafName : orphan))
  }
  // idle samples (waiting for WebCrypto's thread pool) cost no CPU: shares are of the busy samples
  const total = profile.samples.length - (phases.get('(idle)') ?? 0)
  phases.delete('(idle)')
  functions.delete('(idle)')
  const rows = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([name, count]) => [name, count / total])
  return { phases: rows(phases), functions: rows(functions) }
}

// warm up both parts, then time each without the profiler
for (const part of Object.keys(parts)) await run(part, logins(2000))
const perLogin = {}
for (const part of Object.keys(parts)) perLogin[part] = await run(part, logins(N))

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 50 })
console.log(
  `${sync ? 'sync engine' : 'WebCrypto (default engine)'}, Node ${process.version}, ${N} logins one at a time per part`,
)
console.log(
  `CPU per call: store.get ${perLogin['store.get'].toFixed(1)} µs, store.set ${perLogin['store.set'].toFixed(1)} µs (the record alone, ${entry.data.length} characters): mfa.verify less both is ${(perLogin['mfa.verify'] - perLogin['store.get'] - perLogin['store.set']).toFixed(1)} µs`,
)
for (const part of ['mfa.verify', 'floor']) {
  const inputs = logins(N)
  await session.post('Profiler.start')
  await run(part, inputs)
  const { profile } = await session.post('Profiler.stop')
  const { phases, functions } = summarise(profile)
  console.log(`\n## ${part}: ${perLogin[part].toFixed(1)} µs of CPU per login without the profiler`)
  // with WebCrypto the pool's threads spend CPU the main thread's samples do not see: shares only
  console.log(
    `| phase | share of busy samples |${sync ? ' CPU µs per login |' : ''}\n| --- | ---: |${sync ? ' ---: |' : ''}`,
  )
  for (const [name, share] of phases) {
    const micros = sync ? ` ${(share * perLogin[part]).toFixed(1)} |` : ''
    console.log(`| ${name} | ${(share * 100).toFixed(1)}% |${micros}`)
  }
  console.log(`\ntop ${TOP} functions by own time:`)
  for (const [name, share] of functions.slice(0, TOP)) console.log(`  ${(share * 100).toFixed(1)}%  ${name}`)
}
session.disconnect()
sqlite.close()
