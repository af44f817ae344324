// A security change: an authenticator removed, new recovery codes, MFA turned off. Besides its own effect it moves the
// generation on (every earlier step-up proof is void), revokes every trusted device, and cancels a pending
// enrollment: one begun with a proof of the old generation must not outlive that proof.
import type { MFAEventDraft } from '../events.js'
import type { KeyRegistration } from '../record/security-key.js'
import { countUp, MAX_GENERATION, type MFARecord, type PendingEnrollment } from '../record/shapes.js'
import { dropRegistration } from './key-assertions.js'
import { revokeForSecurity } from './trusted-devices.js'

/** The `enrollment_cancelled` event of a pending enrollment that goes unconfirmed (none when there is none). */
export function cancelled(pending: PendingEnrollment | null, reason: 'user' | 'security'): MFAEventDraft[] {
  return pending ? [{ type: 'enrollment_cancelled', authenticatorId: pending.id, reason }] : []
}

/** The `enrollment_cancelled` event of a security key's registration begun and dropped (none when there is none). */
export function registrationCancelled(
  registration: KeyRegistration | null | undefined,
  reason: 'user' | 'security',
): MFAEventDraft[] {
  return registration
    ? [{ type: 'enrollment_cancelled', authenticatorId: registration.id, reason, kind: 'webauthn' }]
    : []
}

/**
 * What every security change does to a record besides its own effect: the generation moves on, every trusted device
 * is revoked and a pending enrollment (an app's, or a security key's registration) is cancelled.
 *
 * @param record - the record after the change's own effect (the proof consumed, say)
 * @param now - the service's clock (ms)
 * @returns the record and the events (`device_revoked` with `reason: 'security'`, `enrollment_cancelled`)
 */
export function securityChange(record: MFARecord, now: number): { next: MFARecord; events: MFAEventDraft[] } {
  const revoked = revokeForSecurity(record, now)
  return {
    next: {
      ...dropRegistration(record),
      generation: countUp(record.generation, MAX_GENERATION),
      devices: revoked.devices,
      pending: null,
    },
    events: [
      ...revoked.events,
      ...cancelled(record.pending, 'security'),
      ...registrationCancelled(record.webauthn?.registration, 'security'),
    ],
  }
}
