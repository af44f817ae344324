// Key rotation that finishes, on PostgreSQL, the way docs/security.md tells an operator to do it: users enrolled
// under key k1 (active with recovery codes and a trusted device, one who never comes back, one with a pending
// enrollment, one turned off); k2 made current; every record rewritten (rewriteRecord over the table's ids, as an
// operator's script would); the table searched for the old key id; then k1 retired, and every user's credentials
// still work under k2 alone.
import { createMFA, decodeBase32, generateTOTP, type MFAOptions, type MFAStore } from 'mfa-core'
import { ensureTable } from 'mfa-core/storage/sql'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { postgresStore } from './clients.js'

const servers = inject('storageServers')
const TABLE = 'rotation_store'
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const STEP = 30_000
const k1 = new Uint8Array(32).fill(0x11)
const k2 = new Uint8Array(32).fill(0x22)

describe.skipIf(!servers.postgres)('PostgreSQL: a key rotation that ends with the old key retired', () => {
  let opened: Awaited<ReturnType<typeof postgresStore>>
  beforeAll(async () => {
    opened = await postgresStore(servers.postgres!.connectionString, TABLE)
    await ensureTable({ dialect: 'postgres', query: opened.query, table: TABLE })
    await opened.pool.query(`DELETE FROM ${TABLE}`)
  })
  afterAll(() => opened?.close())

  test('rewrite every record under k2, find no k1 left, then serve every user with k2 alone', async () => {
    const clock = { now: T0 + 1000 }
    const service = (encryptionKeys: MFAOptions['encryptionKeys'], store: MFAStore = opened.store) =>
      createMFA({ store, issuer: 'Rotation Test', now: () => clock.now, encryptionKeys })
    const old = service({ current: 'k1', keys: { k1 } })
    const code = (secret: string, at = clock.now) => generateTOTP(decodeBase32(secret), { timestamp: at })

    const users: Record<string, { secret: string; recovery: string[]; token?: string }> = {}
    for (const userId of ['active', 'idle', 'disabled']) {
      clock.now = T0 + 1000
      const begun = await old.beginEnrollment(userId, { accountName: `${userId}@example.com` })
      if (!begun.ok) throw new Error(begun.reason)
      const first = await code(begun.secret)
      clock.now += STEP
      const confirmed = await old.confirmEnrollment(userId, first, await code(begun.secret))
      if (!confirmed.ok) throw new Error(confirmed.reason)
      users[userId] = { secret: begun.secret, recovery: confirmed.recoveryCodes }
    }
    clock.now = T0 + 3 * STEP + 1000
    const trusted = await old.verify('active', await code(users.active!.secret), { trustDevice: { label: 'Laptop' } })
    if (!trusted.ok || !trusted.device) throw new Error('login failed')
    users.active!.token = trusted.device.token
    expect(await old.disable('disabled', users.disabled!.recovery[0] as string)).toEqual({ ok: true })
    const pending = await old.beginEnrollment('pending', { accountName: 'pending@example.com' })
    if (!pending.ok) throw new Error(pending.reason)

    // 1. k2 becomes current, k1 stays listed: everything still reads
    const rotating = service({ current: 'k2', keys: { k1, k2 } })
    const ids = async () =>
      (await opened.pool.query(`SELECT id FROM ${TABLE} ORDER BY id`)).rows.map((r) => String(r.id))
    const userIds = (await ids()).map((id) => id.slice('mfa:'.length))
    expect(userIds).toEqual(['active', 'disabled', 'idle', 'pending'])
    for (const userId of userIds) expect((await rotating.status(userId)).keyIds).toEqual(['k1'])

    // 2. every record rewritten under k2
    for (const userId of userIds) expect(await rotating.rewriteRecord(userId)).toEqual({ ok: true, keyIds: ['k2'] })

    // 3. the search docs/security.md tells the operator to run finds nothing
    const left = await opened.pool.query(`SELECT id FROM ${TABLE} WHERE data LIKE $1`, ['%"kid":"k1"%'])
    expect(left.rows).toEqual([])

    // 4. k1 retired: every user is served by k2 alone, every credential kept
    const retired = service({ current: 'k2', keys: { k2 } })
    clock.now = T0 + 5 * STEP + 1000
    for (const userId of ['active', 'idle']) {
      const user = users[userId]!
      expect(await retired.verify(userId, await code(user.secret))).toMatchObject({ ok: true, method: 'totp' })
      expect(await retired.verify(userId, user.recovery[1] as string)).toEqual({ ok: true, method: 'recovery' })
    }
    expect(await retired.verifyTrustedDevice('active', users.active!.token as string)).toMatchObject({ ok: true })
    expect(await retired.status('disabled')).toEqual({ state: 'none', keyIds: ['k2'] })
    const first = await code(pending.secret, T0 + 3 * STEP + 1000)
    const confirmed = await retired.confirmEnrollment(
      'pending',
      first,
      await code(pending.secret, T0 + 4 * STEP + 1000),
    )
    expect(confirmed).toMatchObject({ ok: true, authenticatorId: pending.authenticatorId })

    // and a service that only has the retired key reads nothing any more: it was really retired
    await expect(service({ current: 'k1', keys: { k1 } }).status('idle')).rejects.toMatchObject({
      code: 'ERR_DECRYPT',
    })
  })
})
