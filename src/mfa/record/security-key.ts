// A security key or passkey in the record (schema 3): its entry in the authenticators list, the user's WebAuthn
// state (user handle, the registration begun, the sign-in challenges), and their checks. Schema 2 holds neither.
import { exactKeys, type Fields, isCount, isEnrollmentLife, isText, isTime } from './fields.js'

/** COSE algorithms of a stored key: -8 EdDSA, -7 ES256, -257 RS256. */
export type KeyAlgorithm = -8 | -7 | -257

/** A registered security key or passkey: an entry of the record's authenticators. Times in ms since the Unix epoch. */
export interface SecurityKey {
  kind: 'webauthn'
  /** Stable id, unique for the user (an authenticator id, like an app's). */
  id: string
  label: string
  createdAt: number
  /** The last accepted assertion, or null. */
  lastUsedAt: number | null
  /** The credential id, base64url. */
  credentialId: string
  /** The COSE public key, base64url (public: the record MAC protects its integrity). */
  publicKey: string
  algorithm: KeyAlgorithm
  /** The highest signature counter accepted (0 when the key keeps none). */
  signCount: number
  transports: string[]
  /** BE: fixed at registration; an assertion whose BE differs is refused. */
  backupEligible: boolean
  /** BS, as the last assertion (or the registration) said. */
  backedUp: boolean
  aaguid: string
}

/** A registration begun and not finished: the id and label the key gets, its challenge (base64url) and lifetime. */
export interface KeyRegistration {
  id: string
  label: string
  challenge: string
  createdAt: number
  expiresAt: number
}

/** A sign-in challenge handed out by `challenge`: live until `expiresAt`; `used` once an assertion over it passed. */
export interface KeyChallenge {
  challenge: string
  expiresAt: number
  used: boolean
}

/**
 * The user's WebAuthn state: the user handle every key of theirs is registered under (16 random bytes, base64url;
 * never personal data), the registration begun, and the newest sign-in challenges.
 */
export interface KeyState {
  userHandle: string
  registration: KeyRegistration | null
  challenges: KeyChallenge[]
}

/** The most sign-in challenges a record keeps (the newest): a few tabs or devices signing in at once. */
export const MAX_KEY_CHALLENGES = 5
/** The largest signature counter (32 bits, §6.1). */
export const MAX_SIGN_COUNT = 0xffffffff

const B64URL = /^[A-Za-z0-9_-]+$/
const isB64url = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max && B64URL.test(v)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const KEY_FIELDS = [
  'kind',
  'id',
  'label',
  'createdAt',
  'lastUsedAt',
  'credentialId',
  'publicKey',
  'algorithm',
  'signCount',
  'transports',
  'backupEligible',
  'backedUp',
  'aaguid',
]

/** True when `a` is a stored security key: every field present, of its type and in range, nothing else. */
export function isSecurityKey(a: unknown): a is SecurityKey {
  return (
    exactKeys(a, KEY_FIELDS) &&
    a.kind === 'webauthn' &&
    isText(a.id, 64) &&
    isText(a.label, 64) &&
    isTime(a.createdAt) &&
    (a.lastUsedAt === null || isTime(a.lastUsedAt)) &&
    // a credential id is at most 1023 bytes (§5.8.3): 1364 base64url characters
    isB64url(a.credentialId, 1364) &&
    isB64url(a.publicKey, 2048) &&
    (a.algorithm === -8 || a.algorithm === -7 || a.algorithm === -257) &&
    isCount(a.signCount, MAX_SIGN_COUNT) &&
    Array.isArray(a.transports) &&
    a.transports.length <= 16 &&
    a.transports.every((t) => isText(t, 64)) &&
    typeof a.backupEligible === 'boolean' &&
    typeof a.backedUp === 'boolean' &&
    // §6.1: backed up without being backup eligible is no state a key can be in
    (a.backupEligible || !a.backedUp) &&
    typeof a.aaguid === 'string' &&
    UUID.test(a.aaguid)
  )
}

const isChallengeText = (v: unknown): v is string => isB64url(v, 128)

const isRegistration = (r: unknown): boolean =>
  exactKeys(r, ['id', 'label', 'challenge', 'createdAt', 'expiresAt']) &&
  isText(r.id, 64) &&
  isText(r.label, 64) &&
  isChallengeText(r.challenge) &&
  isTime(r.createdAt) &&
  isTime(r.expiresAt) &&
  r.expiresAt > r.createdAt &&
  // as a pending enrollment: no longer than any policy allows
  isEnrollmentLife(r.createdAt as number, r.expiresAt)

const isChallenge = (c: unknown): boolean =>
  exactKeys(c, ['challenge', 'expiresAt', 'used']) &&
  isChallengeText(c.challenge) &&
  isTime(c.expiresAt) &&
  typeof c.used === 'boolean'

/** True when `s` is a stored WebAuthn state: a user handle, a registration or null, at most a few challenges. */
export function isKeyState(s: unknown): s is KeyState {
  if (!exactKeys(s, ['userHandle', 'registration', 'challenges'])) return false
  const list = (s as Fields).challenges
  return (
    isB64url(s.userHandle, 86) &&
    (s.registration === null || isRegistration(s.registration)) &&
    Array.isArray(list) &&
    list.length <= MAX_KEY_CHALLENGES &&
    list.every(isChallenge) &&
    new Set(list.map((c: Fields) => c.challenge)).size === list.length
  )
}
