import { describe, OTPError } from '../errors.js'
import { safeCause } from '../internal/cause.js'
import { checkData, checkKey, checkTimeout, checkVersion, parseVersion, readTTL, withTimeout } from './check.js'
import type { Dialect, DialectTable } from './sql/dialect.js'
import { tableParts } from './sql/dialect.js'
import { mysql } from './sql/mysql.js'
import { postgres } from './sql/postgres.js'
import { sqlite } from './sql/sqlite.js'
import type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

export type { MFAStore, MFAStoreEntry, MFAStoreSetOptions } from './store.js'

/**
 * The SQL dialects {@link sqlStore} speaks: `'postgres'`, `'sqlite'` (also Cloudflare D1) and `'mysql'` (MySQL and
 * MariaDB).
 *
 * @example
 * const dialect: SQLDialect = 'mysql'
 */
export type SQLDialect = 'sqlite' | 'postgres' | 'mysql'

/**
 * What a {@link SQLQuery} function resolves to, by dialect:
 * - `'postgres'` and `'sqlite'`: `{ rows }`, the rows of the statement (writes use `RETURNING`, so they have rows too);
 * - `'mysql'`: the rows themselves (an array) for a `SELECT`, and an object with `affectedRows` for a write, as
 *   mysql2 (the first element of its `[rows, fields]`) and the mariadb connector return them.
 *
 * @example
 * const select: SQLQueryResult = [{ data: '{}', version: 3 }] // mysql dialect, a SELECT
 * const write: SQLQueryResult = { affectedRows: 1 } // mysql dialect, a write
 * const rows: SQLQueryResult = { rows: [{ version: 4 }] } // postgres and sqlite, a write with RETURNING
 */
export type SQLQueryResult = { rows: ReadonlyArray<object> } | ReadonlyArray<object> | { affectedRows: number | bigint }

/**
 * Runs one SQL statement with positional parameters and resolves to its result (see {@link SQLQueryResult}).
 * Placeholders are `?` for SQLite and MySQL and `$1`, `$2`, ... for PostgreSQL; parameters are strings, numbers and
 * `null`. Every statement the store sends is a single statement.
 *
 * @example
 * // pg (Pool or Client):
 * const query: SQLQuery = (sql, params) => pool.query(sql, params)
 * // better-sqlite3 12 (CREATE TABLE returns no data, so it needs run()):
 * const query: SQLQuery = (sql, params) => {
 *   const statement = db.prepare(sql)
 *   return { rows: statement.reader ? statement.all(...params) : (statement.run(...params), []) }
 * }
 * // mysql2/promise (Pool): rows for a SELECT, a ResultSetHeader with affectedRows for a write
 * const query: SQLQuery = async (sql, params) => (await pool.query(sql, params))[0]
 */
export type SQLQuery = (sql: string, params: unknown[]) => Promise<SQLQueryResult> | SQLQueryResult

/** Options of {@link sqlStore}. */
export interface SQLStoreOptions {
  /** `'postgres'`, `'sqlite'` (also D1) or `'mysql'` (MySQL and MariaDB): picks the dialect's statements. */
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
   * @throws whatever `query` throws
   * @example
   * setInterval(() => store.purgeExpired().catch(() => {}), 3_600_000)
   */
  purgeExpired(): Promise<number>
}

const DIALECTS: Readonly<Record<SQLDialect, Dialect>> = Object.freeze({ postgres, sqlite, mysql })

/** Whether a driver's error says the table is missing (PostgreSQL SQLSTATE 42P01, SQLite, MySQL 1146). */
function missingTable(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown }
  return e.code === '42P01' || e.code === 'ER_NO_SUCH_TABLE' || /no such table/.test(String(e.message))
}

/** The hint for a missing table: what the first call after a deployment without migrations hits. */
const noTable = (table: string): string =>
  `the table "${table}" does not exist: create it once with ensureTable({ dialect, query }), or run createTableSQL(dialect) in a migration`

function dialectOf(dialect: unknown): Dialect {
  if (dialect !== 'sqlite' && dialect !== 'postgres' && dialect !== 'mysql') {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `dialect must be 'postgres', 'sqlite' or 'mysql', got ${describe(dialect)}`,
    )
  }
  return DIALECTS[dialect]
}

