// The evidence side of security keys: the `webauthn` option of createMFA checked once, what a browser's registration
// or assertion *is* (verified with the WebAuthn ceremonies against the record's challenge and key), and the options
// the browser gets. Deciding what a verdict means is the machine's (machine/security-keys.ts).
import { describe, misuse } from '../errors.js'
import { decodeBase64URL, encodeBase64URL } from '../internal/base64url.js'
import { createPromiseCache } from '../internal/cache.js'
import { verifyAssertion } from '../webauthn/authentication.js'
import { readEnvelope } from '../webauthn/ceremony.js'
import { parseClientData } from '../webauthn/client-data.js'
import { type COSEKeyReason, importCOSEKey, type VerifyKey } from '../webauthn/cose.js'
import {
  type AuthenticationOptionsJSON,
  createAuthenticationOptions,
  createRegistrationOptions,
  type RegistrationOptionsJSON,
  type Requirement,
} from '../webauthn/options.js'
import { verifyRegistration } from '../webauthn/registration.js'
import type { WebAuthnOptions } from './api.js'
import type { CodeEvidence, CodeGate } from './machine/index.js'
import type { RegistrationEvidence } from './machine/security-keys.js'

/** The `webauthn` option, checked. */
export interface WebAuthnConfig {
  rpId: string
  rpName: string
  origins: readonly string[]
  userVerification: Requirement
  residentKey: Requirement
}

const REQUIREMENTS: readonly Requirement[] = ['required', 'preferred', 'discouraged']

/**
 * Checks the `webauthn` option of createMFA (absent: undefined, and the security-key methods throw when called).
 *
 * @throws OTPError `ERR_INVALID_OPTION` naming the field that is wrong
 */
export function checkWebAuthnOption(value: WebAuthnOptions | undefined): WebAuthnConfig | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null)
    misuse(`webauthn must be { rpId, rpName, origins }, got ${describe(value)}`)
  const { rpId, rpName, origins, userVerification = 'preferred', residentKey = 'discouraged' } = value
  // a domain: browsers refuse an IP address as an RP ID (WebAuthn §5.1.3: a valid domain), so no key could register
  const ip = typeof rpId === 'string' && (/^[\d.]+$/.test(rpId) || rpId.startsWith('['))
  if (typeof rpId !== 'string' || rpId.length === 0 || rpId.length > 253 || /[/:\s]/.test(rpId) || ip) {
    misuse(
      `webauthn.rpId must be a domain like example.com (no scheme, port, path or IP address), got ${describe(rpId)}`,
    )
  }
  if (typeof rpName !== 'string' || rpName.length === 0 || rpName.length > 256) {
    misuse(`webauthn.rpName must be a string of 1 to 256 characters, got ${describe(rpName)}`)
  }
  if (
    !Array.isArray(origins) ||
    origins.length === 0 ||
    !origins.every((o) => typeof o === 'string' && /^https?:\/\/[^/\s*]+$/.test(o))
  ) {
    misuse(`webauthn.origins must be a non-empty list of origins like https://example.com, got ${describe(origins)}`)
  }
  if (!REQUIREMENTS.includes(userVerification)) {
    misuse(
      `webauthn.userVerification must be 'required', 'preferred' or 'discouraged', got ${describe(userVerification)}`,
    )
  }
  if (!REQUIREMENTS.includes(residentKey)) {
    misuse(`webauthn.residentKey must be 'required', 'preferred' or 'discouraged', got ${describe(residentKey)}`)
  }
  return Object.freeze({ rpId, rpName, origins: Object.freeze([...origins]), userVerification, residentKey })
}

/** Verifies security keys' responses for one service. */
export interface KeyVerifier {
  readonly config: WebAuthnConfig
  /** What an assertion is against the gate's keys and challenges: malformed, or the key, challenge and verdict. */
  assertion(gate: CodeGate, response: unknown): Promise<CodeEvidence>
  /** What a registration response is against the registration's challenge. */
  registration(challenge: string, response: unknown): Promise<RegistrationEvidence>
  /** The creation options for the browser. */
  creationOptions(input: {
    challenge: Uint8Array
    userHandle: string
    accountName: string
    displayName: string
    exclude: { id: string; transports: string[] }[]
    timeoutMs: number
  }): RegistrationOptionsJSON
  /** The request options for the browser. */
  requestOptions(input: {
    challenge: Uint8Array
    allow: { id: string; transports: string[] }[]
    timeoutMs: number
  }): AuthenticationOptionsJSON
}

