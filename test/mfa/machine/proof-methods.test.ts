// The machine's rule of which proof methods may authorize which change (policy.proofMethods), one table: every
// change, proven by a code of an authenticator, a recovery code or a step-up proof of either method, under the
// default policy and a strict one. A method the policy refuses writes nothing: the code is not consumed, no
// failure is counted, and a `failed` event says `method_not_allowed`.
import { describe, expect, it } from 'vitest'
import type { MFAPolicy, ProofChange } from '../../../src/mfa/api.js'
import * as m from '../../../src/mfa/machine/index.js'
import { resolvePolicy } from '../../../src/mfa/policy.js'
import type { MFARecord } from '../../../src/mfa/record/shapes.js'
import { RECOVERY, S, T, TABLET, twoAuthenticators } from './fixtures.js'

const record: MFARecord = twoAuthenticators({ failures: 1 })
const DEFAULT = resolvePolicy({})
const STRICT = resolvePolicy({ proofMethods: { enroll: ['totp'], remove: ['totp'], regenerate: ['totp'] } })
const RECOVERY_ONLY = resolvePolicy({ proofMethods: { disable: ['recovery'] } })

type Evidence = 'code' | 'recovery code' | 'totp proof' | 'recovery proof'
const evidenceOf = (e: Evidence): m.ProofEvidence => {
  if (e === 'code') return { kind: 'totp', match: { authenticatorId: 'phone', step: S } }
  if (e === 'recovery code') return { kind: 'recovery', digest: RECOVERY.digests[0] as string }
  const method = e === 'totp proof' ? 'totp' : 'recovery'
  const claims = { kid: '0', verifiedAt: T - 60_000, generation: 4, method, authenticatorId: null } as const
  return {
    kind: 'proof',
    opened: { ok: true, claims: method === 'totp' ? { ...claims, method, authenticatorId: 'phone' } : claims },
    maxAgeMs: 600_000,
  }
}

/** Runs `change` on the record with `evidence` under `policy`. */
function attempt(change: ProofChange, evidence: Evidence, policy: MFAPolicy) {
  const g = m.codeGate(record, T, policy)
  if ('reason' in g) throw new Error(g.reason)
  const ev = evidenceOf(evidence)
  if (change === 'enroll') return m.begin(record, g, ev, { ...TABLET, id: 'new' }, T, policy)
  if (change === 'remove') return m.removeAuthenticator(record, 'tablet', g, ev, T, policy)
  if (change === 'disable') return m.disable(record, g, ev, T, policy)
  const t = m.regenerateRecoveryCodes(record, g, ev, T, policy)
  return 'needsRecovery' in t ? t.needsRecovery({ codes: ['c'], digests: RECOVERY, sealed: null }) : t
}

describe('policy.proofMethods: which proof may authorize which change', () => {
  // [change, evidence, policy name, policy, accepted]
  const rows: [ProofChange, Evidence, string, MFAPolicy, boolean][] = []
  const all: Evidence[] = ['code', 'recovery code', 'totp proof', 'recovery proof']
  for (const change of ['enroll', 'remove', 'regenerate', 'disable'] as const) {
    for (const e of all) rows.push([change, e, 'default', DEFAULT, true])
  }
  rows.push(
    ['enroll', 'code', 'strict', STRICT, true],
    ['enroll', 'totp proof', 'strict', STRICT, true],
    ['enroll', 'recovery code', 'strict', STRICT, false],
    ['enroll', 'recovery proof', 'strict', STRICT, false],
    ['remove', 'recovery code', 'strict', STRICT, false],
    ['remove', 'recovery proof', 'strict', STRICT, false],
    ['regenerate', 'recovery code', 'strict', STRICT, false],
    ['regenerate', 'recovery proof', 'strict', STRICT, false],
    // what the strict policy leaves open: a recovery code may still turn MFA off (loudly: every device revoked)
    ['disable', 'recovery code', 'strict', STRICT, true],
    ['disable', 'recovery proof', 'strict', STRICT, true],
    ['disable', 'code', 'recovery-only disable', RECOVERY_ONLY, false],
    ['disable', 'totp proof', 'recovery-only disable', RECOVERY_ONLY, false],
    ['disable', 'recovery code', 'recovery-only disable', RECOVERY_ONLY, true],
  )

  it.each(rows)('%s with a %s under the %s policy', (change, evidence, _, policy, accepted) => {
    const t = attempt(change, evidence, policy)
    if (accepted) {
      expect(t.result).toMatchObject({ ok: true })
      expect(t.next).toBeDefined()
      return
    }
    expect(t.result).toEqual({ ok: false, reason: 'method_not_allowed' })
    // nothing written: the recovery code stays unused, the step unconsumed, the failure count unchanged
    expect(t.next).toBeUndefined()
    expect(t.events).toEqual([
      evidence === 'code' || evidence === 'totp proof'
        ? { type: 'failed', reason: 'method_not_allowed', authenticatorId: 'phone' }
        : { type: 'failed', reason: 'method_not_allowed' },
    ])
  })

  it('checks the proof before the method: a wrong code is a failure, a stale proof is revoked, whatever the policy', () => {
    const g = m.codeGate(record, T, STRICT)
    if ('reason' in g) throw new Error(g.reason)
    const wrong = m.begin(record, g, { kind: 'recovery', digest: 'f'.repeat(32) }, { ...TABLET, id: 'n' }, T, STRICT)
    expect(wrong.result).toEqual({ ok: false, reason: 'invalid' })
    expect(wrong.next?.failures).toBe(2)
    const stale = evidenceOf('recovery proof')
    if (stale.kind === 'proof' && stale.opened.ok) stale.opened.claims.generation = 3
    expect(m.disable(record, g, stale, T, STRICT).result).toEqual({ ok: false, reason: 'proof_revoked' })
  })
})

describe('policy.proofMethods option', () => {
  it.each<[string, unknown]>([
    ['a list that is not an array', { enroll: 'totp' }],
    ['an empty list', { enroll: [] }],
    ['an unknown method', { enroll: ['sms'] }],
    ['a method twice', { remove: ['totp', 'totp'] }],
    ['an unknown change', { login: ['totp'] }],
    ['not an object', ['totp']],
    ['null', null],
  ])('refuses %s with ERR_INVALID_OPTION', (_, proofMethods) => {
    expect(() => resolvePolicy({ proofMethods } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
  })

  it('merges a partial object over the default (every method for every change)', () => {
    expect(DEFAULT.proofMethods).toEqual({
      enroll: ['totp', 'recovery', 'webauthn'],
      remove: ['totp', 'recovery', 'webauthn'],
      regenerate: ['totp', 'recovery', 'webauthn'],
      disable: ['totp', 'recovery', 'webauthn'],
    })
    expect(resolvePolicy({ proofMethods: { enroll: ['totp'] } }).proofMethods).toEqual({
      ...DEFAULT.proofMethods,
      enroll: ['totp'],
    })
  })
})
