// What a SQL dialect object is (not part of the public API): it owns its DDL, its statements and how it reads the
// driver's reply, so sql.ts holds no dialect difference at all.
import { describe, OTPError } from '../../errors.js'

/** A row as a driver returns it: column name to value. */
export type SQLRow = Record<string, unknown>

/** Runs one statement through the application's query function (with the store's timeout) and returns its reply. */
export type Exec = (sql: string, params: unknown[]) => Promise<unknown>

/** The statements of one table, bound to a dialect. Every method sends exactly one statement, except where noted. */
export interface DialectTable {
  /** The `CREATE TABLE IF NOT EXISTS` statement. */
  readonly createTable: string
  /** The live row of a key, or undefined. */
  get(exec: Exec, key: string): Promise<SQLRow | undefined>
  /** Insert-if-absent (an expired row counts as absent); true when created at version 1. */
  create(exec: Exec, key: string, data: string, ttlMs: number | null): Promise<boolean>
  /** Compare-and-set by version on a live row; true when written. */
  update(exec: Exec, key: string, data: string, version: number, ttlMs: number | null): Promise<boolean>
  /** Delete by version of a live row; true when removed. */
  remove(exec: Exec, key: string, version: number): Promise<boolean>
  /** Deletes every expired row; how many. */
  purge(exec: Exec): Promise<number>
}

/** One database's SQL. */
export interface Dialect {
  /** Checks the key further than the shared checks (a length the column holds). */
  checkKey?(key: string): void
  /** Binds the dialect to a checked table name (`name` or `schema.name`). */
  table(parts: readonly string[]): DialectTable
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** Splits and checks a table name; the regex admits no quote character, so quoting cannot be broken out of. */
export function tableParts(table: unknown): string[] {
  const parts = typeof table === 'string' ? table.split('.') : []
  if (parts.length < 1 || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `table must be an identifier (letters, digits, _; optionally schema.table), got ${describe(table)}`,
    )
  }
  return parts
}

/** The rows of a `{ rows }` reply (pg, and the better-sqlite3 wrapper shown in docs/storage.md). */
export function rowsOf(reply: unknown): ReadonlyArray<SQLRow> {
  const rows = (reply as { rows?: unknown } | null | undefined)?.rows
  if (!Array.isArray(rows)) throw new OTPError('ERR_STORAGE', 'the SQL query function must return { rows: [...] }')
  return rows as SQLRow[]
}
