// The registration ceremony on the table of valid and tampered responses (test/support/webauthn-cases.ts), made by
// the software authenticator, plus what the credential returned holds and what misuse throws.
import { isOTPError } from 'mfa-core'
import { verifyRegistration } from 'mfa-core/webauthn'
import { describe, expect, it } from 'vitest'
import {
  ALGS,
  b64url,
  CHALLENGE,
  credential,
  FLAGS,
  fromB64url,
  ORIGIN,
  RP_ID,
  registration,
} from '../support/webauthn'
import { webauthnCases } from '../support/webauthn-cases'

const cases = webauthnCases().filter((c) => c.ceremony === 'registration')

describe('verifyRegistration: the table of valid and tampered responses', () => {
  it('has cases for every algorithm', () => {
    for (const alg of ALGS) expect(cases.filter((c) => c.alg === alg).length).toBeGreaterThan(60)
  })
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await verifyRegistration(c.response, c)
    expect(result.ok ? 'ok' : result.reason).toBe(c.expected)
  })
})

describe('verifyRegistration: the credential', () => {
  it.each(ALGS)('returns the key, algorithm, counter, flags, transports and AAGUID (alg %i)', async (alg) => {
    const aaguid = Uint8Array.from({ length: 16 }, (_, i) => i)
    const parts = credential(alg, {
      signCount: 5,
      flags: FLAGS.UP | FLAGS.BE | FLAGS.BS,
      aaguid,
      transports: ['usb', 'nfc', 7, 'hybrid'],
    })
    const result = await verifyRegistration(registration(parts), {
      expectedChallenge: CHALLENGE,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
    })
    expect(result).toEqual({
      ok: true,
      credential: {
        id: b64url(parts.credentialId),
        publicKey: parts.key.cose,
        algorithm: alg,
        signCount: 5,
        transports: ['usb', 'nfc', 'hybrid'],
        backupEligible: true,
        backedUp: true,
        aaguid: '00010203-0405-0607-0809-0a0b0c0d0e0f',
        userVerified: false,
        attestation: 'none',
      },
    })
  })
  it('reports packed self-attestation as self', async () => {
    const result = await verifyRegistration(registration(credential(-7, { fmt: 'packed' })), {
      expectedChallenge: fromB64url(CHALLENGE),
      expectedOrigin: [ORIGIN, 'https://other.example'],
      expectedRPID: RP_ID,
    })
    expect(result.ok && result.credential.attestation).toBe('self')
  })
  it('accepts the challenge as bytes and origins as a list, and refuses an origin outside the list', async () => {
    const response = registration(credential(-8))
    const options = { expectedChallenge: fromB64url(CHALLENGE), expectedRPID: RP_ID }
    expect((await verifyRegistration(response, { ...options, expectedOrigin: ['https://a.example', ORIGIN] })).ok).toBe(
      true,
    )
    expect(await verifyRegistration(response, { ...options, expectedOrigin: ['https://a.example'] })).toEqual({
      ok: false,
      reason: 'origin_mismatch',
    })
  })
})

describe('verifyRegistration: what the browser sends never throws', () => {
  const options = { expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID }
  const hostile: unknown[] = [
    undefined,
    null,
    42,
    'text',
    [],
    {},
    { id: 'AA', rawId: 'AA', type: 'public-key' },
    { id: 'AA', rawId: 'AA', type: 'public-key', response: { clientDataJSON: 5, attestationObject: 'AA' } },
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap')
        },
      },
    ),
    {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      response: { clientDataJSON: 'A'.repeat(200_000), attestationObject: 'AA' },
    },
  ]
  it.each(hostile.map((h, i) => [i, h] as const))('hostile response %i is malformed', async (_i, response) => {
    expect(await verifyRegistration(response, options)).toEqual({ ok: false, reason: 'malformed' })
  })
})

describe('verifyRegistration: an otherwise valid response whose transports list throws when read', () => {
  it('is malformed, not a throw', async () => {
    const response = registration(credential(-7))
    const trap = new Proxy(['usb'], {
      get: () => {
        throw new Error('trap')
      },
    })
    const hostile = { ...response, response: { ...response.response, transports: trap } }
    const options = { expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID }
    expect(await verifyRegistration(hostile, options)).toEqual({ ok: false, reason: 'malformed' })
  })
})

describe('verifyRegistration: developer misuse throws OTPError ERR_INVALID_OPTION', () => {
  const response = registration(credential(-7))
  const good = { expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID }
  const bad: [string, Record<string, unknown>][] = [
    ['challenge not base64url', { expectedChallenge: 'not base64url!' }],
    ['challenge too short', { expectedChallenge: 'AAAA' }],
    ['challenge a number', { expectedChallenge: 5 }],
    ['origin missing', { expectedOrigin: undefined }],
    ['origin an empty list', { expectedOrigin: [] }],
    ['origin a wildcard', { expectedOrigin: 'https://*.example.com' }],
    ['origin with a trailing slash', { expectedOrigin: 'https://example.com/' }],
    ['RP ID a URL', { expectedRPID: 'https://example.com' }],
    ['RP ID empty', { expectedRPID: '' }],
    ['requireUserVerification a string', { requireUserVerification: 'yes' }],
  ]
  it.each(bad)('%s', async (_name, change) => {
    const error = await verifyRegistration(response, { ...good, ...change } as never).catch((e: unknown) => e)
    expect(isOTPError(error, 'ERR_INVALID_OPTION')).toBe(true)
  })
  it('options that are not an object', async () => {
    const error = await verifyRegistration(response, null as never).catch((e: unknown) => e)
    expect(isOTPError(error, 'ERR_INVALID_OPTION')).toBe(true)
  })
})
