// Starts real PostgreSQL and Redis servers on free loopback ports in temp dirs, and stops them. Used by the storage
// tests (test/storage) and the storage benchmark (bench/storage.mjs). Plain ESM so both can import it.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** True when missing servers must fail the run instead of skipping (CI, or MFA_REQUIRE_SERVERS=1). */
export const serversRequired = Boolean(process.env.CI) || process.env.MFA_REQUIRE_SERVERS === '1'

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name)
  }
  return null
}

/** The directory holding initdb and postgres: $PG_BIN if set (only it), else the newest /usr/lib/postgresql/N/bin, else PATH. */
export function findPostgres() {
  const candidates = []
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN)
  else if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`))
  }
  const initdb = process.env.PG_BIN ? null : onPath('initdb')
  if (initdb) candidates.push(initdb.slice(0, -'/initdb'.length))
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) ?? null
}

/** The redis-server binary: $REDIS_SERVER if set (only it), else PATH, else /usr/bin. */
export function findRedis() {
  const candidates = process.env.REDIS_SERVER
    ? [process.env.REDIS_SERVER]
    : [onPath('redis-server'), '/usr/bin/redis-server']
  return candidates.find((path) => path && existsSync(path)) ?? null
}

/** The MariaDB (or MySQL) server binary: $MARIADB_SERVER if set (only it), else mariadbd on PATH or in /usr/sbin. */
export function findMariaDB() {
  const candidates = process.env.MARIADB_SERVER
    ? [process.env.MARIADB_SERVER]
    : [onPath('mariadbd'), '/usr/sbin/mariadbd', '/usr/bin/mariadbd']
  const server = candidates.find((path) => path && existsSync(path)) ?? null
  const install =
    onPath('mariadb-install-db') ?? (existsSync('/usr/bin/mariadb-install-db') ? '/usr/bin/mariadb-install-db' : null)
  return server && install ? { server, install } : null
}

/** redis-cli, needed to join a Redis Cluster: $REDIS_CLI if set, else next to redis-server, else PATH. */
export function findRedisCli() {
  const candidates = process.env.REDIS_CLI ? [process.env.REDIS_CLI] : [onPath('redis-cli'), '/usr/bin/redis-cli']
  return candidates.find((path) => path && existsSync(path)) ?? null
}

const handedOut = new Set()

function canListen(port) {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/**
 * A port that was free on 127.0.0.1 a moment ago, in 10240-22000: below the kernel's ephemeral range (32768-60999 on
 * Linux), so the outgoing connections of a busy run cannot take it between this check and the server's bind, and so
 * is a Redis Cluster node's bus (port + 10000). Never the same port twice in one process.
 */
export async function freePort() {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 10_240 + Math.floor(Math.random() * 11_760)
    if (handedOut.has(port) || !(await canListen(port))) continue
    handedOut.add(port)
    return port
  }
  throw new Error('no free loopback port between 10240 and 22000')
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function waitFor(check, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(50)
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`)
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (else `nobody`). */
function pgAccount(names = ['postgres', 'nobody']) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {}
  for (const name of names) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
      return { uid, gid }
    } catch {}
  }
  throw new Error(`running as root and none of the users ${names.join(', ')} exists to run the server`)
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
}

function waitExit(child, timeoutMs = 15_000) {
  if (exited(child)) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not stop in time')), timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * A server process on a loopback port, with the connection settings of its handle: start spawns it (keeping the tail
 * of what it writes, for the error when it exits before accepting) and resolves once the port accepts; stop sends
 * the signal of the mode ('fast': a clean shutdown, 'immediate': like a crash) and waits for the exit; cleanup stops
 * it like a crash and removes its temp dir. Starts it once before returning the handle.
 */
async function startServer(settings, options) {
  const { name, command, args, spawnOptions = {}, stdout = false, signals, readyMs, stopMs, settleMs = 0 } = options
  let child = null
  const handle = {
    ...settings,
    get pid() {
      return child?.pid
    },
    async start() {
      if (child && !exited(child)) return
      child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', stdout ? 'pipe' : 'ignore', 'pipe'] })
      let log = ''
      const keep = (chunk) => {
        log = (log + chunk).slice(-4000)
      }
      child.stdout?.on('data', keep)
      child.stderr.on('data', keep)
      const started = child
      await waitFor(
        async () => {
          if (exited(started)) throw new Error(`${name} exited at start: ${log}`)
          return canConnect(settings.port)
        },
        name,
        readyMs,
      )
      if (settleMs > 0) await sleep(settleMs)
    },
    async stop(mode = 'fast') {
      if (!child || exited(child)) return
      child.kill(mode === 'immediate' ? signals.immediate : signals.fast)
      await waitExit(child, stopMs)
    },
    async cleanup() {
      await handle.stop('immediate').catch(() => {})
      rmSync(settings.dir, { recursive: true, force: true })
    },
  }
  await handle.start()
  return handle
}

/**
 * Starts PostgreSQL: initdb into a temp dir (trust auth, UTF8, C locale), then `postgres` on a free port of
 * 127.0.0.1 with its socket in the temp dir. fsync is off: a killed server still keeps every acknowledged commit
 * (only a machine crash would lose them). Returns a handle with the connection settings and stop/start.
 */
