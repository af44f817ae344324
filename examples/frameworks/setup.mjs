// What the three servers share below HTTP: the MFA store on SQLite or PostgreSQL, the MFA service over it, and the
// start-up from environment variables when a server file is run directly.
import { randomBytes } from 'node:crypto'
import { createMFA } from 'mfa-core'
import { ensureTable, sqlStore } from 'mfa-core/storage/sql'
import { createAccounts, createSessions } from './sessions.mjs'

/**
 * Opens the MFA store: PostgreSQL (pg) for a postgres:// URL, else a SQLite file (better-sqlite3). The table is
 * created if missing.
 *
 * @param options.databaseUrl - a postgres:// URL, or undefined for SQLite
 * @param options.sqliteFile - the SQLite file (default `mfa.db`)
 * @param options.busyTimeoutMs - how long SQLite waits for a lock held by another process (default 5000)
 * @param options.log - where a lost database connection is reported (default console)
 * @returns `{ store, close }`
 */
export async function openStore({ databaseUrl, sqliteFile = 'mfa.db', busyTimeoutMs = 5000, log = console } = {}) {
  if (databaseUrl) {
    const { default: pg } = await import('pg')
    const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: 2000, statement_timeout: 5000 })
    // Without this listener, the idle connections' 'error' when PostgreSQL restarts would end the process. With it,
    // requests fail closed (503) while the database is away and the pool reconnects when it is back.
    pool.on('error', (error) => log.warn(`postgres: ${error.message}`))
    const query = (sql, params) => pool.query(sql, params)
    await ensureTable({ dialect: 'postgres', query })
    return { store: sqlStore({ dialect: 'postgres', query }), close: () => pool.end() }
  }
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(sqliteFile)
  db.pragma('journal_mode = WAL')
  db.pragma(`busy_timeout = ${busyTimeoutMs}`)
  const query = (sql, params) => {
    const statement = db.prepare(sql)
    if (statement.reader) return { rows: statement.all(...params) }
    statement.run(...params)
    return { rows: [] }
  }
  await ensureTable({ dialect: 'sqlite', query })
  return { store: sqlStore({ dialect: 'sqlite', query }), close: async () => db.close() }
}

/**
 * The MFA service of the example servers: secrets sealed with `MFA_ENCRYPTION_KEY`, step-up proofs signed with
 * `MFA_PROOF_KEY` (32 random bytes each, as base64 text: `openssl rand -base64 32`). A missing or short key stops
 * the start with `ERR_INVALID_OPTION`, which names the variable's key but never shows it.
 *
 * @param options.store - the MFA store
 * @param options.env - where the keys are (default process.env)
 * @param options.now - the clock in ms (default Date.now; the tests move their own)
 */
export function createService({ store, env = process.env, now = Date.now }) {
  return createMFA({
    store,
    issuer: 'Example Cloud',
    now,
    encryptionKeys: { current: 'k1', keys: { k1: env.MFA_ENCRYPTION_KEY } },
    proofKey: env.MFA_PROOF_KEY,
  })
}

/**
 * Runs a server from the environment: DATABASE_URL (PostgreSQL; default SQLite in `mfa.db`), PORT (default 3000),
 * the two keys, and one demo account (`alice@example.com`, password DEMO_PASSWORD, printed when generated).
 *
 * @param start - the framework's `start({ port, mfa, accounts, sessions })`, resolving to `{ url, close }`
 */
export async function runFromEnvironment(start) {
  const { store, close: closeStore } = await openStore({ databaseUrl: process.env.DATABASE_URL })
  const mfa = createService({ store })
  const accounts = createAccounts()
  const password = process.env.DEMO_PASSWORD ?? randomBytes(9).toString('base64url')
  await accounts.add('alice@example.com', password)
  const server = await start({ port: Number(process.env.PORT ?? 3000), mfa, accounts, sessions: createSessions() })
  const shown = process.env.DEMO_PASSWORD ? 'DEMO_PASSWORD' : password
  console.log(`listening on ${server.url}; sign in as alice@example.com with ${shown}`)
  process.once('SIGINT', async () => {
    await server.close()
    await closeStore()
  })
}
