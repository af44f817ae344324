// The options the browser needs to start a ceremony, in the WebAuthn Level 3 JSON form (§5.1.9, §5.1.10:
// base64url strings where the API takes bytes), ready for `PublicKeyCredential.parseCreationOptionsFromJSON` and
// `parseRequestOptionsFromJSON`. Every value is the developer's: a wrong one throws OTPError ERR_INVALID_OPTION.

import { integerOption, mustBe } from '../errors.js'
import { decodeBase64URL, encodeBase64URL } from '../internal/base64url.js'
import { isBytes } from '../internal/bytes.js'
import { randomBytes } from '../internal/crypto.js'
import { MAX_CREDENTIAL_ID_BYTES } from './authenticator-data.js'
import { MIN_CHALLENGE_BYTES } from './ceremony.js'
import { COSE_ALGORITHMS, type COSEAlgorithm } from './cose.js'

/** `required`, `preferred` or `discouraged` (§5.8.6 UserVerificationRequirement, §5.4.6 ResidentKeyRequirement). */
export type Requirement = 'required' | 'preferred' | 'discouraged'

/** A credential named in `excludeCredentials` or `allowCredentials`. */
export interface CredentialDescriptor {
  /** the credential id, base64url */
  id: string
  /** the transports stored with it (from the registration), passed on as hints; none when omitted */
  transports?: readonly string[]
}

/** The JSON form of a credential descriptor (§5.10.3). */
export interface CredentialDescriptorJSON {
  type: 'public-key'
  id: string
  transports?: string[]
}

/** Options of {@link createRegistrationOptions}. */
export interface RegistrationOptionsInput {
  /** the relying party: `id` its RP ID (a domain, e.g. `example.com`), `name` what the browser may show */
  rp: { id: string; name: string }
  /** the account: `id` 1 to 64 opaque bytes (random, not an e-mail), `name` e.g. an e-mail, `displayName` a name */
  user: { id: Uint8Array; name: string; displayName: string }
  /** the challenge bytes (at least 16); default 32 fresh random bytes */
  challenge?: Uint8Array
  /** the user's existing credentials, so the same authenticator is not registered twice */
  excludeCredentials?: readonly CredentialDescriptor[]
  /** default `preferred` */
  userVerification?: Requirement
  /** default `discouraged`: a second factor needs no discoverable credential */
  residentKey?: Requirement
  /** `platform` (built in) or `cross-platform` (a security key); default either */
  authenticatorAttachment?: 'platform' | 'cross-platform'
  /** COSE algorithms in order of preference; default EdDSA (-8), ES256 (-7), RS256 (-257) */
  algorithms?: readonly COSEAlgorithm[]
  /** how long the browser waits, in milliseconds (default 300000, five minutes) */
  timeoutMs?: number
}

/** `PublicKeyCredentialCreationOptionsJSON` (§5.1.9). */
export interface RegistrationOptionsJSON {
  rp: { id: string; name: string }
  user: { id: string; name: string; displayName: string }
  challenge: string
  pubKeyCredParams: { type: 'public-key'; alg: COSEAlgorithm }[]
  timeout: number
  excludeCredentials: CredentialDescriptorJSON[]
  authenticatorSelection: {
    residentKey: Requirement
    requireResidentKey: boolean
    userVerification: Requirement
    authenticatorAttachment?: 'platform' | 'cross-platform'
  }
  attestation: 'none'
}

/** Options of {@link createAuthenticationOptions}. */
export interface AuthenticationOptionsInput {
  /** the RP ID the credentials were registered for */
  rpId: string
  /** the user's credentials (for a second factor: all of them); empty asks for a discoverable credential */
  allowCredentials?: readonly CredentialDescriptor[]
  /** default `preferred` */
  userVerification?: Requirement
  /** the challenge bytes (at least 16); default 32 fresh random bytes */
  challenge?: Uint8Array
  /** how long the browser waits, in milliseconds (default 300000, five minutes) */
  timeoutMs?: number
}

/** `PublicKeyCredentialRequestOptionsJSON` (§5.1.10). */
export interface AuthenticationOptionsJSON {
  rpId: string
  challenge: string
  timeout: number
  allowCredentials: CredentialDescriptorJSON[]
  userVerification: Requirement
}

