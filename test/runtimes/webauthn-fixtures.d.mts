/** Fixed WebAuthn responses every runtime verifies (see webauthn-fixtures.mjs). */
export declare const WEBAUTHN_FIXTURES: {
  rpId: string
  origin: string
  challenge: string
  registrations: { alg: -8 | -7 | -257; fmt: string; response: unknown; expected: string }[]
  authentications: {
    alg: -8 | -7 | -257
    credential: { id: string; publicKey: string; signCount: number; backupEligible: boolean }
    response: unknown
    expected: string
  }[]
}
