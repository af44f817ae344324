// The client data (WebAuthn Level 3 §5.8.1): the JSON the browser wrote and the authenticator signed a hash of.
// Decoded as UTF-8 (a BOM is dropped, §7.1 step 5 uses UTF-8 decode), parsed as JSON, and its members checked
// exactly: no prefix or case folding for the origin, no other spelling of the challenge. Not API.
import { timingSafeEqualString } from '../internal/bytes.js'

/** The members of the client data a relying party checks. */
export interface ClientData {
  type: string
  challenge: string
  origin: string
  crossOrigin: boolean
}

/** Why client data is refused. */
export type ClientDataReason = 'malformed' | 'type_mismatch' | 'challenge_mismatch' | 'origin_mismatch' | 'cross_origin'

// WHATWG Encoding: UTF-8 decode strips a leading BOM; fatal, so an invalid sequence is refused rather than replaced
const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })

/**
 * Reads clientDataJSON.
 *
 * @param bytes - the clientDataJSON bytes
 * @returns its members, or null when it is not UTF-8 JSON with string `type`, `challenge`, `origin` (and a boolean
 *   `crossOrigin` when present)
 * @see https://www.w3.org/TR/webauthn-3/#dictionary-client-data
 */
export function parseClientData(bytes: Uint8Array): ClientData | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(utf8.decode(bytes))
  } catch {
    return null
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
  const { type, challenge, origin, crossOrigin } = parsed as Record<string, unknown>
  if (typeof type !== 'string' || typeof challenge !== 'string' || typeof origin !== 'string') return null
  if (crossOrigin !== undefined && typeof crossOrigin !== 'boolean') return null
  return { type, challenge, origin, crossOrigin: crossOrigin === true }
}

/**
 * Checks client data against what the relying party expects, in the order of §7.1 steps 7 to 9.
 *
 * @param data - the parsed client data
 * @param type - `webauthn.create` or `webauthn.get`
 * @param challenge - the expected challenge, base64url without padding
 * @param origins - the accepted origins, compared exactly
 * @returns null when everything matches, else the first reason
 * @see https://www.w3.org/TR/webauthn-3/#sctn-registering-a-new-credential (steps 7 to 9)
 */
export function checkClientData(
  data: ClientData,
  type: string,
  challenge: string,
  origins: readonly string[],
): ClientDataReason | null {
  if (data.type !== type) return 'type_mismatch'
  if (!timingSafeEqualString(data.challenge, challenge)) return 'challenge_mismatch'
  if (!origins.includes(data.origin)) return 'origin_mismatch'
  // a ceremony inside a cross-origin iframe is not one this verifier is told to expect (it has no topOrigin option)
  if (data.crossOrigin) return 'cross_origin'
  return null
}
