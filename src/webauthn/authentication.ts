// The authentication ceremony's verification (WebAuthn Level 3 §7.2): an assertion checked against one stored
// credential. The signature counter and the backup state are reported, not decided: what a counter that did not grow
// means is the caller's policy (synced passkeys keep it at 0).

import { mustBe, OTPError } from '../errors.js'
import { decodeBase64URL } from '../internal/base64url.js'
import { concatBytes, isBytes } from '../internal/bytes.js'
import { sha256 } from '../internal/crypto.js'
import { MAX_CREDENTIAL_ID_BYTES } from './authenticator-data.js'
import {
  clientDataReason,
  type Expectations,
  readAuthenticatorData,
  readEnvelope,
  readExpectations,
} from './ceremony.js'
import { type COSEKeyReason, importCOSEKey, type VerifyKey, verifyWithCOSEKey } from './cose.js'
import type { RegistrationReason } from './registration.js'

/** The stored credential an assertion is checked against (what {@link verifyRegistration} returned). */
export interface StoredCredential {
  /** the credential id, base64url */
  id: string
  /** the COSE public key bytes */
  publicKey: Uint8Array
  /** the last signature counter stored (0 when the authenticator keeps none) */
  signCount: number
  /** BE as registered; when given, an assertion whose BE flag differs is `backup_state_invalid` */
  backupEligible?: boolean
}

/** Options of {@link verifyAuthentication}. */
export interface VerifyAuthenticationOptions extends Expectations {
  /** the credential the response must be made with */
  credential: StoredCredential
}

/**
 * Why an authentication response is refused: `malformed` (not what a browser writes, or bytes outside the strict
 * formats), `credential_mismatch` (another credential than the one given), `type_mismatch`, `challenge_mismatch`,
 * `origin_mismatch`, `cross_origin` (client data), `rp_id_mismatch`, `user_not_present`, `user_not_verified`,
 * `backup_state_invalid` (authenticator data, or BE changed since registration), `bad_signature`.
 */
export type AuthenticationReason = Exclude<RegistrationReason, 'unsupported_algorithm' | 'unsupported_attestation'>

/** The result of {@link verifyAuthentication}. */
export type VerifyAuthenticationResult =
  | {
      ok: true
      /** the authenticator's counter now: store it */
      signCount: number
      /** whether the user was verified (PIN, biometrics) */
      userVerified: boolean
      /** BS: the credential is backed up now */
      backedUp: boolean
      /**
       * true when the counter did not grow while either side is non-zero: a sign of a cloned authenticator (or of
       * a synced one that counts per device); the caller decides what it means
       */
      counterRegressed: boolean
    }
  | { ok: false; reason: AuthenticationReason }

const MAX_SIGN_COUNT = 0xffffffff

/**
 * Verifies the browser's answer to `navigator.credentials.get()` (its `toJSON()` form) against a stored credential.
 *
 * Anything the browser sent is data: malformed, tampered or unexpected input is `{ ok: false, reason }`, never a
 * throw. A counter that did not grow is reported as `counterRegressed: true`, not refused.
 *
 * @param response - `AuthenticationResponseJSON`, as parsed from the request body
 * @param options.expectedChallenge - the `challenge` of the options sent (base64url string) or its bytes
 * @param options.expectedOrigin - the page origin, or a list of them, compared exactly
 * @param options.expectedRPID - the RP ID (`rpId` of the options)
 * @param options.credential - the stored credential: `id`, `publicKey` (COSE bytes), `signCount`, `backupEligible?`
 * @param options.requireUserVerification - refuse without the UV flag (default false)
 * @returns the new counter and flags, or why the response was refused
 * @throws OTPError `ERR_INVALID_OPTION` when the options or the stored credential are not usable (developer misuse)
 * @throws OTPError `ERR_CRYPTO_UNAVAILABLE` when the runtime has no `crypto.subtle`
 * @example
 * const result = await verifyAuthentication(body, { expectedChallenge, expectedOrigin: 'https://example.com', expectedRPID: 'example.com', credential })
 * if (result.ok) await updateCounter(credential.id, result.signCount)
 * @see https://www.w3.org/TR/webauthn-3/#sctn-verifying-assertion
 */
export async function verifyAuthentication(
  response: unknown,
  options: VerifyAuthenticationOptions,
): Promise<VerifyAuthenticationResult> {
  return verifyAssertion(response, options, importCOSEKey)
}

