// Trusted devices ("don't ask again on this browser"): trusting one at login with a cap, using its token instead of a
// code (accepted once and rotated), listing and revoking them, and revoking them all for a security change. The
// token's codec (mint, read) is ../device-token.ts; the record keeps only a digest of the current token.
import { timingSafeEqualString } from '../../internal/bytes.js'
import type { DeviceReason, MFAPolicy, TrustedDeviceInfo } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import {
  type DeviceEntry,
  MAX_REPLACED_TOKENS,
  type MFARecord,
  type RevokedDevice,
  type TrustedDevice,
} from '../record/shapes.js'
import { deviceGate, refuseClosed } from './gates.js'
import { fail, refuse } from './refusal.js'
import type { Refusal, Transition } from './types.js'

const isRevoked = (entry: DeviceEntry): entry is RevokedDevice => 'revokedAt' in entry

/** A device to trust at login: its id and token digest (minted by the evidence side), label and lifetime (ms). */
export interface FreshDevice {
  id: string
  digest: string
  label: string
  ttlMs: number
}

/** A presented token as the codec read it: the device id it names and its digest. */
export interface PresentedDevice {
  id: string
  digest: string
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
  fresh: FreshDevice,
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

/** Why a device token was refused; `reused` when it was one its device had replaced (the device is then revoked). */
export type DeviceRefusal = {
  ok: false
  reason: 'device_unknown' | 'device_expired' | 'device_revoked'
  /** The device the token names, when the record knows it. */
  deviceId?: string
  /** The list with the device revoked: the token was a replaced one, so it was copied (reuse detection). */
  reused?: DeviceEntry[]
}

/**
 * Uses a device token: a genuine, unexpired token of a trusted device is accepted and replaced (its digest becomes
 * `replacement`, and the presented one joins the device's replaced digests, the newest
 * {@link MAX_REPLACED_TOKENS} kept); anything else is refused. A token of a device never trusted (or forgotten
 * since) is `device_unknown`; of a device past its expiry, `device_expired`; of a revoked device, or a wrong secret
 * under a known device id, `device_revoked` (device ids are not secret: that changes nothing else). A token the device's rotation
 * replaced, presented again, is `device_revoked` and **revokes the device** (`reused`): one of the two browsers holding it
 * has a copy, as in OAuth refresh-token rotation, so both lose it. Digests are compared in constant time, every
 * one of them.
 *
 * @param devices - the record's list
 * @param presented - from the token codec
 * @param replacement - the digest of the token that replaces it (minted with the same device id)
 * @param now - the service's clock (ms)
 */
export function useDevice(
  devices: readonly DeviceEntry[],
  presented: PresentedDevice,
  replacement: string,
  now: number,
): { ok: true; deviceId: string; devices: DeviceEntry[] } | DeviceRefusal {
  const index = devices.findIndex((d) => d.id === presented.id)
  const entry = devices[index]
  if (entry === undefined) return { ok: false, reason: 'device_unknown' }
  const deviceId = entry.id
  if (isRevoked(entry)) return { ok: false, reason: 'device_revoked', deviceId }
  const replaced = entry.replaced ?? []
  let reused = false
  for (const digest of replaced) reused = timingSafeEqualString(digest, presented.digest) || reused
  if (!timingSafeEqualString(entry.digest, presented.digest)) {
    // an expired device has nothing left to revoke (its entry is dropped at the next trust)
    if (!reused || now >= entry.expiresAt) return { ok: false, reason: 'device_revoked', deviceId }
    return { ok: false, reason: 'device_revoked', deviceId, reused: revokeDevice(devices, deviceId, now).devices }
  }
  if (now >= entry.expiresAt) return { ok: false, reason: 'device_expired', deviceId }
  const next = [...devices]
  const kept = [...replaced, entry.digest].slice(-MAX_REPLACED_TOKENS)
  next[index] = { ...entry, digest: replacement, lastUsedAt: now, replaced: kept }
  return { ok: true, deviceId, devices: next }
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

/**
 * Uses a trusted device's token: accepted once and replaced by `replacement` (the digest of the token the service
 * returns), so the presented token and any copy of it stop working; a replaced token presented again revokes the
 * device ({@link useDevice}: `device_revoked` with `reason: 'reuse'`). A malformed token does not count; every other
 * refusal (`device_unknown`, `device_revoked`, `device_expired`) counts against the same failure budget as a wrong code, and its `failed`
 * event names the device when the record knows it. Success changes no failure count: a device skips MFA, it does
 * not pass it.
 *
 * @param presented - the device id and digest of the token, or null when it was malformed
 */
export function useTrustedDevice(
  record: MFARecord | null,
  presented: PresentedDevice | null,
  replacement: string,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true; deviceId: string; expiresAt: number } | Refusal<DeviceReason>> {
  const gate = deviceGate(record, now)
  if ('reason' in gate) return refuseClosed(gate)
  const rec = record as MFARecord
  if (presented === null) return refuse('device_malformed')
  const used = useDevice(rec.devices, presented, replacement, now)
  if (!used.ok) {
    const refused = fail(rec, used.reason, now, policy)
    if (used.deviceId === undefined) return refused
    const [failed, ...rest] = refused.events
    const events: MFAEventDraft[] = [{ ...(failed as MFAEventDraft), deviceId: used.deviceId }, ...rest]
    if (used.reused) {
      events.push({ type: 'device_revoked', deviceId: used.deviceId, reason: 'reuse' })
      return { ...refused, next: { ...(refused.next as MFARecord), devices: used.reused }, events }
    }
    return { ...refused, events }
  }
  const device = used.devices.find((d) => d.id === used.deviceId) as TrustedDevice
  return {
    result: { ok: true, deviceId: used.deviceId, expiresAt: device.expiresAt },
    next: { ...rec, devices: used.devices },
    events: [{ type: 'verified', method: 'device', deviceId: used.deviceId }],
  }
}

/** The user's trusted devices as a settings page shows them (unexpired, unrevoked; never a digest). */
export function trustedDevices(record: MFARecord | null, now: number): TrustedDeviceInfo[] {
  return listDevices(record?.devices ?? [], now)
}

/** Revokes one trusted device (no proof: revoking only takes access away). */
export function revokeTrustedDevice(
  record: MFARecord | null,
  deviceId: string,
  now: number,
): Transition<{ ok: true } | Refusal<'not_found'>> {
  const revoked = record ? revokeDevice(record.devices, deviceId, now) : { revoked: false, devices: [] }
  if (!record || !revoked.revoked) return { result: { ok: false, reason: 'not_found' }, events: [] }
  return {
    result: { ok: true },
    next: { ...record, devices: revoked.devices },
    events: [{ type: 'device_revoked', deviceId, reason: 'user' }],
  }
}

/** Revokes every trusted device of the user; says how many there were. */
export function revokeTrustedDevices(record: MFARecord | null, now: number): Transition<{ ok: true; revoked: number }> {
  const { devices, revoked } = revokeAllDevices(record?.devices ?? [], now)
  const t: Transition<{ ok: true; revoked: number }> = {
    result: { ok: true, revoked: revoked.length },
    events: revoked.map((deviceId): MFAEventDraft => ({ type: 'device_revoked', deviceId, reason: 'user' })),
  }
  if (record && revoked.length > 0) t.next = { ...record, devices }
  return t
}

/**
 * Every trusted device revoked for a security change (disable, reset, a removed authenticator, new recovery
 * codes): the new list and one `device_revoked` event per device.
 */
export function revokeForSecurity(
  record: MFARecord | null,
  now: number,
): { devices: MFARecord['devices']; events: MFAEventDraft[] } {
  const { devices, revoked } = revokeAllDevices(record?.devices ?? [], now)
  return {
    devices,
    events: revoked.map((deviceId): MFAEventDraft => ({ type: 'device_revoked', deviceId, reason: 'security' })),
  }
}
