// Trusted-device tokens under concurrency: several app servers (each its own connection and createMFA) present the
// same device token at once, on SQLite, PostgreSQL and Redis. Exactly one rotation wins; every other request is
// refused (its compare-and-set lost, the retry sees the token already replaced), and the winner's token works.
import { createMFA, type MFA, type MFAStore } from 'mfa-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openBackend } from './clients.js'
import { type Contender, contenders } from './contenders.js'
import { enroll } from './helpers.js'

const SERVERS = 6
const ROUNDS = 10

const cases = contenders({ table: 'device_race', prefix: 'device-race:' }, ['sqlite', 'postgres', 'redis'])

for (const c of cases) {
  describe.skipIf(!c.available)(`one device token, ${SERVERS} app servers at once, ${c.name}`, () => {
    let opened: Awaited<ReturnType<Contender['open']>> | undefined
    // one connection of its own for each app server
    const connections: { store: MFAStore; close(): Promise<void> }[] = []
    let lost = 0
    const clock = { now: 0 }
    let apps: MFA[] = []
    // A barrier after the first read of a round: no server goes on until every server has read the record, so all of
    // them hold the same version and the requests overlap on every backend (a synchronous SQLite driver would
    // otherwise let them run one after another; a barrier before the read let a slow reader see the winner's write).
    // The store itself still decides which compare-and-set wins.
    let barrier: { waiting: (() => void)[]; open: boolean } = { waiting: [], open: true }
    const arm = () => {
      barrier = { waiting: [], open: false }
    }

    beforeAll(async () => {
      opened = await c.open()
      for (let i = 0; i < SERVERS; i++) connections.push(await openBackend(opened.backend))
      apps = connections.map(({ store }) => {
        // counts the compare-and-sets that lost: proof that the requests really overlapped
        const counting: MFAStore = {
          get: async (key) => {
            const b = barrier
            const entry = await store.get(key)
            if (!b.open) {
              await new Promise<void>((release) => {
                b.waiting.push(release)
                if (b.waiting.length === SERVERS) {
                  b.open = true
                  for (const r of b.waiting) r()
                }
              })
            }
            return entry
          },
          delete: (key, version) => store.delete(key, version),
          set: async (key, data, version, options) => {
            const won = await store.set(key, data, version, options)
            if (!won) lost++
            return won
          },
        }
        return createMFA({ store: counting, issuer: 'Race Test', now: () => clock.now, policy: { maxFailures: 100 } })
      })
    })
    afterAll(async () => {
      for (const connection of connections) await connection.close()
      await opened?.close()
    })

    test(`exactly one of ${SERVERS} simultaneous uses rotates the token; the others are refused`, async () => {
      const before = lost
      for (let round = 0; round < ROUNDS; round++) {
        const userId = `device-${round}-${Date.now()}`
        const user = await enroll(connections[0]!.store, userId)
        clock.now = user.loginAt
        const login = await apps[0]!.verify(userId, user.loginCode, { trustDevice: { label: 'Race browser' } })
        if (!login.ok || !login.device) throw new Error('the login that trusts the device failed')
        const token = login.device.token
        arm()
        const results = await Promise.all(apps.map((app) => app.verifyTrustedDevice(userId, token)))
        const winners = results.filter((r) => r.ok)
        expect(winners).toHaveLength(1)
        expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason))).toEqual(
          Array(SERVERS - 1).fill('device_revoked'),
        )
        const winner = winners[0]
        if (!winner?.ok) return
        // the presented token is dead everywhere; the winner's replacement works once, from any server
        expect(await apps[1]!.verifyTrustedDevice(userId, token)).toMatchObject({
          ok: false,
          reason: 'device_revoked',
        })
        const next = await apps[SERVERS - 1]!.verifyTrustedDevice(userId, winner.token)
        expect(next.ok).toBe(true)
        // the refusals were counted against the user's budget, none lost: with the one above, SERVERS failures
        const entry = await connections[0]!.store.get(`mfa:${userId}`)
        expect((JSON.parse(entry!.data) as { failures: number }).failures).toBe(SERVERS)
      }
      // every round, at least the other servers' first writes lost (their retries, which count a failure each,
      // race one another too)
      expect(lost - before).toBeGreaterThanOrEqual(ROUNDS * (SERVERS - 1))
    })
  })
}
