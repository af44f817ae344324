// Faults on real servers: the server stopped mid-run, a statement that times out, connections dropped under load.
// Every operation must fail closed (OTPError ERR_STORAGE), nothing may be accepted twice, and once the server is
// back the state is consistent: the enrollment is there and no used step is accepted again.
import { isOTPError, type MFA, type MFAStore } from 'mfa-core'
import { ensureTable, type SQLQuery, sqlStore } from 'mfa-core/storage/sql'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import {
  ioredisClusterStore,
  ioredisStore,
  mysqlStore,
  openSqlite,
  postgresStore,
  sqliteFile,
  sqliteStore,
} from './clients.js'
import { type DenoKvProcesses, startDenoKv } from './harness/deno.js'
import {
  type MariaDBHandle,
  type PostgresHandle,
  type RedisClusterHandle,
  type RedisHandle,
  startMariaDB,
  startPostgres,
  startRedis,
  startRedisCluster,
} from './harness/servers.mjs'
import { type DurableObjectWorker, startDurableObjectWorker } from './harness/workerd.js'
import { activeOf, type Enrolled, enroll } from './helpers.js'

const servers = inject('storageServers')
const STEP = 30_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs an MFA call and classifies it: a result, or the code of the OTPError it threw (anything else is a bug). */
async function attempt<T>(call: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await call()
  } catch (error) {
    return { error: isOTPError(error) ? error.code : `not an OTPError: ${error}` }
  }
}

/**
 * Verifies the codes of steps 3, 4, 5, ... (each several times at once) while `fault` runs, then checks: every
 * failure was ERR_STORAGE, no step was accepted twice, and after `recover` every code of the run up to the last
 * accepted step is refused (a code whose every attempt failed closed was never accepted: only a step after the last
 * accepted one may still log in) and the next step's code is accepted.
 */
async function hammer(user: Enrolled, userId: string, fault: () => Promise<void>, recover: () => Promise<void>) {
  const accepted = new Map<number, number>()
  const errors = new Set<string>()
  let stop = false
  let step = 2
  const codes = new Map<number, string>()
  const loop = (async () => {
    while (!stop) {
      step++
      const at = user.loginAt + (step - 2) * STEP
      user.clock.now = at
      const code = await user.codeAt(at)
      codes.set(step, code)
      const results = await Promise.all(Array.from({ length: 4 }, () => attempt(() => user.mfa.verify(userId, code))))
      for (const r of results) {
        if ('error' in r) errors.add(r.error)
        else if (r.ok) accepted.set(step, (accepted.get(step) ?? 0) + 1)
      }
      await sleep(5)
    }
  })()
  await sleep(100)
  await fault()
  stop = true
  await loop
  await recover()
  await usable(user, userId)
  expect([...errors].filter((code) => code !== 'ERR_STORAGE')).toEqual([])
  expect([...accepted.values()].every((n) => n === 1)).toBe(true)
  // the run's steps start at 3: with none accepted, no code of the run was ever accepted
  const last = Math.max(2, ...accepted.keys())
  for (const [s, code] of codes) {
    if (s <= last) expect([s, (await user.mfa.verify(userId, code)).ok]).toEqual([s, false])
  }
  user.clock.now = user.loginAt + (step + 1 - 2) * STEP
  expect(await user.mfa.verify(userId, await user.codeAt(user.clock.now))).toMatchObject({ ok: true, method: 'totp' })
  return { errors, accepted }
}

/** Waits until the store answers again (PostgreSQL refuses connections while it recovers after a crash). */
async function usable(user: Enrolled, userId: string) {
  for (let i = 0; i < 300; i++) {
    const result = await attempt(() => user.mfa.status(userId))
    if (!('error' in result)) return
    await sleep(50)
  }
  throw new Error('the store did not come back')
}

/** Every kind of operation fails closed while the store is unusable. */
async function expectAllFailClosed(mfa: MFA, userId: string, code: string) {
  const results = await Promise.all([
    attempt(() => mfa.verify(userId, code)),
    attempt(() => mfa.status(userId)),
    attempt(() => mfa.disable(userId, code)),
    attempt(() => mfa.beginEnrollment(`${userId}-new`, { accountName: 'new@example.com' })),
  ])
  expect(results).toEqual(Array.from({ length: 4 }, () => ({ error: 'ERR_STORAGE' })))
}

