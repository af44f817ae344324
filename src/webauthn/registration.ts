// The registration ceremony's verification (WebAuthn Level 3 §7.1) for attestation `none` and packed
// self-attestation: what a relying party that does not vet authenticator makers needs. Certificate chains (packed
// with x5c, tpm, android-key, apple, fido-u2f) are `unsupported_attestation`.
import { encodeBase64URL } from '../internal/base64url.js'
import { concatBytes } from '../internal/bytes.js'
import { sha256 } from '../internal/crypto.js'
import { decodeCBOR, isCBORMap } from './cbor.js'
import {
  clientDataReason,
  type Expectations,
  readAuthenticatorData,
  readEnvelope,
  readExpectations,
} from './ceremony.js'
import { type COSEAlgorithm, importCOSEMap, verifyWithCOSEKey } from './cose.js'

/** Options of {@link verifyRegistration}: what the relying party expects. */
export type VerifyRegistrationOptions = Expectations

/**
 * Why a registration response is refused: `malformed` (not what a browser writes, or bytes outside the strict
 * formats), `type_mismatch`, `challenge_mismatch`, `origin_mismatch`, `cross_origin` (client data), `rp_id_mismatch`,
 * `user_not_present`, `user_not_verified`, `backup_state_invalid` (authenticator data), `credential_mismatch` (the
 * response id is not the credential's), `unsupported_algorithm`, `unsupported_attestation`, `bad_signature`.
 */
export type RegistrationReason =
  | 'malformed'
  | 'type_mismatch'
  | 'challenge_mismatch'
  | 'origin_mismatch'
  | 'cross_origin'
  | 'rp_id_mismatch'
  | 'user_not_present'
  | 'user_not_verified'
  | 'backup_state_invalid'
  | 'credential_mismatch'
  | 'unsupported_algorithm'
  | 'unsupported_attestation'
  | 'bad_signature'

/** A registered credential: what to store for later authentications. */
export interface RegisteredCredential {
  /** the credential id, base64url (the `id` of the response) */
  id: string
  /** the credential public key as COSE bytes, exactly as the authenticator wrote it */
  publicKey: Uint8Array
  /** its COSE algorithm: -8 EdDSA, -7 ES256, -257 RS256 */
  algorithm: COSEAlgorithm
  /** the authenticator's signature counter at registration (0 when it keeps none) */
  signCount: number
  /** the transports the browser reported (`getTransports()`), as given; hints for later `allowCredentials` */
  transports: string[]
  /** BE: the credential may be synced (a passkey); it never changes for a credential */
  backupEligible: boolean
  /** BS: the credential is backed up now */
  backedUp: boolean
  /** the authenticator model's AAGUID as a UUID string (all zeros under attestation `none` in most browsers) */
  aaguid: string
  /** whether the user was verified (PIN, biometrics) */
  userVerified: boolean
  /** `none`, or `self` for packed self-attestation (signed by the credential key itself) */
  attestation: 'none' | 'self'
}

/** The result of {@link verifyRegistration}. */
export type VerifyRegistrationResult =
  | { ok: true; credential: RegisteredCredential }
  | { ok: false; reason: RegistrationReason }

/**
 * Verifies the browser's answer to `navigator.credentials.create()` (its `toJSON()` form), and returns the
 * credential to store.
 *
 * Anything the browser sent is data: malformed, tampered or unexpected input is `{ ok: false, reason }`, never a
 * throw. Attestation `none` and packed self-attestation are accepted; attestation with certificates is
 * `unsupported_attestation` (ask for `attestation: 'none'`, as {@link createRegistrationOptions} does).
 *
 * @param response - `RegistrationResponseJSON`, as parsed from the request body
 * @param options.expectedChallenge - the `challenge` of the options sent (base64url string) or its bytes
 * @param options.expectedOrigin - the page origin, or a list of them, compared exactly
 * @param options.expectedRPID - the RP ID (`rp.id` of the options)
 * @param options.requireUserVerification - refuse without the UV flag (default false)
 * @returns the credential, or why the response was refused
 * @throws OTPError `ERR_INVALID_OPTION` when the options are not usable (developer misuse)
 * @throws OTPError `ERR_CRYPTO_UNAVAILABLE` when the runtime has no `crypto.subtle`
 * @example
 * const result = await verifyRegistration(body, { expectedChallenge, expectedOrigin: 'https://example.com', expectedRPID: 'example.com' })
 * if (result.ok) await saveCredential(userId, result.credential)
 * @see https://www.w3.org/TR/webauthn-3/#sctn-registering-a-new-credential
 */
