// createRegistrationOptions and createAuthenticationOptions: the Level 3 JSON form, the defaults, and misuse.
import { isOTPError } from 'mfa-core'
import { createAuthenticationOptions, createRegistrationOptions } from 'mfa-core/webauthn'
import { describe, expect, it } from 'vitest'

const userId = Uint8Array.of(1, 2, 3, 4)
const base = {
  rp: { id: 'example.com', name: 'Example' },
  user: { id: userId, name: 'alice@example.com', displayName: 'Alice' },
}
const throwsOption = (make: () => unknown) => {
  let caught: unknown
  try {
    make()
  } catch (error) {
    caught = error
  }
  expect(isOTPError(caught, 'ERR_INVALID_OPTION')).toBe(true)
}

describe('createRegistrationOptions', () => {
  it('gives the JSON form with its defaults: a fresh 32-byte challenge, EdDSA, ES256, RS256, attestation none', () => {
    const options = createRegistrationOptions(base)
    expect(options).toEqual({
      rp: { id: 'example.com', name: 'Example' },
      user: { id: 'AQIDBA', name: 'alice@example.com', displayName: 'Alice' },
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      pubKeyCredParams: [
        { type: 'public-key', alg: -8 },
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      timeout: 300_000,
      excludeCredentials: [],
      authenticatorSelection: { residentKey: 'discouraged', requireResidentKey: false, userVerification: 'preferred' },
      attestation: 'none',
    })
    expect(createRegistrationOptions(base).challenge).not.toBe(options.challenge)
  })
  it('takes every option, and passes transports on only as given', () => {
    const options = createRegistrationOptions({
      ...base,
      challenge: new Uint8Array(16).fill(255),
      excludeCredentials: [{ id: 'AAAA' }, { id: 'AQID', transports: ['usb', 'nfc'] }],
      userVerification: 'required',
      residentKey: 'required',
      authenticatorAttachment: 'cross-platform',
      algorithms: [-7],
      timeoutMs: 60_000,
    })
    expect(options.challenge).toBe('_____________________w')
    expect(options.excludeCredentials).toEqual([
      { type: 'public-key', id: 'AAAA' },
      { type: 'public-key', id: 'AQID', transports: ['usb', 'nfc'] },
    ])
    expect(options.authenticatorSelection).toEqual({
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
      authenticatorAttachment: 'cross-platform',
    })
    expect(options.pubKeyCredParams).toEqual([{ type: 'public-key', alg: -7 }])
    expect(options.timeout).toBe(60_000)
  })
  it('hard-codes no transport anywhere', () => {
    expect(JSON.stringify(createRegistrationOptions({ ...base, excludeCredentials: [{ id: 'AAAA' }] }))).not.toMatch(
      /transports|usb|internal|hybrid/,
    )
  })
  it.each<[string, Record<string, unknown>]>([
    ['rp missing', { rp: undefined }],
    ['rp.id with a scheme', { rp: { id: 'https://example.com', name: 'Example' } }],
    ['rp.id with a port', { rp: { id: 'localhost:3000', name: 'Example' } }],
    ['rp.name empty', { rp: { id: 'example.com', name: '' } }],
    ['user.id a string', { user: { ...base.user, id: 'alice' } }],
    ['user.id empty', { user: { ...base.user, id: new Uint8Array(0) } }],
    ['user.id of 65 bytes', { user: { ...base.user, id: new Uint8Array(65) } }],
    ['user.name empty', { user: { ...base.user, name: '' } }],
    ['user.displayName a number', { user: { ...base.user, displayName: 5 } }],
    ['challenge of 15 bytes', { challenge: new Uint8Array(15) }],
    ['challenge a string', { challenge: 'abc' }],
    ['an unknown algorithm', { algorithms: [-35] }],
    ['no algorithm', { algorithms: [] }],
    ['an algorithm twice', { algorithms: [-7, -7] }],
    ['userVerification misspelt', { userVerification: 'require' }],
    ['residentKey a boolean', { residentKey: true }],
    ['authenticatorAttachment unknown', { authenticatorAttachment: 'usb' }],
    ['timeoutMs zero', { timeoutMs: 0 }],
    ['timeoutMs above an hour', { timeoutMs: 3_600_001 }],
    ['excludeCredentials not a list', { excludeCredentials: 'AAAA' }],
    ['excludeCredentials id not base64url', { excludeCredentials: [{ id: 'a b' }] }],
    ['excludeCredentials transports not strings', { excludeCredentials: [{ id: 'AAAA', transports: [1] }] }],
  ])('throws ERR_INVALID_OPTION: %s', (_name, change) => {
    throwsOption(() => createRegistrationOptions({ ...base, ...change } as never))
  })
  it('throws ERR_INVALID_OPTION without options', () => {
    throwsOption(() => createRegistrationOptions(undefined as never))
  })
})

describe('createAuthenticationOptions', () => {
  it('gives the JSON form with its defaults', () => {
    expect(
      createAuthenticationOptions({
        rpId: 'example.com',
        allowCredentials: [{ id: 'AAAA', transports: ['internal'] }],
      }),
    ).toEqual({
      rpId: 'example.com',
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      timeout: 300_000,
      allowCredentials: [{ type: 'public-key', id: 'AAAA', transports: ['internal'] }],
      userVerification: 'preferred',
    })
  })
  it('takes the challenge, user verification and timeout', () => {
    const options = createAuthenticationOptions({
      rpId: 'example.com',
      challenge: new Uint8Array(16),
      userVerification: 'discouraged',
      timeoutMs: 1000,
    })
    expect([options.challenge, options.userVerification, options.timeout, options.allowCredentials]).toEqual([
      'AAAAAAAAAAAAAAAAAAAAAA',
      'discouraged',
      1000,
      [],
    ])
  })
  it.each<[string, Record<string, unknown>]>([
    ['rpId missing', { rpId: undefined }],
    ['rpId a URL', { rpId: 'https://example.com/' }],
    ['allowCredentials with an empty id', { allowCredentials: [{ id: '' }] }],
    ['userVerification unknown', { userVerification: 'always' }],
    ['challenge of 8 bytes', { challenge: new Uint8Array(8) }],
    ['timeoutMs fractional', { timeoutMs: 1.5 }],
  ])('throws ERR_INVALID_OPTION: %s', (_name, change) => {
    throwsOption(() => createAuthenticationOptions({ rpId: 'example.com', ...change } as never))
  })
  it('throws ERR_INVALID_OPTION without options', () => {
    throwsOption(() => createAuthenticationOptions(null as never))
  })
})
