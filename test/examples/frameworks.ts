// Drives the framework examples (examples/frameworks) over real HTTP, as a browser's script would: a cookie jar, the
// CSRF header, JSON bodies. The servers run in this process on a clock the test moves, so no step waits for real
// time. Used by frameworks.node.test.ts (SQLite) and test/storage/frameworks.test.ts (PostgreSQL).
import { decodeBase32, generateTOTP, type MFA, type MFAStore } from 'mfa-core'
import { expect } from 'vitest'

export const STEP = 30_000

/** What the example modules export (they are plain JavaScript, for copying; typed here for the tests). */
interface Deps {
  mfa: MFA
  accounts: { add(email: string, password: string): Promise<string> }
  sessions: unknown
  log?: Log
}
type Start = (options: Deps & { port: number }) => Promise<{ url: string; close(): Promise<void> }>
interface Setup {
  openStore(options: {
    databaseUrl?: string
    sqliteFile?: string
    busyTimeoutMs?: number
    log?: Log
  }): Promise<{ store: MFAStore; close(): Promise<void> }>
  createService(options: { store: MFAStore; env: Record<string, string>; now: () => number }): MFA
}
interface Sessions {
  createAccounts(): Deps['accounts']
  createSessions(options: { now: () => number }): unknown
}

const examples = new URL('../../examples/frameworks/', import.meta.url).href
const load = async <T>(file: string): Promise<T> => (await import(`${examples}${file}`)) as T

export const FRAMEWORKS = ['express', 'hono', 'fastify'] as const
export type Framework = (typeof FRAMEWORKS)[number]
const START: Record<Framework, [string, string]> = {
  express: ['express.mjs', 'startExpress'],
  hono: ['hono.mjs', 'startHono'],
  fastify: ['fastify.mjs', 'startFastify'],
}

export const openStore: Setup['openStore'] = async (options) => (await load<Setup>('setup.mjs')).openStore(options)

/** Keys as an operator would set them: 32 random bytes as text (`openssl rand -base64 32`, or base64url). */
export function keysEnv(): Record<string, string> {
  const key = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32)))
  return { MFA_ENCRYPTION_KEY: `${key().toString('base64')}\n`, MFA_PROOF_KEY: key().toString('base64url') }
}

/** Collects what the app logs (a 503 warns, a 500 is an error), instead of printing it. */
export class Log {
  warnings: string[] = []
  errors: unknown[] = []
  warn = (message: string): void => {
    this.warnings.push(message)
  }
  error = (_message: string, error: unknown): void => {
    this.errors.push(error)
  }
}

export interface Running {
  url: string
  clock: { now: number }
  log: Log
  accounts: Deps['accounts']
  addAccount(email: string, password: string): Promise<string>
  close(): Promise<void>
}

/**
 * Starts one framework's example on a free port of 127.0.0.1 over `store`, with the MFA service as setup.mjs builds
 * it, or with `mfa` when given (a misconfigured one, for the 500 answers).
 */
export async function startExample(
  framework: Framework,
  store: MFAStore,
  options: { clock?: { now: number }; env?: Record<string, string>; mfa?: MFA; accounts?: Deps['accounts'] } = {},
): Promise<Running> {
  const setup = await load<Setup>('setup.mjs')
  const { createAccounts, createSessions } = await load<Sessions>('sessions.mjs')
  const clock = options.clock ?? { now: Math.floor(Date.UTC(2026, 0, 1) / STEP) * STEP + 1000 }
  const now = () => clock.now
  const mfa = options.mfa ?? setup.createService({ store, env: options.env ?? keysEnv(), now })
  const [file, name] = START[framework]
  const start = (await load<Record<string, Start>>(file))[name]!
  const accounts = options.accounts ?? createAccounts()
  const log = new Log()
  const server = await start({ port: 0, mfa, accounts, sessions: createSessions({ now }), log })
  return { url: server.url, clock, log, accounts, addAccount: (e, p) => accounts.add(e, p), close: server.close }
}

/** An HTTP answer: status, Retry-After and the JSON body. */
export interface Answer {
  status: number
  retryAfter: string | null
  cacheControl: string | null
  body: Record<string, any>
}

