// SQLite (and Cloudflare D1, which is SQLite): `?` placeholders, BINARY-collated keys, julianday('now') as the clock.
import type { Dialect } from './dialect.js'
import { returningTable } from './returning.js'

const NOW = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

export const sqlite: Dialect = {
  table(parts) {
    const t = parts.map((part) => `"${part}"`).join('.')
    return returningTable({
      t,
      p: () => '?',
      now: NOW,
      ttl: () => `${NOW} + ?`,
      // TEXT compares with the BINARY collation (exact); WITHOUT ROWID keeps the row in the primary-key b-tree.
      createTable: `CREATE TABLE IF NOT EXISTS ${t} (id TEXT NOT NULL PRIMARY KEY, data TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER) WITHOUT ROWID`,
    })
  },
}
