// A store whose table was never created (no ensureTable, no migration): the first call fails closed with an error
// that says what to do, on a real SQLite, PostgreSQL and MariaDB, directly and through the MFA service.
import { createMFA, isOTPError, type MFAStore } from 'mfa-core'
import { ensureTable, sqlStore } from 'mfa-core/storage/sql'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { mysqlStore, openSqlite, postgresStore } from './clients.js'

const servers = inject('storageServers')

async function caught(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

async function expectHint(store: MFAStore, driverMessage: RegExp): Promise<void> {
  const direct = await caught(() => store.get('user-1'))
  expect(isOTPError(direct, 'ERR_STORAGE')).toBe(true)
  expect((direct as Error).message).toMatch(/^the table "\w+" does not exist/)
  expect((direct as Error).message).toContain('ensureTable')
  expect(String(((direct as Error).cause as Error).message)).toMatch(driverMessage)
  // the service fails closed and keeps the adapter's hint as its cause
  const mfa = createMFA({ store, issuer: 'Example' })
  const through = await caught(() => mfa.beginEnrollment('user-1', { accountName: 'alice@example.com' }))
  expect(isOTPError(through, 'ERR_STORAGE')).toBe(true)
  expect(JSON.stringify([(through as Error).message, ((through as Error).cause as Error).message])).toContain(
    'ensureTable',
  )
}

describe('sqlStore without its table', () => {
  test('SQLite (better-sqlite3): ERR_STORAGE names ensureTable, the driver error is the cause', async () => {
    const { db, query } = openSqlite(':memory:')
    const store = sqlStore({ dialect: 'sqlite', query })
    await expectHint(store, /no such table/)
    // and once the table exists, the same store works
    await ensureTable({ dialect: 'sqlite', query })
    expect(await store.get('user-1')).toBeNull()
    db.close()
  })

  test('other failures pass through unchanged', async () => {
    const boom = new Error('connection refused')
    const store = sqlStore({
      dialect: 'postgres',
      query: () => {
        throw boom
      },
    })
    expect(await caught(() => store.get('k'))).toBe(boom)
  })

  const onServers = [
    {
      name: 'PostgreSQL (pg Pool)',
      available: servers.postgres !== null,
      open: () => postgresStore(servers.postgres!.connectionString, 'never_created'),
      error: 'SQLSTATE 42P01',
      driverMessage: /relation "never_created" does not exist/,
    },
    {
      name: 'MariaDB (mysql2 Pool)',
      available: servers.mariadb !== null,
      open: () => mysqlStore(servers.mariadb!.uri, 'never_created'),
      error: 'ER_NO_SUCH_TABLE',
      driverMessage: /never_created' doesn't exist/,
    },
  ]
  for (const server of onServers) {
    describe.skipIf(!server.available)(server.name, () => {
      let opened: { store: MFAStore; close(): Promise<void> }
      beforeAll(async () => {
        opened = await server.open()
      })
      afterAll(() => opened?.close())
      test(`${server.error} becomes ERR_STORAGE naming ensureTable`, async () => {
        await expectHint(opened.store, server.driverMessage)
      })
    })
  }
})
