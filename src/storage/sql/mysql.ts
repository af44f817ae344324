// MySQL and MariaDB: no RETURNING on UPDATE, so every write's success is read from the affected-row count, and
// every statement is written so that count means the same with and without the FOUND_ROWS client flag (which
// mysql2 and the mariadb connector both set by default: an UPDATE then reports the rows it matched, and
// INSERT ... ON DUPLICATE KEY UPDATE on a row it leaves unchanged reports 1, exactly like a fresh insert).
import { describe, OTPError } from '../../errors.js'
import { utf8 } from '../../internal/bytes.js'
import type { Dialect, Exec, SQLRow } from './dialect.js'

/** The longest key in bytes (UTF-8): InnoDB's index limit for the oldest row format still in use. */
const MAX_KEY_BYTES = 767

// The database clock in ms since the Unix epoch, independent of the session time zone (UNIX_TIMESTAMP(NOW(3))
// would read a local time, and is an hour off inside a daylight-saving fold).
const NOW = "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)"
const LIVE = `(expires_at IS NULL OR expires_at > ${NOW})`
const EXPIRED = `(expires_at IS NOT NULL AND expires_at <= ${NOW})`
const TTL = `${NOW} + CAST(? AS SIGNED)`

function rowsOf(reply: unknown): ReadonlyArray<SQLRow> {
  if (!Array.isArray(reply)) {
    throw new OTPError('ERR_STORAGE', 'the MySQL query function must resolve to the rows of a SELECT')
  }
  if (Array.isArray(reply[0])) {
    throw new OTPError(
      'ERR_STORAGE',
      'the MySQL query function must resolve to the rows (mysql2: the first element of [rows, fields])',
    )
  }
  return reply as SQLRow[]
}

function affectedOf(reply: unknown): number {
  const affected = (reply as { affectedRows?: unknown } | null | undefined)?.affectedRows
  const count = typeof affected === 'bigint' ? Number(affected) : affected
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new OTPError(
      'ERR_STORAGE',
      `the MySQL query function must resolve to an object with affectedRows for a write, got ${describe(reply)}`,
    )
  }
  return count
}

export const mysql: Dialect = {
  checkKey(key) {
    const bytes = utf8(key).length
    if (bytes > MAX_KEY_BYTES) {
      throw new OTPError(
        'ERR_INVALID_OPTION',
        `store key must be at most ${MAX_KEY_BYTES} bytes of UTF-8, got ${bytes}`,
      )
    }
  },
  table(parts) {
    const t = parts.map((part) => `\`${part}\``).join('.')
    const GET = `SELECT data, version FROM ${t} WHERE id = ? AND ${LIVE}`
    // Insert-if-absent by primary key. On a duplicate key the row is changed (refused_creates + 1), never left as
    // it was, so the count is 2 for any existing row and 1 only for a fresh insert, with or without FOUND_ROWS.
    const INSERT =
      `INSERT INTO ${t} (id, data, version, expires_at, refused_creates) VALUES (?, ?, 1, ${TTL}, 0) ` +
      'ON DUPLICATE KEY UPDATE refused_creates = refused_creates + 1'
    // Taking over a row whose ttl has passed (absent to everyone): expires_at always changes (from the past to NULL
    // or the future), so the count is 1 exactly when the row was expired and taken.
    const TAKE_OVER = `UPDATE ${t} SET data = ?, version = 1, expires_at = ${TTL}, refused_creates = 0 WHERE id = ? AND ${EXPIRED}`
    // Compare-and-set: the version bump changes every row it matches, so matched = changed = 1 on success.
    const UPDATE = `UPDATE ${t} SET data = ?, version = version + 1, expires_at = ${TTL} WHERE id = ? AND version = CAST(? AS SIGNED) AND ${LIVE}`
    const DELETE = `DELETE FROM ${t} WHERE id = ? AND version = CAST(? AS SIGNED) AND ${LIVE}`
    const PURGE = `DELETE FROM ${t} WHERE ${EXPIRED}`
    const write = async (exec: Exec, sql: string, params: unknown[]) => affectedOf(await exec(sql, params))
    return {
      // Keys are VARBINARY: compared byte for byte (no collation, no PAD SPACE), whatever the server's defaults.
      createTable:
        `CREATE TABLE IF NOT EXISTS ${t} (id VARBINARY(${MAX_KEY_BYTES}) NOT NULL PRIMARY KEY, ` +
        'data LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, version BIGINT NOT NULL, ' +
        'expires_at BIGINT NULL, refused_creates BIGINT NOT NULL DEFAULT 0) ENGINE=InnoDB',
      get: async (exec, key) => rowsOf(await exec(GET, [key]))[0],
      async create(exec, key, data, ttlMs) {
        if ((await write(exec, INSERT, [key, data, ttlMs])) === 1) return true
        // An existing row: live (a conflict), or expired and free to take, in a second conditional statement.
        return (await write(exec, TAKE_OVER, [data, ttlMs, key])) === 1
      },
      update: async (exec, key, data, version, ttlMs) => (await write(exec, UPDATE, [data, ttlMs, key, version])) === 1,
      remove: async (exec, key, version) => (await write(exec, DELETE, [key, version])) === 1,
      purge: (exec) => write(exec, PURGE, []),
    }
  },
}
