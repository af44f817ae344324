// Several authenticators, one user, many app servers: 8 processes race the codes of two authenticators, a removal
// against logins of the removed one, and wrong codes, on SQLite, PostgreSQL and Redis. Each valid step is accepted
// exactly once per authenticator, no failure is lost, and a removed authenticator never comes back.
import { createMFA, decodeBase32, generateTOTP, type MFAStore } from 'mfa-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Contender, contenders } from './contenders.js'
import { workerPool } from './harness/workers.js'
import { T0 } from './helpers.js'

const PROCESSES = 8
const STEP = 30_000

const cases = contenders({ table: 'authenticators_store', prefix: 'authenticators:' }, ['sqlite', 'postgres', 'redis'])

/** A user with two confirmed authenticators A and B (B added with a proof of A), on the real store. */
async function twoAuthenticators(store: MFAStore, userId: string) {
  const clock = { now: T0 + 1000 }
  const mfa = createMFA({ store, issuer: 'Race Test', now: () => clock.now })
  const enrollOne = async (label: string, proof?: string) => {
    const begun = await mfa.beginEnrollment(userId, {
      accountName: `${userId}@example.com`,
      label,
      ...(proof ? { proof } : {}),
    })
    if (!begun.ok) throw new Error(`beginEnrollment refused: ${begun.reason}`)
    const key = decodeBase32(begun.secret)
    const code = (at: number) => generateTOTP(key, { timestamp: at })
    const confirmed = await mfa.confirmEnrollment(userId, await code(clock.now - STEP), await code(clock.now))
    expect(confirmed.ok).toBe(true)
    return { id: begun.authenticatorId, code }
  }
  const a = await enrollOne('A')
  clock.now = T0 + 2 * STEP + 1000
  const b = await enrollOne('B', await a.code(clock.now))
  // the login step: two steps after both consumed theirs
  const loginAt = T0 + 4 * STEP + 1000
  clock.now = loginAt
  const taken = new Set<string>()
  for (const k of [-2, -1, 0, 1, 2]) for (const x of [a, b]) taken.add(await x.code(loginAt + k * STEP))
  let wrong = ''
  for (let hour = 1; wrong === '' || taken.has(wrong); hour++) wrong = await a.code(loginAt + hour * 3_600_000)
  return { mfa, clock, a, b, loginAt, wrong }
}

async function recordOf(store: MFAStore, userId: string) {
  const entry = await store.get(`mfa:${userId}`)
  return JSON.parse(entry?.data ?? 'null') as {
    failures: number
    lockedUntil: number
    authenticators: { id: string; lastStep: number }[]
  }
}

const sum = (tallies: { accepted: number }[]) => tallies.reduce((n, t) => n + t.accepted, 0)
const reasons = (tallies: { reasons: Record<string, number> }[]) => {
  const out: Record<string, number> = {}
  for (const t of tallies) for (const [r, n] of Object.entries(t.reasons)) out[r] = (out[r] ?? 0) + n
  return out
}
const errorsOf = (tallies: { errors: Record<string, number> }[]) => tallies.flatMap((t) => Object.keys(t.errors))

// One set of worker processes for all stores.
const pool = workerPool(PROCESSES)
afterAll(() => pool.close())

