// Trusted devices ("don't ask again on this browser"): a random token the browser keeps, of which the record keeps
// only a digest. The token codec (mint, read) is evidence; the list rules below it are pure, for the machine.
import { describe, mustBe, OTPError } from '../errors.js'
import { decodeBase64URL, encodeBase64URL } from '../internal/base64url.js'
import { timingSafeEqualString } from '../internal/bytes.js'
import { randomBytes, sha256 } from '../internal/crypto.js'
import { isWellFormed } from '../storage/check.js'

/** A device the user chose to trust. Times in milliseconds since the Unix epoch. */
export interface TrustedDevice {
  /** Random, 16 letters (no digit, so it never looks like a code in a log); also the first part of its token. */
  id: string
  /** SHA-256 of the current token (domain label, store key, token), truncated to 128 bits, lower-case hex. */
  digest: string
  label: string
  createdAt: number
  lastUsedAt: number
  /** Fixed when the device is trusted; using the token does not extend it. */
  expiresAt: number
}

/** A device revoked before its expiry, remembered until then so its token says `revoked` rather than `unknown`. */
export interface RevokedDevice {
  id: string
  revokedAt: number
  expiresAt: number
}

/** An entry of the record's `devices` list. */
export type DeviceEntry = TrustedDevice | RevokedDevice

/** What `listTrustedDevices` shows of a device: never its digest. */
export type TrustedDeviceInfo = Omit<TrustedDevice, 'digest'>

/** Why a device token was refused. */
export type DeviceReason = 'unknown' | 'expired' | 'revoked'

/** Trusted devices kept per user by default; trusting one more drops the oldest. */
export const DEFAULT_MAX_TRUSTED_DEVICES = 10
/** Default lifetime of a trusted device: 30 days. */
export const DEFAULT_TRUSTED_DEVICE_TTL_MS = 2_592_000_000
/** Longest lifetime of a trusted device: 400 days (what Chromium allows a cookie). */
export const MAX_TRUSTED_DEVICE_TTL_MS = 34_560_000_000

// 64 random bits as 16 letters of a 16-letter alphabet, like authenticator ids: unique within a user's list
const ID_ALPHABET = 'abcdefghjkmnpqrs'
const newDeviceId = (): string => Array.from(randomBytes(16), (b) => ID_ALPHABET[b & 15]).join('')
const SECRET_BYTES = 32 // 256 random bits, at least the 128 the issue asks for
const TOKEN = /^([a-hjkmnp-s]{16})\.([\w-]{43})$/
const utf8 = new TextEncoder()

const isRevoked = (entry: DeviceEntry): entry is RevokedDevice => 'revokedAt' in entry

/** The stored form of a token: bound to the store key, so a digest copied into another record opens nothing. */
async function digestToken(storeKey: string, token: string): Promise<string> {
  const digest = await sha256(utf8.encode(`mfa-core/device/v1\u0000${storeKey}\u0000${token}`))
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Mints a device token: `<device id>.<256 random bits in base64url>` (60 characters). The token goes to the
 * browser once; only its digest is stored.
 *
 * @param storeKey - the record's store key (prefix and user id)
 * @param id - the device's id when rotating its token; a fresh random one otherwise
 */
export async function mintDeviceToken(
  storeKey: string,
  id = newDeviceId(),
): Promise<{ id: string; token: string; digest: string }> {
  const token = `${id}.${encodeBase64URL(randomBytes(SECRET_BYTES))}`
  return { id, token, digest: await digestToken(storeKey, token) }
}

/**
 * Reads a token presented by a browser: the device id it names and its digest, or null when it cannot be a token
 * (`malformed`). Never throws for what it is given.
 *
 * @param storeKey - the record's store key (prefix and user id)
 * @param token - what the browser sent
 */
export async function readDeviceToken(
  storeKey: string,
  token: unknown,
): Promise<{ id: string; digest: string } | null> {
  const match = typeof token === 'string' ? TOKEN.exec(token) : null
  if (match === null || decodeBase64URL(match[2] as string) === null) return null
  return { id: match[1] as string, digest: await digestToken(storeKey, token as string) }
}

/**
 * Checks the `trustDevice` option of `verify`: a label the application shows in its device list and an optional
 * lifetime.
 *
 * @param value - `{ label, ttlMs? }` as passed
 * @param defaultTTLMs - the policy's lifetime, used when `ttlMs` is absent (ms)
 * @returns the label and the lifetime (ms)
 * @throws OTPError `ERR_INVALID_OPTION` when the label is not well-formed text of 1 to 64 characters without
 * U+0000, or `ttlMs` is not an integer from 1 minute to 400 days
 */
export function checkTrustDevice(value: unknown, defaultTTLMs: number): { label: string; ttlMs: number } {
  if (typeof value !== 'object' || value === null) throw mustBe('trustDevice', '{ label, ttlMs? }', value)
  const { label, ttlMs } = value as { label?: unknown; ttlMs?: unknown }
  if (
    typeof label !== 'string' ||
    label.length < 1 ||
    label.length > 64 ||
    !isWellFormed(label) ||
    label.includes('\u0000')
  ) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `trustDevice.label must be well-formed text of 1 to 64 characters without U+0000, got ${describe(label)}`,
    )
  }
  if (ttlMs === undefined) return { label, ttlMs: defaultTTLMs }
  if (
    typeof ttlMs === 'number' &&
    Number.isSafeInteger(ttlMs) &&
    ttlMs >= 60_000 &&
    ttlMs <= MAX_TRUSTED_DEVICE_TTL_MS
  ) {
    return { label, ttlMs }
  }
  throw mustBe('trustDevice.ttlMs', `an integer from 60000 to ${MAX_TRUSTED_DEVICE_TTL_MS} (milliseconds)`, ttlMs)
}

