// Wires the store adapters to real clients, exactly as docs/storage.md shows, for the storage suites.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import Redis, { Cluster } from 'ioredis'
import type { MFAStore } from 'mfa-core'
import { redisStore } from 'mfa-core/storage/redis'
import { ensureTable, type SQLQuery, sqlStore } from 'mfa-core/storage/sql'
import mysql from 'mysql2/promise'
import pg, { type PoolConfig } from 'pg'
import { createClient, createCluster } from 'redis'

export interface Opened<T> {
  store: T
  close(): Promise<void>
}

/** A SQLite database file in a temp dir, in WAL mode with a busy timeout (as docs/storage.md advises). */
export function sqliteFile(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-sqlite-'))
  return { path: join(dir, 'mfa.db'), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export function openSqlite(path: string, options: { busyTimeoutMs?: number } = {}) {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`)
  const statements = new Map<string, Database.Statement>()
  const query: SQLQuery = (sql, params) => {
    let statement = statements.get(sql)
    if (!statement) {
      statement = db.prepare(sql)
      statements.set(sql, statement)
    }
    // DDL returns no data: better-sqlite3 wants run() for it, all() for everything the store sends.
    if (statement.reader) return { rows: statement.all(...params) as Record<string, unknown>[] }
    statement.run(...params)
    return { rows: [] }
  }
  return { db, query }
}

export async function sqliteStore(path: string, table = 'mfa_store') {
  const { db, query } = openSqlite(path)
  await ensureTable({ dialect: 'sqlite', query, table })
  return { store: sqlStore({ dialect: 'sqlite', query, table }), db, close: async () => db.close() }
}

export async function postgresStore(connectionString: string, table = 'mfa_store', poolOptions: PoolConfig = {}) {
  const pool = new pg.Pool({ connectionString, max: 10, ...poolOptions })
  pool.on('error', () => {}) // an idle client lost its server: the next query reports it
  const query: SQLQuery = (sql, params) => pool.query(sql, params)
  return { store: sqlStore({ dialect: 'postgres', query, table }), pool, query, close: () => pool.end() }
}

export function ioredisStore(url: string, prefix = 'mfa:', redisOptions: Record<string, unknown> = {}) {
  const redis = new Redis(url, { lazyConnect: false, ...redisOptions })
  redis.on('error', () => {})
  const store = redisStore({ eval: (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args), prefix })
  return {
    store,
    redis,
    close: async () => {
      redis.disconnect()
    },
  }
}

export async function nodeRedisStore(url: string, prefix = 'mfa:') {
  const client = createClient({ url })
  client.on('error', () => {})
  await client.connect()
  const store = redisStore({ eval: (script, keys, args) => client.eval(script, { keys, arguments: args }), prefix })
  return { store, client, close: () => client.close() }
}

/** mysql2 with its defaults (FOUND_ROWS set), as docs/storage.md shows. */
export async function mysqlStore(uri: string, table = 'mfa_store', poolOptions: mysql.PoolOptions = {}) {
  const pool = mysql.createPool({ uri, connectionLimit: 10, ...poolOptions })
  pool.on('connection', (connection) => connection.on('error', () => {})) // the next query reports it
  const query: SQLQuery = async (sql, params) => (await pool.query(sql, params))[0]
  return { store: sqlStore({ dialect: 'mysql', query, table }), pool, query, close: () => pool.end() }
}

/** ioredis Cluster over the given startup nodes, as docs/storage.md shows. */
export function ioredisClusterStore(
  nodes: { host: string; port: number }[],
  prefix = 'mfa:',
  clusterOptions: Record<string, unknown> = {},
) {
  const cluster = new Cluster(nodes, clusterOptions)
  cluster.on('error', () => {})
  const store = redisStore({
    eval: (script, keys, args) => cluster.eval(script, keys.length, ...keys, ...args),
    prefix,
  })
  return {
    store,
    cluster,
    close: async () => {
      cluster.disconnect()
    },
  }
}

/** node-redis createCluster over the given startup nodes, as docs/storage.md shows. */
export async function nodeRedisClusterStore(nodes: { host: string; port: number }[], prefix = 'mfa:') {
  const cluster = createCluster({ rootNodes: nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) })
  cluster.on('error', () => {})
  await cluster.connect()
  const store = redisStore({
    eval: (script, keys, args) => cluster.eval(script, { keys, arguments: args }),
    prefix,
  })
  return { store, cluster, close: () => cluster.close() }
}

/** Where a shared store is: enough for any process (the test's own, or a worker's) to open its own connection. */
export type Backend =
  | { kind: 'sqlite'; path: string; table: string }
  | { kind: 'postgres'; connectionString: string; table: string }
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'mysql'; uri: string; table: string }
  | { kind: 'redis-cluster'; startupNodes: { host: string; port: number }[]; prefix: string }

/** Opens one connection to a backend; the SQL table must exist already (except SQLite's, which this creates). */
export async function openBackend(backend: Backend): Promise<Opened<MFAStore>> {
  if (backend.kind === 'sqlite') return sqliteStore(backend.path, backend.table)
  if (backend.kind === 'postgres') return postgresStore(backend.connectionString, backend.table)
  if (backend.kind === 'mysql') return mysqlStore(backend.uri, backend.table)
  if (backend.kind === 'redis-cluster') return ioredisClusterStore(backend.startupNodes, backend.prefix)
  return ioredisStore(backend.url, backend.prefix)
}
