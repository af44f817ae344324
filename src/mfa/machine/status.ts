// What a settings page shows of the user's MFA.
import type { MFAStatus } from '../api.js'
import type { MFARecord } from '../record/shapes.js'
import { keyIds } from './keys.js'
import { liveUnsaved } from './recovery-codes.js'
import { listDevices } from './trusted-devices.js'

/** The status of a record at `now`: an expired pending enrollment is not shown. */
export function status(record: MFARecord | null, now: number): MFAStatus {
  const pending = record?.pending && now < record.pending.expiresAt ? record.pending : null
  const registration = record?.webauthn?.registration
  const keyPending = registration && now < registration.expiresAt ? registration : null
  const count = record?.authenticators.length ?? 0
  const out: MFAStatus = { state: count > 0 ? 'active' : pending || keyPending ? 'pending' : 'none' }
  if (record && count > 0) {
    out.enabledAt = record.enabledAt as number
    out.authenticators = count
    out.recoveryCodesLeft = record.recovery?.digests.length ?? 0
    if (record.lockedUntil > now) out.lockedUntil = record.lockedUntil
    const devices = listDevices(record.devices, now).length
    if (devices > 0) out.trustedDevices = devices
    const unsaved = liveUnsaved(record, now)
    if (unsaved) out.unsavedRecoveryCodesUntil = unsaved.expiresAt
  }
  if (pending) {
    out.pendingExpiresAt = pending.expiresAt
    out.pendingAuthenticatorId = pending.id
  }
  if (keyPending) out.pendingSecurityKey = { authenticatorId: keyPending.id, expiresAt: keyPending.expiresAt }
  const ids = record ? keyIds(record) : []
  if (ids.length > 0) out.keyIds = ids
  return out
}
