/**
 * mfa-core/webauthn: a strict WebAuthn verifier for security keys and passkeys, over WebCrypto, with no dependency.
 * Attestation `none` and packed self-attestation; ES256, EdDSA and RS256; the Level 3 JSON on the wire.
 *
 * @packageDocumentation
 */
export {
  type AuthenticationReason,
  type StoredCredential,
  type VerifyAuthenticationOptions,
  type VerifyAuthenticationResult,
  verifyAuthentication,
} from './authentication.js'
export type { Expectations } from './ceremony.js'
export type { COSEAlgorithm } from './cose.js'
export {
  type AuthenticationOptionsInput,
  type AuthenticationOptionsJSON,
  type CredentialDescriptor,
  type CredentialDescriptorJSON,
  createAuthenticationOptions,
  createRegistrationOptions,
  type RegistrationOptionsInput,
  type RegistrationOptionsJSON,
  type Requirement,
} from './options.js'
export {
  type RegisteredCredential,
  type RegistrationReason,
  type VerifyRegistrationOptions,
  type VerifyRegistrationResult,
  verifyRegistration,
} from './registration.js'
