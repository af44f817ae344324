// Step-up proofs: a short signed string saying "this user passed MFA at this time, with this authenticator, while the
// record was at this generation". The codec (sign, open) is evidence; `decideProof` is the rule the machine applies.
import { describe, mustBe, OTPError } from '../errors.js'
import { decodeBase64URL, encodeBase64URL } from '../internal/base64url.js'
import { isBytes, timingSafeEqualString } from '../internal/bytes.js'
import { deriveHMACKey, signHMAC } from '../internal/crypto.js'

function misuse(message: string): never {
  throw new OTPError('ERR_INVALID_OPTION', message)
}

/** One signing key of the `proofKey` option of `createMFA`: an id (carried in every proof it signs) and 32+ random bytes. */
export interface ProofKeyEntry {
  /** 1 to 16 characters of `A-Z a-z 0-9 . _ -`. */
  readonly id: string
  /** At least 32 random bytes (at most 1024). */
  readonly key: Uint8Array
}

/**
 * The `proofKey` option of `createMFA`: 32 or more random bytes (the same as `[{ id: '0', key }]`), or several
 * keys with ids for rotation. The first key signs new proofs; every listed key still opens the proofs it signed.
 * Rotate by putting a new key first and dropping the old one once its proofs are past their maximum age.
 *
 * @example
 * const proofKey = [{ id: '2026-12', key: newKey32 }, { id: '2026-06', key: oldKey32 }]
 */
export type ProofKeyOption = Uint8Array | readonly ProofKeyEntry[]

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
 * @throws OTPError `ERR_INVALID_OPTION` when a key is not 32 to 1024 bytes, an id is not 1 to 16 characters of
 * `A-Z a-z 0-9 . _ -` or appears twice, or the list is empty or longer than 16
 */
export function checkProofKey(value: unknown): ProofKeyRing | undefined {
  if (value === undefined) return undefined
  const entries = isBytes(value) || !Array.isArray(value) ? [{ id: '0', key: value }] : value
  if (entries.length < 1 || entries.length > 16) throw mustBe('proofKey', 'a key or a list of 1 to 16 keys', value)
  const keys = new Map<string, Uint8Array>()
  for (const entry of entries as unknown[]) {
    const { id, key } = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<ProofKeyEntry>
    if (!isBytes(key) || key.length < 32 || key.length > 1024) {
      throw mustBe('proofKey', '32 to 1024 random bytes (or a list of { id, key })', key ?? entry)
    }
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      misuse(`proofKey ids must be 1 to 16 characters of A-Z a-z 0-9 . _ -, got ${describe(id)}`)
    }
    if (keys.has(id)) misuse('proofKey ids must be unique')
    keys.set(id, new Uint8Array(key))
  }
  return Object.freeze({ current: (entries[0] as ProofKeyEntry).id, keys })
}

/** What a proof says. Times in milliseconds since the Unix epoch. */
export interface ProofClaims {
  /** The id of the key that signed it. */
  kid: string
  /** When the code or recovery code behind it was accepted. */
  verifiedAt: number
  /** The record generation at that time; any later bump voids the proof. */
  generation: number
  method: 'totp' | 'recovery'
  /** The authenticator whose code was accepted (null for a recovery code). */
  authenticatorId: string | null
}

/** A proof string read back: its claims once the signature checked out, or `invalid`. */
export type OpenedProof = { ok: true; claims: ProofClaims } | { ok: false; reason: 'invalid' }

/** Signs and opens proofs with one key ring; the derived HMAC keys are cached per key id. */
export interface ProofCodec {
  /** The proof string of `claims` for the record at `storeKey`, signed with the current key. */
  issue(storeKey: string, claims: Omit<ProofClaims, 'kid'>): Promise<string>
  /** Reads a proof presented for the record at `storeKey`; anything but a genuine proof for it is `invalid`. */
  open(storeKey: string, proof: unknown): Promise<OpenedProof>
}

const VERSION = 1
const TAG_BYTES = 16 // HMAC-SHA256 truncated to 128 bits (NIST SP 800-107 §5.3.4)
const MAX_PROOF_LENGTH = 512
const METHODS = ['totp', 'recovery'] as const
const utf8 = new TextEncoder()

/** Payload: version, method, verifiedAt (8 bytes), generation (8 bytes), key id and authenticator id (length + UTF-8). */
function encodePayload(c: ProofClaims): Uint8Array {
  const kid = utf8.encode(c.kid)
  const auth = utf8.encode(c.authenticatorId ?? '')
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
    return { kid, verifiedAt, generation, method, authenticatorId: method === 'recovery' ? null : auth }
  } catch {
    return null
  }
}

/**
 * What the tag covers: a domain label, the store key (prefix and user id, length-prefixed) and the payload. The
 * user id is signed but never carried, so a proof is useless for any other record and names nobody.
 */
