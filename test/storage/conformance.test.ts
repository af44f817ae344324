// The MFAStore conformance suite (mfa-core/testing) against every adapter, on real servers.
import { type MFAStore, memoryStore } from 'mfa-core'
import { ensureTable } from 'mfa-core/storage/sql'
import { runStoreConformance } from 'mfa-core/testing'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import {
  ioredisClusterStore,
  ioredisStore,
  mysqlStore,
  nodeRedisClusterStore,
  nodeRedisStore,
  postgresStore,
  sqliteFile,
  sqliteStore,
} from './clients.js'

const servers = inject('storageServers')
const writers = process.env.CI ? 64 : 32

describe('memoryStore', () => {
  runStoreConformance(() => memoryStore(), { test, expect, writers })
})

describe.skipIf(!servers.sqlite)('sqlStore on SQLite (better-sqlite3, temp file)', () => {
  const file = sqliteFile()
  let opened: Awaited<ReturnType<typeof sqliteStore>>
  beforeAll(async () => {
    opened = await sqliteStore(file.path)
  })
  afterAll(async () => {
    await opened?.close()
    file.remove()
  })
  runStoreConformance(() => opened.store, { test, expect, writers })
})

describe.skipIf(!servers.postgres)('sqlStore on PostgreSQL (pg Pool)', () => {
  let opened: Awaited<ReturnType<typeof postgresStore>>
  beforeAll(async () => {
    opened = await postgresStore(servers.postgres!.connectionString, 'conformance.mfa_store')
    await opened.pool.query('CREATE SCHEMA IF NOT EXISTS conformance')
    await ensureTable({ dialect: 'postgres', query: opened.query, table: 'conformance.mfa_store' })
  })
  afterAll(() => opened?.close())
  runStoreConformance(() => opened.store, { test, expect, writers })
})

describe.skipIf(!servers.redis)('redisStore on Redis (ioredis)', () => {
  let opened: ReturnType<typeof ioredisStore>
  beforeAll(() => {
    opened = ioredisStore(servers.redis!.url, 'ioredis:')
  })
  afterAll(() => opened?.close())
  runStoreConformance(() => opened.store, { test, expect, writers })
})

describe.skipIf(!servers.redis)('redisStore on Redis (node-redis)', () => {
  let opened: Awaited<ReturnType<typeof nodeRedisStore>>
  beforeAll(async () => {
    opened = await nodeRedisStore(servers.redis!.url, 'node-redis:')
  })
  afterAll(() => opened?.close())
  runStoreConformance((): MFAStore => opened.store, { test, expect, writers })
})

describe.skipIf(!servers.mariadb)('sqlStore on MariaDB (mysql2 Pool, default flags: FOUND_ROWS)', () => {
  let opened: Awaited<ReturnType<typeof mysqlStore>>
  beforeAll(async () => {
    opened = await mysqlStore(servers.mariadb!.uri, 'conformance_store')
    await ensureTable({ dialect: 'mysql', query: opened.query, table: 'conformance_store' })
  })
  afterAll(() => opened?.close())
  runStoreConformance(() => opened.store, { test, expect, writers })
})

describe.skipIf(!servers.mariadb)('sqlStore on MariaDB (mysql2 without FOUND_ROWS)', () => {
  let opened: Awaited<ReturnType<typeof mysqlStore>>
  beforeAll(async () => {
    opened = await mysqlStore(servers.mariadb!.uri, 'conformance_nofound', { flags: ['-FOUND_ROWS'] })
    await ensureTable({ dialect: 'mysql', query: opened.query, table: 'conformance_nofound' })
  })
  afterAll(() => opened?.close())
  runStoreConformance(() => opened.store, { test, expect, writers })
})

describe.skipIf(!servers.redisCluster)('redisStore on a three-master Redis Cluster (ioredis Cluster)', () => {
  let opened: ReturnType<typeof ioredisClusterStore>
  beforeAll(() => {
    opened = ioredisClusterStore(servers.redisCluster!.startupNodes, 'cluster-io:')
  })
  afterAll(() => opened?.close())
  runStoreConformance(() => opened.store, { test, expect, writers })
})

describe.skipIf(!servers.redisCluster)('redisStore on a three-master Redis Cluster (node-redis createCluster)', () => {
  let opened: Awaited<ReturnType<typeof nodeRedisClusterStore>>
  beforeAll(async () => {
    opened = await nodeRedisClusterStore(servers.redisCluster!.startupNodes, 'cluster-nr:')
  })
  afterAll(() => opened?.close())
  runStoreConformance(() => opened.store, { test, expect, writers })
})