for (const c of cases) {
  describe.skipIf(!c.available)(`two authenticators, ${PROCESSES} processes, ${c.name}`, () => {
    let opened: Awaited<ReturnType<Contender['open']>>
    beforeAll(async () => {
      opened = await c.open()
      await pool.use(opened.backend)
    })
    afterAll(() => opened?.close())

    test('the codes of two authenticators raced from 8 processes: each accepted exactly once', async () => {
      const userId = `two-${Date.now()}`
      const user = await twoAuthenticators(opened.store, userId)
      const codeA = await user.a.code(user.loginAt)
      const codeB = await user.b.code(user.loginAt)
      const tasks = Array.from({ length: PROCESSES }, (_, i) => ({
        userId,
        code: i % 2 === 0 ? codeA : codeB,
        attempts: 25,
        parallel: 4,
        now: user.loginAt,
      }))
      const tallies = await pool.runEach(tasks)
      expect(errorsOf(tallies).filter((e) => e !== 'ERR_STORAGE')).toEqual([])
      expect(sum(tallies.filter((_, i) => i % 2 === 0))).toBe(1)
      expect(sum(tallies.filter((_, i) => i % 2 === 1))).toBe(1)
      expect(Object.keys(reasons(tallies)).filter((r) => r !== 'replayed')).toEqual([])
      const record = await recordOf(opened.store, userId)
      const step = Math.floor(user.loginAt / STEP)
      expect(record.authenticators.map((x) => [x.id, x.lastStep])).toEqual([
        [user.a.id, step],
        [user.b.id, step],
      ])
      expect(record.failures).toBe(0)
    })

    test('a removal racing logins of the removed authenticator: removed exactly once, never resurrected', async () => {
      const userId = `remove-${Date.now()}`
      const user = await twoAuthenticators(opened.store, userId)
      const proofB = await user.b.code(user.loginAt)
      const codeA = await user.a.code(user.loginAt)
      const tasks = Array.from({ length: PROCESSES }, (_, i) =>
        i % 2 === 0
          ? { userId, code: proofB, attempts: 1, now: user.loginAt, remove: user.a.id }
          : { userId, code: codeA, attempts: 1, now: user.loginAt },
      )
      const tallies = await pool.runEach(tasks)
      expect(errorsOf(tallies).filter((e) => e !== 'ERR_STORAGE')).toEqual([])
      const removals = tallies.filter((_, i) => i % 2 === 0)
      const logins = tallies.filter((_, i) => i % 2 === 1)
      expect(sum(removals)).toBe(1)
      expect(sum(logins)).toBeLessThanOrEqual(1)
      expect(Object.keys(reasons(removals)).filter((r) => r !== 'replayed' && r !== 'not_found')).toEqual([])
      const loginReasons = reasons(logins)
      expect(Object.keys(loginReasons).filter((r) => r !== 'replayed' && r !== 'invalid')).toEqual([])
      // only B is left; B's later code logs in, A's later codes are wrong codes now
      const record = await recordOf(opened.store, userId)
      expect(record.authenticators.map((x) => x.id)).toEqual([user.b.id])
      // every failure counted after the last success is in the record (at most as many as were refused)
      expect(record.failures).toBeLessThanOrEqual(loginReasons.invalid ?? 0)
      user.clock.now = user.loginAt + STEP
      expect(await user.mfa.verify(userId, await user.b.code(user.clock.now))).toMatchObject({
        ok: true,
        authenticatorId: user.b.id,
      })
      expect(await user.mfa.verify(userId, await user.a.code(user.clock.now))).toMatchObject({
        ok: false,
        reason: 'invalid',
      })
      expect((await user.mfa.listAuthenticators(userId)).map((x) => x.id)).toEqual([user.b.id])
    })

    test('wrong codes from 8 processes against two authenticators: every failure counted, then locked', async () => {
      const userId = `wrong-${Date.now()}`
      const user = await twoAuthenticators(opened.store, userId)
      const tallies = await pool.runEach(
        Array.from({ length: PROCESSES }, () => ({ userId, code: user.wrong, attempts: 1, now: user.loginAt })),
      )
      expect(errorsOf(tallies)).toEqual([])
      const r = reasons(tallies)
      expect((r.invalid ?? 0) + (r.locked ?? 0)).toBe(PROCESSES)
      const record = await recordOf(opened.store, userId)
      // each refusal that said `invalid` wrote its failure; the default policy locks at the fifth
      expect(record.failures).toBe(r.invalid)
      expect(r.invalid).toBe(5)
      expect(record.lockedUntil).toBe(user.loginAt + 30_000)
    })
  })
}