/**
 * Adds a trusted device. Entries past their expiry are dropped first; then, over `cap` trusted devices, the oldest
 * (by creation) are revoked; at most `cap` revoked entries are remembered (the newest).
 *
 * @param devices - the record's list
 * @param fresh - the new device's id and token digest, its label and lifetime (ms)
 * @param now - the service's clock (ms)
 * @param cap - the policy's `maxTrustedDevices`
 * @returns the new list and the ids of devices revoked to make room
 */
export function trustDevice(
  devices: readonly DeviceEntry[],
  fresh: { id: string; digest: string; label: string; ttlMs: number },
  now: number,
  cap: number,
): { devices: DeviceEntry[]; dropped: string[] } {
  const { id, digest, label, ttlMs } = fresh
  const live = devices.filter((d) => d.expiresAt > now && d.id !== id)
  const trusted = live.filter((d): d is TrustedDevice => !isRevoked(d))
  trusted.push({ id, digest, label, createdAt: now, lastUsedAt: now, expiresAt: now + ttlMs })
  // stable sort: equal creation times keep their order, so the newest device is never the one dropped
  trusted.sort((a, b) => a.createdAt - b.createdAt)
  const over = trusted.splice(0, Math.max(0, trusted.length - cap))
  const revoked = [
    ...live.filter(isRevoked),
    ...over.map((d) => ({ id: d.id, revokedAt: now, expiresAt: d.expiresAt })),
  ]
    .sort((a, b) => a.revokedAt - b.revokedAt)
    .slice(-cap)
  return { devices: [...trusted, ...revoked], dropped: over.map((d) => d.id) }
}

/**
 * Uses a device token: a genuine, unexpired token of a trusted device is accepted and replaced (its digest becomes
 * `replacement`, so the presented token, and any copy of it, stops working); anything else is refused. A token of
 * a device never trusted (or forgotten since) is `unknown`; of a revoked device, or one whose token has been rotated
 * since, `revoked`; of a device past its expiry, `expired`. Digests are compared in constant time.
 *
 * @param devices - the record's list
 * @param presented - from {@link readDeviceToken}
 * @param replacement - the digest of the token that replaces it (minted with the same device id)
 * @param now - the service's clock (ms)
 */
export function useDevice(
  devices: readonly DeviceEntry[],
  presented: { id: string; digest: string },
  replacement: string,
  now: number,
): { ok: true; deviceId: string; devices: DeviceEntry[] } | { ok: false; reason: DeviceReason } {
  const index = devices.findIndex((d) => d.id === presented.id)
  const entry = devices[index]
  if (entry === undefined) return { ok: false, reason: 'unknown' }
  if (isRevoked(entry) || !timingSafeEqualString(entry.digest, presented.digest))
    return { ok: false, reason: 'revoked' }
  if (now >= entry.expiresAt) return { ok: false, reason: 'expired' }
  const next = [...devices]
  next[index] = { ...entry, digest: replacement, lastUsedAt: now }
  return { ok: true, deviceId: entry.id, devices: next }
}

/**
 * Revokes one trusted device.
 *
 * @returns the new list, and whether a trusted (unexpired, unrevoked) device had that id
 */
export function revokeDevice(
  devices: readonly DeviceEntry[],
  id: string,
  now: number,
): { devices: DeviceEntry[]; revoked: boolean } {
  let revoked = false
  const next = devices.map((d) => {
    if (d.id !== id || isRevoked(d) || d.expiresAt <= now) return d
    revoked = true
    return { id: d.id, revokedAt: now, expiresAt: d.expiresAt }
  })
  return { devices: next, revoked }
}

/**
 * Revokes every trusted device (the user's choice, or a security change: disable, a removed authenticator, a
 * recovery-code regeneration).
 *
 * @returns the new list and the ids revoked
 */
export function revokeAllDevices(
  devices: readonly DeviceEntry[],
  now: number,
): { devices: DeviceEntry[]; revoked: string[] } {
  const revoked: string[] = []
  const next = devices.map((d) => {
    if (isRevoked(d) || d.expiresAt <= now) return d
    revoked.push(d.id)
    return { id: d.id, revokedAt: now, expiresAt: d.expiresAt }
  })
  return { devices: next, revoked }
}

/** The trusted devices of a user as an application shows them: unexpired, unrevoked, oldest first, no digest. */
export function listDevices(devices: readonly DeviceEntry[], now: number): TrustedDeviceInfo[] {
  return devices
    .filter((d): d is TrustedDevice => !isRevoked(d) && d.expiresAt > now)
    .map(({ id, label, createdAt, lastUsedAt, expiresAt }) => ({ id, label, createdAt, lastUsedAt, expiresAt }))
}