/**
 * {@link verifyAuthentication} with the import of the credential's key given: the MFA service keeps the keys it
 * imported (security-key-evidence.ts), since importing a P-256 key checks its point, about 100 µs an assertion.
 * Internal: the `mfa-core/webauthn` entry does not export it.
 *
 * @param response - as for {@link verifyAuthentication}
 * @param options - as for {@link verifyAuthentication}
 * @param importKey - imports `credential.publicKey` (COSE bytes), as {@link importCOSEKey} does
 * @returns as {@link verifyAuthentication}
 * @throws as {@link verifyAuthentication}
 */
export async function verifyAssertion(
  response: unknown,
  options: VerifyAuthenticationOptions,
  importKey: (publicKey: Uint8Array) => Promise<VerifyKey | COSEKeyReason>,
): Promise<VerifyAuthenticationResult> {
  const expected = readExpectations(options)
  const credential = readCredential(options.credential)
  // the key import and both digests run at once (WebCrypto works off the main thread where it can)
  const importing = importKey(credential.publicKey)
  const envelope = readEnvelope(response, ['clientDataJSON', 'authenticatorData', 'signature'])
  const clientDataHash = envelope && sha256(envelope.fields.clientDataJSON as Uint8Array)
  // awaited below unless the response is refused first; a rejection (no WebCrypto) surfaces from the import
  clientDataHash?.catch(() => undefined)
  const key = await importing
  if (typeof key === 'string') {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `credential.publicKey must be a COSE key verifyRegistration returned (${key})`,
    )
  }
  const refuse = (reason: AuthenticationReason): VerifyAuthenticationResult => ({ ok: false, reason })
  if (envelope === null || clientDataHash === null) return refuse('malformed')
  // §7.2 step 6: the credential is the one allowed
  if (envelope.id !== credential.id) return refuse('credential_mismatch')
  const { clientDataJSON, authenticatorData, signature } = envelope.fields as Record<string, Uint8Array>
  const clientReason = clientDataReason(clientDataJSON as Uint8Array, 'webauthn.get', expected)
  if (clientReason !== null) return refuse(clientReason)
  const authData = await readAuthenticatorData(authenticatorData as Uint8Array, expected)
  if (typeof authData === 'string') return refuse(authData)
  // an assertion carries no attested credential data (§6.1: AT is for registrations)
  if (authData.attested !== undefined) return refuse('malformed')
  // §6.1.3: BE is fixed when the credential is created
  if (credential.backupEligible !== undefined && credential.backupEligible !== authData.backupEligible) {
    return refuse('backup_state_invalid')
  }
  const signed = concatBytes(authData.bytes, await clientDataHash)
  if (!(await verifyWithCOSEKey(key, signature as Uint8Array, signed))) return refuse('bad_signature')
  // §7.2 step 22: a counter that does not grow (either side non-zero) may mean a cloned authenticator
  const counterRegressed =
    (authData.signCount !== 0 || credential.signCount !== 0) && authData.signCount <= credential.signCount
  return {
    ok: true,
    signCount: authData.signCount,
    userVerified: authData.userVerified,
    backedUp: authData.backedUp,
    counterRegressed,
  }
}

function readCredential(credential: StoredCredential): StoredCredential {
  if (typeof credential !== 'object' || credential === null) throw mustBe('credential', 'an object', credential)
  const { id, publicKey, signCount, backupEligible } = credential
  const idBytes = typeof id === 'string' ? decodeBase64URL(id) : null
  if (idBytes === null || idBytes.length === 0 || idBytes.length > MAX_CREDENTIAL_ID_BYTES) {
    throw mustBe('credential.id', 'the base64url credential id verifyRegistration returned', id)
  }
  if (!isBytes(publicKey))
    throw mustBe('credential.publicKey', 'the COSE key bytes verifyRegistration returned', publicKey)
  if (
    typeof signCount !== 'number' ||
    !Number.isSafeInteger(signCount) ||
    signCount < 0 ||
    signCount > MAX_SIGN_COUNT
  ) {
    throw mustBe('credential.signCount', `an integer from 0 to ${MAX_SIGN_COUNT}`, signCount)
  }
  if (backupEligible !== undefined && typeof backupEligible !== 'boolean') {
    throw mustBe('credential.backupEligible', 'a boolean', backupEligible)
  }
  return credential
}
