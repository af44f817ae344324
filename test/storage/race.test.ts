// Many app servers, one store: 8 processes race `verify` with the same valid code (exactly one acceptance), and
// wrong codes from many processes count exactly as sequential ones (no lost update), on SQLite, PostgreSQL, Redis.
// The same for a verification code sent by email: checked by every process at once it is accepted once, and N wrong
// guesses in parallel count as N, against the code's attempts and the user's failure budget.
import { createMFA, type MFAPolicy, type MFAStore, memoryStore, type VerificationCodeMessage } from 'mfa-core'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { type Backend, ioredisClusterStore } from './clients.js'
import { type Contender, contenders } from './contenders.js'
import { workerPool } from './harness/workers.js'
import { activeOf, enroll, RACE_PROOF_KEY, T0 } from './helpers.js'

const servers = inject('storageServers')
const PROCESSES = 8
const ATTEMPTS = process.env.CI ? 200 : 100

const cases = contenders({ table: 'race_store', prefix: 'race:' })

/** What N wrong codes in a row do to a user's record, on the memory store: the reference. */
async function sequentialReference(n: number) {
  const store = memoryStore()
  const user = await enroll(store, 'reference')
  for (let i = 0; i < n; i++) await user.mfa.verify('reference', user.wrongCode)
  return activeOf(store, 'reference')
}

/** A verification code sent to a user (with no authenticator) by the same key the app servers check it with. */
async function sendCode(store: MFAStore, userId: string, policy: Partial<MFAPolicy> = {}) {
  let code = ''
  const mfa = createMFA({
    store,
    issuer: 'Race Test',
    now: () => T0,
    proofKey: RACE_PROOF_KEY,
    policy,
    sendCode: (m: VerificationCodeMessage) => {
      code = m.code
    },
  })
  expect(
    (await mfa.sendVerificationCode(userId, { channel: 'email', destination: 'r@example.com', purpose: 'enroll' })).ok,
  ).toBe(true)
  return { mfa, code, wrong: code === '000000' ? '000001' : '000000' }
}

/** The stored record's failure count, lock and verification-code attempts. */
async function codeStateOf(store: MFAStore, userId: string) {
  const entry = await store.get(`mfa:${userId}`)
  const record = entry && JSON.parse(entry.data)
  return {
    failures: record?.failures,
    lockedUntil: record?.lockedUntil,
    attempts: record?.verification?.code?.attempts ?? null,
  }
}

// One set of worker processes for all stores (starting 8 processes costs more than the races themselves).
const pool = workerPool(PROCESSES)
afterAll(() => pool.close())

for (const c of cases) {
  describe.skipIf(!c.available)(`${PROCESSES} processes on ${c.name}`, () => {
    let opened: Awaited<ReturnType<Contender['open']>>
    beforeAll(async () => {
      opened = await c.open()
      await pool.use(opened.backend)
    })
    afterAll(() => opened?.close())

    test(`${PROCESSES} x ${ATTEMPTS} verify of one valid code: exactly one is accepted`, async () => {
      // Whether requests really overlap depends on scheduling; a round in which one request finished before the
      // others read the record proves nothing about the race. So: up to 5 rounds, each on a fresh user, each must
      // accept exactly once, until one round shows lost compare-and-sets (several requests saw the code as valid).
      let conflicts = 0
      for (let round = 0; round < 5 && conflicts === 0; round++) {
        const userId = `race-${round}-${Date.now()}`
        const user = await enroll(opened.store, userId)
        const tallies = await pool.verifyAll({ userId, code: user.loginCode, attempts: ATTEMPTS, now: user.loginAt })
        const accepted = tallies.reduce((sum, t) => sum + t.accepted, 0)
        const errors = tallies.flatMap((t) => Object.keys(t.errors))
        const reasons = new Set(tallies.flatMap((t) => Object.keys(t.reasons)))
        expect(accepted).toBe(1)
        conflicts = tallies.reduce((sum, t) => sum + t.conflicts, 0)
        // Conflicts beyond the service's retries fail closed; nothing else may go wrong.
        expect(errors.filter((code) => code !== 'ERR_STORAGE')).toEqual([])
        expect([...reasons].filter((r) => r !== 'replayed' && r !== 'locked')).toEqual([])
        const total = tallies.reduce(
          (sum, t) =>
            sum +
            t.accepted +
            Object.values(t.reasons).reduce((a, b) => a + b, 0) +
            Object.values(t.errors).reduce((a, b) => a + b, 0),
          0,
        )
        expect(total).toBe(PROCESSES * ATTEMPTS)
        // The accepted step is recorded: the same code stays refused afterwards.
        const again = await user.mfa.verify(userId, user.loginCode)
        expect(again.ok).toBe(false)
      }
      expect(conflicts).toBeGreaterThan(0)
    })

    for (const n of [4, PROCESSES]) {
      test(`${n} wrong codes from ${n} processes count exactly as ${n} sequential ones`, async () => {
        const userId = `failures-${n}-${Date.now()}`
        const user = await enroll(opened.store, userId)
        const tallies = await pool.verifyAll(
          { userId, code: user.wrongCode, attempts: 1, parallel: 1, now: user.loginAt },
          n,
        )
        expect(tallies.flatMap((t) => Object.keys(t.errors))).toEqual([])
        expect(tallies.reduce((sum, t) => sum + t.accepted, 0)).toBe(0)
        const reference = await sequentialReference(n)
        const active = await activeOf(opened.store, userId)
        expect({ failures: active?.failures, lockedUntil: active?.lockedUntil }).toEqual({
          failures: reference?.failures,
          lockedUntil: reference?.lockedUntil,
        })
        // One more wrong code locks the user only if none of the n was lost; then even the right code is refused.
        await user.mfa.verify(userId, user.wrongCode)
        const login = await user.mfa.verify(userId, user.loginCode)
        expect(login).toMatchObject({ ok: false, reason: 'locked' })
      })
    }

    test(`${PROCESSES} x ${ATTEMPTS} checks of one emailed code: exactly one is accepted`, async () => {
      let conflicts = 0
      for (let round = 0; round < 5 && conflicts === 0; round++) {
        const userId = `code-race-${round}-${Date.now()}`
        const { code, mfa } = await sendCode(opened.store, userId)
        const tallies = await pool.verifyAll({ userId, code, attempts: ATTEMPTS, now: T0, purpose: 'enroll' })
        expect(tallies.reduce((sum, t) => sum + t.accepted, 0)).toBe(1)
        expect(tallies.flatMap((t) => Object.keys(t.errors)).filter((e) => e !== 'ERR_STORAGE')).toEqual([])
        // every other check found the code spent
        expect([...new Set(tallies.flatMap((t) => Object.keys(t.reasons)))].filter((r) => r !== 'no_code')).toEqual([])
        conflicts = tallies.reduce((sum, t) => sum + t.conflicts, 0)
        expect(await mfa.checkVerificationCode(userId, code, { purpose: 'enroll' })).toEqual({
          ok: false,
          reason: 'no_code',
        })
      }
      expect(conflicts).toBeGreaterThan(0)
    })

    for (const n of [4, PROCESSES]) {
      test(`${n} wrong guesses of an emailed code from ${n} processes count as ${n}`, async () => {
        // attempts per code above n, and the n-th failure locks: each guess counts against the code and the budget
        const policy = { verificationCodeAttempts: 10, maxFailures: n }
        const userId = `code-failures-${n}-${Date.now()}`
        const { code, wrong, mfa } = await sendCode(opened.store, userId, policy)
        const tallies = await pool.verifyAll(
          { userId, code: wrong, attempts: 1, parallel: 1, now: T0, purpose: 'enroll', policy },
          n,
        )
        expect(tallies.flatMap((t) => Object.keys(t.errors))).toEqual([])
        expect(tallies.reduce((sum, t) => sum + (t.reasons.invalid ?? 0), 0)).toBe(n)
        // the sequential reference: n wrong guesses one after the other
        const memory = memoryStore()
        const reference = await sendCode(memory, userId, policy)
        for (let i = 0; i < n; i++) await reference.mfa.checkVerificationCode(userId, wrong, { purpose: 'enroll' })
        const state = await codeStateOf(opened.store, userId)
        expect(state).toEqual(await codeStateOf(memory, userId))
        expect(state.attempts).toBe(n)
        expect(state.failures).toBe(n)
        // the n-th failure locked the user only if none was lost: even the right code is refused
        expect(await mfa.checkVerificationCode(userId, code, { purpose: 'enroll' })).toMatchObject({
          ok: false,
          reason: 'locked',
        })
      })
    }
  })
}

