// The service's records on real stores: a pending enrollment expires with the enrollment (Redis PEXPIRE, SQL
// expires_at); once active, the record is permanent, so replay and throttling state can never expire.
import { createMFA, decodeBase32, generateTOTP } from 'mfa-core'
import { ensureTable } from 'mfa-core/storage/sql'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { ioredisStore, postgresStore } from './clients.js'

const servers = inject('storageServers')
const TTL = 10 * 60_000

async function enrollOn(store: Parameters<typeof createMFA>[0]['store'], userId: string) {
  const clock = { now: Date.now() }
  const mfa = createMFA({ store, issuer: 'Expiry Test', now: () => clock.now })
  const begun = await mfa.beginEnrollment(userId, { accountName: 'a@example.com' })
  if (!begun.ok) throw new Error(`beginEnrollment refused: ${begun.reason}`)
  const { secret, expiresAt } = begun
  return {
    expiresAt,
    confirm: async () => {
      const key = decodeBase32(secret)
      const first = await generateTOTP(key, { timestamp: clock.now - 30_000 })
      const second = await generateTOTP(key, { timestamp: clock.now })
      expect((await mfa.confirmEnrollment(userId, first, second)).ok).toBe(true)
    },
  }
}

describe.skipIf(!servers.redis)('Redis: pending enrollments expire, active records do not', () => {
  let opened: ReturnType<typeof ioredisStore>
  beforeAll(() => {
    opened = ioredisStore(servers.redis!.url, 'expiry:')
  })
  afterAll(() => opened?.close())

  test('PTTL follows the enrollment, then is cleared on confirmation', async () => {
    const user = await enrollOn(opened.store, 'redis-user')
    const pttl = await opened.redis.pttl('expiry:mfa:redis-user')
    // The service keeps the pending record one more enrollment TTL, so a late confirmation hears `expired`.
    expect(pttl).toBeGreaterThan(TTL)
    expect(pttl).toBeLessThanOrEqual(2 * TTL)
    await user.confirm()
    expect(await opened.redis.pttl('expiry:mfa:redis-user')).toBe(-1)
  })
})

describe.skipIf(!servers.postgres)('PostgreSQL: pending enrollments expire, active records do not', () => {
  let opened: Awaited<ReturnType<typeof postgresStore>>
  beforeAll(async () => {
    opened = await postgresStore(servers.postgres!.connectionString, 'expiry_store')
    await ensureTable({ dialect: 'postgres', query: opened.query, table: 'expiry_store' })
  })
  afterAll(() => opened?.close())

  test('expires_at follows the enrollment, then is cleared on confirmation', async () => {
    const user = await enrollOn(opened.store, 'pg-user')
    const row = async () =>
      (await opened.pool.query('SELECT expires_at FROM expiry_store WHERE id = $1', ['mfa:pg-user'])).rows[0]
    const expiresAt = Number((await row())?.expires_at)
    expect(expiresAt).toBeGreaterThan(user.expiresAt)
    expect(expiresAt).toBeLessThanOrEqual(user.expiresAt + TTL + 5_000)
    await user.confirm()
    expect((await row())?.expires_at).toBe(null)
  })
})
