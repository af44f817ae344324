// What `mfa.verify` costs on top of the store's own compare-and-set round-trip, on real servers, at 1, 16 and 64
// concurrent requests. For each store, three contenders, interleaved over rounds, medians printed:
//   raw CAS   the read and the conditional write that a verify needs, sent straight through the driver
//             (the same SQL or Lua the adapter uses), no mfa-core code at all: the server's floor
//   store     the same two calls through the adapter (get + set with the expected version)
//   verify    mfa.verify of a fresh valid code (load, parse, TOTP check, CAS write back), one user per lane
//   floor     raw CAS with a bare verifyTOTP and the JSON parse/stringify in between: what any hand-written MFA
//             check over the same server must do at least
// overhead = raw CAS throughput / verify throughput (the aim: 1.5x or less), and floor / verify (what
// mfa-core adds over a minimal hand-written check).
// Run: npm run build && node bench/storage.mjs   (BENCH_OPS, BENCH_ROUNDS to change the size; BENCH_STORES=sqlite,redis
// runs only those: sqlite, postgres, redis, mariadb, cluster, durable)
import { join } from 'node:path'
import pg from 'pg'
import { memoryStore, verifyTOTP } from '../dist/index.js'
import { syncEngine, verifyTOTP as verifyTOTPSync } from '../dist/sync.js'

// BENCH_ENGINE=sync runs the service (and the floor's verifyTOTP) on the pure-TypeScript HMAC engine.
const engine = process.env.BENCH_ENGINE === 'sync' ? syncEngine : undefined

import { build } from 'esbuild'
import Redis, { Cluster } from 'ioredis'
import mysql from 'mysql2/promise'
import { REDIS_SCRIPTS, redisStore } from '../dist/storage/redis.js'
import { ensureTable, sqlStore } from '../dist/storage/sql.js'
import { ensureRuntimeTools, runtimeToolPath } from '../test/runtimes/tools.mjs'
import {
  findMariaDB,
  findPostgres,
  findRedis,
  findRedisCli,
  startMariaDB,
  startPostgres,
  startRedis,
  startRedisCluster,
} from '../test/storage/harness/servers.mjs'
import { lanesRate, lanesRun, median } from './measure.mjs'
import { openSQLite } from './sqlite.mjs'
import { enrollUser, nextCodes, STEP } from './users.mjs'

const OPS = Number(process.env.BENCH_OPS ?? 1600)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = [1, 16, 64]
const T0 = Date.UTC(2026, 0, 1, 12, 0, 5)

/** One user per lane, enrolled through the service; each lane has its own clock. */
async function enrollLanes(store, name, lanes) {
  const out = []
  for (let i = 0; i < lanes; i++) out.push(await enrollUser(store, `bench-${name}-${i}`, { engine, start: T0 }))
  return out
}

