// The statement shapes PostgreSQL and SQLite share: each write is one conditional statement whose RETURNING row
// says whether it applied. The dialects differ only in the pieces passed in here.
import { type DialectTable, type Exec, rowsOf } from './dialect.js'

export interface ReturningPieces {
  /** The quoted table name. */
  t: string
  /** Placeholder n (1-based). */
  p(n: number): string
  /** The database clock, milliseconds since the Unix epoch. */
  now: string
  /** The expiry of a new row from placeholder n (ttl in ms, or NULL for permanent). */
  ttl(n: number): string
  createTable: string
}

export function returningTable({ t, p, now, ttl, createTable }: ReturningPieces): DialectTable {
  const LIVE = `(expires_at IS NULL OR expires_at > ${now})`
  const GET = `SELECT data, version FROM ${t} WHERE id = ${p(1)} AND ${LIVE}`
  // Create: insert, or take over a row whose ttl has passed (it is absent to everyone), all in one statement.
  const CREATE =
    `INSERT INTO ${t} (id, data, version, expires_at) VALUES (${p(1)}, ${p(2)}, 1, ${ttl(3)}) ` +
    `ON CONFLICT (id) DO UPDATE SET data = excluded.data, version = 1, expires_at = excluded.expires_at ` +
    `WHERE ${t}.expires_at IS NOT NULL AND ${t}.expires_at <= ${now} RETURNING version`
  const UPDATE =
    `UPDATE ${t} SET data = ${p(1)}, version = version + 1, expires_at = ${ttl(2)} ` +
    `WHERE id = ${p(3)} AND version = ${p(4)} AND ${LIVE} RETURNING version`
  const DELETE = `DELETE FROM ${t} WHERE id = ${p(1)} AND version = ${p(2)} AND ${LIVE} RETURNING version`
  const PURGE = `DELETE FROM ${t} WHERE expires_at IS NOT NULL AND expires_at <= ${now} RETURNING version`
  const rows = async (exec: Exec, sql: string, params: unknown[]) => rowsOf(await exec(sql, params))
  return {
    createTable,
    get: async (exec, key) => (await rows(exec, GET, [key]))[0],
    create: async (exec, key, data, ttlMs) => (await rows(exec, CREATE, [key, data, ttlMs])).length === 1,
    update: async (exec, key, data, version, ttlMs) =>
      (await rows(exec, UPDATE, [data, ttlMs, key, version])).length === 1,
    remove: async (exec, key, version) => (await rows(exec, DELETE, [key, version])).length === 1,
    purge: async (exec) => (await rows(exec, PURGE, [])).length,
  }
}
