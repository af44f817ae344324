// The real stores the multi-process suites race on (race, mfa-authenticators, device-race): for each, whether this
// run has its server, and how to reach it from the test process and from every app-server process.
import type { MFAStore } from 'mfa-core'
import { ensureTable } from 'mfa-core/storage/sql'
import { inject } from 'vitest'
import {
  type Backend,
  ioredisClusterStore,
  ioredisStore,
  mysqlStore,
  postgresStore,
  sqliteFile,
  sqliteStore,
} from './clients.js'

export interface Contender {
  kind: Backend['kind']
  name: string
  /** False when this run has no such server (global-setup.ts decides, loudly). */
  available: boolean
  /**
   * Creates the suite's table (a fresh SQLite file), opens the test process's own connection, and says where the
   * store is for the other processes; close also removes the SQLite file.
   */
  open(): Promise<{ backend: Backend; store: MFAStore; close(): Promise<void> }>
}

/**
 * The contenders of one suite, each store under the suite's own table (SQL) or key prefix (Redis), so suites that
 * share a server never see each other's records.
 *
 * @param space.table - the SQL table name
 * @param space.prefix - the Redis key prefix
 * @param kinds - the stores the suite races on (default all)
 */
export function contenders(
  space: { table: string; prefix: string },
  kinds: readonly Backend['kind'][] = ['sqlite', 'postgres', 'redis', 'mysql', 'redis-cluster'],
): Contender[] {
  const servers = inject('storageServers')
  const { table, prefix } = space
  const all: Contender[] = [
    {
      kind: 'sqlite',
      name: 'SQLite (one file, WAL)',
      available: servers.sqlite,
      async open() {
        const file = sqliteFile()
        const opened = await sqliteStore(file.path, table)
        return {
          backend: { kind: 'sqlite', path: file.path, table },
          store: opened.store,
          close: async () => {
            await opened.close()
            file.remove()
          },
        }
      },
    },
    {
      kind: 'postgres',
      name: 'PostgreSQL',
      available: servers.postgres !== null,
      async open() {
        const { connectionString } = servers.postgres!
        const opened = await postgresStore(connectionString, table)
        await ensureTable({ dialect: 'postgres', query: opened.query, table })
        return { backend: { kind: 'postgres', connectionString, table }, store: opened.store, close: opened.close }
      },
    },
    {
      kind: 'redis',
      name: 'Redis',
      available: servers.redis !== null,
      async open() {
        const { url } = servers.redis!
        const opened = ioredisStore(url, prefix)
        return { backend: { kind: 'redis', url, prefix }, store: opened.store, close: opened.close }
      },
    },
    {
      kind: 'mysql',
      name: 'MariaDB (mysql2, default flags)',
      available: servers.mariadb !== null,
      async open() {
        const { uri } = servers.mariadb!
        const opened = await mysqlStore(uri, table)
        await ensureTable({ dialect: 'mysql', query: opened.query, table })
        return { backend: { kind: 'mysql', uri, table }, store: opened.store, close: opened.close }
      },
    },
    {
      kind: 'redis-cluster',
      name: 'Redis Cluster (three masters, ioredis Cluster)',
      available: servers.redisCluster !== null,
      async open() {
        const { startupNodes } = servers.redisCluster!
        const opened = ioredisClusterStore(startupNodes, prefix)
        return {
          backend: { kind: 'redis-cluster', startupNodes, prefix },
          store: opened.store,
          close: opened.close,
        }
      },
    },
  ]
  return all.filter((contender) => kinds.includes(contender.kind))
}