export async function verifyRegistration(
  response: unknown,
  options: VerifyRegistrationOptions,
): Promise<VerifyRegistrationResult> {
  const expected = readExpectations(options)
  const refuse = (reason: RegistrationReason): VerifyRegistrationResult => ({ ok: false, reason })
  const envelope = readEnvelope(response, ['clientDataJSON', 'attestationObject'])
  if (envelope === null) return refuse('malformed')
  const { clientDataJSON, attestationObject } = envelope.fields as Record<string, Uint8Array>
  const clientReason = clientDataReason(clientDataJSON as Uint8Array, 'webauthn.create', expected)
  if (clientReason !== null) return refuse(clientReason)

  // §6.5.4: the attestation object is a map of exactly fmt, attStmt and authData, with nothing after it
  const object = decodeCBOR(attestationObject as Uint8Array)
  if (object === null || object.end !== attestationObject?.length || !isCBORMap(object.value))
    return refuse('malformed')
  const fmt = object.value.get('fmt')
  const attStmt = object.value.get('attStmt')
  const authDataBytes = object.value.get('authData')
  if (
    object.value.size !== 3 ||
    typeof fmt !== 'string' ||
    !isCBORMap(attStmt) ||
    !(authDataBytes instanceof Uint8Array)
  ) {
    return refuse('malformed')
  }
  const authData = await readAuthenticatorData(authDataBytes, expected)
  if (typeof authData === 'string') return refuse(authData)
  const attested = authData.attested
  if (attested === undefined) return refuse('malformed')
  // §7.1 step 24 (the id the browser reports is the one in the authenticator data)
  if (encodeBase64URL(attested.credentialId) !== envelope.id) return refuse('credential_mismatch')
  const key = await importCOSEMap(attested.publicKeyMap)
  if (typeof key === 'string') return refuse(key)

  let attestation: 'none' | 'self'
  if (fmt === 'none') {
    // §8.7: the none format's statement is empty
    if (attStmt.size !== 0) return refuse('malformed')
    attestation = 'none'
  } else if (fmt === 'packed') {
    // §8.2: without x5c it is self-attestation: alg is the credential's, sig is over authData || hash(clientData)
    if (attStmt.has('x5c') || attStmt.has('ecdaaKeyId')) return refuse('unsupported_attestation')
    const sig = attStmt.get('sig')
    if (attStmt.size !== 2 || attStmt.get('alg') !== key.algorithm || !(sig instanceof Uint8Array)) {
      return refuse('malformed')
    }
    const signed = concatBytes(authDataBytes, await sha256(clientDataJSON as Uint8Array))
    if (!(await verifyWithCOSEKey(key, sig, signed))) return refuse('bad_signature')
    attestation = 'self'
  } else {
    return refuse('unsupported_attestation')
  }

  return {
    ok: true,
    credential: {
      id: envelope.id,
      publicKey: attested.publicKey,
      algorithm: key.algorithm,
      signCount: authData.signCount,
      transports: envelope.transports,
      backupEligible: authData.backupEligible,
      backedUp: authData.backedUp,
      aaguid: uuid(attested.aaguid),
      userVerified: authData.userVerified,
      attestation,
    },
  }
}

function uuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
