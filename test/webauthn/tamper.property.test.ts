// Properties of both ceremonies over the fixed responses (test/runtimes/webauthn-fixtures.mjs): any single-byte
// change of a signed part (clientDataJSON, authenticator data or attestation object, signature) of a valid response
// is refused, and any change of the JSON is a result, never a throw.
import fc from 'fast-check'
import { verifyAuthentication, verifyRegistration } from 'mfa-core/webauthn'
import { describe, expect, it } from 'vitest'
import { decodeBase64URL, encodeBase64URL } from '../../src/internal/base64url'
import { WEBAUTHN_FIXTURES } from '../runtimes/webauthn-fixtures.mjs'
import { numRuns } from '../support/env'

const { rpId, origin, challenge } = WEBAUTHN_FIXTURES
const expectations = { expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpId }
// packed registrations sign the authenticator data and the client data; under `none` nothing is signed, so a changed
// AAGUID or extension byte there is a different, valid registration
const registrations = WEBAUTHN_FIXTURES.registrations.filter((r) => r.fmt === 'packed' && r.expected === 'ok')
const authentications = WEBAUTHN_FIXTURES.authentications.filter((a) => a.expected === 'ok')

type JSONResponse = { response: Record<string, string> }

function changeByte(response: unknown, field: string, index: number, xor: number): unknown {
  const copy = structuredClone(response) as JSONResponse
  const bytes = decodeBase64URL(copy.response[field] as string) as Uint8Array
  bytes[index % bytes.length] ^= xor
  copy.response[field] = encodeBase64URL(bytes)
  return copy
}

const change = fc.record({ index: fc.nat(4096), xor: fc.integer({ min: 1, max: 255 }) })

describe('any single-byte change of a valid response is refused', () => {
  it('registration (packed self-attestation): clientDataJSON and attestationObject', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...registrations),
        fc.constantFrom('clientDataJSON', 'attestationObject'),
        change,
        async (fixture, field, { index, xor }) => {
          const result = await verifyRegistration(changeByte(fixture.response, field, index, xor), expectations)
          expect(result.ok).toBe(false)
        },
      ),
      { numRuns },
    )
  })
  it('authentication: clientDataJSON, authenticatorData and signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...authentications),
        fc.constantFrom('clientDataJSON', 'authenticatorData', 'signature'),
        change,
        async (fixture, field, { index, xor }) => {
          const credential = {
            ...fixture.credential,
            publicKey: decodeBase64URL(fixture.credential.publicKey) as Uint8Array,
          }
          const result = await verifyAuthentication(changeByte(fixture.response, field, index, xor), {
            ...expectations,
            credential,
          })
          expect(result.ok).toBe(false)
        },
      ),
      { numRuns },
    )
  })
})

describe('whatever the JSON holds, the verifiers answer with a result', () => {
  it('registration and authentication with any value in place of any field', async () => {
    const fields = [
      'id',
      'rawId',
      'type',
      'response',
      'clientDataJSON',
      'attestationObject',
      'authenticatorData',
      'signature',
      'transports',
    ]
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.anything(), fc.nat(8), async (field, value, which) => {
        const registration = structuredClone(registrations[which % registrations.length]?.response) as Record<
          string,
          unknown
        >
        const authentication = authentications[which % authentications.length]
        if (!authentication) throw new Error('no fixtures')
        const assertion = structuredClone(authentication.response) as Record<string, unknown>
        for (const target of [registration, assertion]) {
          if (field in target) target[field] = value
          else (target.response as Record<string, unknown>)[field] = value
        }
        const credential = {
          ...authentication.credential,
          publicKey: decodeBase64URL(authentication.credential.publicKey) as Uint8Array,
        }
        const results = [
          await verifyRegistration(registration, expectations),
          await verifyAuthentication(assertion, { ...expectations, credential }),
        ]
        for (const result of results) expect(typeof result.ok).toBe('boolean')
      }),
      { numRuns },
    )
  })
})
