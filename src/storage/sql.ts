import { describe, OTPError } from '../errors.js'
import { checkData, checkKey, checkTimeout, checkVersion, parseVersion, readTTL, withTimeout } from './check.js'
import type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

export type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

/** The SQL dialects {@link sqlStore} speaks. */
export type SQLDialect = 'sqlite' | 'postgres'

/** What a {@link SQLQuery} function returns: the rows of the statement (those of `RETURNING` for writes). */
export interface SQLQueryResult {
  rows: ReadonlyArray<Record<string, unknown>>
}

/**
 * Runs one SQL statement with positional parameters and returns its rows. Placeholders are `?` for SQLite and
 * `$1`, `$2`, ... for PostgreSQL; parameters are strings, numbers and `null`. Every statement the store sends is a
 * single statement; reads and writes return rows (writes use `RETURNING`), and only `ensureTable`'s DDL returns none.
 *
 * @example
 * // pg (Pool or Client):
 * const query: SQLQuery = (sql, params) => pool.query(sql, params)
 * // better-sqlite3 12 (CREATE TABLE returns no data, so it needs run()):
 * const query: SQLQuery = (sql, params) => {
 *   const statement = db.prepare(sql)
 *   return { rows: statement.reader ? statement.all(...params) : (statement.run(...params), []) }
 * }
 */
export type SQLQuery = (sql: string, params: unknown[]) => Promise<SQLQueryResult> | SQLQueryResult

/** Options of {@link sqlStore}. */
export interface SQLStoreOptions {
  /** `'sqlite'` or `'postgres'`: picks placeholders, column types and the clock expression. */
  dialect: SQLDialect
  /** Runs one statement, see {@link SQLQuery}. */
  query: SQLQuery
  /** The table name, `name` or `schema.name`, letters, digits and `_` only (default `mfa_store`). */
  table?: string
  /** Fail a statement that has not answered after this many milliseconds (default: no limit of our own). */
  timeoutMs?: number
}

/** A SQL-backed {@link MFAStore}, with a way to remove expired rows. */
export interface SQLStore extends MFAStore {
  /**
   * Deletes the rows whose `ttlMs` has passed (they are already invisible; this reclaims their space).
   *
   * @returns how many rows were removed
   */
  purgeExpired(): Promise<number>
}

/** Whether a driver's error says the table is missing (PostgreSQL SQLSTATE 42P01, SQLite, MySQL 1146). */
function missingTable(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown }
  return e.code === '42P01' || e.code === 'ER_NO_SUCH_TABLE' || /no such table/.test(String(e.message))
}

/** The hint for a missing table: what the first call after a deployment without migrations hits. */
const noTable = (table: string): string =>
  `the table ${table} does not exist: create it once with ensureTable({ dialect, query }), or run createTableSQL(dialect) in a migration`

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** Checks and double-quotes a table name; the regex admits no quote, so the result cannot break out of SQL. */
function quoteTable(table: unknown): string {
  const parts = typeof table === 'string' ? table.split('.') : []
  if (parts.length < 1 || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `table must be an identifier (letters, digits, _; optionally schema.table), got ${describe(table)}`,
    )
  }
  return parts.map((part) => `"${part}"`).join('.')
}