/** A browser's view of one example: its session cookie and CSRF token, kept across requests. */
export class Client {
  cookie = ''
  csrf = ''
  constructor(readonly url: string) {}

  async request(method: string, path: string, body?: unknown, options: { csrf?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'x-csrf-token': options.csrf ?? this.csrf }
    if (this.cookie) headers.cookie = this.cookie
    let payload: string | undefined
    if (method !== 'GET') {
      headers['content-type'] = 'application/json'
      payload = typeof body === 'string' ? body : JSON.stringify(body ?? {})
    }
    const response = await fetch(this.url + path, { method, headers, body: payload })
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) this.cookie = setCookie.split(';')[0]!
    const json = (await response.json()) as Record<string, any>
    if (typeof json.csrfToken === 'string') this.csrf = json.csrfToken
    const retryAfter = response.headers.get('retry-after')
    return { status: response.status, retryAfter, cacheControl: response.headers.get('cache-control'), body: json }
  }
  get = (path: string) => this.request('GET', path)
  post = (path: string, body?: unknown) => this.request('POST', path, body)
}

/** What an authenticator app holding the key shown at enrollment displays at a time (ms). */
export function phone(manualKey: string) {
  const key = decodeBase32(manualKey.replace(/ /g, ''))
  return (at: number) => generateTOTP(key, { timestamp: at })
}

/**
 * Signs up for MFA through the API: password sign-in, enrollment (QR code as SVG), a refused pair of codes, then
 * the two consecutive codes. Returns the phone and the recovery codes.
 */
export async function enrollThroughAPI(app: Running, client: Client, email: string, password: string) {
  expect((await client.post('/login', { email, password })).body).toMatchObject({ ok: true, stage: 'in' })
  expect(await client.request('POST', '/mfa/enroll', {}, { csrf: 'forged' })).toMatchObject({
    status: 403,
    body: { error: 'csrf' },
  })
  const begun = await client.post('/mfa/enroll')
  expect(begun).toMatchObject({ status: 200, cacheControl: 'no-store' })
  expect(begun.body.qrSvg).toMatch(/^<svg [^>]*viewBox=/)
  expect(begun.body.qrSvg).toContain('<title>Scan with your authenticator app</title>')
  const code = phone(begun.body.manualKey)
  const first = await code(app.clock.now)
  expect(await client.post('/mfa/confirm', { code1: first, code2: first })).toMatchObject({
    status: 400,
    body: { ok: false, reason: 'same_code' },
  })
  app.clock.now += STEP
  const confirmed = await client.post('/mfa/confirm', { code1: first, code2: await code(app.clock.now) })
  expect(confirmed).toMatchObject({ status: 200, cacheControl: 'no-store' })
  expect(confirmed.body.recoveryCodes).toHaveLength(10)
  expect((await client.get('/mfa')).body).toMatchObject({ ok: true, state: 'active', authenticators: 1 })
  return { code, recoveryCodes: confirmed.body.recoveryCodes as string[] }
}

/** Signs in with the password then a fresh TOTP code (one step later), on a new session. */
export async function signInWithCode(app: Running, client: Client, email: string, password: string, code: Phone) {
  expect((await client.post('/login', { email, password })).body).toMatchObject({ ok: true, stage: 'mfa' })
  app.clock.now += STEP
  expect((await client.post('/login/code', { code: await code(app.clock.now) })).body).toMatchObject({
    ok: true,
    stage: 'in',
  })
}
export type Phone = ReturnType<typeof phone>

/**
 * The whole path of a user through one example: enrollment, sign-in with a code (a wrong one, a replay, a lock with
 * Retry-After), the session renewed after the code, a step-up before new recovery codes and before turning MFA off,
 * sign-in with a recovery code (spent once).
 */