async function benchStore(name, { store, rawRead, rawCAS, close, ops = OPS }) {
  const users = await enrollLanes(store, name, Math.max(...CONCURRENCY))
  // Keys for the raw and adapter contenders, one per lane, holding a record the size of a real one.
  const sample = (await store.get(`mfa:${users[0].userId}`)).data
  for (let i = 0; i < Math.max(...CONCURRENCY); i++) await store.set(`raw-${name}-${i}`, sample, null)

  // The floor contender runs on the raw keys, with the secret and clock of a twin user enrolled the same way.
  const floorUsers = await enrollLanes(memoryStore(), `${name}-floor`, Math.max(...CONCURRENCY))
  for (let i = 0; i < floorUsers.length; i++) {
    const record = JSON.parse(sample)
    record.authenticators[0].lastStep = Math.floor(floorUsers[i].clock.now / STEP)
    record.authenticators[0].secret = { b32: 'not used by the floor contender' }
    const entry = await store.get(`raw-${name}-${i}`)
    await store.set(`raw-${name}-${i}`, JSON.stringify(record), entry.version)
  }
  const contenders = {
    'raw CAS': (lanes) =>
      lanesRate(
        lanes,
        ops,
        (_, n) => Array.from({ length: n }, () => null),
        async (lane) => {
          const key = `raw-${name}-${lane}`
          const { data, version } = await rawRead(key)
          if (!(await rawCAS(key, data, version))) throw new Error('raw CAS lost on a private key')
        },
      ),
    store: (lanes) =>
      lanesRate(
        lanes,
        ops,
        (_, n) => Array.from({ length: n }, () => null),
        async (lane) => {
          const key = `raw-${name}-${lane}`
          const entry = await store.get(key)
          if (!(await store.set(key, entry.data, entry.version))) throw new Error('CAS lost on a private key')
        },
      ),
    floor: (lanes) =>
      lanesRun(
        lanes,
        ops,
        (lane, n) => nextCodes(floorUsers[lane], n),
        async (lane, { timestamp, code }) => {
          const key = `raw-${name}-${lane}`
          const { data, version } = await rawRead(key)
          const record = JSON.parse(data)
          // the floor on the same engine as the service: mfa-core/sync's verifyTOTP, or the root one (WebCrypto)
          const check = engine === undefined ? verifyTOTP : verifyTOTPSync
          const result = await check(floorUsers[lane].bytes, code, {
            timestamp,
            afterStep: record.authenticators[0].lastStep,
          })
          if (!result.valid) throw new Error(`verifyTOTP refused: ${result.reason}`)
          record.authenticators[0].lastStep = result.step
          if (!(await rawCAS(key, JSON.stringify(record), version))) throw new Error('raw CAS lost on a private key')
        },
      ),
    verify: (lanes) =>
      lanesRun(
        lanes,
        ops,
        (lane, n) => nextCodes(users[lane], n),
        async (lane, { timestamp, code }) => {
          const user = users[lane]
          user.clock.now = timestamp
          const result = await user.mfa.verify(user.userId, code)
          if (!result.ok) throw new Error(`verify refused: ${result.reason}`)
        },
      ),
  }
  const rows = []
  for (const lanes of CONCURRENCY) {
    const results = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]))
    for (const run of Object.values(contenders)) await run(lanes) // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [contender, run] of Object.entries(contenders)) results[contender].push(await run(lanes))
    }
    const raw = median(results['raw CAS'])
    const floor = median(results.floor.map((r) => r.rate))
    const verify = median(results.verify.map((r) => r.rate))
    // the service's share of a request: CPU of this process per call (the server's own work is not counted)
    const floorCPU = median(results.floor.map((r) => r.cpuMicros))
    const verifyCPU = median(results.verify.map((r) => r.cpuMicros))
    rows.push({
      store: name,
      concurrency: lanes,
      'raw CAS/s': Math.round(raw),
      'store get+set/s': Math.round(median(results.store)),
      'floor/s': Math.round(floor),
      'verify/s': Math.round(verify),
      'raw/verify': `${(raw / verify).toFixed(2)}x`,
      'floor/verify': `${(floor / verify).toFixed(2)}x`,
      'floor CPU µs': floorCPU.toFixed(1),
      'verify CPU µs': verifyCPU.toFixed(1),
    })
  }
  await close()
  return rows
}

/** What the raw contender sends over PostgreSQL and MariaDB: the adapter's own read and conditional update. */
const RAW_SQL = {
  postgres: {
    read: 'SELECT data, version FROM mfa_store WHERE id = $1',
    cas: 'UPDATE mfa_store SET data = $1, version = version + 1 WHERE id = $2 AND version = $3',
    row: (result) => result.rows[0],
    updated: (result) => result.rowCount,
  },
  mysql: {
    read: 'SELECT data, version FROM mfa_store WHERE id = ?',
    cas: 'UPDATE mfa_store SET data = ?, version = version + 1 WHERE id = ? AND version = ?',
    row: (rows) => rows[0],
    updated: (header) => header.affectedRows,
  },
}

/** The adapter over a SQL pool's `query`, and the raw contender: the same two statements sent straight through it. */
async function sqlContenders(dialect, query, close) {
  await ensureTable({ dialect, query })
  const raw = RAW_SQL[dialect]
  return {
    store: sqlStore({ dialect, query }),
    rawRead: async (key) => raw.row(await query(raw.read, [key])),
    rawCAS: async (key, data, version) => raw.updated(await query(raw.cas, [data, key, version])) === 1,
    close,
  }
}

/** The adapter over an ioredis client (one server or a Cluster), and the raw contender: HMGET, then the set script. */
function redisContenders(client) {
  const evalScript = (script, keys, args) => client.eval(script, keys.length, ...keys, ...args)
  return {
    store: redisStore({ eval: evalScript, prefix: '' }),
    rawRead: async (key) => {
      const [version, data] = await client.hmget(key, 'v', 'd')
      return { data, version: Number(version) }
    },
    rawCAS: async (key, data, version) =>
      (await evalScript(REDIS_SCRIPTS.set, [key], [data, String(version), ''])) === 1,
    close: async () => client.disconnect(),
  }
}

const rows = []
const cleanups = []
const wanted = (store) => process.env.BENCH_STORES === undefined || process.env.BENCH_STORES.split(',').includes(store)