function checkDialect(dialect: unknown): asserts dialect is SQLDialect {
  if (dialect !== 'sqlite' && dialect !== 'postgres') {
    throw new OTPError('ERR_INVALID_OPTION', `dialect must be 'sqlite' or 'postgres', got ${describe(dialect)}`)
  }
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement for the store's table: `id` (the key, primary key, compared
 * byte-exactly), `data` (the record), `version` (from 1) and `expires_at` (milliseconds since the Unix epoch on the
 * database's clock, `NULL` for permanent rows).
 *
 * @param dialect - `'sqlite'` or `'postgres'`
 * @param table - the table name (default `mfa_store`)
 * @returns one SQL statement
 * @throws OTPError `ERR_INVALID_OPTION` for an unknown dialect or a table name that is not an identifier
 * @example
 * await pool.query(createTableSQL('postgres'))
 */
export function createTableSQL(dialect: SQLDialect, table = 'mfa_store'): string {
  checkDialect(dialect)
  const name = quoteTable(table)
  // SQLite: TEXT compares with BINARY collation (exact); WITHOUT ROWID keeps the row in the primary-key b-tree.
  // PostgreSQL: COLLATE "C" makes the key comparison byte-exact whatever the database's default collation.
  return dialect === 'sqlite'
    ? `CREATE TABLE IF NOT EXISTS ${name} (id TEXT NOT NULL PRIMARY KEY, data TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER) WITHOUT ROWID`
    : `CREATE TABLE IF NOT EXISTS ${name} (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, data TEXT NOT NULL, version BIGINT NOT NULL, expires_at BIGINT)`
}

/**
 * Creates the store's table if it does not exist yet (runs {@link createTableSQL}). Run it once at deployment or
 * start-up, from one process: concurrent `CREATE TABLE IF NOT EXISTS` can fail on PostgreSQL.
 *
 * @param options.dialect - `'sqlite'` or `'postgres'`
 * @param options.query - the same query function as for {@link sqlStore}
 * @param options.table - the table name (default `mfa_store`)
 * @returns when the table exists
 * @throws OTPError `ERR_INVALID_OPTION` for a bad dialect or table; whatever `query` throws
 * @example
 * await ensureTable({ dialect: 'postgres', query: (sql, params) => pool.query(sql, params) })
 */
export async function ensureTable(options: Pick<SQLStoreOptions, 'dialect' | 'query' | 'table'>): Promise<void> {
  await options.query(createTableSQL(options.dialect, options.table), [])
}

/**
 * Creates an {@link MFAStore} over a SQL table, on SQLite or PostgreSQL, through a query function wired to the
 * application's own client (the package imports no driver).
 *
 * Every operation is one statement and every compare-and-set is one conditional statement, atomic in the database:
 * `INSERT ... ON CONFLICT` for create, `UPDATE ... WHERE id = ? AND version = ?` for replace, and
 * `DELETE ... WHERE id = ? AND version = ?` for delete; nothing is read and then written. Rows past their `ttlMs`
 * are invisible and are replaced by a create in the same statement; the clock is the database's, so app servers
 * with skewed clocks agree. Keys and data are always bound parameters.
 *
 * > [!WARNING]
 * > SQLite with several processes: open the file in WAL mode with a busy timeout
 * > (`db.pragma('journal_mode = WAL'); db.pragma('busy_timeout = 5000')`), or writers fail with `SQLITE_BUSY`
 * > (which the MFA service reports as `ERR_STORAGE`, failing closed).
 *
 * @param options.dialect - `'sqlite'` or `'postgres'`
 * @param options.query - runs one statement and returns its rows, see {@link SQLQuery}
 * @param options.table - the table name, `name` or `schema.name` (default `mfa_store`)
 * @param options.timeoutMs - reject a statement that takes longer (default none; prefer the driver's own timeout,
 *   e.g. pg's `statement_timeout`, which also stops the statement on the server)
 * @returns the store
 * @throws OTPError `ERR_INVALID_OPTION` for a bad dialect, query, table or timeout
 * @example
 * import pg from 'pg'
 * const pool = new pg.Pool({ connectionString: 'postgres://app@db.internal/app', statement_timeout: 5000 })
 * const store = sqlStore({ dialect: 'postgres', query: (sql, params) => pool.query(sql, params) })
 * @see docs/storage.md for the schema and the guarantees
 */
export function sqlStore(options: SQLStoreOptions): SQLStore {
  const { dialect, query } = options ?? ({} as SQLStoreOptions)
  checkDialect(dialect)
  if (typeof query !== 'function') {
    throw new OTPError('ERR_INVALID_OPTION', `query must be a function, got ${describe(query)}`)
  }
  const t = quoteTable(options.table ?? 'mfa_store')
  const timeoutMs = checkTimeout(options.timeoutMs)
  const pg = dialect === 'postgres'
  // Placeholder n (1-based) and the database clock in milliseconds since the Unix epoch.
  const p = (n: number): string => (pg ? `$${n}` : '?')
  const NOW = pg
    ? '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint'
    : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
  const ttl = (n: number): string => (pg ? `${NOW} + ${p(n)}::bigint` : `${NOW} + ${p(n)}`)
  const LIVE = `(expires_at IS NULL OR expires_at > ${NOW})`

  const GET = `SELECT data, version FROM ${t} WHERE id = ${p(1)} AND ${LIVE}`
  // Create: insert, or take over a row whose ttl has passed (it is absent to everyone), all in one statement.
  const CREATE =
    `INSERT INTO ${t} (id, data, version, expires_at) VALUES (${p(1)}, ${p(2)}, 1, ${ttl(3)}) ` +
    `ON CONFLICT (id) DO UPDATE SET data = excluded.data, version = 1, expires_at = excluded.expires_at ` +
    `WHERE ${t}.expires_at IS NOT NULL AND ${t}.expires_at <= ${NOW} RETURNING version`
  const UPDATE =
    `UPDATE ${t} SET data = ${p(1)}, version = version + 1, expires_at = ${ttl(2)} ` +
    `WHERE id = ${p(3)} AND version = ${p(4)} AND ${LIVE} RETURNING version`
  const DELETE = `DELETE FROM ${t} WHERE id = ${p(1)} AND version = ${p(2)} AND ${LIVE} RETURNING version`
  const PURGE = `DELETE FROM ${t} WHERE expires_at IS NOT NULL AND expires_at <= ${NOW} RETURNING version`

  const run = async (sql: string, params: unknown[]): Promise<ReadonlyArray<Record<string, unknown>>> => {
    // a driver may throw synchronously (better-sqlite3's prepare): one path for both
    const pending = Promise.resolve().then(() => query(sql, params))
    const result = await withTimeout(pending, timeoutMs, 'SQL statement').catch((error: unknown) => {
      throw missingTable(error) ? new OTPError('ERR_STORAGE', noTable(t), { cause: error }) : error
    })
    const rows = result?.rows
    if (!Array.isArray(rows)) {
      throw new OTPError('ERR_STORAGE', 'the SQL query function must return { rows: [...] }')
    }
    return rows
  }

  return {
    async get(key: string): Promise<MFAStoreEntry | null> {
      checkKey(key, true)
      const rows = await run(GET, [key])
      const row = rows[0]
      if (row === undefined) return null
      if (typeof row.data !== 'string') throw new OTPError('ERR_STORAGE', 'the SQL store returned non-text data')
      return { data: row.data, version: parseVersion(row.version) }
    },
    async set(key: string, data: string, expectedVersion: number | null, setOptions?: MFAStoreSetOptions) {
      checkKey(key, true)
      checkData(data, true)
      checkVersion(expectedVersion, true)
      const ttlMs = readTTL(setOptions) ?? null
      const rows =
        expectedVersion === null
          ? await run(CREATE, [key, data, ttlMs])
          : await run(UPDATE, [data, ttlMs, key, expectedVersion])
      return rows.length === 1
    },
    async delete(key: string, expectedVersion: number) {
      checkKey(key, true)
      checkVersion(expectedVersion, false)
      return (await run(DELETE, [key, expectedVersion])).length === 1
    },
    async purgeExpired() {
      return (await run(PURGE, [])).length
    },
  }
}