export async function fullPath(app: Running): Promise<void> {
  const email = 'alice@example.com'
  const password = 'correct horse battery'
  await app.addAccount(email, password)
  const browser = new Client(app.url)
  expect((await browser.post('/login', { email, password: 'wrong' })).status).toBe(401)
  const { code, recoveryCodes } = await enrollThroughAPI(app, browser, email, password)
  expect((await browser.post('/logout')).status).toBe(200)

  // Sign-in: the password opens only the code route.
  expect((await browser.post('/login', { email, password })).body).toMatchObject({ stage: 'mfa' })
  expect((await browser.get('/mfa')).status).toBe(401)
  expect(await browser.post('/login/code', { code: '12345x' })).toMatchObject({
    status: 400,
    body: { reason: 'malformed' },
  })
  const beforeCode = browser.cookie
  app.clock.now += STEP
  const fresh = await code(app.clock.now)
  expect((await browser.post('/login/code', { code: fresh })).body).toMatchObject({ ok: true, stage: 'in' })
  expect(browser.cookie).not.toBe(beforeCode) // a new session id after the code
  const stale = new Client(app.url)
  stale.cookie = beforeCode
  expect((await stale.get('/mfa')).status).toBe(401)
  expect((await browser.get('/mfa')).body).toMatchObject({ state: 'active', recoveryCodesLeft: 10 })

  // A replayed code, then wrong codes until the lock: 429 with Retry-After.
  expect(await browser.post('/mfa/step-up', { code: fresh })).toMatchObject({
    status: 400,
    body: { reason: 'replayed' },
  })
  let locked: Answer | undefined
  for (let i = 0; i < 5 && !locked; i++) {
    const answer = await browser.post('/mfa/step-up', { code: '000000' })
    if (answer.status === 429) locked = answer
    else expect(answer.body.reason).toBe('invalid')
  }
  expect(locked?.body.reason).toBeDefined()
  expect(Number(locked?.retryAfter)).toBeGreaterThan(0)
  app.clock.now += 1000
  expect(await browser.post('/mfa/step-up', { code: await code(app.clock.now + STEP) })).toMatchObject({
    status: 429,
    body: { reason: 'locked' },
  })

  // A step-up before new recovery codes and before turning MFA off: the sign-in's proof is too old by now (and the
  // lock over).
  app.clock.now += 6 * 60_000
  expect(await browser.post('/mfa/recovery-codes')).toMatchObject({ status: 403, body: { reason: 'proof_expired' } })
  expect(await browser.post('/mfa/step-up', { code: await code(app.clock.now) })).toMatchObject({
    status: 200,
    body: { method: 'totp' },
  })
  const regenerated = await browser.post('/mfa/recovery-codes')
  expect(regenerated).toMatchObject({ status: 200, cacheControl: 'no-store' })
  expect(regenerated.body.recoveryCodes).toHaveLength(10)
  expect(regenerated.body.recoveryCodes).not.toContain(recoveryCodes[0])

  // Sign-in with a recovery code: the old set is void, a new code works once.
  const other = new Client(app.url)
  expect((await other.post('/login', { email, password })).body).toMatchObject({ stage: 'mfa' })
  expect(await other.post('/login/code', { code: recoveryCodes[0] })).toMatchObject({ status: 400 })
  const recovery = regenerated.body.recoveryCodes[0] as string
  expect((await other.post('/login/code', { code: recovery })).body).toMatchObject({ ok: true, stage: 'in' })
  expect((await other.get('/mfa')).body).toMatchObject({ recoveryCodesLeft: 9 })
  expect(await other.post('/mfa/step-up', { code: recovery })).toMatchObject({ status: 400 })

  // Turning MFA off needs a step-up no older than 5 minutes.
  app.clock.now += 6 * 60_000
  expect(await other.post('/mfa/disable')).toMatchObject({ status: 403, body: { reason: 'proof_expired' } })
  expect((await other.post('/mfa/step-up', { code: await code(app.clock.now) })).status).toBe(200)
  expect((await other.post('/mfa/disable')).body).toEqual({ ok: true })
  expect((await other.get('/mfa')).body).toMatchObject({ state: 'none' })
  expect(await other.post('/mfa/disable')).toMatchObject({ status: 409, body: { reason: 'not_enrolled' } })
  expect(app.log.errors).toEqual([])
}

/** Counts unhandled rejections and uncaught exceptions while a suite runs (an example must never produce one). */
export function watchProcess(): { failures: unknown[]; stop(): void } {
  const failures: unknown[] = []
  const record = (error: unknown) => failures.push(error)
  process.on('unhandledRejection', record)
  process.on('uncaughtExceptionMonitor', record)
  return {
    failures,
    stop() {
      process.off('unhandledRejection', record)
      process.off('uncaughtExceptionMonitor', record)
    },
  }
}
