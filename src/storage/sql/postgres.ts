// PostgreSQL: `$n` placeholders, COLLATE "C" keys, clock_timestamp() as the clock.
import type { Dialect } from './dialect.js'
import { returningTable } from './returning.js'

const NOW = '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint'

export const postgres: Dialect = {
  table(parts) {
    const t = parts.map((part) => `"${part}"`).join('.')
    return returningTable({
      t,
      p: (n) => `$${n}`,
      now: NOW,
      ttl: (n) => `${NOW} + $${n}::bigint`,
      // COLLATE "C" makes the key comparison byte-exact whatever the database's default collation.
      createTable: `CREATE TABLE IF NOT EXISTS ${t} (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, data TEXT NOT NULL, version BIGINT NOT NULL, expires_at BIGINT)`,
    })
  },
}
