// The step-up proof's codec: a short signed string saying "this user passed MFA at this time, with this
// authenticator, while the record was at this generation". Whether a proof still stands is the machine's rule
// (machine/step-up.ts).
import { describe, misuse, mustBe } from '../errors.js'
import { decodeBase64URL, encodeBase64URL } from '../internal/base64url.js'
import { isBytes, timingSafeEqualString, utf8 } from '../internal/bytes.js'
import { createPromiseCache } from '../internal/cache.js'
import { deriveHMACKey, signHMAC } from '../internal/crypto.js'
import type { ProofKeyEntry } from './api.js'
import { readKey } from './key-option.js'
import { isChannel, type OpenedProof, type ProofClaims } from './machine/step-up.js'

/** Checked proof keys: the id that signs, and every id that opens. */
export interface ProofKeyRing {
  readonly current: string
  readonly keys: ReadonlyMap<string, Uint8Array>
}

const KEY_ID = /^[\w.-]{1,16}$/

/**
 * Checks the `proofKey` option once, when the service is created.
 *
 * @param value - the option as passed (undefined: proofs are off)
 * @returns the key ring, or undefined without a key
 * @throws OTPError `ERR_INVALID_OPTION` when a key is not 32 to 1024 bytes (or their base64 text), an id is not 1 to 16 characters of
 * `A-Z a-z 0-9 . _ -` or appears twice, or the list is empty or longer than 16
 */
export function checkProofKey(value: unknown): ProofKeyRing | undefined {
  if (value === undefined) return undefined
  const entries = isBytes(value) || !Array.isArray(value) ? [{ id: '0', key: value }] : value
  if (entries.length < 1 || entries.length > 16) throw mustBe('proofKey', 'a key or a list of 1 to 16 keys', value)
  const keys = new Map<string, Uint8Array>()
  for (const entry of entries as unknown[]) {
    const { id, key } = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<ProofKeyEntry>
    const name = entries === value && typeof id === 'string' && KEY_ID.test(id) ? `proofKey "${id}"` : 'proofKey'
    const bytes = readKey(key ?? entry, name, (n) => n >= 32 && n <= 1024, '32 to 1024 random bytes')
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      misuse(`proofKey ids must be 1 to 16 characters of A-Z a-z 0-9 . _ -, got ${describe(id)}`)
    }
    if (keys.has(id)) misuse('proofKey ids must be unique')
    keys.set(id, bytes)
  }
  return Object.freeze({ current: (entries[0] as ProofKeyEntry).id, keys })
}

/** Signs and opens proofs with one key ring; the derived HMAC keys are cached per key id. */
export interface ProofCodec {
  /**
   * The proof string of `claims` for the record at `storeKey`, signed with the current key; bound to the
   * application's session `bindTo` when given (signed over, never carried).
   */
  issue(storeKey: string, claims: Omit<ProofClaims, 'kid'>, bindTo?: string): Promise<string>
  /**
   * Reads a proof presented for the record at `storeKey` (and the session `bindTo`, when the application gives
   * one); anything but a genuine proof for exactly that record and binding is `invalid`.
   */
  open(storeKey: string, proof: unknown, bindTo?: string): Promise<OpenedProof>
}

const VERSION = 1
const TAG_BYTES = 16 // HMAC-SHA256 truncated to 128 bits (NIST SP 800-107 §5.3.4)
const MAX_PROOF_LENGTH = 512
// appended only: a proof's method byte is its index here
const METHODS = ['totp', 'recovery', 'webauthn', 'email', 'sms'] as const

/**
 * Payload: version, method, verifiedAt (8 bytes), generation (8 bytes), key id and authenticator id (length + UTF-8).
 * For a verification code (`email`, `sms`) the id field holds the purpose the code was sent for.
 */
function encodePayload(c: ProofClaims): Uint8Array {
  const kid = utf8(c.kid)
  const auth = utf8(c.authenticatorId ?? c.purpose ?? '')
  const out = new Uint8Array(20 + kid.length + auth.length)
  const view = new DataView(out.buffer)
  out[0] = VERSION
  out[1] = METHODS.indexOf(c.method)
  view.setUint32(2, Math.floor(c.verifiedAt / 2 ** 32))
  view.setUint32(6, c.verifiedAt >>> 0)
  view.setUint32(10, Math.floor(c.generation / 2 ** 32))
  view.setUint32(14, c.generation >>> 0)
  out[18] = kid.length
  out.set(kid, 19)
  out[19 + kid.length] = auth.length
  out.set(auth, 20 + kid.length)
  return out
}

