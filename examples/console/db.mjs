// The console's storage: its own tables (users, sessions, step-up proofs, setups in progress, password throttle,
// audit log, development outbox) and the MFA service's store.
//   default              SQLite (better-sqlite3), one file under examples/console/data/
//   DATABASE_URL=postgres://...   PostgreSQL (pg) for everything
//   REDIS_URL=redis://...         MFA records in Redis (ioredis); the app's tables stay in SQLite or PostgreSQL
// The MFA records go through the library's adapters (sqlStore, redisStore): the package imports no driver, the app
// wires its own client in one line.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ensureTable, sqlStore } from 'mfa-core/storage/sql'

// The app's own schema. Times are milliseconds since the Unix epoch (the app's clock), as in the MFA service.
const TABLES = {
  sqlite: [
    `CREATE TABLE IF NOT EXISTS console_users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password TEXT NOT NULL,
      role TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS console_sessions (id TEXT PRIMARY KEY, user_id TEXT, stage TEXT NOT NULL,
      csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, mfa_at INTEGER)`,
    `CREATE TABLE IF NOT EXISTS console_password_throttle (email TEXT PRIMARY KEY, failures INTEGER NOT NULL,
      locked_until INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS console_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
      user_id TEXT NOT NULL, type TEXT NOT NULL, detail TEXT NOT NULL)`,
    'CREATE TABLE IF NOT EXISTS console_step_up (session_id TEXT PRIMARY KEY, proof TEXT NOT NULL)',
    `CREATE TABLE IF NOT EXISTS console_setup (session_id TEXT PRIMARY KEY, authenticator_id TEXT,
      codes_issued_at INTEGER)`,
    `CREATE TABLE IF NOT EXISTS console_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
      to_address TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL)`,
  ],
  postgres: [
    `CREATE TABLE IF NOT EXISTS console_users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password TEXT NOT NULL,
      role TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS console_sessions (id TEXT PRIMARY KEY, user_id TEXT, stage TEXT NOT NULL,
      csrf TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, mfa_at BIGINT)`,
    `CREATE TABLE IF NOT EXISTS console_password_throttle (email TEXT PRIMARY KEY, failures INTEGER NOT NULL,
      locked_until BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS console_audit (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL,
      user_id TEXT NOT NULL, type TEXT NOT NULL, detail TEXT NOT NULL)`,
    'CREATE TABLE IF NOT EXISTS console_step_up (session_id TEXT PRIMARY KEY, proof TEXT NOT NULL)',
    `CREATE TABLE IF NOT EXISTS console_setup (session_id TEXT PRIMARY KEY, authenticator_id TEXT,
      codes_issued_at BIGINT)`,
    `CREATE TABLE IF NOT EXISTS console_outbox (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL,
      to_address TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL)`,
  ],
}

/**
 * Opens the database and the MFA store.
 *
 * @param options.dataDir - where the SQLite file lives (created if missing)
 * @param options.databaseUrl - a postgres:// URL, or undefined for SQLite
 * @param options.redisUrl - a redis:// URL for the MFA records, or undefined to keep them in the database
 * @returns `{ query, mfaStore, describe, close }`; `query(sql, params)` takes `?` placeholders and returns rows
 */
export async function openDatabase({ dataDir, databaseUrl, redisUrl }) {
  let dialect
  let run
  let closeDatabase
  let where
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('DATABASE_URL must be a postgres:// URL')
    const { default: pg } = await import('pg')
    // BIGINT (oid 20) columns hold milliseconds: read them as numbers, not strings
    const types = { getTypeParser: (oid, format) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) }
    const pool = new pg.Pool({ connectionString: databaseUrl, statement_timeout: 5000, types })
    dialect = 'postgres'
    run = async (sql, params) => {
      let n = 0
      return pool.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    }
    closeDatabase = () => pool.end()
    where = 'PostgreSQL'
  } else {
    const { default: Database } = await import('better-sqlite3')
    mkdirSync(dataDir, { recursive: true })
    const file = join(dataDir, 'console.sqlite')
    const db = new Database(file)
    // several processes may open the file (a second server, the sqlite3 shell): WAL and a busy timeout
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 5000')
    dialect = 'sqlite'
    run = (sql, params) => {
      const statement = db.prepare(sql)
      if (statement.reader) return { rows: statement.all(...params) }
      statement.run(...params)
      return { rows: [] }
    }
    closeDatabase = () => db.close()
    where = `SQLite (${file})`
  }
  for (const sql of TABLES[dialect]) await run(sql, [])

  let mfaStore
  let closeRedis = async () => {}
  if (redisUrl) {
    const { default: Redis } = await import('ioredis')
    const redis = new Redis(redisUrl, { commandTimeout: 2000, maxRetriesPerRequest: 1 })
    const { redisStore } = await import('mfa-core/storage/redis')
    mfaStore = redisStore({
      eval: (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args),
      prefix: 'console:',
    })
    closeRedis = async () => {
      await redis.quit()
    }
    where += ', MFA records in Redis'
  } else {
    const query = (sql, params) => run(sql, params)
    await ensureTable({ dialect, query })
    mfaStore = sqlStore({ dialect, query })
  }

  return {
    dialect,
    /** Runs one statement with `?` placeholders; resolves to its rows. */
    async query(sql, params = []) {
      return (await run(sql, params)).rows
    },
    mfaStore,
    describe: where,
    async close() {
      await closeRedis()
      await closeDatabase()
    },
  }
}