const DEFAULT_TIMEOUT_MS = 300_000
const MAX_TIMEOUT_MS = 3_600_000
const REQUIREMENTS: readonly Requirement[] = ['required', 'preferred', 'discouraged']

/**
 * Creates the options of a registration ceremony, in the JSON form the browser parses with
 * `PublicKeyCredential.parseCreationOptionsFromJSON`. Attestation is always `none`; no transport is assumed.
 *
 * Keep `challenge` (the base64url string) with the user's session: {@link verifyRegistration} needs it.
 *
 * @param options.rp - the relying party: `id` (a domain, no scheme or port) and `name`
 * @param options.user - `id` (1 to 64 random bytes, never personal data), `name`, `displayName`
 * @param options.challenge - the challenge bytes (at least 16; default 32 random bytes)
 * @param options.excludeCredentials - the user's existing credentials (`id` base64url, `transports?`)
 * @param options.userVerification - `required`, `preferred` (default) or `discouraged`
 * @param options.residentKey - `required`, `preferred` or `discouraged` (default)
 * @param options.authenticatorAttachment - `platform` or `cross-platform` (default: not restricted)
 * @param options.algorithms - COSE algorithm ids in order of preference (default [-8, -7, -257])
 * @param options.timeoutMs - how long the browser waits, in milliseconds (default 300000)
 * @returns `PublicKeyCredentialCreationOptionsJSON`
 * @throws OTPError `ERR_INVALID_OPTION` for a missing or wrong option
 * @throws OTPError `ERR_CRYPTO_UNAVAILABLE` when no challenge is given and the runtime has no CSPRNG
 * @example
 * const options = createRegistrationOptions({
 *   rp: { id: 'example.com', name: 'Example' },
 *   user: { id: crypto.getRandomValues(new Uint8Array(16)), name: 'alice@example.com', displayName: 'Alice' },
 * })
 * session.challenge = options.challenge
 * @see https://www.w3.org/TR/webauthn-3/#dictdef-publickeycredentialcreationoptionsjson
 */
export function createRegistrationOptions(options: RegistrationOptionsInput): RegistrationOptionsJSON {
  if (typeof options !== 'object' || options === null) throw mustBe('options', 'an object', options)
  const { rp, user } = options
  if (typeof rp !== 'object' || rp === null) throw mustBe('rp', 'an object with id and name', rp)
  const rpId = rpIdOption(rp.id, 'rp.id')
  const rpName = text(rp.name, 'rp.name')
  if (typeof user !== 'object' || user === null) throw mustBe('user', 'an object with id, name and displayName', user)
  if (!isBytes(user.id) || user.id.length === 0 || user.id.length > 64) {
    throw mustBe('user.id', 'from 1 to 64 bytes (random, not personal data)', user.id)
  }
  const algorithms = options.algorithms ?? COSE_ALGORITHMS
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((a) => COSE_ALGORITHMS.includes(a)) ||
    new Set(algorithms).size !== algorithms.length
  ) {
    throw mustBe('algorithms', 'a non-empty list of distinct COSE algorithm ids among -8, -7 and -257', algorithms)
  }
  const residentKey = requirement(options.residentKey, 'residentKey', 'discouraged')
  const attachment = options.authenticatorAttachment
  if (attachment !== undefined && attachment !== 'platform' && attachment !== 'cross-platform') {
    throw mustBe('authenticatorAttachment', "'platform' or 'cross-platform'", attachment)
  }
  return {
    rp: { id: rpId, name: rpName },
    user: {
      id: encodeBase64URL(user.id),
      name: text(user.name, 'user.name'),
      displayName: text(user.displayName, 'user.displayName', true),
    },
    challenge: challengeOption(options.challenge),
    pubKeyCredParams: algorithms.map((alg) => ({ type: 'public-key' as const, alg })),
    timeout: integerOption(options.timeoutMs, 'timeoutMs', 1, MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
    excludeCredentials: descriptors(options.excludeCredentials, 'excludeCredentials'),
    authenticatorSelection: {
      residentKey,
      // §5.4.4: the Level 1 member, true exactly when a discoverable credential is required
      requireResidentKey: residentKey === 'required',
      userVerification: requirement(options.userVerification, 'userVerification', 'preferred'),
      ...(attachment === undefined ? {} : { authenticatorAttachment: attachment }),
    },
    attestation: 'none',
  }
}

