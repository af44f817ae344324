// What a settings page shows of the user's MFA.
import { listDevices } from '../device.js'
import type { MFARecord } from '../record.js'

/** What the user has, for a settings page. Times in milliseconds since the Unix epoch. */
export interface MFAStatus {
  /** `active`: codes are required; `pending`: a first enrollment awaits confirmation; `none`: neither. */
  state: 'none' | 'pending' | 'active'
  /** When MFA was turned on. */
  enabledAt?: number
  /** How many authenticators the user has. */
  authenticators?: number
  recoveryCodesLeft?: number
  /** Set while the user is locked out of code checks. */
  lockedUntil?: number
  /** Expiry of a pending enrollment (a first one, or another authenticator being added). */
  pendingExpiresAt?: number
  /** How many trusted devices (unexpired, unrevoked) the user has; absent when none. */
  trustedDevices?: number
}

/** The status of a record at `now`: an expired pending enrollment is not shown. */
export function status(record: MFARecord | null, now: number): MFAStatus {
  const pending = record?.pending && now < record.pending.expiresAt ? record.pending : null
  const count = record?.authenticators.length ?? 0
  const out: MFAStatus = { state: count > 0 ? 'active' : pending ? 'pending' : 'none' }
  if (record && count > 0) {
    out.enabledAt = record.enabledAt as number
    out.authenticators = count
    out.recoveryCodesLeft = record.recovery?.digests.length ?? 0
    if (record.lockedUntil > now) out.lockedUntil = record.lockedUntil
    const devices = listDevices(record.devices, now).length
    if (devices > 0) out.trustedDevices = devices
  }
  if (pending) out.pendingExpiresAt = pending.expiresAt
  return out
}
