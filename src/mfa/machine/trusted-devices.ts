// Trusted devices: using a device's token instead of a code, listing and revoking them, and revoking them all for
// a security change. The list rules themselves are in ../device.ts.
import {
  type DeviceReason,
  listDevices,
  revokeAllDevices,
  revokeDevice,
  type TrustedDeviceInfo,
  useDevice,
} from '../device.js'
import type { MFAEventDraft } from '../events.js'
import type { MFAPolicy } from '../policy.js'
import type { MFARecord } from '../record.js'
import { deviceGate } from './gates.js'
import { fail, refuse } from './refusal.js'
import type { Refusal, Transition } from './types.js'

/** Why `verifyTrustedDevice` refused. */
export type DeviceTokenReason = DeviceReason | 'malformed' | 'locked' | 'not_enrolled'

/**
 * Uses a trusted device's token: accepted once and replaced by `replacement` (the digest of the token the service
 * returns), so the presented token and any copy of it stop working. A malformed token does not count; every other
 * refusal (`unknown`, `revoked`, `expired`) counts against the same failure budget as a wrong code. Success
 * changes no failure count: a device skips MFA, it does not pass it.
 *
 * @param presented - the device id and digest of the token, or null when it was malformed
 */
export function useTrustedDevice(
  record: MFARecord | null,
  presented: { id: string; digest: string } | null,
  replacement: string,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true; deviceId: string; expiresAt: number } | Refusal<DeviceTokenReason>> {
  const gate = deviceGate(record, now)
  if ('reason' in gate)
    return refuse(gate.reason, gate.retryAfterMs === undefined ? {} : { retryAfterMs: gate.retryAfterMs })
  const rec = record as MFARecord
  if (presented === null) return refuse('malformed')
  const used = useDevice(rec.devices, presented, replacement, now)
  if (!used.ok) return fail(rec, used.reason, now, policy)
  const device = used.devices.find((d) => d.id === used.deviceId) as { expiresAt: number }
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
