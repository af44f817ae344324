// The authentication ceremony on the table of valid and tampered assertions (test/support/webauthn-cases.ts), the
// counter and backup rules, and what misuse throws.
import { isOTPError } from 'mfa-core'
import { verifyAuthentication, verifyRegistration } from 'mfa-core/webauthn'
import { describe, expect, it } from 'vitest'
import {
  ALGS,
  authentication,
  CHALLENGE,
  credential,
  FLAGS,
  ORIGIN,
  RP_ID,
  registration,
  stored,
} from '../support/webauthn'
import { webauthnCases } from '../support/webauthn-cases'

const cases = webauthnCases().filter((c) => c.ceremony === 'authentication')

describe('verifyAuthentication: the table of valid and tampered assertions', () => {
  it('has cases for every algorithm', () => {
    for (const alg of ALGS) expect(cases.filter((c) => c.alg === alg).length).toBeGreaterThan(50)
  })
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await verifyAuthentication(c.response, c as never)
    expect(result.ok ? 'ok' : result.reason).toBe(c.expected)
    if (result.ok && c.counterRegressed !== undefined) expect(result.counterRegressed).toBe(c.counterRegressed)
  })
})

describe('verifyAuthentication: a registered credential signs in', () => {
  it.each(ALGS)('registration then authentication (alg %i)', async (alg) => {
    const parts = credential(alg, { flags: FLAGS.UP | FLAGS.UV | FLAGS.BE })
    const options = { expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID }
    const registered = await verifyRegistration(registration(parts), options)
    if (!registered.ok) throw new Error(registered.reason)
    const { id, publicKey, signCount, backupEligible } = registered.credential
    const assertion = authentication({ ...parts, signCount: 3, flags: FLAGS.UP | FLAGS.BE | FLAGS.BS })
    const result = await verifyAuthentication(assertion, {
      ...options,
      credential: { id, publicKey, signCount, backupEligible },
    })
    expect(result).toEqual({ ok: true, signCount: 3, userVerified: false, backedUp: true, counterRegressed: false })
  })
  it('a signature of one credential does not verify under another key of the same algorithm', async () => {
    const a = credential(-7)
    const b = credential(-7)
    const result = await verifyAuthentication(authentication(a), {
      expectedChallenge: CHALLENGE,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: { ...stored(a), publicKey: b.key.cose },
    })
    expect(result).toEqual({ ok: false, reason: 'bad_signature' })
  })
})

describe('verifyAuthentication: developer misuse throws OTPError ERR_INVALID_OPTION', () => {
  const parts = credential(-8)
  const good = { expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID, credential: stored(parts) }
  const bad: [string, Record<string, unknown>][] = [
    ['credential missing', { credential: undefined }],
    ['credential id not base64url', { credential: { ...stored(parts), id: 'a b' } }],
    ['credential publicKey a string', { credential: { ...stored(parts), publicKey: 'pQECAyYgASFYIA' } }],
    ['credential publicKey not a COSE key', { credential: { ...stored(parts), publicKey: new Uint8Array(10) } }],
    [
      'credential publicKey of an unknown algorithm',
      { credential: { ...stored(parts), publicKey: Uint8Array.of(0xa2, 0x01, 0x02, 0x03, 0x38, 0x22) } },
    ],
    ['signCount negative', { credential: { ...stored(parts), signCount: -1 } }],
    ['signCount above 2^32 - 1', { credential: { ...stored(parts), signCount: 2 ** 32 } }],
    ['signCount fractional', { credential: { ...stored(parts), signCount: 1.5 } }],
    ['backupEligible a string', { credential: { ...stored(parts), backupEligible: 'no' } }],
    ['challenge missing', { expectedChallenge: undefined }],
  ]
  it.each(bad)('%s', async (_name, change) => {
    const error = await verifyAuthentication(authentication(parts), { ...good, ...change } as never).catch(
      (e: unknown) => e,
    )
    expect(isOTPError(error, 'ERR_INVALID_OPTION')).toBe(true)
  })
})
