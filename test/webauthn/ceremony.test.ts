// What both ceremonies share: a runtime without WebCrypto gets ERR_CRYPTO_UNAVAILABLE (an environment problem, not
// a verdict), with no unhandled rejection left behind, and the RP ID hash kept between calls is the right one.
import { isOTPError } from 'mfa-core'
import { verifyAuthentication, verifyRegistration } from 'mfa-core/webauthn'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { decodeBase64URL } from '../../src/internal/base64url'
import { WEBAUTHN_FIXTURES } from '../runtimes/webauthn-fixtures.mjs'

const { rpId, origin, challenge } = WEBAUTHN_FIXTURES
const expectations = { expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpId }
const registration = WEBAUTHN_FIXTURES.registrations[0]
const assertion = WEBAUTHN_FIXTURES.authentications[0]
if (!registration || !assertion) throw new Error('no fixtures')
const credential = { ...assertion.credential, publicKey: decodeBase64URL(assertion.credential.publicKey) as Uint8Array }

describe('a runtime without WebCrypto', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })
  it('verifyRegistration and verifyAuthentication reject with ERR_CRYPTO_UNAVAILABLE', async () => {
    vi.stubGlobal('crypto', undefined)
    // another RP ID than the other tests use, so that no hash kept from an earlier call answers
    const options = { ...expectations, expectedRPID: 'no-crypto.example' }
    await expect(verifyRegistration(registration.response, options)).rejects.toSatisfy((e) =>
      isOTPError(e, 'ERR_CRYPTO_UNAVAILABLE'),
    )
    await expect(verifyAuthentication(assertion.response, { ...options, credential })).rejects.toSatisfy((e) =>
      isOTPError(e, 'ERR_CRYPTO_UNAVAILABLE'),
    )
    vi.unstubAllGlobals()
    // the failed digest was not kept: with WebCrypto back, the same RP ID is hashed again (and is not this one)
    expect(await verifyRegistration(registration.response, options)).toEqual({ ok: false, reason: 'rp_id_mismatch' })
  })
})

describe('the RP ID hash between calls', () => {
  it('follows the RP ID of each call', async () => {
    const verdict = async (expectedRPID: string) => {
      const result = await verifyRegistration(registration.response, { ...expectations, expectedRPID })
      return result.ok ? 'ok' : result.reason
    }
    expect([await verdict(rpId), await verdict('other.example'), await verdict(rpId), await verdict(rpId)]).toEqual([
      'ok',
      'rp_id_mismatch',
      'ok',
      'ok',
    ])
  })
})
