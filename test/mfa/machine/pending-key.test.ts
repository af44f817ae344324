// A security key's registration begun is pending like an app's enrollment: status shows it (and a first one makes the
// user 'pending'), cancelEnrollment cancels it with an event, and an expired one is removed but answers not_pending.
import { describe, expect, it } from 'vitest'
import * as m from '../../../src/mfa/machine/index.js'
import { emptyRecord, type MFARecord } from '../../../src/mfa/record/shapes.js'
import { PHONE, T, twoAuthenticators } from './fixtures.js'

const MIN = 60_000
const registration = {
  id: 'newkey',
  label: 'Key',
  challenge: 'Y2hhbGxlbmdl',
  createdAt: T - MIN,
  expiresAt: T + 9 * MIN,
}
const withKeyRegistration = (record: MFARecord, over: Partial<typeof registration> = {}): MFARecord => ({
  ...record,
  webauthn: { userHandle: 'aGFuZGxl', registration: { ...registration, ...over }, challenges: [] },
})
const appPending = (record: MFARecord): MFARecord => ({
  ...record,
  pending: {
    ...PHONE,
    id: 'newapp',
    createdAt: T - MIN,
    expiresAt: T + 9 * MIN,
    attempts: 0,
    replaces: null,
  },
})

describe('status of a security key registration begun', () => {
  // [rule, record, expected state, expected pendingSecurityKey]
  const rows: [string, MFARecord, string, object | undefined][] = [
    [
      'a first key begun',
      withKeyRegistration(emptyRecord()),
      'pending',
      { authenticatorId: 'newkey', expiresAt: T + 9 * MIN },
    ],
    [
      'a further key begun',
      withKeyRegistration(twoAuthenticators()),
      'active',
      { authenticatorId: 'newkey', expiresAt: T + 9 * MIN },
    ],
    ['an expired registration', withKeyRegistration(emptyRecord(), { expiresAt: T }), 'none', undefined],
    ['none begun', twoAuthenticators(), 'active', undefined],
  ]
  it.each(rows)('%s', (_rule, record, state, pendingKey) => {
    const out = m.status(record, T)
    expect(out.state).toBe(state)
    expect(out.pendingSecurityKey).toEqual(pendingKey)
  })
})

describe('cancelEnrollment cancels a security key registration begun', () => {
  // [rule, record, expected result, expected cancelled ids (events)]
  const rows: [string, MFARecord | null, string, string[]][] = [
    ['a key begun', withKeyRegistration(twoAuthenticators()), 'newkey', ['newkey']],
    ['a first key begun', withKeyRegistration(emptyRecord()), 'newkey', ['newkey']],
    [
      'an app and a key pending: both go, the app named',
      appPending(withKeyRegistration(emptyRecord())),
      'newapp',
      ['newapp', 'newkey'],
    ],
    ['an expired key registration', withKeyRegistration(twoAuthenticators(), { expiresAt: T }), 'not_pending', []],
    ['an app pending only', appPending(twoAuthenticators()), 'newapp', ['newapp']],
    ['nothing pending', twoAuthenticators(), 'not_pending', []],
    ['no record', null, 'not_pending', []],
  ]
  it.each(rows)('%s', (_rule, record, expected, cancelledIds) => {
    const t = m.cancelEnrollment(record, T)
    expect(t.result.ok ? t.result.authenticatorId : t.result.reason).toBe(expected)
    expect(t.events.map((e) => e.authenticatorId)).toEqual(cancelledIds)
    expect(t.events.every((e) => e.type === 'enrollment_cancelled' && e.reason === 'user')).toBe(true)
    if (record?.webauthn?.registration) {
      // removed whether live or expired; a user with no key keeps no WebAuthn state at all
      expect(t.next?.webauthn?.registration ?? null).toBeNull()
      expect(t.next?.pending).toBeNull()
      if (record.authenticators.length === 0) expect(t.next && 'webauthn' in t.next).toBe(false)
    }
  })
})
