// What a login's two SQL statements cost on one SQLite file (better-sqlite3, WAL), beside the floor's: the store's
// SELECT of the record and its conditional UPDATE with RETURNING (the statements sqlStore sends, taken from a real
// run), the same with parts left out, and the floor's SELECT and UPDATE of one integer. CPU µs per statement,
// medians of interleaved rounds: the part of a login no JavaScript of the service can take away.
// Run: npm run build && node bench/login-sql.mjs   (BENCH_N statements per measurement, BENCH_ROUNDS rounds)
import { ensureTable, sqlStore } from '../dist/storage/sql.js'
import { syncEngine } from '../dist/sync.js'
import { median } from './measure.mjs'
import { openSQLite } from './sqlite.mjs'
import { enrollUser } from './users.mjs'

const N = Number(process.env.BENCH_N ?? 20_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)

const sqlite = openSQLite()
// the statements sqlStore sends, recorded as it sends them
const sent = new Map()
const query = (sql, params) => {
  sent.set(sql.split(' ')[0], sql)
  return sqlite.query(sql, params)
}
await ensureTable({ dialect: 'sqlite', query })
const store = sqlStore({ dialect: 'sqlite', query })
await enrollUser(store, 'u', { engine: syncEngine, start: Date.UTC(2026, 0, 1, 12, 0, 5) })
const { data, version } = await store.get('mfa:u')
await store.set('mfa:u', data, version)
const SELECT = sent.get('SELECT')
const UPDATE = sent.get('UPDATE')
sqlite.db.exec('CREATE TABLE floor (id TEXT NOT NULL PRIMARY KEY, last_step INTEGER NOT NULL) WITHOUT ROWID')
sqlite.prepare('INSERT INTO floor VALUES (?, ?)').run('u', 0)

let row = (await store.get('mfa:u')).version
let step = 1
const t = 'mfa_store'
const cases = {
  "store's SELECT data, version (live rows only)": () => sqlite.prepare(SELECT).all(['mfa:u']),
  'the same SELECT without the expiry test': () =>
    sqlite.prepare(`SELECT data, version FROM ${t} WHERE id = ?`).all(['mfa:u']),
  "store's UPDATE ... RETURNING version (the record)": () =>
    sqlite.prepare(UPDATE).all([data, null, 'mfa:u', row++]).length === 1,
  'the same UPDATE without RETURNING': () =>
    sqlite.prepare(UPDATE.replace(' RETURNING version', '')).run([data, null, 'mfa:u', row++]),
  'UPDATE of the record by id and version only': () =>
    sqlite
      .prepare(`UPDATE ${t} SET data = ?, version = version + 1 WHERE id = ? AND version = ?`)
      .run([data, 'mfa:u', row++]),
  "floor's SELECT last_step": () => sqlite.prepare('SELECT last_step FROM floor WHERE id = ?').get('u'),
  "floor's UPDATE of one integer": () =>
    sqlite.prepare('UPDATE floor SET last_step = ? WHERE id = ? AND last_step < ?').run(step, 'u', step++),
}

/** CPU µs per call of `fn` over N calls. */
function cpu(fn) {
  const start = process.cpuUsage()
  for (let i = 0; i < N; i++) fn()
  const { user, system } = process.cpuUsage(start)
  return (user + system) / N
}
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const micros = cpu(fn)
    if (round > 0) samples[name].push(micros)
  }
}
sqlite.close()
console.log(
  `SQLite statements of a login (WAL, synchronous=NORMAL), the record ${data.length} characters, Node ${process.version}`,
)
console.log(`store's SELECT: ${SELECT}\nstore's UPDATE: ${UPDATE}\n`)
console.log('| statement | CPU µs (median of rounds) |\n| --- | ---: |')
for (const [name, values] of Object.entries(samples)) console.log(`| ${name} | ${median(values).toFixed(1)} |`)