describe.skipIf(!servers.redisCluster)(`${PROCESSES} processes on Redis Cluster, one user on each master`, () => {
  let opened: ReturnType<typeof ioredisClusterStore>
  const backend: Backend = {
    kind: 'redis-cluster',
    startupNodes: servers.redisCluster?.startupNodes ?? [],
    prefix: 'spread:',
  }
  beforeAll(async () => {
    opened = ioredisClusterStore(backend.startupNodes, 'spread:')
    await pool.use(backend)
  })
  afterAll(() => opened?.close())

  /** The master (host:port) serving a key, from CLUSTER KEYSLOT and CLUSTER SLOTS. */
  async function masterOf(key: string): Promise<string> {
    const slot = Number(await opened.cluster.call('CLUSTER', 'KEYSLOT', key))
    const ranges = (await opened.cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]
    const owner = ranges.find(([from, to]) => slot >= from && slot <= to)
    return `${owner?.[2][0]}:${owner?.[2][1]}`
  }

  test('valid-code and wrong-code races hold on every master', async () => {
    const byMaster = new Map<string, string>()
    for (let i = 0; byMaster.size < 3 && i < 200; i++) {
      const userId = `spread-${i}-${Date.now()}`
      const master = await masterOf(`spread:mfa:${userId}`)
      if (!byMaster.has(master)) byMaster.set(master, userId)
    }
    expect(byMaster.size).toBe(3)
    for (const userId of byMaster.values()) {
      const user = await enroll(opened.store, userId)
      const tallies = await pool.verifyAll({ userId, code: user.loginCode, attempts: ATTEMPTS, now: user.loginAt })
      expect(tallies.reduce((sum, t) => sum + t.accepted, 0)).toBe(1)
      expect(tallies.flatMap((t) => Object.keys(t.errors)).filter((code) => code !== 'ERR_STORAGE')).toEqual([])
      const wrong = `${userId}-wrong`
      const other = await enroll(opened.store, wrong)
      await pool.verifyAll({ userId: wrong, code: other.wrongCode, attempts: 1, parallel: 1, now: other.loginAt })
      const reference = await sequentialReference(PROCESSES)
      const active = await activeOf(opened.store, wrong)
      expect({ failures: active?.failures, lockedUntil: active?.lockedUntil }).toEqual({
        failures: reference?.failures,
        lockedUntil: reference?.lockedUntil,
      })
    }
  })
})

test('the multi-process suites have a reference to compare with', async () => {
  // Guards the reference itself: 4 failures do not lock, 5 do (the default policy).
  expect((await sequentialReference(4))?.lockedUntil).toBe(0)
  expect(Number((await sequentialReference(5))?.lockedUntil)).toBeGreaterThan(0)
  expect(typeof createMFA).toBe('function')
})
