// The framework examples (examples/frameworks: Express, Hono, Fastify) over real HTTP on SQLite: a user's whole path,
// and the error mapping: the database locked by another process and a compare-and-set that keeps losing answer 503
// and recover, a misconfigured service answers 500, a body that is not JSON 400, and nothing escapes as an unhandled
// rejection. PostgreSQL, and the database stopped mid-run: test/storage/frameworks.test.ts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createMFA, type MFAStore } from 'mfa-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  Client,
  enrollThroughAPI,
  FRAMEWORKS,
  fullPath,
  keysEnv,
  Log,
  openStore,
  type Running,
  STEP,
  signInWithCode,
  startExample,
  watchProcess,
} from './frameworks.js'

const watch = watchProcess()
const dir = mkdtempSync(join(tmpdir(), 'mfa-frameworks-'))
afterAll(() => {
  watch.stop()
  rmSync(dir, { recursive: true, force: true })
  expect(watch.failures).toEqual([])
})

describe.each(FRAMEWORKS)('%s example on SQLite', (framework) => {
  const file = join(dir, `${framework}.db`)
  let opened: Awaited<ReturnType<typeof openStore>>
  /** The store, losing every compare-and-set while `conflict.on` (as under endless contention). */
  const conflict = { on: false }
  let store: MFAStore
  const env = keysEnv()
  let app: Running
  beforeAll(async () => {
    opened = await openStore({ sqliteFile: file, busyTimeoutMs: 50, log: new Log() })
    store = {
      get: (key) => opened.store.get(key),
      set: async (key, data, expected, options) => !conflict.on && opened.store.set(key, data, expected, options),
      delete: (key, expected) => opened.store.delete(key, expected),
    }
    app = await startExample(framework, store, { env })
  })
  afterAll(async () => {
    await app?.close()
    await opened?.close()
  })

  test('enrollment, sign-in, lock, step-up, recovery codes, disable', async () => {
    await fullPath(app)
  })

  test('the database locked, or the record never won: 503 with Retry-After, then the same requests succeed', async () => {
    const email = 'bob@example.com'
    await app.addAccount(email, 'bob password')
    const browser = new Client(app.url)
    const { code } = await enrollThroughAPI(app, browser, email, 'bob password')
    const second = new Client(app.url)
    expect((await second.post('/login', { email, password: 'bob password' })).body).toMatchObject({ stage: 'mfa' })
    // Another process holds the write lock (in WAL mode readers go on; every MFA check writes).
    const other = new Database(file)
    other.exec('BEGIN EXCLUSIVE')
    app.clock.now += STEP
    const busy = await Promise.all([
      browser.post('/mfa/step-up', { code: await code(app.clock.now) }),
      second.post('/login/code', { code: await code(app.clock.now) }),
    ])
    other.exec('ROLLBACK')
    other.close()
    for (const answer of busy) {
      expect(answer).toMatchObject({ status: 503, retryAfter: '2', body: { error: 'unavailable' } })
    }
    expect(app.log.warnings).toHaveLength(2)
    expect((await browser.get('/mfa')).body).toMatchObject({ state: 'active' })
    expect((await second.post('/login/code', { code: await code(app.clock.now) })).body).toMatchObject({ stage: 'in' })

    conflict.on = true
    app.clock.now += STEP
    const lost = await browser.post('/mfa/step-up', { code: await code(app.clock.now) })
    conflict.on = false
    expect(lost).toMatchObject({ status: 503, body: { error: 'unavailable' } })
    expect(app.log.warnings.at(-1)).toMatch(/kept changing/)

    // Nothing was written: the same code is still good, once.
    expect(await browser.post('/mfa/step-up', { code: await code(app.clock.now) })).toMatchObject({ status: 200 })
    expect(await browser.post('/mfa/step-up', { code: await code(app.clock.now) })).toMatchObject({ status: 400 })
    await browser.post('/logout')
    await signInWithCode(app, browser, email, 'bob password', code)
    expect(app.log.errors).toEqual([])
  })

  test('a misconfigured service answers 500 and the server goes on; a body that is not JSON answers 400', async () => {
    const email = 'carol@example.com'
    await app.addAccount(email, 'carol password')
    const browser = new Client(app.url)
    const { code } = await enrollThroughAPI(app, browser, email, 'carol password')

    // The same store, but a service without proofKey (ERR_INVALID_OPTION on verify with proof: true, so the code step
    // fails) and one with another encryption key (the record's MAC does not check: its first read, at the password
    // step, fails): bugs of the deployment, not of the user.
    const now = () => app.clock.now
    const misconfigured: [ReturnType<typeof createMFA>, 'code' | 'login'][] = [
      [createMFA({ store, issuer: 'Example Cloud', now }), 'code'],
      [
        createMFA({
          store,
          issuer: 'Example Cloud',
          now,
          encryptionKeys: { current: 'k1', keys: { k1: new Uint8Array(32).fill(7) } },
          proofKey: new Uint8Array(32),
        }),
        'login',
      ],
    ]
    const internal = { status: 500, body: { ok: false, error: 'internal' } }
    for (const [mfa, failsAt] of misconfigured) {
      const broken = await startExample(framework, store, { clock: app.clock, mfa, accounts: app.accounts })
      try {
        const client = new Client(broken.url)
        const login = await client.post('/login', { email, password: 'carol password' })
        if (failsAt === 'login') expect(login).toMatchObject(internal)
        else {
          expect(login.body).toMatchObject({ stage: 'mfa' })
          app.clock.now += STEP
          expect(await client.post('/login/code', { code: await code(app.clock.now) })).toMatchObject(internal)
        }
        expect(broken.log.errors).toHaveLength(1)
        // the server goes on: the next request is answered (the same way)
        expect((await client.post('/login', { email, password: 'carol password' })).status).toBe(
          failsAt === 'login' ? 500 : 200,
        )
      } finally {
        await broken.close()
      }
    }

    expect(await browser.request('POST', '/mfa/step-up', '{"code": ')).toMatchObject({ status: 400 })
    expect(await browser.post('/mfa/step-up', { code: 123456 })).toMatchObject({ status: 400 })
    expect(await browser.request('POST', '/mfa/step-up', JSON.stringify({ code: 'x'.repeat(20_000) }))).toMatchObject({
      status: 413,
    })
    await browser.post('/logout')
    await signInWithCode(app, browser, email, 'carol password', code)
    expect(app.log.errors).toEqual([])
  })
})