/**
 * Creates the options of an authentication ceremony, in the JSON form the browser parses with
 * `PublicKeyCredential.parseRequestOptionsFromJSON`.
 *
 * Keep `challenge` (the base64url string) with the user's session: {@link verifyAuthentication} needs it.
 *
 * @param options.rpId - the RP ID the credentials belong to
 * @param options.allowCredentials - the user's credentials (`id` base64url, `transports?`)
 * @param options.userVerification - `required`, `preferred` (default) or `discouraged`
 * @param options.challenge - the challenge bytes (at least 16; default 32 random bytes)
 * @param options.timeoutMs - how long the browser waits, in milliseconds (default 300000)
 * @returns `PublicKeyCredentialRequestOptionsJSON`
 * @throws OTPError `ERR_INVALID_OPTION` for a missing or wrong option
 * @throws OTPError `ERR_CRYPTO_UNAVAILABLE` when no challenge is given and the runtime has no CSPRNG
 * @example
 * const options = createAuthenticationOptions({ rpId: 'example.com', allowCredentials: [{ id: credential.id }] })
 * session.challenge = options.challenge
 * @see https://www.w3.org/TR/webauthn-3/#dictdef-publickeycredentialrequestoptionsjson
 */
export function createAuthenticationOptions(options: AuthenticationOptionsInput): AuthenticationOptionsJSON {
  if (typeof options !== 'object' || options === null) throw mustBe('options', 'an object', options)
  return {
    rpId: rpIdOption(options.rpId, 'rpId'),
    challenge: challengeOption(options.challenge),
    timeout: integerOption(options.timeoutMs, 'timeoutMs', 1, MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
    allowCredentials: descriptors(options.allowCredentials, 'allowCredentials'),
    userVerification: requirement(options.userVerification, 'userVerification', 'preferred'),
  }
}

function rpIdOption(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || /[/:\s]/.test(value)) {
    throw mustBe(name, 'a domain like example.com (no scheme, port or path)', value)
  }
  return value
}

function text(value: unknown, name: string, emptyAllowed = false): string {
  if (typeof value !== 'string' || (!emptyAllowed && value.length === 0) || value.length > 256) {
    throw mustBe(name, `a string of ${emptyAllowed ? 0 : 1} to 256 characters`, value)
  }
  return value
}

function requirement(value: unknown, name: string, fallback: Requirement): Requirement {
  if (value === undefined) return fallback
  if (!REQUIREMENTS.includes(value as Requirement))
    throw mustBe(name, "'required', 'preferred' or 'discouraged'", value)
  return value as Requirement
}

function challengeOption(value: unknown): string {
  if (value === undefined) return encodeBase64URL(randomBytes(32))
  if (!isBytes(value) || value.length < MIN_CHALLENGE_BYTES) {
    throw mustBe('challenge', `at least ${MIN_CHALLENGE_BYTES} random bytes`, value)
  }
  return encodeBase64URL(value)
}

function descriptors(list: unknown, name: string): CredentialDescriptorJSON[] {
  if (list === undefined) return []
  if (!Array.isArray(list)) throw mustBe(name, 'a list of { id, transports? }', list)
  return list.map((entry: CredentialDescriptor, i) => {
    const bytes = typeof entry?.id === 'string' ? decodeBase64URL(entry.id) : null
    if (bytes === null || bytes.length === 0 || bytes.length > MAX_CREDENTIAL_ID_BYTES) {
      throw mustBe(`${name}[${i}].id`, 'a base64url credential id', entry?.id)
    }
    const { transports } = entry
    if (transports === undefined) return { type: 'public-key' as const, id: entry.id }
    if (!Array.isArray(transports) || !transports.every((t) => typeof t === 'string')) {
      throw mustBe(`${name}[${i}].transports`, 'a list of strings', transports)
    }
    return { type: 'public-key' as const, id: entry.id, transports: [...transports] }
  })
}
