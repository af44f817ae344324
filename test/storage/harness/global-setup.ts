// Starts one PostgreSQL, one Redis, one MariaDB and one three-master Redis Cluster for all storage suites (the fault suite starts its own, since it stops them),
// and decides, once, what is skipped: a missing binary is a loud SKIPPED line and an entry in
// test-results/storage-skipped.json, or a failure when CI or MFA_REQUIRE_SERVERS=1 is set.
import type { TestProject } from 'vitest/node'
import { ensureRuntimeTools, importMiniflare } from '../../runtimes/tools.mjs'
import { findDeno } from './deno.js'
import type { SkippedSuite } from './servers.mjs'
import {
  findMariaDB,
  findPostgres,
  findRedis,
  findRedisCli,
  recordSkipped,
  serversRequired,
  startMariaDB,
  startPostgres,
  startRedis,
  startRedisCluster,
} from './servers.mjs'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const skipped: SkippedSuite[] = []
  const missing = (suite: string, reason: string): void => {
    if (serversRequired) throw new Error(`storage suite ${suite} cannot run: ${reason} (CI / MFA_REQUIRE_SERVERS=1)`)
    console.warn(
      `\n!!!!! SKIPPED storage suite ${suite}: ${reason}. Install it (Debian: see .ci/run) to run it. !!!!!\n`,
    )
    skipped.push({ suite, reason })
  }
  let betterSqlite = true
  try {
    const { default: Database } = await import('better-sqlite3')
    new Database(':memory:').close()
  } catch (error) {
    betterSqlite = false
    missing('sqlite', `better-sqlite3 does not load (${(error as Error).message.split('\n')[0]})`)
  }
  const pgBin = findPostgres()
  const redisBin = findRedis()
  if (!pgBin) missing('postgres', 'PostgreSQL binaries (initdb, postgres) not found; set PG_BIN')
  if (!redisBin) missing('redis', 'redis-server not found; set REDIS_SERVER')
  const mariadbBins = findMariaDB()
  const redisCli = findRedisCli()
  if (!mariadbBins) missing('mariadb', 'MariaDB binaries (mariadbd, mariadb-install-db) not found; set MARIADB_SERVER')
  if (redisBin && !redisCli) missing('redis-cluster', 'redis-cli not found (needed to join a cluster); set REDIS_CLI')
  // Deno, workerd and miniflare are the runtime matrix's tools (test/runtimes/package.json): installed here if missing
  const tools = ensureRuntimeTools()
  const deno = findDeno()
  if (!deno) {
    missing('deno-kv', `deno does not run (test/runtimes/node_modules${tools ? '' : ': npm ci there failed'})`)
  }
  let workerd = true
  try {
    const { Miniflare } = await importMiniflare()
    const mf = new Miniflare({ modules: true, script: 'export default { fetch: () => new Response("ok") }' })
    await mf.ready
    await mf.dispose()
  } catch (error) {
    workerd = false
    missing('durable-object', `miniflare/workerd does not start (${(error as Error).message.split('\n')[0]})`)
  }
  const postgres = pgBin ? await startPostgres({ bin: pgBin }) : null
  const redis = redisBin ? await startRedis({ bin: redisBin }) : null
  const mariadb = mariadbBins ? await startMariaDB({ bins: mariadbBins }) : null
  const cluster = redisBin && redisCli ? await startRedisCluster({ bin: redisBin, cli: redisCli }) : null
  recordSkipped(skipped)
  project.provide('storageServers', {
    sqlite: betterSqlite,
    postgres: postgres && { connectionString: postgres.connectionString, port: postgres.port },
    redis: redis && { url: redis.url, port: redis.port },
    mariadb: mariadb && { uri: mariadb.uri, port: mariadb.port },
    redisCluster: cluster && { startupNodes: cluster.startupNodes },
    deno,
    workerd,
    pgBin,
    redisBin,
    mariadbBins,
    redisCli,
  })
  return async () => {
    await postgres?.cleanup()
    await redis?.cleanup()
    await mariadb?.cleanup()
    await cluster?.cleanup()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    storageServers: {
      sqlite: boolean
      postgres: { connectionString: string; port: number } | null
      redis: { url: string; port: number } | null
      mariadb: { uri: string; port: number } | null
      redisCluster: { startupNodes: { host: string; port: number }[] } | null
      deno: string | null
      workerd: boolean
      pgBin: string | null
      redisBin: string | null
      mariadbBins: { server: string; install: string } | null
      redisCli: string | null
    }
  }
}
