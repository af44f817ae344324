// The machine's key rules, one table: which encryption key ids a record still needs (sealed secrets, the key of
// its recovery digests, its MAC), and the rewrite that hands a record to the transaction unchanged.
import { describe, expect, it } from 'vitest'
import * as m from '../../../src/mfa/machine/index.js'
import { emptyRecord, type MFARecord } from '../../../src/mfa/record/shapes.js'
import { PHONE, RECOVERY, S, T, TABLET } from './fixtures.js'

const sealed = (kid: string) => ({ kid, iv: 'AAAA', ct: 'BBBB' })
const active = (over: Partial<MFARecord> = {}): MFARecord => ({
  ...emptyRecord(),
  enabledAt: T,
  authenticators: [{ ...PHONE, createdAt: T, lastUsedAt: null, lastStep: S, drift: 0 }],
  ...over,
})
const pending = { ...TABLET, id: 'p', createdAt: T, expiresAt: T + 1, attempts: 0, replaces: null }

describe('keyIds: the encryption keys a record cannot be read without', () => {
  // [rule, record, expected]
  const rows: [string, MFARecord, string[]][] = [
    ['a record written without keys', active(), []],
    ['an empty record', emptyRecord(3), []],
    ['a tombstone with a MAC', { ...emptyRecord(3), mac: { kid: 'k2', tag: 'f'.repeat(64) } }, ['k2']],
    [
      'secrets under two keys',
      active({
        authenticators: [
          { ...PHONE, secret: sealed('k2'), createdAt: T, lastUsedAt: null, lastStep: S, drift: 0 },
          { ...TABLET, secret: sealed('k1'), createdAt: T, lastUsedAt: null, lastStep: S, drift: 0 },
        ],
      }),
      ['k1', 'k2'],
    ],
    ['a pending secret', active({ pending: { ...pending, secret: sealed('k0') } }), ['k0']],
    ['hmac recovery digests', active({ recovery: RECOVERY }), ['k1']],
    [
      'sealed recovery digests (the key of an older hmac set, sealed)',
      active({ recovery: { scheme: 'sealed', key: sealed('k3'), digests: [] } }),
      ['k3'],
    ],
    [
      'pbkdf2 recovery digests need no key',
      active({ recovery: { scheme: 'pbkdf2', salt: 'AA', iterations: 1000, digests: [] } }),
      [],
    ],
    [
      'everything under one key, listed once',
      active({
        authenticators: [{ ...PHONE, secret: sealed('k2'), createdAt: T, lastUsedAt: null, lastStep: S, drift: 0 }],
        recovery: { scheme: 'hmac', kid: 'k2', digests: [] },
        mac: { kid: 'k2', tag: 'f'.repeat(64) },
      }),
      ['k2'],
    ],
  ]
  it.each(rows)('%s', (_, record, expected) => {
    expect(m.keyIds(record)).toEqual(expected)
    // status shows the same list, only when there is one
    const shown = m.status(record, T)
    if (expected.length > 0) expect(shown.keyIds).toEqual(expected)
    else expect(shown).not.toHaveProperty('keyIds')
  })
})

describe('rewrite', () => {
  it('hands the record back as it is to be written, without an event; no record is not_found', () => {
    const record = active({ recovery: RECOVERY })
    expect(m.rewrite(record)).toEqual({ result: { ok: true }, next: record, events: [] })
    expect(m.rewrite(null)).toEqual({ result: { ok: false, reason: 'not_found' }, events: [] })
  })
})
