// One SQLite file for a bench: better-sqlite3 on a temp directory in WAL mode, its statements prepared once, and
// the `query` function sqlStore takes (bench/storage.mjs, bench/login.mjs).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'

/** Opens a fresh database file; `close()` removes it again. */
export function openSQLite() {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-bench-'))
  const db = new Database(join(dir, 'bench.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const cache = new Map()
  /** A statement, prepared on first use. */
  const prepare = (sql) => cache.get(sql) ?? cache.set(sql, db.prepare(sql)).get(sql)
  /** The SQLQuery of `sqlStore({ dialect: 'sqlite', query })`. */
  const query = (sql, params) => {
    const statement = prepare(sql)
    if (statement.reader) return { rows: statement.all(params) }
    statement.run(params)
    return { rows: [] }
  }
  return {
    db,
    prepare,
    query,
    close() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
