// Trusted-device tokens under concurrency: several app servers (each its own connection and createMFA) present a
// device token and its copy at once, on SQLite, PostgreSQL and Redis. The store's compare-and-set lets at most one
// rotation win; every other request then presents a token that rotation replaced, which is a reuse: the device is
// revoked (once), every request but the winner is refused, and no token of the device works afterwards. Never two
// live copies.
import { createMFA, type MFA, type MFAEvent, type MFAStore } from 'mfa-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openBackend } from './clients.js'
import { type Contender, contenders } from './contenders.js'
import { enroll, raceBarrier } from './helpers.js'

const SERVERS = 6
const ROUNDS = 10

const cases = contenders({ table: 'device_race', prefix: 'device-race:' }, ['sqlite', 'postgres', 'redis'])

for (const c of cases) {
  describe.skipIf(!c.available)(`one device token, ${SERVERS} app servers at once, ${c.name}`, () => {
    let opened: Awaited<ReturnType<Contender['open']>> | undefined
    // one connection of its own for each app server
    const connections: { store: MFAStore; close(): Promise<void> }[] = []
    const clock = { now: 0 }
    const events: MFAEvent[] = []
    let apps: MFA[] = []
    // every server's first read of a round waits for the others' (see raceBarrier); the lost writes are counted: proof
    // that the requests really overlapped
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
          policy: { maxFailures: 100 },
          onEvent: (e) => {
            events.push(e)
          },
        })
      })
    })
    afterAll(async () => {
      for (const connection of connections) await connection.close()
      await opened?.close()
    })

    /** A user enrolled, logged in on a browser trusted for 30 days: the user id and the device's token. */
    async function trustedUser(round: number, name: string) {
      const userId = `device-${name}-${round}-${Date.now()}`
      const user = await enroll(connections[0]!.store, userId)
      clock.now = user.loginAt
      const login = await apps[0]!.verify(userId, user.loginCode, { trustDevice: { label: 'Race browser' } })
      if (!login.ok || !login.device) throw new Error('the login that trusts the device failed')
      return { userId, token: login.device.token, deviceId: login.device.id }
    }

    /** After a race: the device is revoked, once, for reuse; none of `tokens` works from any server. */
    async function expectRevoked(userId: string, deviceId: string, tokens: string[]) {
      const revoked = events.filter((e) => e.userId === userId && e.type === 'device_revoked')
      expect(revoked.map((e) => [e.deviceId, e.reason])).toEqual([[deviceId, 'reuse']])
      for (const [i, token] of tokens.entries()) {
        const app = apps[i % SERVERS]!
        expect(await app.verifyTrustedDevice(userId, token)).toEqual({ ok: false, reason: 'device_revoked' })
      }
      expect(await apps[0]!.listTrustedDevices(userId)).toEqual([])
    }

    test(`one token (the cookie and its copy) at ${SERVERS} app servers at once: one rotation at most, then the device is revoked`, async () => {
      const before = race.tally.lost
      for (let round = 0; round < ROUNDS; round++) {
        const { userId, token, deviceId } = await trustedUser(round, 'same')
        arm()
        const results = await Promise.all(apps.map((app) => app.verifyTrustedDevice(userId, token)))
        const winners = results.filter((r) => r.ok)
        // every server read the same version: one rotation commits, the others' retries see its replaced token
        expect(winners).toHaveLength(1)
        expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason))).toEqual(
          Array(SERVERS - 1).fill('device_revoked'),
        )
        await expectRevoked(userId, deviceId, [token, ...winners.map((w) => (w.ok ? w.token : ''))])
        // every refusal was counted against the user's budget, none lost: the race's and the two checks above
        const entry = await connections[0]!.store.get(`mfa:${userId}`)
        expect((JSON.parse(entry!.data) as { failures: number }).failures).toBe(SERVERS - 1 + 2)
      }
      // every round, at least the other servers' first writes lost (their retries race one another too)
      expect(race.tally.lost - before).toBeGreaterThanOrEqual(ROUNDS * (SERVERS - 1))
    })

    test(`the thief rotated the copy first; the thief's token and the real browser's at ${SERVERS} app servers at once: the device ends revoked`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { userId, token, deviceId } = await trustedUser(round, 'copy')
        clock.now += 60_000
        const thief = await apps[1]!.verifyTrustedDevice(userId, token)
        if (!thief.ok) throw new Error("the thief's copy was refused")
        clock.now += 60_000
        arm()
        // half the servers serve the thief (the fresh token), half the real browser (the token the thief replaced)
        const presented = apps.map((_, i) => (i % 2 === 0 ? thief.token : token))
        const results = await Promise.all(apps.map((app, i) => app.verifyTrustedDevice(userId, presented[i]!)))
        const winners = results.filter((r) => r.ok)
        // the thief may win one rotation before a stale token is seen, never more; the device is revoked either way
        expect(winners.length).toBeLessThanOrEqual(1)
        expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason))).toEqual(
          Array(SERVERS - winners.length).fill('device_revoked'),
        )
        await expectRevoked(userId, deviceId, [token, thief.token, ...winners.map((w) => (w.ok ? w.token : ''))])
      }
    })
  })
}