export async function startPostgres(options = {}) {
  const bin = options.bin ?? findPostgres()
  if (!bin) throw new Error('PostgreSQL binaries (initdb, postgres) not found; set PG_BIN')
  const root = mkdtempSync(join(tmpdir(), 'mfa-pg-'))
  const data = join(root, 'data')
  const account = pgAccount()
  if (account.uid !== undefined) chownSync(root, account.uid, account.gid)
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
    { ...account, encoding: 'utf8' },
  )
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error}`)
  const port = options.port ?? (await freePort())
  const settings = {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    dir: root,
  }
  return startServer(settings, {
    name: 'postgres',
    command: join(bin, 'postgres'),
    args: [
      ...['-D', data, '-k', root, '-p', String(port)],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
      ...['-c', 'full_page_writes=off', '-c', 'max_connections=200', '-c', 'shared_buffers=32MB'],
    ],
    spawnOptions: account,
    // 'fast' is SIGINT (a clean shutdown), 'immediate' SIGQUIT (like a crash: recovery on the next start)
    signals: { fast: 'SIGINT', immediate: 'SIGQUIT' },
    // The port opens slightly before the server accepts queries; callers retry their first connection anyway.
    settleMs: 100,
  })
}

/**
 * Starts redis-server on a free port of 127.0.0.1. With `persist: true` every write is appended and fsynced to
 * an AOF in the temp dir (so a restart keeps the data); otherwise there is no persistence at all.
 */
export async function startRedis(options = {}) {
  const bin = options.bin ?? findRedis()
  if (!bin) throw new Error('redis-server not found; set REDIS_SERVER')
  const root = mkdtempSync(join(tmpdir(), 'mfa-redis-'))
  const port = options.port ?? (await freePort())
  const persistence = options.persist
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--appendonly', 'no', '--save', '']
  return startServer(
    { host: '127.0.0.1', port, url: `redis://127.0.0.1:${port}`, dir: root },
    {
      name: 'redis-server',
      command: bin,
      args: [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', root, ...persistence, '--protected-mode', 'no'],
        ...(options.extra ?? []),
      ],
      stdout: true, // redis-server logs to stdout
      signals: { fast: 'SIGTERM', immediate: 'SIGKILL' },
    },
  )
}

/**
 * Starts MariaDB: `mariadb-install-db` into a temp dir, then `mariadbd` on a free port of 127.0.0.1 with its socket
 * in the temp dir (no system service, no config files read). Root connects over TCP without a password. Durability
 * settings stay at their defaults (each commit flushed), so a killed server keeps every acknowledged write. As root
 * the server runs as the `mysql` user. Returns a handle with the connection settings and stop/start.
 */
export async function startMariaDB(options = {}) {
  const bins = options.bins ?? findMariaDB()
  if (!bins) throw new Error('MariaDB binaries (mariadbd, mariadb-install-db) not found; set MARIADB_SERVER')
  const root = mkdtempSync(join(tmpdir(), 'mfa-mariadb-'))
  const data = join(root, 'data')
  const account = pgAccount(['mysql', 'nobody'])
  if (account.uid !== undefined) chownSync(root, account.uid, account.gid)
  const user = account.uid !== undefined ? ['--user=mysql'] : []
  const init = spawnSync(
    bins.install,
    ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user],
    { encoding: 'utf8' },
  )
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr || init.stdout || init.error}`)
  const port = options.port ?? (await freePort())
  return startServer(
    { host: '127.0.0.1', port, user: 'root', uri: `mysql://root@127.0.0.1:${port}/mysql`, dir: root },
    {
      name: 'mariadbd',
      command: bins.server,
      args: [
        ...['--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1'],
        ...[`--socket=${join(root, 's.sock')}`, `--pid-file=${join(root, 'mariadb.pid')}`, '--skip-name-resolve'],
        ...['--max-connections=300', '--innodb-buffer-pool-size=32M', '--skip-log-bin', ...user],
      ],
      // 'fast' is SIGTERM (a clean shutdown), 'immediate' SIGKILL (a crash: recovery on the next start)
      signals: { fast: 'SIGTERM', immediate: 'SIGKILL' },
      readyMs: 60_000,
      stopMs: 60_000,
    },
  )
}

/**
 * Starts a Redis Cluster of `masters` (default 3) redis-server processes in cluster mode on free loopback ports,
 * no replicas, joined by `redis-cli --cluster create`; resolves once every node reports `cluster_state:ok`.
 * Each node also listens on its port + 10000 (the cluster bus), so the ports are picked with that one free too.
 */
export async function startRedisCluster(options = {}) {
  const bin = options.bin ?? findRedis()
  const cli = options.cli ?? findRedisCli()
  if (!bin || !cli) throw new Error('redis-server or redis-cli not found; set REDIS_SERVER and REDIS_CLI')
  const masters = options.masters ?? 3
  const ports = []
  while (ports.length < masters) {
    const port = await freePort()
    if (!(await canListen(port + 10_000))) continue
    ports.push(port)
  }
  const nodes = []
  for (const port of ports) {
    nodes.push(
      await startRedis({
        bin,
        port,
        persist: options.persist,
        extra: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
      }),
    )
  }
  const create = spawnSync(
    cli,
    ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
    { encoding: 'utf8' },
  )
  if (create.status !== 0) {
    await Promise.all(nodes.map((node) => node.cleanup()))
    throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`)
  }
  const ok = (port) =>
    spawnSync(cli, ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout?.includes('cluster_state:ok')
  await waitFor(async () => ports.every(ok), 'redis cluster', 30_000)
  return {
    nodes,
    ports,
    startupNodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    async cleanup() {
      await Promise.all(nodes.map((node) => node.cleanup()))
    },
  }
}

/** Records a skipped suite in test-results/storage-skipped.json (read by scripts/test.mjs and .ci/run). */
export function recordSkipped(entries, file = 'test-results/storage-skipped.json') {
  mkdirSync('test-results', { recursive: true })
  writeFileSync(file, `${JSON.stringify(entries, null, 2)}\n`)
}

/** Reads test-results/storage-skipped.json ([] when absent). */
export function readSkipped(file = 'test-results/storage-skipped.json') {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : []
}