/** The inverse of {@link encodePayload}, or null for anything it could not have written. */
function decodePayload(bytes: Uint8Array): ProofClaims | null {
  if (bytes.length < 20 || bytes[0] !== VERSION) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const method = METHODS[bytes[1] as number]
  const verifiedAt = view.getUint32(2) * 2 ** 32 + view.getUint32(6)
  const generation = view.getUint32(10) * 2 ** 32 + view.getUint32(14)
  const kidLength = bytes[18] as number
  const authLength = bytes[19 + kidLength]
  if (method === undefined || authLength === undefined || bytes.length !== 20 + kidLength + authLength) return null
  if (!Number.isSafeInteger(verifiedAt) || !Number.isSafeInteger(generation)) return null
  if ((method === 'recovery') !== (authLength === 0)) return null
  try {
    const text = new TextDecoder('utf-8', { fatal: true })
    const kid = text.decode(bytes.subarray(19, 19 + kidLength))
    const auth = text.decode(bytes.subarray(20 + kidLength))
    if (isChannel(method)) {
      return { kid, verifiedAt, generation, method, authenticatorId: null, purpose: auth }
    }
    return { kid, verifiedAt, generation, method, authenticatorId: method === 'recovery' ? null : auth }
  } catch {
    return null
  }
}

/**
 * What the tag covers: a domain label, the store key (prefix and user id, length-prefixed), the payload and, for a
 * bound proof, a second label and the session it is bound to (length-prefixed). The user id and the session are
 * signed but never carried, so a proof is useless for any other record or session and names neither. An unbound
 * proof's message is the one of earlier releases; the payload's own lengths fix where it ends, so no bound message
 * equals an unbound one.
 */
function signedMessage(storeKey: string, payload: Uint8Array, bindTo: string | undefined): Uint8Array<ArrayBuffer> {
  const key = utf8(storeKey)
  const label = utf8('mfa-core/proof/v1\u0000')
  const bound = bindTo === undefined ? new Uint8Array(0) : utf8(`\u0000mfa-core/proof-binding/v1\u0000${bindTo}`)
  const out = new Uint8Array(
    label.length + 4 + key.length + payload.length + (bindTo === undefined ? 0 : 4) + bound.length,
  )
  const view = new DataView(out.buffer)
  out.set(label)
  view.setUint32(label.length, key.length)
  out.set(key, label.length + 4)
  let at = label.length + 4 + key.length
  out.set(payload, at)
  at += payload.length
  if (bindTo !== undefined) {
    view.setUint32(at, bound.length)
    out.set(bound, at + 4)
  }
  return out
}

/**
 * Creates the proof codec of a service: a proof is `base64url(payload || HMAC-SHA256-128(derived key, domain ||
 * store key || payload))`, about 70 characters. The HMAC key is derived from the proof key for this one purpose
 * (HKDF-SHA256, info `mfa-core/proof/v1`). Opening compares tags in constant time and never throws for what it is
 * given.
 *
 * @param ring - from {@link checkProofKey}
 */
export function createProofCodec(ring: ProofKeyRing): ProofCodec {
  const derived = createPromiseCache<CryptoKey>()
  const keyFor = (kid: string): Promise<CryptoKey> =>
    derived.get(kid, () => deriveHMACKey(ring.keys.get(kid) as Uint8Array, 'mfa-core/proof/v1'))
  const tag = async (kid: string, storeKey: string, payload: Uint8Array, bindTo?: string): Promise<Uint8Array> => {
    const mac = await signHMAC(await keyFor(kid), signedMessage(storeKey, payload, bindTo))
    return new Uint8Array(mac, 0, TAG_BYTES)
  }
  return {
    async issue(storeKey, claims, bindTo) {
      const full = { ...claims, kid: ring.current }
      const safe = (n: number) => Number.isSafeInteger(n) && n >= 0
      const auth = claims.authenticatorId
      const channel = isChannel(claims.method)
      const byAuthenticator = claims.method === 'totp' || claims.method === 'webauthn'
      if (!safe(full.verifiedAt) || !safe(full.generation) || byAuthenticator !== (auth !== null)) {
        misuse(
          'proof claims must have safe integer times and generation, and an authenticator id for totp and webauthn only',
        )
      }
      if (channel !== (claims.purpose !== undefined)) misuse('proof claims carry a purpose for email and sms only')
      const id = auth ?? claims.purpose ?? null
      if (id !== null && (id === '' || utf8(id).length > 255)) {
        misuse('authenticator ids and purposes in proofs must be 1 to 255 bytes of UTF-8')
      }
      const payload = encodePayload(full)
      const mac = await tag(full.kid, storeKey, payload, bindTo)
      const out = new Uint8Array(payload.length + TAG_BYTES)
      out.set(payload)
      out.set(mac, payload.length)
      return encodeBase64URL(out)
    },
    async open(storeKey, proof, bindTo) {
      const invalid = { ok: false, reason: 'invalid' } as const
      if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH) return invalid
      const bytes = decodeBase64URL(proof)
      if (bytes === null || bytes.length <= TAG_BYTES) return invalid
      const payload = bytes.subarray(0, bytes.length - TAG_BYTES)
      const claims = decodePayload(payload)
      if (claims === null || !ring.keys.has(claims.kid)) return invalid
      const expected = encodeBase64URL(await tag(claims.kid, storeKey, payload, bindTo))
      const given = encodeBase64URL(bytes.subarray(bytes.length - TAG_BYTES))
      return timingSafeEqualString(expected, given) ? { ok: true, claims } : invalid
    },
  }
}
