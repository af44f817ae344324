// Security keys under concurrency, on SQLite, PostgreSQL and Redis: several app servers (each its own connection
// and createMFA, all reading the record before any of them writes) get the same assertion at once, and exactly one
// accepts it (the others answer `replayed`: the accepting compare-and-set consumed the challenge); and a key's
// sign-ins race its removal, and none is accepted after the removal committed (the store's versions order them).
import { createMFA, type MFA, type MFAStore } from 'mfa-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { softKey, WEBAUTHN } from '../mfa/key-helpers.js'
import { openBackend } from './clients.js'
import { type Contender, contenders } from './contenders.js'
import { enroll, raceBarrier } from './helpers.js'

const SERVERS = 6
const ROUNDS = 8
const STEP = 30_000

const cases = contenders({ table: 'key_race', prefix: 'key-race:' }, ['sqlite', 'postgres', 'redis'])

for (const c of cases) {
  describe.skipIf(!c.available)(`security keys, ${SERVERS} app servers at once, ${c.name}`, () => {
    let opened: Awaited<ReturnType<Contender['open']>> | undefined
    const connections: { store: MFAStore; close(): Promise<void> }[] = []
    const clock = { now: 0 }
    let apps: MFA[] = []
    // every server's first read of a round waits for the others' (see raceBarrier); it counts the lost writes and
    // lists the committed ones in the store's order (which server, the version each replaced)
    const race = raceBarrier()
    const arm = () => race.arm(SERVERS)

    beforeAll(async () => {
      opened = await c.open()
      for (let i = 0; i < SERVERS; i++) connections.push(await openBackend(opened.backend))
      apps = connections.map(({ store }, server) => {
        return createMFA({
          store: race.racing(store, server),
          issuer: 'Race Test',
          now: () => clock.now,
          webauthn: WEBAUTHN,
          policy: { maxFailures: 100 },
        })
      })
    })
    afterAll(async () => {
      for (const connection of connections) await connection.close()
      await opened?.close()
    })

    /** A user with an app (enrolled) and a key that keeps no counter (so sign-ins in any order are no clone). */
    async function userWithKey(round: number, name: string) {
      const userId = `key-${name}-${round}-${Date.now()}`
      const user = await enroll(connections[0]!.store, userId)
      clock.now = user.loginAt
      const key = softKey(-8, { counting: false })
      const begun = await apps[0]!.beginSecurityKeyRegistration(userId, { proof: user.loginCode })
      if (!begun.ok) throw new Error(`begin refused: ${begun.reason}`)
      const done = await apps[0]!.finishSecurityKeyRegistration(userId, key.register(begun.options))
      if (!done.ok) throw new Error(`finish refused: ${done.reason}`)
      return { userId, key, keyId: done.authenticatorId, user }
    }

    const signIn = async (userId: string, key: ReturnType<typeof softKey>) => {
      const started = await apps[0]!.challenge(userId)
      if (!started.ok || !started.options) throw new Error('no challenge')
      return key.sign(started.options)
    }

    test(`the same assertion at ${SERVERS} app servers at once is accepted exactly once`, async () => {
      const before = race.tally.lost
      for (let round = 0; round < ROUNDS; round++) {
        const { userId, key, keyId } = await userWithKey(round, 'same')
        const assertion = await signIn(userId, key)
        arm()
        const results = await Promise.all(apps.map((app) => app.verify(userId, assertion)))
        expect(results.filter((r) => r.ok)).toEqual([{ ok: true, method: 'webauthn', authenticatorId: keyId }])
        expect(results.filter((r) => !r.ok)).toEqual(Array(SERVERS - 1).fill({ ok: false, reason: 'replayed' }))
        // and never again, from any server
        expect(await apps[round % SERVERS]!.verify(userId, assertion)).toEqual({ ok: false, reason: 'replayed' })
      }
      // every round, the other servers' first writes lost
      expect(race.tally.lost - before).toBeGreaterThanOrEqual(ROUNDS * (SERVERS - 1))
    })

    test(`a key's sign-ins racing its removal: none is accepted after the removal committed`, async () => {
      let removalsFirst = 0
      let signInsFirst = 0
      for (let round = 0; round < ROUNDS; round++) {
        const { userId, key, keyId, user } = await userWithKey(round, 'remove')
        // one assertion per signing server, each over its own challenge (the record keeps the newest five)
        const assertions = []
        for (let i = 1; i < SERVERS; i++) assertions.push(await signIn(userId, key))
        clock.now += STEP
        const proof = await user.codeAt(clock.now)
        race.tally.commits.length = 0
        arm()
        const [removed, ...signIns] = await Promise.all([
          apps[0]!.removeAuthenticator(userId, keyId, proof),
          ...assertions.map((a, i) => apps[i + 1]!.verify(userId, a)),
        ])
        expect(removed).toEqual({ ok: true })
        const removal = race.tally.commits.find((w) => w.server === 0)?.replaced as number
        for (const [i, result] of signIns.entries()) {
          const write = race.tally.commits.find((w) => w.server === i + 1)?.replaced
          if (result.ok) {
            // an accepted sign-in committed before the removal did
            expect(write).toBeLessThan(removal)
            signInsFirst++
          } else {
            // one that came after is refused: the key is no longer the user's
            expect(result).toEqual({ ok: false, reason: 'invalid' })
            if (write !== undefined) expect(write).toBeGreaterThan(removal)
            removalsFirst++
          }
        }
        expect((await apps[0]!.listAuthenticators(userId)).map((a) => a.kind)).toEqual(['totp'])
        const after = await signIn(userId, key).catch((e: unknown) => e)
        // the user has no key: no challenge options, so nothing to sign
        expect(after).toBeInstanceOf(Error)
      }
      // both orders happened (the store decides; with every server reading one version, removals win often)
      expect(removalsFirst + signInsFirst).toBe(ROUNDS * (SERVERS - 1))
      expect(removalsFirst).toBeGreaterThan(0)
    })
  })
}