// SQLite: better-sqlite3 on a temp file, WAL.
if (wanted('sqlite')) {
  const sqlite = openSQLite()
  await ensureTable({ dialect: 'sqlite', query: sqlite.query })
  const read = sqlite.prepare('SELECT data, version FROM mfa_store WHERE id = ?')
  const cas = sqlite.prepare('UPDATE mfa_store SET data = ?, version = version + 1 WHERE id = ? AND version = ?')
  rows.push(
    ...(await benchStore('sqlite', {
      store: sqlStore({ dialect: 'sqlite', query: sqlite.query }),
      rawRead: async (key) => read.get(key),
      rawCAS: async (key, data, version) => cas.run(data, key, version).changes === 1,
      close: async () => sqlite.close(),
    })),
  )
}

if (wanted('postgres') && findPostgres()) {
  const server = await startPostgres()
  cleanups.push(() => server.cleanup())
  const pool = new pg.Pool({ connectionString: server.connectionString, max: 16 })
  // Named statements: parsed and planned once per connection (docs/storage.md), for raw and adapter alike.
  const names = new Map()
  const query = (text, values) => {
    if (!names.has(text)) names.set(text, `mfa_${names.size}`)
    return pool.query({ name: names.get(text), text, values })
  }
  rows.push(...(await benchStore('postgres', await sqlContenders('postgres', query, () => pool.end()))))
} else if (wanted('postgres')) console.warn('SKIPPED postgres: PostgreSQL binaries not found')

if (wanted('redis') && findRedis()) {
  const server = await startRedis()
  cleanups.push(() => server.cleanup())
  rows.push(...(await benchStore('redis', redisContenders(new Redis(server.url)))))
} else if (wanted('redis')) console.warn('SKIPPED redis: redis-server not found')

if (wanted('mariadb') && findMariaDB()) {
  const server = await startMariaDB()
  cleanups.push(() => server.cleanup())
  // mysql2 with its defaults (FOUND_ROWS on), as docs/storage.md wires it.
  const pool = mysql.createPool({ uri: server.uri, connectionLimit: 16 })
  const query = async (sql, params) => (await pool.query(sql, params))[0]
  rows.push(...(await benchStore('mariadb', await sqlContenders('mysql', query, () => pool.end()))))
} else if (wanted('mariadb')) console.warn('SKIPPED mariadb: MariaDB binaries not found')

if (wanted('cluster') && findRedis() && findRedisCli()) {
  const cluster = await startRedisCluster()
  cleanups.push(() => cluster.cleanup())
  const client = new Cluster(cluster.startupNodes)
  client.on('error', () => {})
  rows.push(...(await benchStore('redis cluster (3 masters)', redisContenders(client))))
} else if (wanted('cluster')) console.warn('SKIPPED redis cluster: redis-server or redis-cli not found')

// The Durable Object: workerd through miniflare. Each store call is one HTTP request to the object (the adapter
// runs inside it); the raw contender sends the same two requests, doing the bare storage read and transaction.
if (wanted('durable')) {
  // under the runtime tools' node_modules (test/runtimes/), so that the bundle's `import('miniflare')` resolves there
  ensureRuntimeTools()
  const outfile = runtimeToolPath('.cache/mfa-core-storage/bench-workerd.mjs')
  const entries = (await import('../entries.mjs')).ENTRIES
  await build({
    entryPoints: ['test/storage/harness/workerd.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'error',
    external: ['miniflare', 'esbuild'],
    plugins: [
      {
        name: 'mfa-core',
        setup(b) {
          b.onResolve({ filter: /^mfa-core(\/.*)?$/ }, (args) => ({
            path: join(process.cwd(), `${entries[args.path.slice('mfa-core'.length)][1]}.js`),
          }))
        },
      },
    ],
  })
  process.env.MFA_STORAGE_TARGET = 'dist'
  const { startDurableObjectWorker } = await import(outfile)
  const worker = await startDurableObjectWorker()
  rows.push(
    ...(await benchStore('durable object (miniflare)', {
      store: worker.store,
      rawRead: (key) => worker.raw.read(key),
      rawCAS: (key, data, version) => worker.raw.cas(key, data, version),
      close: () => worker.cleanup(),
      // Every store call is an HTTP request into workerd (milliseconds each): fewer calls per measurement.
      ops: Math.ceil(OPS / 8),
    })),
  )
}

for (const cleanup of cleanups) await cleanup()
console.log(
  `\nmfa.verify vs the store's bare CAS round-trip (${OPS} calls per measurement, median of ${ROUNDS} rounds)`,
)
console.table(rows)
console.log('raw/verify: the bare CAS round-trip over verify (the aim is 1.5x or less); floor/verify: a hand-written')
console.log(
  'read + verifyTOTP + JSON + CAS over verify, i.e. what mfa-core itself adds on the same server; CPU µs: this',
)
console.log("process's CPU time per call (the database's work not counted), which a busy machine disturbs less.")
console.log(
  `engine: ${engine ? 'sync (BENCH_ENGINE=sync)' : 'default (WebCrypto)'}; the figures depend on the machine's load.`,
)
