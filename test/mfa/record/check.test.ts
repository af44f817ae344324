// The record check of the one optional field, `unsaved` (recovery codes shown again until saved): every row a
// stored record, valid or damaged. A record without it is what the release before wrote, and what is stored again
// whenever it is null, so that release keeps reading it.
import { describe, expect, it } from 'vitest'
import { parseRecord, serializeRecord } from '../../../src/mfa/record/parse.js'
import { emptyRecord, type MFARecord } from '../../../src/mfa/record/shapes.js'

const T = 1_800_000_000_000
const base: MFARecord = {
  ...emptyRecord(),
  enabledAt: T,
  recovery: { scheme: 'hmac', kid: 'k1', digests: ['a'.repeat(32)] },
  authenticators: [
    {
      id: 'phone',
      label: 'Phone',
      secret: { kid: 'k1', iv: 'AAAA', ct: 'BBBB' },
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      createdAt: T,
      lastUsedAt: T,
      lastStep: 60_000_000,
      drift: 0,
    },
  ],
}
const unsaved = {
  sealed: { kid: 'k1', iv: 'CCCC', ct: 'DDDD' },
  authenticatorId: 'phone',
  issuedAt: T,
  expiresAt: T + 900_000,
}
const stored = (changes: Record<string, unknown>) => JSON.stringify({ ...base, ...changes })

describe('unsaved recovery codes in the record', () => {
  const valid: [string, unknown][] = [
    ['sealed, for the confirmation that issued them', unsaved],
    ['without keys: the window only', { ...unsaved, sealed: null }],
    ['from a regeneration', { ...unsaved, authenticatorId: null }],
    ['for an authenticator removed since', { ...unsaved, authenticatorId: 'removed' }],
    ['a day long', { ...unsaved, expiresAt: T + 86_400_000 }],
    ['null, stored by hand', null],
  ]
  it.each(valid)('reads %s', (_, value) => {
    expect(parseRecord(stored({ unsaved: value })).unsaved).toEqual(value)
  })

  const damaged: [string, Record<string, unknown>][] = [
    ['a code in clear', { unsaved: { ...unsaved, sealed: { b32: 'ABCD' } } }],
    ['codes instead of a sealed copy', { unsaved: { ...unsaved, sealed: ['abcd-efgh-jkmn-pqrs'] } }],
    ['an extra field', { unsaved: { ...unsaved, codes: [] } }],
    ['a missing field', { unsaved: { sealed: null, issuedAt: T, expiresAt: T + 1 } }],
    ['an end before its start', { unsaved: { ...unsaved, expiresAt: T } }],
    ['longer than a day', { unsaved: { ...unsaved, expiresAt: T + 86_400_001 } }],
    ['a bad key id', { unsaved: { ...unsaved, sealed: { ...unsaved.sealed, kid: 'no spaces' } } }],
    ['an authenticator id that is not text', { unsaved: { ...unsaved, authenticatorId: 7 } }],
    ['no recovery digests beside it', { unsaved, recovery: null }],
    ['the unkeyed digests of 0.1.0 beside it', { unsaved, recovery: { scheme: 'sha256', digests: [] } }],
    ['a string', { unsaved: 'soon' }],
  ]
  it.each(damaged)('refuses %s', (_, changes) => {
    expect(() => parseRecord(stored(changes))).toThrow(expect.objectContaining({ code: 'ERR_RECORD_INVALID' }))
  })

  it('reads a record without the field as none, and writes none as no field at all', () => {
    const read = parseRecord(JSON.stringify({ ...base, unsaved: undefined }))
    expect(read.unsaved).toBeNull()
    expect(Object.keys(JSON.parse(serializeRecord(read)))).not.toContain('unsaved')
    expect(JSON.parse(serializeRecord({ ...base, unsaved })).unsaved).toEqual(unsaved)
    expect(parseRecord(serializeRecord({ ...base, unsaved }))).toEqual({ ...base, unsaved })
  })
})