function tableOf(dialect: unknown, table: unknown): DialectTable {
  return dialectOf(dialect).table(tableParts(table))
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement for the store's table: `id` (the key, primary key, compared
 * byte-exactly), `data` (the record), `version` (from 1) and `expires_at` (milliseconds since the Unix epoch on the
 * database's clock, `NULL` for permanent rows); on MySQL also `refused_creates` (see docs/storage.md).
 *
 * @param dialect - `'postgres'`, `'sqlite'` or `'mysql'`
 * @param table - the table name (default `mfa_store`)
 * @returns one SQL statement
 * @throws OTPError `ERR_INVALID_OPTION` for an unknown dialect or a table name that is not an identifier
 * @example
 * await pool.query(createTableSQL('postgres'))
 */
export function createTableSQL(dialect: SQLDialect, table = 'mfa_store'): string {
  return tableOf(dialect, table).createTable
}

/**
 * Creates the store's table if it does not exist yet (runs {@link createTableSQL}). Run it once at deployment or
 * start-up, from one process: concurrent `CREATE TABLE IF NOT EXISTS` can fail on PostgreSQL.
 *
 * @param options.dialect - `'postgres'`, `'sqlite'` or `'mysql'`
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
 * Creates an {@link MFAStore} over a SQL table, on PostgreSQL, SQLite (Cloudflare D1 included) or MySQL/MariaDB,
 * through a query function wired to the application's own client (the package imports no driver).
 *
 * Every compare-and-set is one conditional statement, atomic in the database; nothing is read and then written.
 * PostgreSQL and SQLite: `INSERT ... ON CONFLICT ... RETURNING` for create, `UPDATE ... WHERE id = ? AND version = ?
 * RETURNING` for replace, `DELETE ... WHERE id = ? AND version = ? RETURNING` for delete. MySQL/MariaDB has no
 * `RETURNING` on `UPDATE`: success is read from the affected-row count, and each statement changes every row it
 * matches (the version bump), so the count means the same with or without the `FOUND_ROWS` client flag; a create
 * over an expired row takes it over in a second conditional statement. Rows past their `ttlMs` are invisible; the
 * clock is the database's, so app servers with skewed clocks agree. Keys and data are always bound parameters.
 *
 * > [!WARNING]
 * > SQLite with several processes: open the file in WAL mode with a busy timeout
 * > (`db.pragma('journal_mode = WAL'); db.pragma('busy_timeout = 5000')`), or writers fail with `SQLITE_BUSY`
 * > (which the MFA service reports as `ERR_STORAGE`, failing closed). MySQL/MariaDB: connect with the `utf8mb4`
 * > character set (the default of mysql2 and the mariadb connector) and a strict `sql_mode` (the server default).
 *
 * @param options.dialect - `'postgres'`, `'sqlite'` (also D1) or `'mysql'` (MySQL and MariaDB)
 * @param options.query - runs one statement and resolves to its result, see {@link SQLQuery}
 * @param options.table - the table name, `name` or `schema.name` (default `mfa_store`)
 * @param options.timeoutMs - reject a statement that takes longer (default none; prefer the driver's own timeout,
 *   e.g. pg's `statement_timeout`, which also stops the statement on the server)
 * @returns the store
 * @throws OTPError `ERR_INVALID_OPTION` for a bad dialect, query, table or timeout
 * @example
 * import pg from 'pg'
 * const pool = new pg.Pool({ connectionString: 'postgres://app@db.internal/app', statement_timeout: 5000 })
 * pool.on('error', (error) => console.error('idle PostgreSQL client failed', error))
 * const store = sqlStore({ dialect: 'postgres', query: (sql, params) => pool.query(sql, params) })
 * @example
 * import mysql from 'mysql2/promise'
 * const pool = mysql.createPool({ uri: 'mysql://app@db.internal/app' })
 * pool.on('connection', (connection) => connection.on('error', (error) => console.error('MySQL connection failed', error)))
 * const store = sqlStore({ dialect: 'mysql', query: async (sql, params) => (await pool.query(sql, params))[0] })
 * @see docs/storage.md for the schema and the guarantees
 */
export function sqlStore(options: SQLStoreOptions): SQLStore {
  const { dialect, query } = options ?? ({} as SQLStoreOptions)
  const checks = dialectOf(dialect)
  if (typeof query !== 'function') {
    throw new OTPError('ERR_INVALID_OPTION', `query must be a function, got ${describe(query)}`)
  }
  const table = tableOf(dialect, options.table ?? 'mfa_store')
  const timeoutMs = checkTimeout(options.timeoutMs)
  const tableName = String(options.table ?? 'mfa_store')
  const exec = (sql: string, params: unknown[]): Promise<unknown> =>
    // a driver may throw synchronously (better-sqlite3's prepare): one path for both
    withTimeout(
      Promise.resolve().then(() => query(sql, params)),
      timeoutMs,
      'SQL statement',
    ).catch((error: unknown) => {
      throw missingTable(error) ? new OTPError('ERR_STORAGE', noTable(tableName), { cause: safeCause(error) }) : error
    })
  const key = (value: unknown): string => {
    checkKey(value, true)
    checks.checkKey?.(value)
    return value
  }

  return {
    async get(k: string): Promise<MFAStoreEntry | null> {
      const row = await table.get(exec, key(k))
      if (row === undefined) return null
      if (typeof row.data !== 'string') throw new OTPError('ERR_STORAGE', 'the SQL store returned non-text data')
      return { data: row.data, version: parseVersion(row.version) }
    },
    async set(k: string, data: string, expectedVersion: number | null, setOptions?: MFAStoreSetOptions) {
      key(k)
      checkData(data, true)
      checkVersion(expectedVersion, true)
      const ttlMs = readTTL(setOptions) ?? null
      return expectedVersion === null
        ? table.create(exec, k, data, ttlMs)
        : table.update(exec, k, data, expectedVersion, ttlMs)
    },
    async delete(k: string, expectedVersion: number) {
      key(k)
      checkVersion(expectedVersion, false)
      return table.remove(exec, k, expectedVersion)
    },
    purgeExpired: () => table.purge(exec),
  }
}
