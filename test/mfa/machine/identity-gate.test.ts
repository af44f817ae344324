// The console flow's identity check before the first binding, for both kinds of authenticator: under
// policy.requireIdentityProof a user with no authenticator begins an app's enrollment (begin) or a security key's
// registration (beginKeyRegistration) only on a fresh proof of a verification code sent for 'enroll'. Without the
// policy, or once the user has an authenticator, the gate is the one it always was.
import { describe, expect, it } from 'vitest'
import * as m from '../../../src/mfa/machine/index.js'
import { resolvePolicy } from '../../../src/mfa/policy.js'
import { emptyRecord, type MFARecord } from '../../../src/mfa/record/shapes.js'
import { identityClaims, openedProof, PHONE, S, T, twoAuthenticators } from './fixtures.js'

const _MIN = 60_000
const REQUIRED = resolvePolicy({ requireIdentityProof: true })
const OPEN = resolvePolicy({})

const claims = identityClaims
const proof = openedProof

const secret = {
  id: 'new',
  label: 'Phone',
  secret: { b32: 'A'.repeat(32) },
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
} as const
const key = { id: 'newkey', label: 'Key', challenge: 'Y2hhbGxlbmdl', userHandle: 'aGFuZGxl' }

/** Both ways to bind a first authenticator, as the operations call them: the gate, then the transition. */
const kinds = {
  app: (record: MFARecord | null, hasProof: boolean, evidence: m.ProofEvidence | null, policy = REQUIRED) =>
    m.begin(record, m.enrollGate(record, hasProof, T, policy), evidence, secret, T, policy).result,
  key: (record: MFARecord | null, hasProof: boolean, evidence: m.ProofEvidence | null, policy = REQUIRED) =>
    m.beginKeyRegistration(record, m.enrollGate(record, hasProof, T, policy), evidence, key, T, policy).result,
}

const nobody = null
const fresh = emptyRecord()
// [rule, record, has proof, evidence, policy, expected]
const rows: [string, MFARecord | null, boolean, m.ProofEvidence | null, 'required' | 'open', string][] = [
  ['an email proof for enroll, no record yet', nobody, true, proof(claims()), 'required', 'proof_revoked'],
  ['an email proof for enroll', fresh, true, proof(claims()), 'required', 'ok'],
  ['an SMS proof for enroll', fresh, true, proof(claims({ method: 'sms' })), 'required', 'ok'],
  ['no proof', fresh, false, null, 'required', 'proof_required'],
  ['a code typed instead of a proof', fresh, true, { kind: 'totp', match: null }, 'required', 'proof_required'],
  [
    'a proof for another purpose',
    fresh,
    true,
    proof(claims({ purpose: 'change_email' })),
    'required',
    'purpose_mismatch',
  ],
  [
    'a proof too old',
    fresh,
    true,
    { ...proof(claims()), maxAgeMs: 30_000 } as m.ProofEvidence,
    'required',
    'proof_expired',
  ],
  ['a locked user', { ...fresh, lockedUntil: T + 1 }, true, proof(claims()), 'required', 'locked'],
  ['without the policy, no proof', fresh, false, null, 'open', 'ok'],
  // with an authenticator the usual proof gate applies, and an email proof never authorizes adding one
  [
    'a user with MFA, an email proof',
    twoAuthenticators(),
    true,
    proof(claims({ generation: twoAuthenticators().generation })),
    'required',
    'method_not_allowed',
  ],
  [
    'a user with MFA, a code',
    twoAuthenticators(),
    true,
    { kind: 'totp', match: { authenticatorId: PHONE.id, step: S } },
    'required',
    'ok',
  ],
]

describe.each(Object.entries(kinds))('the identity gate of a first %s', (_kind, run) => {
  it.each(rows)('%s', (_rule, record, hasProof, evidence, policy, expected) => {
    const result = run(record, hasProof, evidence, policy === 'required' ? REQUIRED : OPEN)
    expect(result.ok ? 'ok' : result.reason).toBe(expected)
  })
})
