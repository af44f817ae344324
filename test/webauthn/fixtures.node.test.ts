// The fixed WebAuthn responses every runtime verifies (test/runtimes/webauthn-fixtures.mjs): made once by the
// software authenticator (test/support/webauthn.ts), checked here against the table's verdicts so that the file
// cannot drift. To make them again: WEBAUTHN_WRITE_FIXTURES=1 npx vitest run test/webauthn/fixtures.node.test.ts
import { writeFileSync } from 'node:fs'
import { verifyAuthentication, verifyRegistration } from 'mfa-core/webauthn'
import { describe, expect, it } from 'vitest'
import { WEBAUTHN_FIXTURES } from '../runtimes/webauthn-fixtures.mjs'
import {
  ALGS,
  authentication,
  b64url,
  CHALLENGE,
  credential,
  FLAGS,
  fromB64url,
  ORIGIN,
  RP_ID,
  registration,
} from '../support/webauthn'

const FILE = new URL('../runtimes/webauthn-fixtures.mjs', import.meta.url)

function make() {
  const registrations = []
  const authentications = []
  for (const alg of ALGS) {
    const parts = credential(alg, { flags: FLAGS.UP | FLAGS.UV | FLAGS.BE, signCount: 1 })
    registrations.push({ alg, fmt: 'none', response: registration(parts), expected: 'ok' })
    registrations.push({ alg, fmt: 'packed', response: registration({ ...parts, fmt: 'packed' }), expected: 'ok' })
    registrations.push({
      alg,
      fmt: 'packed',
      response: registration({
        ...parts,
        fmt: 'packed',
        tamperSignature: (s) => s.map((b, i) => (i === 8 ? b ^ 1 : b)),
      }),
      expected: 'bad_signature',
    })
    const stored = {
      id: b64url(parts.credentialId),
      publicKey: b64url(parts.key.cose),
      signCount: 1,
      backupEligible: true,
    }
    const assertion = { ...parts, signCount: 2, flags: FLAGS.UP | FLAGS.BE | FLAGS.BS }
    authentications.push({ alg, credential: stored, response: authentication(assertion), expected: 'ok' })
    authentications.push({
      alg,
      credential: stored,
      response: authentication({ ...assertion, clientData: { origin: 'https://evil.example' } }),
      expected: 'origin_mismatch',
    })
    authentications.push({
      alg,
      credential: stored,
      response: authentication({ ...assertion, tamperSignature: (s) => s.map((b, i) => (i === 8 ? b ^ 1 : b)) }),
      expected: 'bad_signature',
    })
  }
  return { rpId: RP_ID, origin: ORIGIN, challenge: CHALLENGE, registrations, authentications }
}

if (process.env.WEBAUTHN_WRITE_FIXTURES === '1') {
  const header = `// Fixed WebAuthn responses (Level 3 JSON) that every runtime of the matrix verifies with the built
// mfa-core/webauthn. Made by the software authenticator of test/support/webauthn.ts and checked against the
// expected verdicts by test/webauthn/fixtures.node.test.ts, which also writes them again
// (WEBAUTHN_WRITE_FIXTURES=1, then npx biome check --write). Data only: no import, nothing that needs Node.
`
  writeFileSync(FILE, `${header}export const WEBAUTHN_FIXTURES = ${JSON.stringify(make(), null, 2)}\n`)
}

describe('the runtime fixtures of mfa-core/webauthn', () => {
  it('hold a registration (none, packed, tampered) and three assertions for each algorithm', () => {
    expect(WEBAUTHN_FIXTURES.registrations.map((r) => r.alg)).toEqual([-8, -8, -8, -7, -7, -7, -257, -257, -257])
    expect(WEBAUTHN_FIXTURES.authentications.length).toBe(9)
  })

  const options = {
    expectedChallenge: WEBAUTHN_FIXTURES.challenge,
    expectedOrigin: WEBAUTHN_FIXTURES.origin,
    expectedRPID: WEBAUTHN_FIXTURES.rpId,
  }
  it.each(WEBAUTHN_FIXTURES.registrations.map((r, i) => [i, r] as const))('registration %i', async (_i, r) => {
    const result = await verifyRegistration(r.response, options)
    expect(result.ok ? 'ok' : result.reason).toBe(r.expected)
  })
  it.each(WEBAUTHN_FIXTURES.authentications.map((a, i) => [i, a] as const))('authentication %i', async (_i, a) => {
    const credential = { ...a.credential, publicKey: fromB64url(a.credential.publicKey) }
    const result = await verifyAuthentication(a.response, { ...options, credential })
    expect(result.ok ? 'ok' : result.reason).toBe(a.expected)
  })
})
