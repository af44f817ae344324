// The framework examples (examples/frameworks: Express, Hono, Fastify) over real HTTP on PostgreSQL, wired as
// examples/frameworks/setup.mjs does: a user's whole path, then PostgreSQL stopped mid-run: every request that needs
// the database answers 503 (never a crash, never a 500), and once it is back the app recovers by itself. SQLite and
// the rest of the error mapping: test/examples/frameworks.node.test.ts.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import {
  Client,
  enrollThroughAPI,
  FRAMEWORKS,
  fullPath,
  Log,
  openStore,
  type Running,
  STEP,
  signInWithCode,
  startExample,
  watchProcess,
} from '../examples/frameworks.js'
import { type PostgresHandle, startPostgres } from './harness/servers.mjs'

const servers = inject('storageServers')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(!servers.pgBin).each(FRAMEWORKS)('%s example on PostgreSQL', (framework) => {
  // Its own server: this suite stops it.
  let server: PostgresHandle
  let opened: Awaited<ReturnType<typeof openStore>>
  const poolLog = new Log()
  let app: Running
  const watch = watchProcess()
  beforeAll(async () => {
    server = await startPostgres({ bin: servers.pgBin! })
    opened = await openStore({ databaseUrl: server.connectionString, log: poolLog })
    app = await startExample(framework, opened.store)
  })
  afterAll(async () => {
    watch.stop()
    await app?.close()
    await opened?.close().catch(() => {})
    await server?.cleanup()
    expect(watch.failures).toEqual([])
  })

  test('enrollment, sign-in, lock, step-up, recovery codes, disable', async () => {
    await fullPath(app)
  })

  test('PostgreSQL stopped mid-run: 503 with Retry-After meanwhile, the same requests succeed after the restart', async () => {
    const email = 'dave@example.com'
    const password = 'dave password'
    await app.addAccount(email, password)
    const browser = new Client(app.url)
    const { code } = await enrollThroughAPI(app, browser, email, password)
    const second = new Client(app.url)
    expect((await second.post('/login', { email, password })).body).toMatchObject({ stage: 'mfa' })

    await server.stop('immediate')
    app.clock.now += STEP
    const unreachable = await Promise.all([
      browser.get('/mfa'),
      browser.post('/mfa/step-up', { code: await code(app.clock.now) }),
      second.post('/login/code', { code: await code(app.clock.now) }),
      new Client(app.url).post('/login', { email, password }),
    ])
    for (const answer of unreachable) {
      expect(answer).toMatchObject({ status: 503, retryAfter: '2', body: { ok: false, error: 'unavailable' } })
    }
    expect(app.log.warnings.length).toBeGreaterThanOrEqual(4)

    await server.start()
    // PostgreSQL refuses connections while it recovers from the crash; the app answers 503 until then.
    let back = await browser.get('/mfa')
    for (let i = 0; i < 200 && back.status === 503; i++) {
      await sleep(50)
      back = await browser.get('/mfa')
    }
    expect(back.body).toMatchObject({ ok: true, state: 'active' })
    // Nothing was written while it was away: the code is still good, exactly once.
    expect((await second.post('/login/code', { code: await code(app.clock.now) })).body).toMatchObject({ stage: 'in' })
    expect(await browser.post('/mfa/step-up', { code: await code(app.clock.now) })).toMatchObject({
      status: 400,
      body: { reason: 'replayed' },
    })
    await browser.post('/logout')
    await signInWithCode(app, browser, email, password, code)
    expect(app.log.errors).toEqual([])
  })
})
