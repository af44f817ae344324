// A driver's error as the cause of ERR_STORAGE keeps its class name, code and message only. mysql2 attaches the
// statement it ran with the parameters inlined (`sql`) and ioredis the command's arguments (`command.args`): for a
// write, the whole MFA record, secret included, which `console.error(error)` would print. Real failures on a real
// MariaDB (a value too long for its column) and a real Redis (an ACL user that may read but not write).
import { inspect } from 'node:util'
import Redis from 'ioredis'
import { createMFA, isOTPError, type MFAStore } from 'mfa-core'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { ioredisStore, mysqlStore } from './clients.js'

const servers = inject('storageServers')
// what a record in clear looks like in a driver's error: its JSON, and a base32 secret
const LEAKS = [/"b32"/, /"schema"/, /[A-Z2-7]{32}/, /INSERT|HSET/i]
const MARKER = 'marker-JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

async function caught(call: () => Promise<unknown>): Promise<Error & { code?: unknown; cause?: unknown }> {
  try {
    await call()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

/** Everything `console.error` would print of an error, causes and hidden properties included. */
const printed = (error: unknown) => inspect(error, { depth: null, showHidden: true })

/**
 * The raw driver error leaks the data it was given (else this test proves nothing); through the service, the cause
 * is the driver error reduced to its name, code and message, and nothing printed shows the record.
 */
async function expectReduced(store: MFAStore, leaked: (raw: unknown) => unknown) {
  const raw = await caught(() => store.set('cause-user', `{"x":"${MARKER}"}`, null))
  expect(String(leaked(raw))).toContain(MARKER)
  const mfa = createMFA({ store, issuer: 'Example' })
  const error = await caught(() => mfa.beginEnrollment('cause-user', { accountName: 'alice@example.com' }))
  expect(isOTPError(error, 'ERR_STORAGE')).toBe(true)
  const cause = error.cause as Error & { code?: unknown }
  expect({ name: cause.name, code: cause.code, message: cause.message }).toEqual({
    name: raw.name,
    code: raw.code,
    message: raw.message,
  })
  // nothing else of the driver's error: no sql, sqlMessage, command, args
  expect(Object.keys(cause).filter((k) => k !== 'code' && k !== 'name')).toEqual([])
  for (const leak of LEAKS) expect(printed(error)).not.toMatch(leak)
}

describe.skipIf(servers.mariadb === null)('mysql2 on MariaDB: a value too long for its column', () => {
  let opened: Awaited<ReturnType<typeof mysqlStore>>
  beforeAll(async () => {
    const admin = await mysql.createConnection(servers.mariadb!.uri)
    await admin.query('DROP TABLE IF EXISTS cause_small')
    // the adapter's columns, with room for 16 characters of data: every record is too long (strict mode)
    await admin.query(
      'CREATE TABLE cause_small (id VARBINARY(512) NOT NULL PRIMARY KEY, data VARCHAR(16) NOT NULL, ' +
        'version BIGINT NOT NULL, expires_at BIGINT NULL, refused_creates BIGINT NOT NULL DEFAULT 0) ENGINE=InnoDB',
    )
    await admin.end()
    opened = await mysqlStore(servers.mariadb!.uri, 'cause_small')
  })
  afterAll(() => opened?.close())

  test("ERR_STORAGE's cause has ER_DATA_TOO_LONG and its message, never the statement", async () => {
    await expectReduced(opened.store, (raw) => (raw as { sql?: string }).sql)
    const error = await caught(() =>
      createMFA({ store: opened.store, issuer: 'E' }).beginEnrollment('u', { accountName: 'a' }),
    )
    expect((error.cause as { code?: unknown }).code).toBe('ER_DATA_TOO_LONG')
  })
})

describe.skipIf(servers.redis === null)('ioredis on Redis: a user that may read but not write', () => {
  let admin: Redis
  let opened: ReturnType<typeof ioredisStore>
  beforeAll(async () => {
    admin = new Redis(servers.redis!.url)
    // scripts may run and read; the writes they make are refused (NOPERM), after the read found nothing
    await admin.call('ACL', 'SETUSER', 'cause_reader', 'reset', 'on', '>cause-pw', '~*', '+@all', '-hset', '-hincrby')
    opened = ioredisStore(servers.redis!.url, 'cause:', { username: 'cause_reader', password: 'cause-pw' })
  })
  afterAll(async () => {
    await opened?.close()
    await admin?.call('ACL', 'DELUSER', 'cause_reader')
    admin?.disconnect()
  })

  test("ERR_STORAGE's cause is the ReplyError's name and message, never the command's arguments", async () => {
    await expectReduced(opened.store, (raw) => JSON.stringify((raw as { command?: unknown }).command))
    const error = await caught(() =>
      createMFA({ store: opened.store, issuer: 'E' }).beginEnrollment('u', { accountName: 'a' }),
    )
    expect((error.cause as Error).name).toBe('ReplyError')
    expect((error.cause as Error).message).toMatch(/NOPERM|no permissions|user executing the script can/i)
  })
})