function signedMessage(storeKey: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const key = utf8.encode(storeKey)
  const label = utf8.encode('mfa-core/proof/v1\u0000')
  const out = new Uint8Array(label.length + 4 + key.length + payload.length)
  out.set(label)
  new DataView(out.buffer).setUint32(label.length, key.length)
  out.set(key, label.length + 4)
  out.set(payload, label.length + 4 + key.length)
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
  const derived = new Map<string, Promise<CryptoKey>>()
  const keyFor = (kid: string): Promise<CryptoKey> => {
    let key = derived.get(kid)
    if (key === undefined) {
      key = deriveHMACKey(ring.keys.get(kid)!, 'mfa-core/proof/v1')
      derived.set(kid, key)
      key.catch(() => derived.delete(kid))
    }
    return key
  }
  const tag = async (kid: string, storeKey: string, payload: Uint8Array): Promise<Uint8Array> => {
    const mac = await signHMAC(await keyFor(kid), signedMessage(storeKey, payload))
    return new Uint8Array(mac, 0, TAG_BYTES)
  }
  return {
    async issue(storeKey, claims) {
      const full = { ...claims, kid: ring.current }
      const safe = (n: number) => Number.isSafeInteger(n) && n >= 0
      const auth = claims.authenticatorId
      if (!safe(full.verifiedAt) || !safe(full.generation) || (claims.method === 'totp') !== (auth !== null)) {
        misuse('proof claims must have safe integer times and generation, and an authenticator id for totp only')
      }
      if (auth !== null && (auth === '' || utf8.encode(auth).length > 255)) {
        misuse('authenticator ids in proofs must be 1 to 255 bytes of UTF-8')
      }
      const payload = encodePayload(full)
      const mac = await tag(full.kid, storeKey, payload)
      const out = new Uint8Array(payload.length + TAG_BYTES)
      out.set(payload)
      out.set(mac, payload.length)
      return encodeBase64URL(out)
    },
    async open(storeKey, proof) {
      const invalid = { ok: false, reason: 'invalid' } as const
      if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH) return invalid
      const bytes = decodeBase64URL(proof)
      if (bytes === null || bytes.length <= TAG_BYTES) return invalid
      const payload = bytes.subarray(0, bytes.length - TAG_BYTES)
      const claims = decodePayload(payload)
      if (claims === null || !ring.keys.has(claims.kid)) return invalid
      const expected = encodeBase64URL(await tag(claims.kid, storeKey, payload))
      const given = encodeBase64URL(bytes.subarray(bytes.length - TAG_BYTES))
      return timingSafeEqualString(expected, given) ? { ok: true, claims } : invalid
    },
  }
}

/** The default `maxAgeMs` of a proof: 10 minutes (Authelia's elevated-session default). */
export const DEFAULT_PROOF_MAX_AGE_MS = 600_000

/**
 * Checks a `maxAgeMs` option: 1 second to 1 day, in milliseconds.
 *
 * @throws OTPError `ERR_INVALID_OPTION` otherwise
 */
export function checkMaxAge(value: unknown): number {
  if (value === undefined) return DEFAULT_PROOF_MAX_AGE_MS
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1000 && value <= 86_400_000) return value
  throw mustBe('maxAgeMs', 'an integer from 1000 to 86400000 (milliseconds)', value)
}

/** How far in the future (ms) a proof's time may lie: clocks of servers sharing a store differ a little. */
export const PROOF_CLOCK_SKEW_MS = 60_000

/** The facts of a record a proof is checked against. */
export interface ProofFacts {
  generation: number
  authenticators: readonly { id: string; createdAt: number }[]
}

/** Why a proof was refused: past `maxAgeMs`, not a genuine proof for this user, or voided by a change since. */
export type ProofReason = 'expired' | 'invalid' | 'revoked'

/** The outcome of {@link decideProof}. */
export type ProofDecision =
  | { ok: true; verifiedAt: number; method: 'totp' | 'recovery'; authenticatorId: string | null }
  | { ok: false; reason: ProofReason }

/**
 * Decides whether an opened proof still stands for the user's record now. Pure: no clock, no crypto.
 *
 * - not genuine, or dated more than {@link PROOF_CLOCK_SKEW_MS} ahead of `now`: `invalid`;
 * - no record, a different generation (disable, reset, a removal, a recovery regeneration happened since), the
 *   authenticator behind it removed, or (for a recovery proof) every authenticator newer than it: `revoked`;
 * - older than `maxAgeMs`: `expired`.
 *
 * The authenticator must also be older than the proof (within the clock skew), so an id reused by a later
 * enrollment never revives a proof.
 *
 * @param opened - from {@link ProofCodec.open}
 * @param record - the user's generation and authenticators, or null when the user has no record
 * @param now - the service's clock (ms)
 * @param maxAgeMs - the oldest proof accepted (ms)
 */
export function decideProof(
  opened: OpenedProof,
  record: ProofFacts | null,
  now: number,
  maxAgeMs: number,
): ProofDecision {
  if (!opened.ok || opened.claims.verifiedAt > now + PROOF_CLOCK_SKEW_MS) return { ok: false, reason: 'invalid' }
  const { verifiedAt, generation, method, authenticatorId } = opened.claims
  const older = (a: { createdAt: number }) => a.createdAt <= verifiedAt + PROOF_CLOCK_SKEW_MS
  const standing =
    record !== null &&
    record.generation === generation &&
    (method === 'recovery'
      ? record.authenticators.some(older)
      : record.authenticators.some((a) => a.id === authenticatorId && older(a)))
  if (!standing) return { ok: false, reason: 'revoked' }
  if (now - verifiedAt > maxAgeMs) return { ok: false, reason: 'expired' }
  return { ok: true, verifiedAt, method, authenticatorId }
}