// The expected challenge when the one an assertion names is not the record's: 32 bytes no challenge of ours equals
// (ours are random), so the verifier answers challenge_mismatch after its envelope checks
const NOT_OURS = /* @__PURE__ */ new Uint8Array(32)

/**
 * How many imported credential keys a service keeps: the keys of the users who signed in last. Node 20 holds about
 * 9 KB per imported P-256 key (OpenSSL's key object; 9 MB measured for 1,000), so about 2.3 MB at most.
 */
export const KEY_IMPORTS_KEPT = 256

/**
 * The credential keys a service imported, by their stored text (the record's base64url COSE key): the same text is
 * the same key, so its import is reused. The oldest goes when `limit` are kept. Only a key is kept: an import that
 * failed (a key the runtime refused, no WebCrypto) is tried again the next time.
 *
 * @param limit - how many keys to keep
 * @returns `(text, bytes)`: the import of `bytes`, the decoded `text`
 */
export function keyImports(limit: number): (text: string, bytes: Uint8Array) => Promise<VerifyKey | COSEKeyReason> {
  const kept = createPromiseCache<VerifyKey | COSEKeyReason>(limit, (result) => typeof result !== 'string')
  return (text, bytes) => kept.get(text, () => importCOSEKey(bytes))
}

/**
 * Creates the key verifier of a service.
 *
 * @param config - the checked `webauthn` option
 */
export function createKeyVerifier(config: WebAuthnConfig): KeyVerifier {
  const imported = keyImports(KEY_IMPORTS_KEPT)
  const expectations = {
    expectedOrigin: config.origins,
    expectedRPID: config.rpId,
    requireUserVerification: config.userVerification === 'required',
  }
  return {
    config,
    async assertion(gate, response) {
      const envelope = readEnvelope(response, ['clientDataJSON', 'authenticatorData', 'signature'])
      const client = envelope && parseClientData(envelope.fields.clientDataJSON as Uint8Array)
      if (!envelope || !client) return { kind: 'malformed' }
      const key = gate.keys.find((k) => k.credentialId === envelope.id)
      const named = client.challenge
      if (!key)
        return {
          kind: 'webauthn',
          authenticatorId: null,
          challenge: named,
          verdict: { ok: false, reason: 'credential_mismatch' },
        }
      const ours = gate.challenges.some((c) => c.challenge === named)
      const stored = key.publicKey
      const verdict = await verifyAssertion(
        response,
        {
          ...expectations,
          expectedChallenge: ours ? named : NOT_OURS,
          credential: {
            id: key.credentialId,
            publicKey: decodeBase64URL(stored) as Uint8Array,
            signCount: key.signCount,
            backupEligible: key.backupEligible,
          },
        },
        (bytes) => imported(stored, bytes),
      )
      return {
        kind: 'webauthn',
        authenticatorId: key.id,
        challenge: named,
        verdict: verdict.ok
          ? {
              ok: true,
              signCount: verdict.signCount,
              backedUp: verdict.backedUp,
              counterRegressed: verdict.counterRegressed,
            }
          : verdict,
      }
    },
    async registration(challenge, response) {
      const result = await verifyRegistration(response, { ...expectations, expectedChallenge: challenge })
      if (!result.ok)
        return result.reason === 'malformed' ? { kind: 'malformed' } : { kind: 'refused', detail: result.reason }
      const c = result.credential
      return {
        kind: 'registered',
        key: {
          credentialId: c.id,
          publicKey: encodeBase64URL(c.publicKey),
          algorithm: c.algorithm,
          signCount: c.signCount,
          transports: c.transports,
          backupEligible: c.backupEligible,
          backedUp: c.backedUp,
          aaguid: c.aaguid,
        },
      }
    },
    creationOptions(input) {
      return createRegistrationOptions({
        rp: { id: config.rpId, name: config.rpName },
        user: {
          id: decodeBase64URL(input.userHandle) as Uint8Array,
          name: input.accountName,
          displayName: input.displayName,
        },
        challenge: input.challenge,
        excludeCredentials: input.exclude,
        userVerification: config.userVerification,
        residentKey: config.residentKey,
        timeoutMs: input.timeoutMs,
      })
    },
    requestOptions(input) {
      return createAuthenticationOptions({
        rpId: config.rpId,
        challenge: input.challenge,
        allowCredentials: input.allow,
        userVerification: config.userVerification,
        timeoutMs: input.timeoutMs,
      })
    },
  }
}
