// What both ceremonies share: the relying party's expectations (developer input: checked, and misuse throws), the
// JSON envelope the browser sends (user input: anything wrong is `malformed`), and the checks of §7.1/§7.2 on the
// client data and the authenticator data, in the order the specification lists them. Not API.

import { mustBe } from '../errors.js'
import { decodeBase64URL, encodeBase64URL } from '../internal/base64url.js'
import { isBytes, timingSafeEqualBytes } from '../internal/bytes.js'
import { sha256 } from '../internal/crypto.js'
import { type AuthenticatorData, MAX_CREDENTIAL_ID_BYTES, parseAuthenticatorData } from './authenticator-data.js'
import { type ClientDataReason, checkClientData, parseClientData } from './client-data.js'

/** §13.4.3: a challenge holds at least 16 random bytes. */
export const MIN_CHALLENGE_BYTES = 16
/** The longest base64url field read from a response (64 KiB decoded); longer is `malformed` before decoding. */
const MAX_FIELD_CHARS = /* @__PURE__ */ Math.ceil((65536 * 4) / 3)

/** What the relying party expects of a response, as the caller passes it. */
export interface Expectations {
  /** the challenge the options carried: their base64url string, or its bytes */
  expectedChallenge: string | Uint8Array
  /** the origin (or origins) the ceremony may come from, e.g. `https://example.com`; compared exactly */
  expectedOrigin: string | readonly string[]
  /** the RP ID, e.g. `example.com` */
  expectedRPID: string
  /** refuse a response whose UV flag is not set (default false: user presence is enough for a second factor) */
  requireUserVerification?: boolean
}

/** The expectations, checked. */
export interface Expected {
  challenge: string
  origins: readonly string[]
  rpIdHash: Promise<Uint8Array>
  requireUserVerification: boolean
}

/** Reasons both ceremonies can give. */
export type CeremonyReason =
  | ClientDataReason
  | 'rp_id_mismatch'
  | 'user_not_present'
  | 'user_not_verified'
  | 'backup_state_invalid'
  | 'credential_mismatch'

/** Checks the developer's expectations; throws OTPError ERR_INVALID_OPTION on misuse. */
export function readExpectations(options: Expectations): Expected {
  if (typeof options !== 'object' || options === null) throw mustBe('options', 'an object', options)
  const { expectedChallenge, expectedOrigin, expectedRPID, requireUserVerification } = options
  const challengeBytes = typeof expectedChallenge === 'string' ? decodeBase64URL(expectedChallenge) : expectedChallenge
  if (!isBytes(challengeBytes) || challengeBytes.length < MIN_CHALLENGE_BYTES) {
    throw mustBe(
      'expectedChallenge',
      `the options' base64url challenge or its bytes (at least ${MIN_CHALLENGE_BYTES})`,
      expectedChallenge,
    )
  }
  const origins = typeof expectedOrigin === 'string' ? [expectedOrigin] : expectedOrigin
  if (
    !Array.isArray(origins) ||
    origins.length === 0 ||
    !origins.every((o) => typeof o === 'string' && o.length > 0 && !o.includes('*') && !o.endsWith('/'))
  ) {
    throw mustBe('expectedOrigin', 'an origin like https://example.com or a non-empty list of them', expectedOrigin)
  }
  if (typeof expectedRPID !== 'string' || expectedRPID.length === 0 || /[/:\s]/.test(expectedRPID)) {
    throw mustBe('expectedRPID', 'a domain like example.com (no scheme, port or path)', expectedRPID)
  }
  if (requireUserVerification !== undefined && typeof requireUserVerification !== 'boolean') {
    throw mustBe('requireUserVerification', 'a boolean', requireUserVerification)
  }
  return {
    challenge: encodeBase64URL(challengeBytes),
    origins: [...origins],
    rpIdHash: rpIdHash(expectedRPID),
    requireUserVerification: requireUserVerification === true,
  }
}

// The last RP ID's hash: an application has one RP ID, and its digest is public (§6.1 rpIdHash)
let last: { rpId: string; hash: Promise<Uint8Array> } | undefined

function rpIdHash(rpId: string): Promise<Uint8Array> {
  if (last?.rpId !== rpId) {
    const hash = sha256(new TextEncoder().encode(rpId))
    // a failed digest (no WebCrypto) is not kept
    hash.catch(() => {
      if (last?.hash === hash) last = undefined
    })
    last = { rpId, hash }
  }
  return last.hash
}

/** A response's envelope: the credential id and the named base64url fields of `response`, decoded. */
export interface Envelope {
  id: string
  rawId: Uint8Array
  fields: Record<string, Uint8Array>
  /** `response.transports` (registration reports them): the strings of the list, as given, at most 16 */
  transports: string[]
}

/**
 * Reads the JSON a browser sent (`credential.toJSON()`): `id` and `rawId` the same canonical base64url of at most
 * 1023 bytes, `type` `public-key`, and the named fields of `response` canonical base64url. Never throws.
 */
export function readEnvelope(response: unknown, names: readonly string[]): Envelope | null {
  try {
    if (typeof response !== 'object' || response === null) return null
    const { id, rawId, type, response: inner } = response as Record<string, unknown>
    if (type !== 'public-key' || typeof id !== 'string' || id !== rawId || typeof inner !== 'object' || !inner) {
      return null
    }
    const idBytes = field(id)
    if (idBytes === null || idBytes.length === 0 || idBytes.length > MAX_CREDENTIAL_ID_BYTES) return null
    const fields: Record<string, Uint8Array> = {}
    for (const name of names) {
      const bytes = field((inner as Record<string, unknown>)[name])
      if (bytes === null) return null
      fields[name] = bytes
    }
    return { id, rawId: idBytes, fields, transports: transportsOf((inner as Record<string, unknown>).transports) }
  } catch {
    // a getter or proxy that throws is not JSON from a browser
    return null
  }
}

// §5.2.1 getTransports(): a list of strings; unknown values are kept (they are hints for allowCredentials)
function transportsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.filter((t): t is string => typeof t === 'string' && t.length > 0 && t.length <= 64).slice(0, 16)
}

function field(value: unknown): Uint8Array | null {
  return typeof value === 'string' && value.length <= MAX_FIELD_CHARS ? decodeBase64URL(value) : null
}

/** §7.1 steps 5 to 9 / §7.2 steps 9 to 13: the client data, parsed and checked. */
export function clientDataReason(
  bytes: Uint8Array,
  type: string,
  expected: Expected,
): CeremonyReason | 'malformed' | null {
  const data = parseClientData(bytes)
  return data === null ? 'malformed' : checkClientData(data, type, expected.challenge, expected.origins)
}

/**
 * §7.1 steps 13 to 17 / §7.2 steps 15 to 19: the authenticator data, parsed, with the RP ID hash (constant time),
 * user presence and verification and the backup flags checked.
 */
export async function readAuthenticatorData(
  bytes: Uint8Array,
  expected: Expected,
): Promise<AuthenticatorData | CeremonyReason | 'malformed'> {
  const data = parseAuthenticatorData(bytes)
  if (data === null) return 'malformed'
  if (!timingSafeEqualBytes(data.rpIdHash, await expected.rpIdHash)) return 'rp_id_mismatch'
  if (!data.userPresent) return 'user_not_present'
  if (expected.requireUserVerification && !data.userVerified) return 'user_not_verified'
  // §6.1: BS (backed up) without BE (backup eligible) is not a state an authenticator can be in
  if (data.backedUp && !data.backupEligible) return 'backup_state_invalid'
  return data
}