/**
 * A login loop on `store` while `stop` takes its server (or runtime) away and `start` brings it back: while it is
 * gone every operation fails closed with ERR_STORAGE, and the loop saw that error. The caller checks the record after.
 */
async function stoppedMidRun(
  store: MFAStore,
  userId: string,
  stop: () => Promise<void>,
  start: () => Promise<void>,
): Promise<void> {
  const user = await enroll(store, userId)
  expect(await user.mfa.verify(userId, user.loginCode)).toMatchObject({ ok: true, method: 'totp' })
  const { errors } = await hammer(
    user,
    userId,
    async () => {
      await stop()
      await expectAllFailClosed(user.mfa, userId, user.loginCode)
      await sleep(300) // the login loop keeps running against the stopped server
    },
    start,
  )
  expect(errors.has('ERR_STORAGE')).toBe(true)
}

describe.skipIf(!servers.pgBin)('PostgreSQL faults', () => {
  let server: PostgresHandle
  let opened: Awaited<ReturnType<typeof postgresStore>>
  let admin: InstanceType<typeof pg.Client>
  beforeAll(async () => {
    server = await startPostgres({ bin: servers.pgBin! })
    opened = await postgresStore(server.connectionString, 'fault_store', {
      max: 4,
      connectionTimeoutMillis: 1000,
      statement_timeout: 400,
    })
    await ensureTable({ dialect: 'postgres', query: opened.query, table: 'fault_store' })
  })
  afterAll(async () => {
    await admin?.end().catch(() => {})
    await opened?.close().catch(() => {})
    await server?.cleanup()
  })

  test('server stopped mid-run: fail closed, then consistent after restart', async () => {
    await stoppedMidRun(
      opened.store,
      'pg-stop',
      () => server.stop('immediate'),
      () => server.start(),
    )
    expect((await activeOf(opened.store, 'pg-stop'))?.failures).toBe(0)
  })

  test('a statement that times out fails closed and writes nothing', async () => {
    const user = await enroll(opened.store, 'pg-timeout')
    admin = new pg.Client({ connectionString: server.connectionString })
    admin.on('error', () => {})
    await admin.connect()
    await admin.query('BEGIN')
    await admin.query('LOCK TABLE fault_store IN ACCESS EXCLUSIVE MODE')
    await expectAllFailClosed(user.mfa, 'pg-timeout', user.loginCode)
    await admin.query('ROLLBACK')
    // Nothing was written while the table was locked: the code is still good, exactly once.
    expect(await user.mfa.verify('pg-timeout', user.loginCode)).toMatchObject({ ok: true, method: 'totp' })
    expect((await user.mfa.verify('pg-timeout', user.loginCode)).ok).toBe(false)
  })

  test('connections dropped under load: fail closed, no step accepted twice', async () => {
    const user = await enroll(opened.store, 'pg-drop')
    const killer = new pg.Client({ connectionString: server.connectionString })
    killer.on('error', () => {})
    await killer.connect()
    let kills = 0
    await hammer(
      user,
      'pg-drop',
      async () => {
        for (let i = 0; i < 10; i++) {
          const { rows } = await killer.query(
            `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
          )
          kills += Number(rows[0]?.n)
          await sleep(40)
        }
      },
      async () => {},
    )
    await killer.end()
    expect(kills).toBeGreaterThan(0)
  })
})

describe.skipIf(!servers.redisBin)('Redis faults', () => {
  let server: RedisHandle
  let opened: ReturnType<typeof ioredisStore>
  const waitReady = async () => {
    for (let i = 0; i < 100 && opened.redis.status !== 'ready'; i++) await sleep(50)
  }
  beforeAll(async () => {
    server = await startRedis({ bin: servers.redisBin!, persist: true })
    // Fail fast instead of queueing while disconnected; reconnect in the background.
    opened = ioredisStore(server.url, 'fault:', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 400,
      retryStrategy: () => 50,
    })
    await waitReady()
    expect(await opened.redis.ping()).toBe('PONG')
  })
  afterAll(async () => {
    await opened?.close()
    await server?.cleanup()
  })

  test('server stopped mid-run: fail closed, then consistent after restart (AOF)', async () => {
    await stoppedMidRun(
      opened.store,
      'redis-stop',
      () => server.stop('immediate'),
      async () => {
        await server.start()
        await waitReady()
      },
    )
  })

  test('a command that times out (CLIENT PAUSE) fails closed and writes nothing', async () => {
    const user = await enroll(opened.store, 'redis-timeout')
    const { default: Redis } = await import('ioredis')
    const admin = new Redis(server.url)
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL')
    await expectAllFailClosed(user.mfa, 'redis-timeout', user.loginCode)
    await admin.call('CLIENT', 'UNPAUSE')
    admin.disconnect()
    await waitReady()
    // Every call timed out at its first read, so nothing was written: the code is still good, exactly once.
    expect(await user.mfa.verify('redis-timeout', user.loginCode)).toMatchObject({ ok: true, method: 'totp' })
    expect((await user.mfa.verify('redis-timeout', user.loginCode)).ok).toBe(false)
  })

  test('connections dropped under load: fail closed, no step accepted twice', async () => {
    const user = await enroll(opened.store, 'redis-drop')
    const { default: Redis } = await import('ioredis')
    const admin = new Redis(server.url)
    let kills = 0
    await hammer(
      user,
      'redis-drop',
      async () => {
        for (let i = 0; i < 10; i++) {
          kills += Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'))
          await sleep(40)
        }
      },
      waitReady,
    )
    admin.disconnect()
    expect(kills).toBeGreaterThan(0)
  })
})

describe.skipIf(!servers.sqlite)('SQLite faults', () => {
  const file = sqliteFile()
  let opened: Awaited<ReturnType<typeof sqliteStore>>
  let store: MFAStore
  beforeAll(async () => {
    opened = await sqliteStore(file.path, 'fault_store')
    opened.db.pragma('busy_timeout = 200')
    store = opened.store
  })
  afterAll(async () => {
    await opened?.close()
    file.remove()
  })

  test('a database locked by another process fails closed (SQLITE_BUSY) and writes nothing', async () => {
    const user = await enroll(store, 'sqlite-busy')
    const other = openSqlite(file.path)
    other.db.exec('BEGIN EXCLUSIVE')
    const results = await Promise.all([
      attempt(() => user.mfa.verify('sqlite-busy', user.loginCode)),
      attempt(() => user.mfa.beginEnrollment('sqlite-busy-new', { accountName: 'new@example.com' })),
    ])
    expect(results).toEqual([{ error: 'ERR_STORAGE' }, { error: 'ERR_STORAGE' }])
    other.db.exec('ROLLBACK')
    other.db.close()
    expect(await user.mfa.verify('sqlite-busy', user.loginCode)).toMatchObject({ ok: true, method: 'totp' })
    expect((await user.mfa.verify('sqlite-busy', user.loginCode)).ok).toBe(false)
  })
})

describe.skipIf(!servers.mariadbBins)('MariaDB faults (mysql2)', () => {
  let server: MariaDBHandle
  let opened: Awaited<ReturnType<typeof mysqlStore>>
  let admin: mysql.Connection | undefined
  let queryTimeout = 10_000
  beforeAll(async () => {
    server = await startMariaDB({ bins: servers.mariadbBins! })
    // mysql2's own per-query timeout: on expiry it fails the query and closes that connection, so the server drops
    // the waiting statement too. Short only while the table is locked: elsewhere a busy machine's slow but working
    // server (a first write after a restart, say) must not count as a fault, and a killed server's connections fail
    // at once anyway.
    opened = await mysqlStore(server.uri, 'fault_store', { connectionLimit: 4, connectTimeout: 1000 })
    const timed: SQLQuery = async (sql, params) => (await opened.pool.query({ sql, timeout: queryTimeout }, params))[0]
    opened.store = sqlStore({ dialect: 'mysql', query: timed, table: 'fault_store' })
    await ensureTable({ dialect: 'mysql', query: opened.query, table: 'fault_store' })
  })
  afterAll(async () => {
    await admin?.end().catch(() => {})
    await opened?.close().catch(() => {})
    await server?.cleanup()
  })
  const connectAdmin = async () => {
    const connection = await mysql.createConnection({ uri: server.uri })
    connection.on('error', () => {})
    return connection
  }

  test('server killed mid-run: fail closed, then consistent after restart (InnoDB recovery)', async () => {
    await stoppedMidRun(
      opened.store,
      'maria-stop',
      () => server.stop('immediate'),
      () => server.start(),
    )
    expect((await activeOf(opened.store, 'maria-stop'))?.failures).toBe(0)
  })

  test('a statement that times out (table locked) fails closed and writes nothing', async () => {
    const user = await enroll(opened.store, 'maria-timeout')
    admin = await connectAdmin()
    await admin.query('LOCK TABLES fault_store WRITE')
    queryTimeout = 400
    try {
      await expectAllFailClosed(user.mfa, 'maria-timeout', user.loginCode)
    } finally {
      queryTimeout = 10_000
      await admin.query('UNLOCK TABLES')
    }
    expect(await user.mfa.verify('maria-timeout', user.loginCode)).toMatchObject({ ok: true, method: 'totp' })
    expect((await user.mfa.verify('maria-timeout', user.loginCode)).ok).toBe(false)
  })

  test('connections killed under load: fail closed, no step accepted twice', async () => {
    const user = await enroll(opened.store, 'maria-drop')
    const killer = await connectAdmin()
    let kills = 0
    await hammer(
      user,
      'maria-drop',
      async () => {
        for (let i = 0; i < 10; i++) {
          const [rows] = (await killer.query(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'root' AND COMMAND <> 'Daemon' AND ID <> CONNECTION_ID()",
          )) as unknown as [{ ID: number }[]]
          for (const { ID } of rows) {
            await killer.query(`KILL CONNECTION ${Number(ID)}`).catch(() => {})
            kills++
          }
          await sleep(40)
        }
      },
      async () => {},
    )
    await killer.end()
    expect(kills).toBeGreaterThan(0)
  })
})

describe.skipIf(!servers.redisBin || !servers.redisCli)('Redis Cluster faults (ioredis Cluster)', () => {
  let cluster: RedisClusterHandle
  let opened: ReturnType<typeof ioredisClusterStore>
  beforeAll(async () => {
    cluster = await startRedisCluster({ bin: servers.redisBin!, cli: servers.redisCli!, persist: true })
    opened = ioredisClusterStore(cluster.startupNodes, 'fault:', {
      enableOfflineQueue: false,
      clusterRetryStrategy: () => 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnFailover: 50,
      redisOptions: { commandTimeout: 400, maxRetriesPerRequest: 0, retryStrategy: () => 50 },
    })
    for (let i = 0; i < 100 && opened.cluster.status !== 'ready'; i++) await sleep(50)
  })
  afterAll(async () => {
    await opened?.close()
    await cluster?.cleanup()
  })

  /** The node serving a key. */
  async function nodeOf(key: string): Promise<RedisHandle> {
    const slot = Number(await opened.cluster.call('CLUSTER', 'KEYSLOT', key))
    const ranges = (await opened.cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]
    const port = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1]
    const node = cluster.nodes.find((n) => n.port === port)
    if (!node) throw new Error('no node for the key')
    return node
  }

  test("the user's master killed mid-run: fail closed, then consistent after restart (AOF)", async () => {
    let node: RedisHandle | undefined
    await stoppedMidRun(
      opened.store,
      'cluster-stop',
      async () => {
        node = await nodeOf('fault:mfa:cluster-stop')
        await node.stop('immediate')
      },
      async () => {
        await node?.start()
      },
    )
  })

  test("a command that times out (the user's master paused) fails closed and writes nothing", async () => {
    const user = await enroll(opened.store, 'cluster-timeout')
    const node = await nodeOf('fault:mfa:cluster-timeout')
    const { default: Redis } = await import('ioredis')
    const admin = new Redis(node.url)
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL')
    await expectAllFailClosed(user.mfa, 'cluster-timeout', user.loginCode)
    await admin.call('CLIENT', 'UNPAUSE')
    admin.disconnect()
    for (let i = 0; i < 100 && opened.cluster.status !== 'ready'; i++) await sleep(50)
    expect(await user.mfa.verify('cluster-timeout', user.loginCode)).toMatchObject({ ok: true, method: 'totp' })
    expect((await user.mfa.verify('cluster-timeout', user.loginCode)).ok).toBe(false)
  })

  test('connections dropped on every master under load: fail closed, no step accepted twice', async () => {
    const user = await enroll(opened.store, 'cluster-drop')
    const { default: Redis } = await import('ioredis')
    const admins = cluster.nodes.map((node) => new Redis(node.url))
    let kills = 0
    await hammer(
      user,
      'cluster-drop',
      async () => {
        for (let i = 0; i < 10; i++) {
          for (const admin of admins)
            kills += Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'))
          await sleep(40)
        }
      },
      async () => {
        for (let i = 0; i < 100 && opened.cluster.status !== 'ready'; i++) await sleep(50)
      },
    )
    for (const admin of admins) admin.disconnect()
    expect(kills).toBeGreaterThan(0)
  })
})

// A Durable Object (or D1 in the same runtime) holds no connection of its own to drop or time out: the fault is the
// runtime going away.
describe.skipIf(!servers.workerd)('Durable Object and D1 faults (workerd through miniflare)', () => {
  let worker: DurableObjectWorker
  beforeAll(async () => {
    worker = await startDurableObjectWorker()
  })
  afterAll(() => worker?.cleanup())

  test('workerd stopped mid-run: fail closed, then consistent after restart on the persisted storage', async () => {
    await stoppedMidRun(
      worker.store,
      'do-stop',
      () => worker.stop(),
      () => worker.start(),
    )
    expect((await activeOf(worker.store, 'do-stop'))?.failures).toBe(0)
  })

  test('D1 (sqlStore in the same workerd) stopped mid-run: fail closed, then consistent after restart', async () => {
    await stoppedMidRun(
      worker.d1,
      'd1-stop',
      () => worker.stop(),
      () => worker.start(),
    )
    expect((await activeOf(worker.d1, 'd1-stop'))?.failures).toBe(0)
  })
})

describe.skipIf(!servers.deno || !servers.sqlite)('Deno KV faults (file-backed, Deno processes)', () => {
  let deno: DenoKvProcesses
  beforeAll(async () => {
    deno = await startDenoKv(servers.deno!, 2)
  })
  afterAll(() => deno?.cleanup())

  test('every Deno process killed mid-run: fail closed, then consistent after restart on the same file', async () => {
    await stoppedMidRun(
      deno.store,
      'deno-stop',
      () => deno.stop(),
      () => deno.start(),
    )
    expect((await activeOf(deno.store, 'deno-stop'))?.failures).toBe(0)
  })

  test('the KV file locked by another process fails closed and writes nothing', async () => {
    const user = await enroll(deno.store, 'deno-locked')
    const other = openSqlite(deno.file, { busyTimeoutMs: 0 })
    other.db.exec('BEGIN EXCLUSIVE')
    const results = await Promise.all([
      attempt(() => user.mfa.verify('deno-locked', user.loginCode)),
      attempt(() => user.mfa.beginEnrollment('deno-locked-new', { accountName: 'new@example.com' })),
    ])
    other.db.exec('ROLLBACK')
    other.db.close()
    expect(results).toEqual([{ error: 'ERR_STORAGE' }, { error: 'ERR_STORAGE' }])
    expect(await user.mfa.verify('deno-locked', user.loginCode)).toMatchObject({ ok: true, method: 'totp' })
    expect((await user.mfa.verify('deno-locked', user.loginCode)).ok).toBe(false)
  })
})
